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
