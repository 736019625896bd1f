import { graphql } from '@/gql';

// The attendance report of a course over a period.

export const ReportQuery = graphql(`
  query Report($courseId: ID!) {
    course(id: $courseId) {
      id
      code
      name
      students(take: 200) {
        items {
          id
          name
          externalId
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
            studentId
            status
            source
            confidence
            note
            firstSeenAt
          }
        }
      }
    }
  }
`);
