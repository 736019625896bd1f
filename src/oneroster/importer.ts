import { readCsv, type CsvRow } from './csv';
import { readManifest, type FileMode } from './manifest';
import {
  CONSENT_COLUMN,
  FILE_ORDER,
  isTrue,
  kindOfRole,
  parseDate,
  parseStatus,
  REQUIRED,
  splitList,
  type ImportReport,
  type OneRosterFile,
  type UserKind,
} from './model';
import { ReportBuilder } from './report';
import type { OneRosterSource } from './source';

// The OneRoster import as a pure pass over the files: it validates every row against the files
// read so far and the institution's current state, decides what the row does, and hands the writes
// to a RosterWriter in dependency order (terms, courses, users, enrollments). A dry run is the same
// pass without a writer, so the preview and the real run cannot disagree. Memory grows with the
// number of ids (kept to check references), never with the file sizes.

export interface KnownRecord {
  id: string;
  /** The fields an import sets, as `fingerprint*()` below builds them. */
  fingerprint: string;
}

export interface RosterState {
  terms: Map<string, KnownRecord & { startDate: string; endDate: string }>;
  courses: Map<string, KnownRecord & { code: string; teacherSourcedId: string | null }>;
  /** Course codes in use -> the sourcedId of their course (null: a course made by hand). */
  courseCodes: Map<string, string | null>;
  students: Map<string, KnownRecord & { consented: boolean; externalId: string }>;
  /** Student externalIds in use -> sourcedId (null: added by hand; an import links it). */
  studentExternalIds: Map<string, string | null>;
  teachers: Map<string, KnownRecord>;
  /** `${courseSourcedId}|${studentSourcedId}` of current roster links. */
  enrollments: Set<string>;
  /** An account with this e-mail anywhere in the deployment (e-mails are login names). */
  findUserByEmail(email: string): Promise<{ sameInstitution: boolean; sourcedId: string | null } | null>;
}

export type RosterOp =
  | {
      op: 'term';
      create: boolean;
      sourcedId: string;
      title: string;
      type: string;
      startDate: string;
      endDate: string;
    }
  | {
      op: 'course';
      create: boolean;
      sourcedId: string;
      code: string;
      name: string;
      termStart: string | null;
      termEnd: string | null;
    }
  | {
      op: 'student';
      /** create: new student; link: a hand-made student with this externalId gets the sourcedId. */
      mode: 'create' | 'update' | 'link';
      sourcedId: string;
      externalId: string;
      name: string;
      email: string | null;
      /** Record consent now (only with the school's consent column); never withdraws it. */
      recordConsent: boolean;
    }
  | { op: 'teacher'; mode: 'create' | 'update' | 'link'; sourcedId: string; email: string; name: string }
  | { op: 'enroll'; courseSourcedId: string; studentSourcedId: string; sourcedId: string }
  | { op: 'unenroll'; courseSourcedId: string; studentSourcedId: string }
  | { op: 'assignTeacher'; courseSourcedId: string; teacherSourcedId: string | null }
  | { op: 'detachCourse'; courseSourcedId: string }
  | { op: 'detachStudent'; studentSourcedId: string }
  | { op: 'detachTeacher'; teacherSourcedId: string };

export interface RosterWriter {
  apply(ops: RosterOp[]): Promise<void>;
}

export interface ImportOptions {
  /** Honour the school's consent column (CONSENT_COLUMN) in users.csv. Off: consent is never recorded. */
  consentColumn: boolean;
  /** E-mail domain for teacher accounts whose SIS record has none (they cannot sign in until given one). */
  placeholderEmailDomain: string;
  /** Fraction of bytes read, 0..1. */
  onProgress?: (fraction: number) => void;
  rowLimit?: number;
}

export const fingerprintTerm = (t: { title: string; type: string; startDate: string; endDate: string }) =>
  JSON.stringify([t.title, t.type, t.startDate, t.endDate]);
export const fingerprintCourse = (c: {
  code: string;
  name: string;
  termStart: string | null;
  termEnd: string | null;
}) => JSON.stringify([c.code, c.name, c.termStart, c.termEnd]);
export const fingerprintStudent = (s: { externalId: string; name: string; email: string | null }) =>
  JSON.stringify([s.externalId, s.name, s.email]);
