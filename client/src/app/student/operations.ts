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
