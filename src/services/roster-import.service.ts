import { parse } from 'csv-parse/sync';
import { In, type DataSource } from 'typeorm';
import { canOnCourse, CourseAction, requireAuthenticated } from '../auth/access';
import { actorLabel, isAdmin, type Viewer } from '../auth/viewer';
import { isUniqueViolation } from '../db/errors';
import { CourseEnrollment } from '../entities/course-enrollment.entity';
import { Student } from '../entities/student.entity';
import type { CourseService } from './course.service';
import { DomainError, ErrorCode } from './domain-error';
import type { RosterService } from './roster.service';

export enum RosterRowOutcome {
  CREATED = 'CREATED',
  ENROLLED = 'ENROLLED',
  UNCHANGED = 'UNCHANGED',
  SKIPPED_NO_CONSENT = 'SKIPPED_NO_CONSENT',
}

export interface RosterRowResult {
  line: number;
  externalId: string;
  name: string;
  outcome: RosterRowOutcome;
  message: string;
}

export interface RosterImportResult {
  dryRun: boolean;
  created: number;
  enrolled: number;
  unchanged: number;
  skipped: number;
  rows: RosterRowResult[];
}

export interface RosterRowError {
  line: number;
  field: string;
  message: string;
}

export const MAX_ROSTER_CHARS = 500_000;
export const MAX_ROSTER_ROWS = 2000;

/** Header names teachers' spreadsheets use, normalised (lower case, letters and digits only). */
const COLUMNS = {
  externalId: ['studentnumber', 'studentno', 'number', 'externalid', 'studentid', 'id', 'sourcedid'],
  name: ['name', 'fullname', 'studentname'],
  givenName: ['firstname', 'givenname', 'forename'],
  familyName: ['lastname', 'familyname', 'surname'],
  email: ['email', 'mail', 'emailaddress'],
  consent: ['consent', 'biometricconsent', 'photoconsent', 'faceconsent'],
} as const;

const YES = new Set(['yes', 'y', 'true', '1', 'x', 'consented', 'given', 'oui', 'ja', 'si', 'sí']);
const NO = new Set(['no', 'n', 'false', '0', '', 'none', 'refused', 'withdrawn', 'non', 'nein']);
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

const normalise = (header: string) => header.toLowerCase().replace(/[^a-z0-9]/g, '');

interface ParsedRow {
  line: number;
  externalId: string;
  name: string;
  email: string | null;
  consent: boolean;
}

/**
 * Reads a class list (CSV: comma, semicolon or tab; a header row; Excel's BOM welcome). Every problem
 * of every row is collected, so the teacher fixes the file once.
 */
