import { graphql } from '@/gql';

// Fragments several screens select (codegen resolves them by name, wherever they are spelled).

export const BoxFields = graphql(`
  fragment BoxFields on Box {
    x
    y
    width
    height
  }
`);
export const FaceSampleFields = graphql(`
  fragment FaceSampleFields on FaceSample {
    id
    createdAt
    quality
    detectionScore
    source
    box {
      ...BoxFields
    }
  }
`);
export const RecordFields = graphql(`
  fragment RecordFields on AttendanceRecord {
    id
    sessionId
    studentId
    status
    source
    confidence
    note
    firstSeenAt
    updatedAt
    photoId
    faceId
  }
`);
export const PhotoFields = graphql(`
  fragment PhotoFields on PhotoAnalysis {
    id
    sessionId
    status
    submittedAt
    processedAt
    width
    height
    errorCode
    errorMessage
    faces {
      id
      decision
      confidence
      reviewStatus
      box {
        ...BoxFields
      }
      student {
        id
        name
        externalId
      }
      candidate {
        id
        name
        externalId
      }
    }
  }
`);

/** A session's course with its class list, as the session and review screens name faces. */
export const CourseRosterFields = graphql(`
  fragment CourseRosterFields on Course {
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
  }
`);
