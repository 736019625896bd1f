import { randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, rm } from 'node:fs/promises';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { hash as argon2Hash } from '@node-rs/argon2';
import type { DataSource, EntityManager } from 'typeorm';
import { requireAdmin } from '../auth/access';
import { actorLabel, type AuthenticatedViewer, type Viewer } from '../auth/viewer';
import { ImportStatus, OneRosterImport } from '../entities/oneroster-import.entity';
import type { Logger } from '../observability/logger';
import {
  fingerprintCourse,
  fingerprintStudent,
  fingerprintTeacher,
  fingerprintTerm,
  importOneRoster,
  OneRosterFormatError,
  openSource,
  type ImportReport,
  type RosterOp,
  type RosterState,
  type RosterWriter,
} from '../oneroster';
import { Topic, type AppPubSub } from '../pubsub';
import type { JobContext, JobQueue } from '../queue';
import { assertId, DomainError, ErrorCode, notFound } from './domain-error';
import type { Page, PageRequest } from './page';
import type { RosterService } from './roster.service';

export const IMPORT_JOB = 'oneroster.import';

export interface ImportRunOptions {
  /** Refuse the whole import (write nothing) when any row is refused. Default: write the valid rows. */
  strict: boolean;
  /** Honour the school's consent column in users.csv (see docs). */
  consentColumn: boolean;
}

export interface UploadedFile {
  filename: string;
  stream: Readable;
}

/** Thrown inside the transaction to roll a strict import back. */
class RefusedImport extends Error {
  constructor(readonly report: ImportReport) {
    super(`${report.summary.refused.length} rows refused; nothing was written (strict import)`);
  }
}

const SAFE_NAME = /^[A-Za-z0-9._-]{1,100}$/;

export class OneRosterImportService {
  private readonly log: Logger;

  constructor(
    private readonly dataSource: DataSource,
    private readonly pubsub: AppPubSub,
    private readonly jobs: Pick<JobQueue, 'add'>,
    private readonly roster: RosterService,
    private readonly uploadDir: string,
    private readonly maxUploadBytes: number,
    logger: Logger,
  ) {
    this.log = logger.child({ module: OneRosterImportService.name });
  }

  /** Stores an uploaded set (a zip or the CSV files) and checks it: the dry run. Nothing is imported. */
  async upload(viewer: Viewer, files: UploadedFile[], options: ImportRunOptions): Promise<OneRosterImport> {
    const admin = requireAdmin(viewer);
    if (files.length === 0) {
      throw new DomainError(ErrorCode.BAD_USER_INPUT, 'Upload a OneRoster zip or its CSV files', {
        field: 'files',
      });
    }
    const record = await this.dataSource.getRepository(OneRosterImport).save(
      this.dataSource.getRepository(OneRosterImport).create({
        institutionId: admin.institutionId,
        createdBy: actorLabel(admin),
        status: ImportStatus.PREVIEWED,
        options,
        progress: 0,
        preview: null,
        result: null,
        error: null,
        finishedAt: null,
      }),
    );
    const dir = this.dirOf(record.id);
    try {
      await mkdir(dir, { recursive: true });
      let total = 0;
      for (const file of files) {
        const name = path.basename(file.filename);
        if (!SAFE_NAME.test(name) || !/\.(csv|zip)$/i.test(name)) {
          file.stream.resume();
          throw new DomainError(ErrorCode.BAD_USER_INPUT, `${file.filename}: upload .csv files or one .zip`, {
            field: 'files',
          });
        }
        file.stream.on('data', (chunk: Buffer) => {
          total += chunk.length;
          if (total > this.maxUploadBytes) {
            file.stream.destroy(
              new DomainError(
                ErrorCode.PAYLOAD_TOO_LARGE,
                `The upload is larger than ${this.maxUploadBytes} bytes`,
              ),
            );
          }
        });
        await pipeline(file.stream, createWriteStream(path.join(dir, name)));
      }
      const report = await this.execute(admin, dir, options, true);
      record.preview = report;
      record.progress = 1;
      return await this.dataSource.getRepository(OneRosterImport).save(record);
    } catch (error) {
      await rm(dir, { recursive: true, force: true });
      await this.dataSource.getRepository(OneRosterImport).delete({ id: record.id });
      if (error instanceof DomainError) {
        throw error;
      }
      if (error instanceof OneRosterFormatError) {
        throw new DomainError(ErrorCode.BAD_USER_INPUT, error.message, { field: 'files' });
      }
      if ((error as { status?: number }).status === 413) {
        throw new DomainError(
          ErrorCode.PAYLOAD_TOO_LARGE,
          `The upload is larger than ${this.maxUploadBytes} bytes`,
        );
      }
      throw error;
    }
  }

