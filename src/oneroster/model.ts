// What Rollcall reads from a OneRoster 1.1 / 1.2 bulk or delta CSV set, and what it reports back.

export const ENTITIES = ['terms', 'courses', 'students', 'teachers', 'enrollments', 'orgs', 'users'] as const;
/** Rollcall records an import counts (orgs and non-student/teacher users are only checked). */
export type ImportEntity = (typeof ENTITIES)[number];

export type RowAction = 'CREATED' | 'UPDATED' | 'UNCHANGED' | 'REMOVED' | 'SKIPPED' | 'REFUSED';

export type RefusalReason =
  | 'BAD_REFERENCE'
  | 'MISSING_REQUIRED_COLUMN'
  | 'MISSING_REQUIRED_VALUE'
  | 'DUPLICATE_ID'
  | 'INVALID_VALUE'
  | 'CONFLICT'
  | 'MALFORMED_ROW'
  | 'MISSING_FILE';

export interface RowResult {
  file: string;
  line: number;
  sourcedId: string | null;
  entity: ImportEntity | null;
  action: RowAction;
  reason: RefusalReason | null;
  message: string | null;
}

export interface FileResult {
  file: string;
  rows: number;
  created: number;
  updated: number;
  unchanged: number;
  removed: number;
  skipped: number;
  refused: number;
}

export type Counts = Partial<Record<ImportEntity, number>>;

/** The CLI's last line and the API's summary: counts per entity and every refused row. */
export interface ImportSummary {
  oneRosterVersion: string;
  created: Counts;
  updated: Counts;
  unchanged: Counts;
  removed: Counts;
  skipped: Counts;
  refused: RowResult[];
}

export interface ImportReport {
  summary: ImportSummary;
  files: FileResult[];
  /** Row results, at most `rowLimit` of them (refusals are always in `summary.refused`). */
  rows: RowResult[];
  rowsTruncated: boolean;
  /** Set-level notes that refuse nothing (no manifest, files Rollcall does not read). */
  warnings: string[];
}

/** The files Rollcall reads, in the order they are processed (each refers only to earlier ones). */
export const FILE_ORDER = [
  'orgs.csv',
  'academicsessions.csv',
  'courses.csv',
  'classes.csv',
  'roles.csv',
  'users.csv',
  'enrollments.csv',
] as const;
export type OneRosterFile = (typeof FILE_ORDER)[number];

/** Columns the spec requires and Rollcall needs filled, per file (lower case). */
export const REQUIRED: Record<OneRosterFile, readonly string[]> = {
  'orgs.csv': ['sourcedid', 'name', 'type'],
  'academicsessions.csv': ['sourcedid', 'title', 'type', 'startdate', 'enddate'],
  'courses.csv': ['sourcedid', 'title'],
  'classes.csv': ['sourcedid', 'title', 'coursesourcedid', 'schoolsourcedid', 'termsourcedids'],
  'roles.csv': ['usersourcedid', 'role'],
  'users.csv': ['sourcedid', 'givenname', 'familyname'],
  'enrollments.csv': ['sourcedid', 'classsourcedid', 'usersourcedid', 'role'],
};

export type RowStatus = 'active' | 'tobedeleted';

/** OneRoster status tokens in any case; bulk files carry them too, and `inactive` appears in the wild. */
export function parseStatus(value: string | undefined): RowStatus {
  return (value ?? '').trim().toLowerCase() === 'tobedeleted' ? 'tobedeleted' : 'active';
}

export type UserKind = 'student' | 'teacher' | 'other';

/** Student-like and teacher-like OneRoster role tokens (1.1 and 1.2), compared in lower case. */
export function kindOfRole(role: string): UserKind {
  const r = role.trim().toLowerCase();
  if (r === 'student') {
    return 'student';
  }
  if (r === 'teacher') {
    return 'teacher';
  }
  return 'other';
}

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** A calendar date (YYYY-MM-DD, the spec's format), or null when it is not one. */
export function parseDate(value: string): string | null {
  const m = ISO_DATE.exec(value.trim());
  if (!m) {
    return null;
  }
  const d = new Date(`${m[0]}T00:00:00Z`);
  return Number.isNaN(d.getTime()) || d.toISOString().slice(0, 10) !== m[0] ? null : m[0];
}

/** Multi-value fields ("a,b" inside quotes), trimmed, empties dropped. */
export const splitList = (value: string): string[] =>
  value
    .split(',')
    .map((v) => v.trim())
    .filter(Boolean);

const TRUE = new Set(['true', 'yes', 'y', '1']);
export const isTrue = (value: string | undefined): boolean => TRUE.has((value ?? '').trim().toLowerCase());

/**
 * The consent column convention: a users.csv extension column (OneRoster allows `metadata.*`) that a
 * school fills only where it has collected written biometric consent. It is read only when the
 * import is started with `consentColumn: true`.
 */
export const CONSENT_COLUMN = 'metadata.rollcall.biometricconsent';