export const fingerprintTeacher = (t: { name: string }) => JSON.stringify([t.name]);

const BATCH = 500;

interface UserEntry {
  kind: UserKind;
  deleted: boolean;
}

export async function importOneRoster(
  source: OneRosterSource,
  state: RosterState,
  writer: RosterWriter | null,
  options: ImportOptions,
): Promise<ImportReport> {
  const manifest = await readManifest(source);
  const report = new ReportBuilder(manifest.version, options.rowLimit);
  const pending: RosterOp[] = [];
  const flush = async () => {
    if (writer && pending.length > 0) {
      await writer.apply(pending.splice(0));
    }
    pending.length = 0;
  };
  const emit = async (op: RosterOp) => {
    pending.push(op);
    if (pending.length >= BATCH) {
      await flush();
    }
  };

  const modeOf = (file: OneRosterFile): FileMode => {
    if (!manifest.present) {
      return source.names.includes(file) ? 'bulk' : 'absent';
    }
    return manifest.files.get(file) ?? (source.names.includes(file) ? 'bulk' : 'absent');
  };
  const readable = FILE_ORDER.filter((f) => modeOf(f) !== 'absent');
  for (const file of readable) {
    if (!source.names.includes(file)) {
      report.refuse(
        file,
        0,
        null,
        null,
        'MISSING_FILE',
        `The manifest lists ${file} but the set does not contain it`,
      );
    }
  }
  const present = readable.filter((f) => source.names.includes(f));
  const totalBytes = present.reduce((n, f) => n + source.size(f), 0) || 1;
  let bytesRead = 0;
  const onBytes = (n: number) => {
    bytesRead += n;
    options.onProgress?.(Math.min(1, bytesRead / totalBytes));
  };
  if (!manifest.present) {
    report.warn('The set has no manifest.csv; every file present was read as bulk');
  }

  // Ids seen so far, to check references (a Set of ids, not rows).
  const orgs = new Set<string>();
  const catalogCourses = new Set<string>();
  const termDates = new Map<string, { startDate: string; endDate: string }>(
    [...state.terms].map(([sid, t]) => [sid, { startDate: t.startDate, endDate: t.endDate }]),
  );
  const classes = new Map<string, 'active' | 'deleted'>();
  const users = new Map<string, UserEntry>();
  const roleOf = new Map<string, UserKind>();
  const teacherOf = new Map<string, string | null>();
  const runTeacher = new Map<string, { primary: boolean }>();
  const enrollments = state.enrollments;
  const has = (f: OneRosterFile) => present.includes(f);

  /** Streams one file; `handle` decides each row. Refuses every row when a required column is missing. */
  const each = async (file: OneRosterFile, handle: (row: CsvRow, sid: string) => Promise<void>) => {
    if (!has(file)) {
      return;
    }
    const csv = readCsv(
      await source.open(file),
      (line, message) => report.refuse(file, line, null, null, 'MALFORMED_ROW', message),
      onBytes,
    );
    const seen = new Set<string>();
    let missing: string[] | null = null;
    for await (const row of csv.rows) {
      missing ??= REQUIRED[file].filter((c) => !csv.columns.includes(c));
      const sid = row.values.sourcedid ?? '';
      if (missing.length > 0) {
        report.refuse(
          file,
          row.line,
          sid,
          null,
          'MISSING_REQUIRED_COLUMN',
          `${file} has no ${missing.join(', ')} column`,
        );
        continue;
      }
      const empty = REQUIRED[file].filter((c) => !row.values[c]);
      if (empty.length > 0) {
        report.refuse(
          file,
          row.line,
          sid,
          null,
          'MISSING_REQUIRED_VALUE',
          `Required ${empty.join(', ')} is empty`,
        );
        continue;
      }
      if (file !== 'roles.csv') {
        if (seen.has(sid)) {
          report.refuse(
            file,
            row.line,
            sid,
            null,
            'DUPLICATE_ID',
            `sourcedId ${sid} appears twice in ${file}`,
          );
          continue;
        }
        seen.add(sid);
      }
      await handle(row, sid);
    }
    await flush();
  };

  await each('orgs.csv', (row, sid) => {
    orgs.add(sid);
    report.add(
      'orgs.csv',
      row.line,
      sid,
      'orgs',
      'SKIPPED',
      'Orgs are checked, not stored: the import institution stands for them',
    );
    return Promise.resolve();
  });

  await each('academicsessions.csv', async (row, sid) => {
    const f = 'academicsessions.csv';
    const startDate = parseDate(row.values.startdate ?? '');
    const endDate = parseDate(row.values.enddate ?? '');
    if (!startDate || !endDate) {
      report.refuse(
        f,
        row.line,
        sid,
        'terms',
        'INVALID_VALUE',
        'startDate and endDate must be dates (YYYY-MM-DD)',
      );
      return;
    }
    if (endDate < startDate) {
      report.refuse(f, row.line, sid, 'terms', 'INVALID_VALUE', 'endDate is before startDate');
      return;
    }
    const known = state.terms.get(sid);
    if (parseStatus(row.values.status) === 'tobedeleted') {
      // Terms only date courses; an old one stays so past courses keep their dates.
      report.add(f, row.line, sid, 'terms', 'SKIPPED', 'Marked tobedeleted: not used for new courses');
      return;
    }
    termDates.set(sid, { startDate, endDate });
    const term = {
      title: row.values.title ?? '',
      type: (row.values.type ?? '').toLowerCase(),
      startDate,
      endDate,
    };
    if (known && known.fingerprint === fingerprintTerm(term)) {
      report.add(f, row.line, sid, 'terms', 'UNCHANGED');
      return;
    }
    await emit({ op: 'term', create: !known, sourcedId: sid, ...term });
    report.add(f, row.line, sid, 'terms', known ? 'UPDATED' : 'CREATED');
  });
  for (const file of source.names) {
    if (file !== 'manifest.csv' && !(FILE_ORDER as readonly string[]).includes(file)) {
      report.warn(`${file} is not used by Rollcall (ignored)`);
    }
  }

  await each('courses.csv', (row, sid) => {
    catalogCourses.add(sid);
    report.add(
      'courses.csv',
      row.line,
      sid,
      'courses',
      'SKIPPED',
      'OneRoster courses are catalogue entries; their classes become Rollcall courses',
    );
    return Promise.resolve();
  });

  await each('classes.csv', async (row, sid) => {
    const f = 'classes.csv';
    const v = row.values;
    const known = state.courses.get(sid);
    const school = v.schoolsourcedid ?? '';
    const course = v.coursesourcedid ?? '';
    const terms = splitList(v.termsourcedids ?? '');
    if (has('orgs.csv') && !orgs.has(school)) {
      report.refuse(
        f,
        row.line,
        sid,
        'courses',
        'BAD_REFERENCE',
        `schoolSourcedId ${school} is not in orgs.csv`,
      );
      return;
    }
    if (has('courses.csv') && !catalogCourses.has(course)) {
      report.refuse(
        f,
        row.line,
        sid,
        'courses',
        'BAD_REFERENCE',
        `courseSourcedId ${course} is not in courses.csv`,
      );
      return;
    }
    const unknownTerm = has('academicsessions.csv') ? terms.find((t) => !termDates.has(t)) : undefined;
    if (unknownTerm) {
      report.refuse(
        f,
        row.line,
        sid,
        'courses',
        'BAD_REFERENCE',
        `termSourcedId ${unknownTerm} is not in academicSessions.csv`,
      );
      return;
    }
    if (parseStatus(v.status) === 'tobedeleted') {
      classes.set(sid, 'deleted');
      if (known) {
        await emit({ op: 'detachCourse', courseSourcedId: sid });
        teacherOf.set(sid, null);
        report.add(
          f,
          row.line,
          sid,
          'courses',
          'REMOVED',
          'Roster and teacher unlinked; the course and its attendance history stay',
        );
      } else {
        report.add(f, row.line, sid, 'courses', 'SKIPPED', 'Marked tobedeleted: not created');
      }
      return;
    }
    const dated = terms.map((t) => termDates.get(t)).filter((d) => d !== undefined);
    const termStart = dated.length ? dated.map((d) => d.startDate).sort()[0]! : null;
    const termEnd = dated.length
      ? dated
          .map((d) => d.endDate)
          .sort()
          .reverse()[0]!
      : null;
    const wanted = v.classcode || sid;
    const owner = state.courseCodes.get(wanted);
    // Codes are unique per institution: a code held by another course gets this class's id appended.
    const code =
      known && (known.code === wanted || known.code === `${wanted} (${sid})`)
        ? known.code
        : owner === undefined || owner === sid
          ? wanted
          : `${wanted} (${sid})`;
    if (state.courseCodes.has(code) && state.courseCodes.get(code) !== sid) {
      report.refuse(
        f,
        row.line,
        sid,
        'courses',
        'CONFLICT',
        `Course code ${code} is already used by another course`,
      );
      return;
    }
    state.courseCodes.set(code, sid);
    classes.set(sid, 'active');
    const next = { code, name: v.title ?? '', termStart, termEnd };
    if (known && known.fingerprint === fingerprintCourse(next)) {
      report.add(f, row.line, sid, 'courses', 'UNCHANGED');
      return;
    }
    await emit({ op: 'course', create: !known, sourcedId: sid, ...next });
    report.add(f, row.line, sid, 'courses', known ? 'UPDATED' : 'CREATED');
  });

  // 1.2 keeps roles in roles.csv (a user's primary role wins); 1.1 has users.role.
  const primaryRole = new Set<string>();
  await each('roles.csv', (row) => {
    const user = row.values.usersourcedid ?? '';
    const kind = kindOfRole(row.values.role ?? '');
    const primary = (row.values.roletype ?? '').toLowerCase() === 'primary';
    if (primary && !primaryRole.has(user)) {
      primaryRole.add(user);
      roleOf.set(user, kind);
    } else if (!roleOf.has(user) || (!primaryRole.has(user) && roleOf.get(user) === 'other')) {
      roleOf.set(user, kind);
    }
    return Promise.resolve();
  });

  await each('users.csv', async (row, sid) => {
    const f = 'users.csv';
    const v = row.values;
    const kind = v.role ? kindOfRole(v.role) : (roleOf.get(sid) ?? null);
    const deleted = parseStatus(v.status) === 'tobedeleted';
    if (kind === null) {
      report.refuse(
        f,
        row.line,
        sid,
        'users',
        'MISSING_REQUIRED_VALUE',
        'The user has no role (users.role in 1.1, roles.csv in 1.2)',
      );
      return;
    }
    users.set(sid, { kind, deleted });
    const name = [v.givenname, v.familyname].filter(Boolean).join(' ');
    if (kind === 'other') {
      report.add(
        f,
        row.line,
        sid,
        'users',
        'SKIPPED',
        `Role ${v.role || 'other'}: only students and teachers are imported`,
      );
      return;
    }
    if (kind === 'student') {
      await student(row, sid, name, deleted);
    } else {
      await teacher(row, sid, name, deleted);
    }
  });

  async function student(row: CsvRow, sid: string, name: string, deleted: boolean): Promise<void> {
    const f = 'users.csv';
    const v = row.values;
    const known = state.students.get(sid);
    if (deleted) {
      if (known) {
        await emit({ op: 'detachStudent', studentSourcedId: sid });
        for (const key of enrollments) {
          if (key.endsWith(`|${sid}`)) {
            enrollments.delete(key);
          }
        }
        report.add(
          f,
          row.line,
          sid,
          'students',
          'REMOVED',
          'Unlinked from every course; face data stays until erased explicitly',
        );
      } else {
        report.add(f, row.line, sid, 'students', 'SKIPPED', 'Marked tobedeleted: not created');
      }
      return;
    }
    const externalId = v.identifier || sid;
    const holder = state.studentExternalIds.get(externalId);
    if (holder !== undefined && holder !== null && holder !== sid) {
      report.refuse(
        f,
        row.line,
        sid,
        'students',
        'DUPLICATE_ID',
        `identifier ${externalId} already belongs to student ${holder}`,
      );
      users.delete(sid);
      return;
    }
    const consent = options.consentColumn && isTrue(v[CONSENT_COLUMN]);
    const next = { externalId, name, email: v.email || null };
    if (known && known.externalId !== externalId) {
      state.studentExternalIds.delete(known.externalId);
    }
    state.studentExternalIds.set(externalId, sid);
    const recordConsent = consent && !known?.consented;
    if (known) {
      if (known.fingerprint === fingerprintStudent(next) && !recordConsent) {
        report.add(f, row.line, sid, 'students', 'UNCHANGED');
        return;
      }
      await emit({ op: 'student', mode: 'update', sourcedId: sid, ...next, recordConsent });
      report.add(
        f,
        row.line,
        sid,
        'students',
        'UPDATED',
        recordConsent ? 'Consent recorded from the consent column' : null,
      );
      return;
    }
    const mode = holder === null ? 'link' : 'create';
    await emit({ op: 'student', mode, sourcedId: sid, ...next, recordConsent: consent });
    report.add(
      f,
      row.line,
      sid,
      'students',
      mode === 'link' ? 'UPDATED' : 'CREATED',
      mode === 'link'
        ? `Linked to the existing student ${externalId}`
        : consent
          ? 'Consent recorded from the consent column'
          : null,
    );
  }

  async function teacher(row: CsvRow, sid: string, name: string, deleted: boolean): Promise<void> {
    const f = 'users.csv';
    const v = row.values;
    const known = state.teachers.get(sid);
    if (deleted) {
      if (known) {
        await emit({ op: 'detachTeacher', teacherSourcedId: sid });
        for (const [course, t] of teacherOf) {
          if (t === sid) {
            teacherOf.set(course, null);
          }
        }
        report.add(
          f,
          row.line,
          sid,
          'teachers',
          'REMOVED',
          'Unassigned from their courses; the account stays',
        );
      } else {
        report.add(f, row.line, sid, 'teachers', 'SKIPPED', 'Marked tobedeleted: not created');
      }
      return;
    }
    if (known) {
      if (known.fingerprint === fingerprintTeacher({ name })) {
        report.add(f, row.line, sid, 'teachers', 'UNCHANGED');
        return;
      }
      await emit({ op: 'teacher', mode: 'update', sourcedId: sid, email: '', name });
      report.add(f, row.line, sid, 'teachers', 'UPDATED');
      return;
    }
    const email = v.email ? v.email.toLowerCase() : placeholderEmail(sid, options.placeholderEmailDomain);
    const existing = v.email ? await state.findUserByEmail(email) : null;
    if (
      existing &&
      (!existing.sameInstitution || (existing.sourcedId !== null && existing.sourcedId !== sid))
    ) {
      report.refuse(
        f,
        row.line,
        sid,
        'teachers',
        'CONFLICT',
        `The e-mail ${email} belongs to another account`,
      );
      users.delete(sid);
      return;
    }
    const mode = existing ? 'link' : 'create';
    await emit({ op: 'teacher', mode, sourcedId: sid, email, name });
    report.add(
      f,
      row.line,
      sid,
      'teachers',
      mode === 'link' ? 'UPDATED' : 'CREATED',
      mode === 'link'
        ? `Linked to the existing account ${email}`
        : v.email
          ? 'Account created without a password: an admin sets one'
          : `No e-mail in the SIS: account created as ${email}, without sign-in`,
    );
  }

  const knownUser = (sid: string): UserEntry | undefined =>
    users.get(sid) ??
    (state.students.has(sid)
      ? { kind: 'student', deleted: false }
      : state.teachers.has(sid)
        ? { kind: 'teacher', deleted: false }
        : undefined);
  const classState = (sid: string) => classes.get(sid) ?? (state.courses.has(sid) ? 'active' : undefined);
  const currentTeacher = (course: string): string | null =>
    teacherOf.has(course)
      ? (teacherOf.get(course) ?? null)
      : (state.courses.get(course)?.teacherSourcedId ?? null);

  await each('enrollments.csv', async (row, sid) => {
    const f = 'enrollments.csv';
    const v = row.values;
    const cls = v.classsourcedid ?? '';
    const usr = v.usersourcedid ?? '';
    const role = kindOfRole(v.role ?? '');
    const deleted = parseStatus(v.status) === 'tobedeleted';
    const c = classState(cls);
    if (!c) {
      report.refuse(
        f,
        row.line,
        sid,
        'enrollments',
        'BAD_REFERENCE',
        `classSourcedId ${cls} is not a known class`,
      );
      return;
    }
    const u = knownUser(usr);
    if (!u) {
      report.refuse(
        f,
        row.line,
        sid,
        'enrollments',
        'BAD_REFERENCE',
        `userSourcedId ${usr} is not a known user`,
      );
      return;
    }
    if (role === 'other') {
      report.add(
        f,
        row.line,
        sid,
        'enrollments',
        'SKIPPED',
        `Role ${v.role}: only students and teachers are enrolled`,
      );
      return;
    }
    if (u.kind !== role) {
      report.refuse(
        f,
        row.line,
        sid,
        'enrollments',
        'BAD_REFERENCE',
        `User ${usr} is a ${u.kind}, enrolled as ${role}`,
      );
      return;
    }
    if (!deleted && c === 'deleted') {
      report.refuse(f, row.line, sid, 'enrollments', 'BAD_REFERENCE', `Class ${cls} is marked tobedeleted`);
      return;
    }
    if (!deleted && u.deleted) {
      report.refuse(f, row.line, sid, 'enrollments', 'BAD_REFERENCE', `User ${usr} is marked tobedeleted`);
      return;
    }
    if (role === 'student') {
      const key = `${cls}|${usr}`;
      if (deleted) {
        if (enrollments.delete(key)) {
          await emit({ op: 'unenroll', courseSourcedId: cls, studentSourcedId: usr });
          report.add(
            f,
            row.line,
            sid,
            'enrollments',
            'REMOVED',
            'Student unlinked from the course; face data stays',
          );
        } else {
          report.add(f, row.line, sid, 'enrollments', 'UNCHANGED', 'Marked tobedeleted: no such link');
        }
        return;
      }
      if (enrollments.has(key)) {
        report.add(f, row.line, sid, 'enrollments', 'UNCHANGED');
        return;
      }
      enrollments.add(key);
      await emit({ op: 'enroll', courseSourcedId: cls, studentSourcedId: usr, sourcedId: sid });
      report.add(f, row.line, sid, 'enrollments', 'CREATED');
      return;
    }
    // A teacher: Rollcall courses have one, the primary one where the SIS says so.
    const current = currentTeacher(cls);
    if (deleted) {
      if (current === usr) {
        teacherOf.set(cls, null);
        await emit({ op: 'assignTeacher', courseSourcedId: cls, teacherSourcedId: null });
        report.add(f, row.line, sid, 'enrollments', 'REMOVED', 'Teacher unassigned from the course');
      } else {
        report.add(
          f,
          row.line,
          sid,
          'enrollments',
          'UNCHANGED',
          'Marked tobedeleted: not the course teacher',
        );
      }
      return;
    }
    const primary = isTrue(v.primary);
    const taken = runTeacher.get(cls);
    if (taken && (taken.primary || !primary) && current !== usr) {
      report.add(
        f,
        row.line,
        sid,
        'enrollments',
        'SKIPPED',
        `The course already has teacher ${current ?? ''}; Rollcall courses have one`,
      );
      return;
    }
    runTeacher.set(cls, { primary });
    if (current === usr) {
      report.add(f, row.line, sid, 'enrollments', 'UNCHANGED');
      return;
    }
    teacherOf.set(cls, usr);
    await emit({ op: 'assignTeacher', courseSourcedId: cls, teacherSourcedId: usr });
    report.add(
      f,
      row.line,
      sid,
      'enrollments',
      current ? 'UPDATED' : 'CREATED',
      current ? `Teacher was ${current}` : null,
    );
  });

  await flush();
  options.onProgress?.(1);
  return report.build();
}

/** A unique address in a reserved domain for a teacher the SIS gives no e-mail. */
export function placeholderEmail(sourcedId: string, domain: string): string {
  const local =
    sourcedId
      .toLowerCase()
      .replace(/[^a-z0-9._-]/g, '-')
      .slice(0, 60) || 'teacher';
  return `${local}@${domain}`;
}