  /** Starts the real run of a previewed import as a background job; progress on the subscription. */
  async run(viewer: Viewer, importId: string): Promise<OneRosterImport> {
    const record = await this.get(viewer, importId);
    const repo = this.dataSource.getRepository(OneRosterImport);
    // Only one run per upload: the conditional update lets one caller win.
    const claimed = await repo.update(
      { id: record.id, status: ImportStatus.PREVIEWED },
      { status: ImportStatus.QUEUED, progress: 0 },
    );
    if (!claimed.affected) {
      throw new DomainError(ErrorCode.CONFLICT, `Import ${importId} has already been run (${record.status})`);
    }
    await this.jobs.add(IMPORT_JOB, { importId: record.id }, { jobId: record.id, attempts: 1 });
    return repo.findOneByOrFail({ id: record.id });
  }

  /** The background job: one transaction, all or nothing. */
  async handleJob(data: { importId: string }, ctx?: JobContext): Promise<void> {
    const repo = this.dataSource.getRepository(OneRosterImport);
    const record = await repo.findOneBy({ id: data.importId });
    if (!record || record.status !== ImportStatus.QUEUED) {
      return;
    }
    await repo.update({ id: record.id }, { status: ImportStatus.RUNNING });
    const publish = (status: ImportStatus, progress: number, error: string | null) =>
      this.pubsub.emit(Topic.OneRosterImport, record.id, {
        id: record.id,
        institutionId: record.institutionId,
        status,
        progress,
        error,
      });
    await publish(ImportStatus.RUNNING, 0, null);
    const system: AuthenticatedViewer = { kind: 'system', institutionId: record.institutionId };
    let lastSent = 0;
    try {
      const report = await this.execute(
        system,
        this.dirOf(record.id),
        record.options,
        false,
        (p) => {
          // A few progress events per import, not one per chunk.
          if (p - lastSent >= 0.05 || p === 1) {
            lastSent = p;
            void ctx?.progress(p);
            void publish(ImportStatus.RUNNING, p, null);
            void repo.update({ id: record.id }, { progress: p });
          }
        },
        record.createdBy,
      );
      await repo.update(
        { id: record.id },
        { status: ImportStatus.SUCCEEDED, progress: 1, result: report, finishedAt: new Date() },
      );
      await publish(ImportStatus.SUCCEEDED, 1, null);
    } catch (error) {
      const message =
        error instanceof RefusedImport || error instanceof OneRosterFormatError
          ? error.message
          : 'The import failed; nothing was written';
      if (!(error instanceof RefusedImport)) {
        this.log.error({ err: error, importId: record.id }, 'OneRoster import failed');
      }
      await repo.update(
        { id: record.id },
        {
          status: ImportStatus.FAILED,
          error: message,
          result: error instanceof RefusedImport ? error.report : null,
          finishedAt: new Date(),
        },
      );
      await publish(ImportStatus.FAILED, lastSent, message);
    }
  }

