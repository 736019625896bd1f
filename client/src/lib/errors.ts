import type { CombinedError } from '@urql/core';
import type { ErrorCode } from '@/gql/graphql';

// Every failure the dashboard shows goes through here: the server's extensions.code becomes words a
// teacher understands. The domain codes are the schema's ErrorCode enum (typed, so a new or renamed
// code fails the typecheck); the rest come from Apollo, graphql-upload and the network.

export const NETWORK_ERROR = 'NETWORK_ERROR';

const DOMAIN_MESSAGES: Record<ErrorCode, string> = {
  BAD_USER_INPUT: 'Some of the information is not valid. Please check the highlighted fields.',
  NOT_FOUND: 'This item does not exist any more. It may have been deleted.',
  CONFLICT: 'This clashes with something already there (same course code, student number or photo).',
  FORBIDDEN: 'You do not have permission to do this.',
  UNAUTHENTICATED: 'Your sign-in has expired. Please sign in again.',
  PAYLOAD_TOO_LARGE: 'The file is too large (or there are too many files at once).',
  INVALID_IMAGE: 'This file is not a readable image. Use a JPEG or PNG photo.',
  IMAGE_TOO_LARGE: 'The image has too many pixels. Use a smaller photo.',
  NO_FACE_DETECTED: 'No face was found in this photo.',
  MULTIPLE_FACES: 'This photo shows more than one person. Use a photo of the student alone.',
  LOW_QUALITY_FACE: 'The face is too small, blurred or turned away. Try a clearer, front-facing photo.',
  SESSION_CLOSED: 'This session is closed; photos and changes are no longer accepted.',
  CONSENT_REQUIRED: 'Biometric consent must be recorded before faces can be used for this student.',
  INFERENCE_UNAVAILABLE: 'Face recognition is temporarily unavailable. Please try again in a minute.',
  RATE_LIMITED: 'Too many requests in a short time. Wait a moment and try again.',
  INFERENCE_BUDGET_EXCEEDED:
    'Many photos are being analysed right now. Wait a minute, then send this photo again.',
};

export const MESSAGES: Record<string, string> = {
  ...DOMAIN_MESSAGES,
  BAD_REQUEST: 'The request could not be understood. Please try again.',
  INTERNAL_SERVER_ERROR: 'Something went wrong on the server. Please try again.',
  GRAPHQL_VALIDATION_FAILED: 'The dashboard and the server versions do not match. Reload the page.',
  GRAPHQL_PARSE_FAILED: 'The dashboard and the server versions do not match. Reload the page.',
  OPERATION_RESOLUTION_FAILURE: 'The dashboard and the server versions do not match. Reload the page.',
  PERSISTED_QUERY_NOT_FOUND: 'The dashboard and the server versions do not match. Reload the page.',
  [NETWORK_ERROR]: 'The server cannot be reached. Check your connection.',
};

export interface GraphQLErrorLike {
  message: string;
  extensions?: Record<string, unknown>;
}

/** An error from one of our own requests (uploads), carrying the server's code. */
export class ApiError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly extensions: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

export function errorCodeOf(error: GraphQLErrorLike): string {
  const code = error.extensions?.code;
  return typeof code === 'string' ? code : 'INTERNAL_SERVER_ERROR';
}

export function isCombinedError(error: unknown): error is CombinedError {
  return typeof error === 'object' && error !== null && 'graphQLErrors' in error && 'name' in error;
}

/** The first code of an error of any shape this app produces. */
export function codeOf(error: unknown): string {
  if (error instanceof ApiError) {
    return error.code;
  }
  if (isCombinedError(error)) {
    if (error.networkError) {
      return NETWORK_ERROR;
    }
    const first = error.graphQLErrors[0];
    return first ? errorCodeOf(first) : 'INTERNAL_SERVER_ERROR';
  }
  return 'INTERNAL_SERVER_ERROR';
}

/** Words for a teacher; `detail` adds the server's own message where it helps (validation). */
export function describeError(error: unknown): string {
  const code = codeOf(error);
  const words = MESSAGES[code] ?? MESSAGES.INTERNAL_SERVER_ERROR!;
  if (code === 'BAD_USER_INPUT' || code === 'CONFLICT') {
    const detail = serverMessage(error);
    return detail && isPlainWords(detail) ? `${words} (${detail})` : words;
  }
  return words;
}

/**
 * The server's own sentence is shown only when it reads as plain words: anything naming an API
 * operation or field (camelCase, "Argument Validation Error") stays out of a teacher's sight.
 */
export function isPlainWords(text: string): boolean {
  return !/[a-z][A-Z]|Argument Validation|GraphQL|[{}[\]_]/.test(text);
}

/** Row problems of a class-list import, from the error's extensions. */
export function rowProblems(error: unknown): { line: number; field: string; message: string }[] {
  const extensions =
    error instanceof ApiError
      ? error.extensions
      : isCombinedError(error)
        ? (error.graphQLErrors[0]?.extensions ?? {})
        : {};
  const rows = extensions.rows;
  return Array.isArray(rows) ? (rows as { line: number; field: string; message: string }[]) : [];
}

export function describeCode(code: string | null | undefined): string {
  return (code && MESSAGES[code]) || MESSAGES.INTERNAL_SERVER_ERROR!;
}

function serverMessage(error: unknown): string | null {
  if (error instanceof ApiError) {
    return error.message;
  }
  if (isCombinedError(error)) {
    return error.graphQLErrors[0]?.message ?? null;
  }
  return null;
}
