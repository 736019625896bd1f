import { graphql } from '@/gql';

// Documents of the session screen's safety net (issue #14): what is still waiting, what undo would
// take back, undo itself, and the "everyone not seen is absent" shortcut.

export const SessionSafetyQuery = graphql(`
  query SessionSafety($id: ID!) {
    session(id: $id) {
      id
      awaitingReview
      lastAction {
        id
        kind
        summary
        createdAt
      }
    }
  }
`);

export const UndoSessionActionMutation = graphql(`
  mutation UndoSessionAction($sessionId: ID!, $actionId: ID) {
    undoSessionAction(sessionId: $sessionId, actionId: $actionId) {
      action {
        id
        summary
      }
      records {
        ...RecordFields
      }
      clearedStudentIds
    }
  }
`);

export const MarkNotSeenAbsentMutation = graphql(`
  mutation MarkNotSeenAbsent($sessionId: ID!) {
    markNotSeenAbsent(sessionId: $sessionId) {
      ...RecordFields
    }
  }
`);

export const SessionQuery = graphql(`
  query Session($id: ID!) {
    session(id: $id) {
      id
      isOpen
      openedAt
      closedAt
      lateAfter
      course {
        ...CourseRosterFields
      }
      records {
        ...RecordFields
      }
      reviewQueue(take: 1) {
        total
      }
      photos(take: 100) {
        total
        items {
          ...PhotoFields
        }
      }
    }
  }
`);
// Signed image links expire (MEDIA_URL_TTL_SECONDS): fetched by their own small query, so they are
// renewed without refetching the screen.
export const SessionPhotoImagesQuery = graphql(`
  query SessionPhotoImages($id: ID!) {
    session(id: $id) {
      id
      photos(take: 100) {
        items {
          id
          imageUrl
        }
      }
    }
  }
`);
export const SubmitPhotoMutation = graphql(`
  mutation SubmitPhoto($sessionId: ID!, $photo: Upload!) {
    submitPhoto(sessionId: $sessionId, photo: $photo) {
      ...PhotoFields
    }
  }
`);
export const MarkAttendanceMutation = graphql(`
  mutation MarkAttendance($input: MarkAttendanceInput!) {
    markAttendance(input: $input) {
      ...RecordFields
    }
  }
`);
export const CloseSessionMutation = graphql(`
  mutation CloseSession($sessionId: ID!) {
    closeSession(sessionId: $sessionId) {
      id
      isOpen
      closedAt
      records {
        ...RecordFields
      }
    }
  }
`);
export const AttendanceMarkedSubscription = graphql(`
  subscription AttendanceMarked($sessionId: ID!) {
    attendanceMarked(sessionId: $sessionId) {
      ...RecordFields
    }
  }
`);
export const PhotoProcessedSubscription = graphql(`
  subscription PhotoProcessed($sessionId: ID!) {
    photoProcessed(sessionId: $sessionId) {
      ...PhotoFields
    }
  }
`);
