import { ApiScope } from '../entities/api-key.entity';
import { Role } from '../entities/user.entity';
import { DomainError, ErrorCode } from '../services/domain-error';
import type { AuthenticatedViewer, Viewer } from './viewer';

// The access rules, in one place and pure, so the matrix test and the services read the same code.
// Records of another institution answer NOT_FOUND (their existence is not revealed); records of the
// caller's institution that the caller may not use answer FORBIDDEN.

export enum CourseAction {
  /** See the course, its roster, sessions and attendance. */
  READ = 'READ',
  /** Change the roster, enroll faces, run sessions, review and mark attendance. */
  MANAGE = 'MANAGE',
  /** Submit class photos to its open sessions. */
  SUBMIT_PHOTOS = 'SUBMIT_PHOTOS',
  /** Follow submitted photos to their result (readers, and keys that submit them). */
  FOLLOW_PHOTOS = 'FOLLOW_PHOTOS',
}

export interface CourseRef {
  id: string;
  institutionId: string;
  teacherId: string | null;
}

export function requireAuthenticated(viewer: Viewer): AuthenticatedViewer {
  if (viewer.kind === 'anonymous') {
    throw new DomainError(ErrorCode.UNAUTHENTICATED, 'Sign in, or send an API key, to use this operation');
  }
  return viewer;
}

export function forbidden(message = 'You are not allowed to do this'): DomainError {
  return new DomainError(ErrorCode.FORBIDDEN, message);
}

export function requireAdmin(viewer: Viewer): AuthenticatedViewer {
  const v = requireAuthenticated(viewer);
  if (v.kind === 'system' || (v.kind === 'user' && v.role === Role.ADMIN)) {
    return v;
  }
  throw forbidden('Only an administrator of the institution may do this');
}

/** Users (admins and teachers) may create courses; integrations may not. */
export function requireStaff(viewer: Viewer): AuthenticatedViewer {
  const v = requireAuthenticated(viewer);
  if (v.kind === 'apiKey') {
    throw forbidden('API keys cannot do this');
  }
  return v;
}

export function canOnCourse(viewer: AuthenticatedViewer, course: CourseRef, action: CourseAction): boolean {
  if (course.institutionId !== viewer.institutionId) {
    return false;
  }
  switch (viewer.kind) {
    case 'system':
      return true;
    case 'user':
      return viewer.role === Role.ADMIN || course.teacherId === viewer.userId;
    case 'apiKey': {
      if (viewer.courseId !== null && viewer.courseId !== course.id) {
        return false;
      }
      switch (action) {
        case CourseAction.READ:
          return viewer.scopes.includes(ApiScope.ATTENDANCE_READ);
        case CourseAction.SUBMIT_PHOTOS:
          return viewer.scopes.includes(ApiScope.PHOTOS_SUBMIT);
        case CourseAction.FOLLOW_PHOTOS:
          return (
            viewer.scopes.includes(ApiScope.PHOTOS_SUBMIT) || viewer.scopes.includes(ApiScope.ATTENDANCE_READ)
          );
        case CourseAction.MANAGE:
          return false;
      }
    }
  }
}

/** Which courses a list may show: exactly those `canOnCourse` admits (a test checks they agree). */
export interface CourseFilter {
  institutionId: string;
  teacherId?: string;
  id?: string;
}

/** The filter for lists of courses the viewer may `action`; null when it may act on none. */
export function courseFilter(viewer: AuthenticatedViewer, action: CourseAction): CourseFilter | null {
  const own = { institutionId: viewer.institutionId };
  switch (viewer.kind) {
    case 'system':
      return own;
    case 'user':
      return viewer.role === Role.ADMIN ? own : { ...own, teacherId: viewer.userId };
    case 'apiKey': {
      const probe: CourseRef = {
        id: viewer.courseId ?? '',
        institutionId: viewer.institutionId,
        teacherId: null,
      };
      // The scope part of the rule does not depend on the course: ask it of any course of the key.
      if (!canOnCourse(viewer, probe, action)) {
        return null;
      }
      return viewer.courseId ? { ...own, id: viewer.courseId } : own;
    }
  }
}

/**
 * Face images (enrolled face photos and their links) are for people, never for integrations: an
 * API key reads attendance and submits photos, but downloads no one's face.
 */
export function assertMayViewFaces(viewer: Viewer): AuthenticatedViewer {
  const v = requireAuthenticated(viewer);
  if (v.kind === 'apiKey') {
    throw forbidden('API keys cannot see face photos');
  }
  return v;
}

/** Throws unless the viewer may perform `action` on the course (which must be in their institution). */
export function assertCourse(viewer: Viewer, course: CourseRef, action: CourseAction): AuthenticatedViewer {
  const v = requireAuthenticated(viewer);
  if (!canOnCourse(v, course, action)) {
    throw forbidden(FORBIDDEN_MESSAGES[action]);
  }
  return v;
}

const FORBIDDEN_MESSAGES: Record<CourseAction, string> = {
  [CourseAction.READ]: 'This course is not one of yours',
  [CourseAction.MANAGE]: 'You may not manage this course',
  [CourseAction.SUBMIT_PHOTOS]: 'You may not submit photos to this course',
  [CourseAction.FOLLOW_PHOTOS]: 'You may not see the photos of this course',
};
