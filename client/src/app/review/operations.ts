import { graphql } from '@/gql';

// The review screen (issue #14): each waiting face with the student worth proposing (never an
// implausible one, never one already seen in that photo), who is present already, and bulk dismissal.

export const ReviewDecisionsQuery = graphql(`
  query ReviewDecisions($sessionId: ID!) {
    session(id: $sessionId) {
      id
      isOpen
      openedAt
      awaitingReview
      course {
        ...CourseRosterFields
      }
      records {
        id
        studentId
        status
        source
      }
      photos(take: 200) {
        items {
          id
          width
          height
        }
      }
      reviewQueue(take: 200) {
        total
        items {
          id
          photoId
          decision
          confidence
          quality
          box {
            ...BoxFields
          }
          proposedStudent {
            id
            name
            externalId
            faces {
              id
              quality
            }
          }
        }
      }
    }
  }
`);

export const ReviewDecisionImagesQuery = graphql(`
  query ReviewDecisionImages($sessionId: ID!) {
    session(id: $sessionId) {
      id
      photos(take: 200) {
        items {
          id
          imageUrl
        }
      }
      reviewQueue(take: 200) {
        items {
          id
          imageUrl
          proposedStudent {
            id
            faces {
              id
              imageUrl
            }
          }
        }
      }
    }
  }
`);

export const DismissUnknownFacesMutation = graphql(`
  mutation DismissUnknownFaces($sessionId: ID!) {
    dismissUnknownFaces(sessionId: $sessionId)
  }
`);

export const ConfirmFaceMutation = graphql(`
  mutation ConfirmFace($faceId: ID!, $studentId: ID) {
    confirmFace(faceId: $faceId, studentId: $studentId) {
      id
      reviewStatus
      student {
        id
        name
      }
    }
  }
`);
export const DismissFaceMutation = graphql(`
  mutation DismissFace($faceId: ID!) {
    dismissFace(faceId: $faceId) {
      id
      reviewStatus
    }
  }
`);