export function parseRoster(text: string): ParsedRow[] {
  if (text.length > MAX_ROSTER_CHARS) {
    throw new DomainError(
      ErrorCode.PAYLOAD_TOO_LARGE,
      `The class list is larger than ${MAX_ROSTER_CHARS} characters`,
    );
  }
  let records: string[][];
  try {
    records = parse(text, {
      bom: true,
      delimiter: [',', ';', '\t'],
      relax_column_count: true,
      skip_empty_lines: true,
      trim: true,
    });
  } catch (error) {
    const line = (error as { lines?: number }).lines;
    throw new DomainError(ErrorCode.BAD_USER_INPUT, 'The class list is not a readable CSV file', {
      field: 'csv',
      rows: [{ line: line ?? 1, field: 'csv', message: (error as Error).message }],
    });
  }
  const [header, ...body] = records;
  if (!header) {
    throw new DomainError(ErrorCode.BAD_USER_INPUT, 'The class list is empty', { field: 'csv' });
  }
  const names = header.map(normalise);
  const find = (aliases: readonly string[]) => names.findIndex((n) => aliases.includes(n));
  const col = {
    externalId: find(COLUMNS.externalId),
    name: find(COLUMNS.name),
    givenName: find(COLUMNS.givenName),
    familyName: find(COLUMNS.familyName),
    email: find(COLUMNS.email),
    consent: find(COLUMNS.consent),
  };
  const missing: string[] = [];
  if (col.externalId < 0) {
    missing.push('student number');
  }
  if (col.name < 0 && col.givenName < 0) {
    missing.push('name');
  }
  if (col.consent < 0) {
    missing.push('consent');
  }
  if (missing.length > 0) {
    throw new DomainError(ErrorCode.BAD_USER_INPUT, `The class list has no ${missing.join(', ')} column`, {
      field: 'csv',
      rows: missing.map((m) => ({ line: 1, field: m, message: `no ${m} column` })),
    });
  }
  if (body.length === 0) {
    throw new DomainError(ErrorCode.BAD_USER_INPUT, 'The class list has no students', { field: 'csv' });
  }
  if (body.length > MAX_ROSTER_ROWS) {
    throw new DomainError(ErrorCode.BAD_USER_INPUT, `Import at most ${MAX_ROSTER_ROWS} students at once`, {
      field: 'csv',
    });
  }
  const errors: RosterRowError[] = [];
  const seen = new Map<string, number>();
  const rows = body.map((cells, i): ParsedRow => {
    const line = i + 2;
    const cell = (index: number) => (index >= 0 ? (cells[index] ?? '').trim() : '');
    const externalId = cell(col.externalId);
    const name = cell(col.name) || [cell(col.givenName), cell(col.familyName)].filter(Boolean).join(' ');
    const email = cell(col.email);
    const consentText = cell(col.consent).toLowerCase();
    if (!externalId) {
      errors.push({ line, field: 'student number', message: 'missing' });
    } else if (externalId.length > 100) {
      errors.push({ line, field: 'student number', message: 'longer than 100 characters' });
    } else if (seen.has(externalId)) {
      errors.push({ line, field: 'student number', message: `the same as line ${seen.get(externalId)}` });
    } else {
      seen.set(externalId, line);
    }
    if (!name) {
      errors.push({ line, field: 'name', message: 'missing' });
    } else if (name.length > 200) {
      errors.push({ line, field: 'name', message: 'longer than 200 characters' });
    }
    if (email && !EMAIL.test(email)) {
      errors.push({ line, field: 'email', message: `"${email}" is not an e-mail address` });
    }
    if (!YES.has(consentText) && !NO.has(consentText)) {
      errors.push({ line, field: 'consent', message: `"${cell(col.consent)}" is neither yes nor no` });
    }
    return { line, externalId, name, email: email || null, consent: YES.has(consentText) };
  });
  if (errors.length > 0) {
    throw new DomainError(
      ErrorCode.BAD_USER_INPUT,
      `${errors.length} problem${errors.length === 1 ? '' : 's'} in the class list; nothing was imported`,
      { field: 'csv', rows: errors.slice(0, 50) },
    );
  }
  return rows;
}

/**
 * Builds a course's class list from a CSV in one step: new students are created with the consent
 * the file records, known ones (same student number) are enrolled, students without consent are
 * left out and listed. All or nothing: one bad row refuses the whole file.
 */
