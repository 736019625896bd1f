import type { ApiScope } from '../entities/api-key.entity';
import { Role } from '../entities/user.entity';

// Who is asking. Built once per request (HTTP) or connection (WebSocket) from the credentials and
// passed explicitly to every service call: authorization is decided in the services, not the edge.

export interface UserViewer {
  kind: 'user';
  userId: string;
  institutionId: string;
  role: Role;
  email: string;
  /** The login (refresh-token family) the access token belongs to; absent for internal viewers. */
  sessionId?: string;
  /** When the access token expires (ms since epoch). */
  expiresAt?: number;
}

export interface ApiKeyViewer {
  kind: 'apiKey';
  keyId: string;
  institutionId: string;
  name: string;
  scopes: readonly ApiScope[];
  /** The only course the key reaches, or null for every course of the institution. */
  courseId: string | null;
}

export interface AnonymousViewer {
  kind: 'anonymous';
}

/** The platform acting on its own (retention purge, scheduled jobs). */
export interface SystemViewer {
  kind: 'system';
  institutionId: string;
}

export type Viewer = UserViewer | ApiKeyViewer | AnonymousViewer | SystemViewer;
export type AuthenticatedViewer = Exclude<Viewer, AnonymousViewer>;

export const ANONYMOUS: AnonymousViewer = { kind: 'anonymous' };

/** The id recorded in audit and consent fields. */
export function actorId(viewer: AuthenticatedViewer): string {
  switch (viewer.kind) {
    case 'user':
      return `user:${viewer.userId}`;
    case 'apiKey':
      return `apikey:${viewer.keyId}`;
    case 'system':
      return 'system';
  }
}

export function actorLabel(viewer: AuthenticatedViewer): string {
  switch (viewer.kind) {
    case 'user':
      return viewer.email;
    case 'apiKey':
      return `API key ${viewer.name}`;
    case 'system':
      return 'Rollcall';
  }
}

export const isAdmin = (viewer: Viewer): boolean =>
  viewer.kind === 'system' || (viewer.kind === 'user' && viewer.role === Role.ADMIN);

/** Whose budget a request spends (rate limits, inference): the user, the key, else the address. */
export function callerKey(viewer: Viewer, address: string): string {
  switch (viewer.kind) {
    case 'user':
      return `user:${viewer.userId}`;
    case 'apiKey':
      return `key:${viewer.keyId}`;
    case 'system':
      return 'system';
    case 'anonymous':
      return `ip:${address}`;
  }
}
