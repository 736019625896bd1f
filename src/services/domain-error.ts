import type { InferenceError } from '../inference/types';

// Errors the services throw. They know nothing of GraphQL; src/schema/errors.ts maps them at the edge.

export enum ErrorCode {
  BAD_USER_INPUT = 'BAD_USER_INPUT',
  NOT_FOUND = 'NOT_FOUND',
  CONFLICT = 'CONFLICT',
  FORBIDDEN = 'FORBIDDEN',
  UNAUTHENTICATED = 'UNAUTHENTICATED',
  PAYLOAD_TOO_LARGE = 'PAYLOAD_TOO_LARGE',
  INVALID_IMAGE = 'INVALID_IMAGE',
  IMAGE_TOO_LARGE = 'IMAGE_TOO_LARGE',
  NO_FACE_DETECTED = 'NO_FACE_DETECTED',
  MULTIPLE_FACES = 'MULTIPLE_FACES',
  LOW_QUALITY_FACE = 'LOW_QUALITY_FACE',
  CONSENT_REQUIRED = 'CONSENT_REQUIRED',
  SESSION_CLOSED = 'SESSION_CLOSED',
  INFERENCE_UNAVAILABLE = 'INFERENCE_UNAVAILABLE',
  RATE_LIMITED = 'RATE_LIMITED',
  /** The caller (or the platform) has spent its inference budget for now; retry later. */
  INFERENCE_BUDGET_EXCEEDED = 'INFERENCE_BUDGET_EXCEEDED',
}

export class DomainError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
    this.name = 'DomainError';
  }
}

export const notFound = (what: string, id: string) =>
  new DomainError(ErrorCode.NOT_FOUND, `${what} ${id} does not exist`, { id });

/** Over a budget: `retryAfter` (seconds) travels in extensions and, over HTTP, as Retry-After. */
export const rateLimited = (retryAfter: number, what: string, code = ErrorCode.RATE_LIMITED) =>
  new DomainError(code, `${what}; retry in ${retryAfter} s`, { retryAfter });

/**
 * Looks a record up through its parent (session, course, student): whatever the parent check
 * answers as NOT_FOUND is answered as this record's NOT_FOUND, so another institution's record gets
 * exactly the answer of a random id and its parent's id never leaks.
 */
export async function throughParent<T>(what: string, id: string, check: Promise<T>): Promise<T> {
  try {
    return await check;
  } catch (error) {
    if (error instanceof DomainError && error.code === ErrorCode.NOT_FOUND) {
      throw notFound(what, id);
    }
    throw error;
  }
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Ids are uuids; anything else cannot exist, and must not reach SQL as a type error. */
export function assertId(what: string, id: string): void {
  if (!UUID.test(id)) {
    throw notFound(what, id);
  }
}

export function mapInferenceCode(error: InferenceError): ErrorCode {
  switch (error.code) {
    case 'INVALID_IMAGE':
      return ErrorCode.INVALID_IMAGE;
    case 'IMAGE_TOO_LARGE':
      return ErrorCode.IMAGE_TOO_LARGE;
    case 'INFERENCE_UNAVAILABLE':
      return ErrorCode.INFERENCE_UNAVAILABLE;
  }
}
