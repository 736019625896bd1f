// GraphQL documents shared by the end-to-end tests.

export const CREATE_COURSE = `mutation($input: CreateCourseInput!) { createCourse(input: $input) { id code name } }`;

export const ADD_STUDENT = `mutation($input: AddStudentInput!) {
  addStudent(input: $input) { id externalId name consentGivenAt }
}`;

export const ENROLL_FACES = `mutation($studentId: ID!, $photos: [Upload!]!) {
  enrollFaces(studentId: $studentId, photos: $photos) { id quality model box { x y width height } }
}`;

export const START_SESSION = `mutation($courseId: ID!) { startSession(courseId: $courseId) { id isOpen } }`;

export const CLOSE_SESSION = `mutation($sessionId: ID!) { closeSession(sessionId: $sessionId) { id isOpen closedAt } }`;

export const SUBMIT_PHOTO = `mutation($sessionId: ID!, $photo: Upload!) {
  submitPhoto(sessionId: $sessionId, photo: $photo) {
    id status errorCode backend processingMs
    faces { box { x y width height } decision confidence student { externalId } candidate { externalId } }
  }
}`;

export const PHOTO = `query($id: ID!) {
  photo(id: $id) { id status faces { decision confidence student { externalId } } }
}`;

export const SESSION = `query($id: ID!) {
  session(id: $id) {
    id isOpen
    records { status confidence source student { externalId } }
    photos { total items { id status } }
    reviewQueue { total items { id decision confidence candidate { externalId } } }
  }
}`;

export const STUDENT_FACES = `query($id: ID!) { student(id: $id) { id faces { id } } }`;

export interface SubmittedPhotoResult {
  id: string;
  status: string;
  errorCode: string | null;
  backend: string | null;
  processingMs: number | null;
  faces: {
    box: { x: number; y: number; width: number; height: number };
    decision: string;
    confidence: number | null;
    student: { externalId: string } | null;
    candidate: { externalId: string } | null;
  }[];
}
