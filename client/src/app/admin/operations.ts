import { graphql } from '@/gql';

// Administration (admins): users, integration keys, audit log.

export const UsersQuery = graphql(`
  query Users {
    users {
      id
      email
      name
      role
      createdAt
      disabledAt
    }
  }
`);
export const CreateUserMutation = graphql(`
  mutation CreateUser($input: CreateUserInput!) {
    createUser(input: $input) {
      id
      email
      name
      role
      createdAt
      disabledAt
    }
  }
`);
export const ApiKeyFields = graphql(`
  fragment ApiKeyFields on ApiKey {
    id
    name
    prefix
    scopes
    courseId
    createdAt
    createdBy
    lastUsedAt
    revokedAt
  }
`);
export const ApiKeysQuery = graphql(`
  query ApiKeys {
    apiKeys {
      ...ApiKeyFields
    }
    users {
      id
      email
    }
    courses(take: 200) {
      items {
        id
        code
        name
      }
    }
  }
`);
export const CreateApiKeyMutation = graphql(`
  mutation CreateApiKey($input: CreateApiKeyInput!) {
    createApiKey(input: $input) {
      secret
      apiKey {
        ...ApiKeyFields
      }
    }
  }
`);
export const RevokeApiKeyMutation = graphql(`
  mutation RevokeApiKey($id: ID!) {
    revokeApiKey(id: $id) {
      ...ApiKeyFields
    }
  }
`);
export const AuditLogQuery = graphql(`
  query AuditLog($skip: Int!, $take: Int!, $targetId: String) {
    auditLog(skip: $skip, take: $take, targetId: $targetId) {
      total
      hasMore
      items {
        id
        at
        actor
        actorLabel
        action
        targetType
        targetId
        details
      }
    }
  }
`);