  /**
   * The import itself (dry run or real), for the job and the CLI. A real run happens in one
   * transaction; a strict one rolls back when anything is refused.
   */
  async execute(
    viewer: AuthenticatedViewer,
    location: string,
    options: ImportRunOptions,
    dryRun: boolean,
    onProgress?: (p: number) => void,
    actor = actorLabel(viewer),
  ): Promise<ImportReport> {
    const institutionId = viewer.institutionId;
    const touched = new Set<string>();
    const run = async (m: EntityManager) => {
      const state = await loadState(m, institutionId);
      const source = await openSource(location);
      try {
        const writer = dryRun ? null : new TypeOrmRosterWriter(m, institutionId, actor, touched);
        if (writer) {
          await writer.load();
        }
        const report = await importOneRoster(source, state, writer, {
          consentColumn: options.consentColumn,
          placeholderEmailDomain: `${institutionId.slice(0, 8)}.oneroster.invalid`,
          onProgress,
        });
        if (!dryRun && options.strict && report.summary.refused.length > 0) {
          throw new RefusedImport(report);
        }
        return report;
      } finally {
        await source.close();
      }
    };
    if (dryRun) {
      // Read-only, but in a transaction so the state is one consistent snapshot.
      return this.dataSource.transaction('REPEATABLE READ', run);
    }
    const report = await this.dataSource.transaction(run);
    if (touched.size > 0) {
      await this.roster.invalidateCourses([...touched]);
    }
    return report;
  }

  async get(viewer: Viewer, id: string): Promise<OneRosterImport> {
    const admin = requireAdmin(viewer);
    assertId('OneRosterImport', id);
    const record = await this.dataSource
      .getRepository(OneRosterImport)
      .findOneBy({ id, institutionId: admin.institutionId });
    if (!record) {
      throw notFound('OneRosterImport', id);
    }
    return record;
  }

  async list(viewer: Viewer, page: PageRequest): Promise<Page<OneRosterImport>> {
    const admin = requireAdmin(viewer);
    const [items, total] = await this.dataSource.getRepository(OneRosterImport).findAndCount({
      where: { institutionId: admin.institutionId },
      order: { createdAt: 'DESC' },
      skip: page.skip,
      take: page.take,
    });
    return { items, total, hasMore: page.skip + items.length < total };
  }

  private dirOf(id: string): string {
    return path.join(this.uploadDir, id);
  }
}

const dateText = (column: string) => `to_char(${column}, 'YYYY-MM-DD')`;