export class RosterImportService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly courses: CourseService,
    private readonly roster: RosterService,
  ) {}

  async importCsv(
    viewer: Viewer,
    courseId: string,
    csv: string,
    dryRun = false,
  ): Promise<RosterImportResult> {
    const course = await this.courses.get(viewer, courseId, CourseAction.MANAGE);
    const actor = requireAuthenticated(viewer);
    const rows = parseRoster(csv);
    try {
      const result = await this.dataSource.transaction(async (m) => {
        const known = await m.findBy(Student, {
          institutionId: course.institutionId,
          externalId: In(rows.map((r) => r.externalId)),
        });
        const byNumber = new Map(known.map((s) => [s.externalId, s]));
        const enrolledIds = new Set(
          known.length === 0
            ? []
            : (
                await m.findBy(CourseEnrollment, {
                  courseId: course.id,
                  studentId: In(known.map((s) => s.id)),
                })
              ).map((e) => e.studentId),
        );
        // Students of other teachers' courses are not this teacher's to take (admins may).
        const reachable = new Set<string>();
        if (!isAdmin(actor) && known.length > 0) {
          const links: {
            student_id: string;
            id: string;
            teacher_id: string | null;
            institution_id: string;
          }[] = await m.query(
            `SELECT e.student_id, c.id, c.teacher_id, c.institution_id
                 FROM course_enrollment e JOIN course c ON c.id = e.course_id
                WHERE e.student_id = ANY($1::uuid[])`,
            [known.map((s) => s.id)],
          );
          for (const link of links) {
            const ref = { id: link.id, teacherId: link.teacher_id, institutionId: link.institution_id };
            if (canOnCourse(actor, ref, CourseAction.MANAGE)) {
              reachable.add(link.student_id);
            }
          }
        }
        const errors: RosterRowError[] = [];
        const results: RosterRowResult[] = [];
        const now = new Date();
        for (const row of rows) {
          const existing = byNumber.get(row.externalId);
          const base = { line: row.line, externalId: row.externalId, name: row.name };
          if (!existing) {
            if (!row.consent) {
              results.push({
                ...base,
                outcome: RosterRowOutcome.SKIPPED_NO_CONSENT,
                message: 'Not added: no biometric consent recorded',
              });
              continue;
            }
            if (!dryRun) {
              const created = await m.save(
                m.create(Student, {
                  institutionId: course.institutionId,
                  externalId: row.externalId,
                  name: row.name,
                  email: row.email,
                  consentGivenAt: now,
                  consentRecordedBy: `${actorLabel(actor)} (class list import)`,
                }),
              );
              await m.insert(CourseEnrollment, { courseId: course.id, studentId: created.id });
            }
            results.push({ ...base, outcome: RosterRowOutcome.CREATED, message: 'Added' });
            continue;
          }
          if (!isAdmin(actor) && !enrolledIds.has(existing.id) && !reachable.has(existing.id)) {
            errors.push({
              line: row.line,
              field: 'student number',
              message: 'belongs to a student of another teacher; ask an administrator to add them',
            });
            continue;
          }
          const giveConsent = row.consent && !existing.consentGivenAt;
          if (giveConsent && !dryRun) {
            await m.update(
              Student,
              { id: existing.id },
              { consentGivenAt: now, consentRecordedBy: `${actorLabel(actor)} (class list import)` },
            );
          }
          if (enrolledIds.has(existing.id)) {
            results.push({
              ...base,
              name: existing.name,
              outcome: RosterRowOutcome.UNCHANGED,
              message: giveConsent ? 'Already in the course; consent recorded' : 'Already in the course',
            });
            continue;
          }
          if (!dryRun) {
            await m.insert(CourseEnrollment, { courseId: course.id, studentId: existing.id });
          }
          results.push({
            ...base,
            name: existing.name,
            outcome: RosterRowOutcome.ENROLLED,
            message: existing.consentGivenAt || giveConsent ? 'Added to the course' : 'Added; no consent yet',
          });
        }
        if (errors.length > 0) {
          throw new DomainError(
            ErrorCode.BAD_USER_INPUT,
            `${errors.length} problem${errors.length === 1 ? '' : 's'} in the class list; nothing was imported`,
            { field: 'csv', rows: errors.slice(0, 50) },
          );
        }
        const count = (o: RosterRowOutcome) => results.filter((r) => r.outcome === o).length;
        return {
          dryRun,
          created: count(RosterRowOutcome.CREATED),
          enrolled: count(RosterRowOutcome.ENROLLED),
          unchanged: count(RosterRowOutcome.UNCHANGED),
          skipped: count(RosterRowOutcome.SKIPPED_NO_CONSENT),
          rows: results,
        };
      });
      if (!dryRun) {
        await this.roster.invalidateCourses([course.id]);
      }
      return result;
    } catch (error) {
      if (isUniqueViolation(error)) {
        throw new DomainError(
          ErrorCode.CONFLICT,
          'Someone added one of these students at the same time; import the list again',
        );
      }
      throw error;
    }
  }
}
