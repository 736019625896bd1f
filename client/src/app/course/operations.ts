import { graphql } from '@/gql';

// The course screen's class building (issue #14): the class list with face-profile advice, the CSV
// import (a later source such as OneRoster plugs into the same screen), and bulk face enrollment.

export const CourseClassQuery = graphql(`
  query CourseClass($id: ID!) {
    course(id: $id) {
      id
      students(take: 200) {
        total
        items {
          id
          externalId
          name
          email
          consentGivenAt
          faceAdvice {
            faces
            weakFaces
            ready
            message
          }
        }
      }
    }
  }
`);

export const ImportRosterMutation = graphql(`
  mutation ImportRoster($courseId: ID!, $csv: String!, $dryRun: Boolean) {
    importRoster(courseId: $courseId, csv: $csv, dryRun: $dryRun) {
      dryRun
      created
      enrolled
      unchanged
      skipped
      rows {
        line
        externalId
        name
        outcome
        message
      }
    }
  }
`);

export const CourseQuery = graphql(`
  query Course($id: ID!) {
    course(id: $id) {
      id
      code
      name
      createdAt
      students(take: 200) {
        total
        items {
          id
          externalId
          name
          email
          consentGivenAt
          faces {
            id
          }
        }
      }
      sessions(take: 200) {
        total
        items {
          id
          openedAt
          closedAt
          isOpen
          records {
            id
            status
          }
        }
      }
    }
  }
`);
export const AddStudentMutation = graphql(`
  mutation AddStudent($input: AddStudentInput!) {
    addStudent(input: $input) {
      id
      externalId
      name
    }
  }
`);
export const StartSessionMutation = graphql(`
  mutation StartSession($courseId: ID!, $options: StartSessionOptions) {
    startSession(courseId: $courseId, options: $options) {
      id
      openedAt
      lateAfter
    }
  }
`);

// A course's weekly timetable (issue #15), as read and as saved.
export const CourseScheduleFields = graphql(`
  fragment CourseScheduleFields on CourseScheduleType {
    courseId
    timezone
    termStart
    termEnd
    slots {
      id
      weekday
      start
      end
      lateAfterMinutes
    }
  }
`);

export const CourseScheduleQuery = graphql(`
  query CourseSchedule($courseId: ID!) {
    courseSchedule(courseId: $courseId) {
      ...CourseScheduleFields
    }
  }
`);

export const SetCourseScheduleMutation = graphql(`
  mutation SetCourseSchedule($courseId: ID!, $timezone: String!, $slots: [ScheduleSlotInput!]!) {
    setCourseSchedule(courseId: $courseId, timezone: $timezone, slots: $slots) {
      ...CourseScheduleFields
    }
  }
`);