/** What the institution holds now, keyed by sourcedId (ids only: bounded by the roster size). */
export async function loadState(m: EntityManager, institutionId: string): Promise<RosterState> {
  const q = <T>(sql: string, params: unknown[] = [institutionId]) => m.query<T[]>(sql, params);
  const terms = await q<{
    sourced_id: string;
    id: string;
    title: string;
    type: string;
    s: string;
    e: string;
  }>(
    `SELECT sourced_id, id, title, type, ${dateText('start_date')} AS s, ${dateText('end_date')} AS e
       FROM academic_term WHERE institution_id = $1`,
  );
  const courses = await q<{
    sourced_id: string | null;
    id: string;
    code: string;
    name: string;
    ts: string | null;
    te: string | null;
    teacher: string | null;
  }>(
    `SELECT c.sourced_id, c.id, c.code, c.name, ${dateText('c.term_start')} AS ts, ${dateText('c.term_end')} AS te,
            u.sourced_id AS teacher
       FROM course c LEFT JOIN app_user u ON u.id = c.teacher_id WHERE c.institution_id = $1`,
  );
  const students = await q<{
    sourced_id: string | null;
    id: string;
    external_id: string;
    name: string;
    email: string | null;
    consented: boolean;
  }>(
    `SELECT sourced_id, id, external_id, name, email, consent_given_at IS NOT NULL AS consented
       FROM student WHERE institution_id = $1`,
  );
  const teachers = await q<{ sourced_id: string; id: string; name: string }>(
    `SELECT sourced_id, id, name FROM app_user WHERE institution_id = $1 AND sourced_id IS NOT NULL`,
  );
  const links = await q<{ k: string }>(
    `SELECT c.sourced_id || '|' || s.sourced_id AS k
       FROM course_enrollment e JOIN course c ON c.id = e.course_id JOIN student s ON s.id = e.student_id
      WHERE c.institution_id = $1 AND c.sourced_id IS NOT NULL AND s.sourced_id IS NOT NULL`,
  );
  const state: RosterState = {
    terms: new Map(
      terms.map((t) => [
        t.sourced_id,
        {
          id: t.id,
          startDate: t.s,
          endDate: t.e,
          fingerprint: fingerprintTerm({ title: t.title, type: t.type, startDate: t.s, endDate: t.e }),
        },
      ]),
    ),
    courses: new Map(),
    courseCodes: new Map(courses.map((c) => [c.code, c.sourced_id])),
    students: new Map(),
    studentExternalIds: new Map(students.map((s) => [s.external_id, s.sourced_id])),
    teachers: new Map(teachers.map((t) => [t.sourced_id, { id: t.id, fingerprint: fingerprintTeacher(t) }])),
    enrollments: new Set(links.map((l) => l.k)),
    findUserByEmail: async (email) => {
      const rows = await m.query<{ institution_id: string; sourced_id: string | null }[]>(
        `SELECT institution_id, sourced_id FROM app_user WHERE lower(email) = lower($1)`,
        [email],
      );
      const row = rows[0];
      return row
        ? { sameInstitution: row.institution_id === institutionId, sourcedId: row.sourced_id }
        : null;
    },
  };
  for (const c of courses) {
    if (c.sourced_id) {
      state.courses.set(c.sourced_id, {
        id: c.id,
        code: c.code,
        teacherSourcedId: c.teacher,
        fingerprint: fingerprintCourse({ code: c.code, name: c.name, termStart: c.ts, termEnd: c.te }),
      });
    }
  }
  for (const s of students) {
    if (s.sourced_id) {
      state.students.set(s.sourced_id, {
        id: s.id,
        externalId: s.external_id,
        consented: s.consented,
        fingerprint: fingerprintStudent({ externalId: s.external_id, name: s.name, email: s.email }),
      });
    }
  }
  return state;
}

/** Applies the importer's decisions with SQL, in the import's transaction, in batches. */
class TypeOrmRosterWriter implements RosterWriter {
  private readonly courseIds = new Map<string, string>();
  private readonly studentIds = new Map<string, string>();
  private readonly teacherIds = new Map<string, string>();
  private unusableHash: string | null = null;

  constructor(
    private readonly m: EntityManager,
    private readonly institutionId: string,
    private readonly actor: string,
    private readonly touched: Set<string>,
  ) {}

  async load(): Promise<void> {
    const rows = await this.m.query<{ kind: string; sourced_id: string; id: string }[]>(
      `SELECT 'c' AS kind, sourced_id, id FROM course WHERE institution_id = $1 AND sourced_id IS NOT NULL
       UNION ALL SELECT 's', sourced_id, id FROM student WHERE institution_id = $1 AND sourced_id IS NOT NULL
       UNION ALL SELECT 't', sourced_id, id FROM app_user WHERE institution_id = $1 AND sourced_id IS NOT NULL`,
      [this.institutionId],
    );
    for (const r of rows) {
      (r.kind === 'c' ? this.courseIds : r.kind === 's' ? this.studentIds : this.teacherIds).set(
        r.sourced_id,
        r.id,
      );
    }
  }

  async apply(ops: RosterOp[]): Promise<void> {
    // Consecutive creations and enrollments go in one multi-row statement each.
    let i = 0;
    while (i < ops.length) {
      const op = ops[i] as RosterOp;
      if (op.op === 'enroll' || (op.op === 'student' && op.mode === 'create')) {
        let j = i;
        while (
          j < ops.length &&
          (ops[j] as RosterOp).op === op.op &&
          (op.op === 'enroll' || (ops[j] as { mode?: string }).mode === 'create')
        ) {
          j += 1;
        }
        const batch = ops.slice(i, j);
        await (op.op === 'enroll'
          ? this.enroll(batch as Extract<RosterOp, { op: 'enroll' }>[])
          : this.createStudents(batch as Extract<RosterOp, { op: 'student' }>[]));
        i = j;
        continue;
      }
      await this.one(op);
      i += 1;
    }
  }

