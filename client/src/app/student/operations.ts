import { graphql } from '@/gql';

// The student's attendance history (issue #14): every session of the courses the teacher can see.

export const StudentHistoryQuery = graphql(`
  query StudentHistory($id: ID!) {
    student(id: $id) {
      id
      name
      faceAdvice {
        ready
        message
      }
      history {
        sessionId
        courseId
        courseCode
        openedAt
        status
        source
        note
        firstSeenAt
      }
    }
  }
`);

export const StudentQuery = graphql(`
  query Student($id: ID!) {
    student(id: $id) {
      id
      externalId
      name
      email
      createdAt
      consentGivenAt
      consentRecordedBy
      faces {
        ...FaceSampleFields
      }
    }
  }
`);
// Signed image links expire (MEDIA_URL_TTL_SECONDS): fetched by their own small query, so they are
// renewed without refetching the screen.
export const StudentFaceImagesQuery = graphql(`
  query StudentFaceImages($id: ID!) {
    student(id: $id) {
      id
      faces {
        id
        imageUrl
      }
    }
  }
`);
export const EnrollFacesMutation = graphql(`
  mutation EnrollFaces($studentId: ID!, $photos: [Upload!]!) {
    enrollFaces(studentId: $studentId, photos: $photos) {
      ...FaceSampleFields
    }
  }
`);
export const AssessFaceMutation = graphql(`
  mutation AssessFace($photo: Upload!) {
    assessFace(photo: $photo) {
      ok
      code
      message
      issues
      quality
      box {
        ...BoxFields
      }
    }
  }
`);
export const DeleteFaceMutation = graphql(`
  mutation DeleteFace($id: ID!) {
    deleteFace(id: $id)
  }
`);
export const DeleteStudentMutation = graphql(`
  mutation DeleteStudent($id: ID!) {
    deleteStudent(id: $id)
  }
`);
export const WithdrawConsentMutation = graphql(`
  mutation WithdrawConsent($studentId: ID!) {
    withdrawConsent(studentId: $studentId) {
      id
      consentGivenAt
      consentRecordedBy
      faces {
        id
      }
    }
  }
`);
export const GiveConsentMutation = graphql(`
  mutation GiveConsent($studentId: ID!) {
    giveConsent(studentId: $studentId) {
      id
      consentGivenAt
      consentRecordedBy
    }
  }
`);
export const StudentDataExportQuery = graphql(`
  query StudentDataExport($studentId: ID!) {
    studentDataExport(studentId: $studentId) {
      exportedAt
      student {
        id
        externalId
        name
        email
        createdAt
        consentGivenAt
        consentRecordedBy
      }
      records {
        id
        sessionId
        status
        source
        confidence
        note
        firstSeenAt
        updatedAt
        photoId
        faceId
      }
      faces {
        id
        createdAt
        quality
        detectionScore
        source
        model
        imageUrl
        box {
          ...BoxFields
        }
      }
    }
  }
`);
