import { graphql } from '@/gql';

// Signing in, renewing the session (lib/auth.ts) and who the viewer is (use-role.ts).

export const AuthPayloadFields = graphql(`
  fragment AuthPayloadFields on AuthPayload {
    accessToken
    refreshToken
    expiresAt
    user {
      id
      email
      name
      role
    }
  }
`);
export const LoginMutation = graphql(`
  mutation Login($email: String!, $password: String!) {
    login(email: $email, password: $password) {
      ...AuthPayloadFields
    }
  }
`);
export const RefreshSessionMutation = graphql(`
  mutation RefreshSession($refreshToken: String!) {
    refreshSession(refreshToken: $refreshToken) {
      ...AuthPayloadFields
    }
  }
`);
export const MeQuery = graphql(`
  query Me {
    me {
      id
      email
      name
      role
    }
  }
`);