  private course(sid: string): string {
    const id = this.courseIds.get(sid);
    if (!id) {
      throw new Error(`course ${sid} was not written before its use`);
    }
    return id;
  }

  private async createStudents(ops: Extract<RosterOp, { op: 'student' }>[]): Promise<void> {
    const params: unknown[] = [];
    const rows = ops.map((o) => {
      const consent = o.recordConsent;
      params.push(
        this.institutionId,
        o.sourcedId,
        o.externalId,
        o.name,
        o.email,
        consent ? new Date() : null,
        consent ? this.consentBy() : null,
      );
      const n = params.length;
      return `($${n - 6}, $${n - 5}, $${n - 4}, $${n - 3}, $${n - 2}, $${n - 1}, $${n})`;
    });
    const created = await this.m.query<{ id: string; sourced_id: string }[]>(
      `INSERT INTO student (institution_id, sourced_id, external_id, name, email, consent_given_at, consent_recorded_by)
       VALUES ${rows.join(', ')} RETURNING id, sourced_id`,
      params,
    );
    for (const r of created) {
      this.studentIds.set(r.sourced_id, r.id);
    }
  }

  private async enroll(ops: Extract<RosterOp, { op: 'enroll' }>[]): Promise<void> {
    const params: unknown[] = [];
    const rows = ops.map((o) => {
      const course = this.course(o.courseSourcedId);
      this.touched.add(course);
      params.push(course, this.studentIds.get(o.studentSourcedId), o.sourcedId);
      const n = params.length;
      return `($${n - 2}::uuid, $${n - 1}::uuid, $${n})`;
    });
    await this.m.query(
      `INSERT INTO course_enrollment (course_id, student_id, sourced_id) VALUES ${rows.join(', ')}
       ON CONFLICT (course_id, student_id) DO UPDATE SET sourced_id = EXCLUDED.sourced_id`,
      params,
    );
  }

  private consentBy(): string {
    return `${this.actor} via OneRoster import (school consent column)`;
  }

  private async one(op: RosterOp): Promise<void> {
    const inst = this.institutionId;
    switch (op.op) {
      case 'term':
        await this.m.query(
          `INSERT INTO academic_term (institution_id, sourced_id, title, type, start_date, end_date)
           VALUES ($1, $2, $3, $4, $5, $6)
           ON CONFLICT (institution_id, sourced_id) DO UPDATE
             SET title = EXCLUDED.title, type = EXCLUDED.type, start_date = EXCLUDED.start_date, end_date = EXCLUDED.end_date`,
          [inst, op.sourcedId, op.title, op.type, op.startDate, op.endDate],
        );
        return;
      case 'course': {
        if (op.create) {
          const rows = await this.m.query<{ id: string }[]>(
            `INSERT INTO course (institution_id, sourced_id, code, name, term_start, term_end)
             VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`,
            [inst, op.sourcedId, op.code, op.name, op.termStart, op.termEnd],
          );
          this.courseIds.set(op.sourcedId, (rows[0] as { id: string }).id);
        } else {
          await this.m.query(
            `UPDATE course SET code = $3, name = $4, term_start = $5, term_end = $6
              WHERE institution_id = $1 AND sourced_id = $2`,
            [inst, op.sourcedId, op.code, op.name, op.termStart, op.termEnd],
          );
        }
        return;
      }
      case 'student': {
        const consent = op.recordConsent
          ? `, consent_given_at = COALESCE(consent_given_at, now()), consent_recorded_by = COALESCE(consent_recorded_by, $6)`
          : '';
        const where = op.mode === 'link' ? `external_id = $3 AND sourced_id IS NULL` : `sourced_id = $2`;
        const rows = await this.m.query<[{ id: string }[], number]>(
          `UPDATE student SET sourced_id = $2, external_id = $3, name = $4, email = COALESCE($5, email)${consent}
            WHERE institution_id = $1 AND ${where} RETURNING id`,
          [
            inst,
            op.sourcedId,
            op.externalId,
            op.name,
            op.email,
            ...(op.recordConsent ? [this.consentBy()] : []),
          ],
        );
        const id = firstId(rows);
        if (id) {
          this.studentIds.set(op.sourcedId, id);
        }
        return;
      }
      case 'teacher': {
        if (op.mode === 'create') {
          // Nobody knows this password: the account signs in once an admin sets one.
          this.unusableHash ??= await argon2Hash(randomBytes(32).toString('base64url'));
          const rows = await this.m.query<{ id: string }[]>(
            `INSERT INTO app_user (institution_id, email, name, role, password_hash, sourced_id)
             VALUES ($1, $2, $3, 'TEACHER', $4, $5) RETURNING id`,
            [inst, op.email, op.name, this.unusableHash, op.sourcedId],
          );
          this.teacherIds.set(op.sourcedId, (rows[0] as { id: string }).id);
        } else if (op.mode === 'link') {
          const rows = await this.m.query<[{ id: string }[], number]>(
            `UPDATE app_user SET sourced_id = $2 WHERE institution_id = $1 AND lower(email) = lower($3) RETURNING id`,
            [inst, op.sourcedId, op.email],
          );
          const id = firstId(rows);
          if (id) {
            this.teacherIds.set(op.sourcedId, id);
          }
        } else {
          await this.m.query(`UPDATE app_user SET name = $3 WHERE institution_id = $1 AND sourced_id = $2`, [
            inst,
            op.sourcedId,
            op.name,
          ]);
        }
        return;
      }
      case 'enroll':
        await this.enroll([op]);
        return;
      case 'unenroll': {
        const course = this.course(op.courseSourcedId);
        this.touched.add(course);
        await this.m.query(`DELETE FROM course_enrollment WHERE course_id = $1 AND student_id = $2`, [
          course,
          this.studentIds.get(op.studentSourcedId),
        ]);
        return;
      }
      case 'assignTeacher':
        await this.m.query(`UPDATE course SET teacher_id = $2 WHERE id = $1`, [
          this.course(op.courseSourcedId),
          op.teacherSourcedId ? this.teacherIds.get(op.teacherSourcedId) : null,
        ]);
        return;
      case 'detachCourse': {
        const course = this.course(op.courseSourcedId);
        this.touched.add(course);
        await this.m.query(`DELETE FROM course_enrollment WHERE course_id = $1`, [course]);
        await this.m.query(`UPDATE course SET teacher_id = NULL WHERE id = $1`, [course]);
        return;
      }
      case 'detachStudent': {
        const rows = await this.m.query<{ course_id: string }[]>(
          `DELETE FROM course_enrollment WHERE student_id = $1 RETURNING course_id`,
          [this.studentIds.get(op.studentSourcedId)],
        );
        for (const r of rows) {
          this.touched.add(r.course_id);
        }
        return;
      }
      case 'detachTeacher':
        await this.m.query(
          `UPDATE course SET teacher_id = NULL WHERE institution_id = $1 AND teacher_id = $2`,
          [inst, this.teacherIds.get(op.teacherSourcedId)],
        );
        return;
    }
  }
}

/** typeorm's UPDATE ... RETURNING answers [rows, count] on pg and rows on some drivers. */
function firstId(result: unknown): string | undefined {
  const rows =
    Array.isArray(result) && Array.isArray(result[0])
      ? (result[0] as { id: string }[])
      : (result as { id: string }[]);
  return rows[0]?.id;
}
