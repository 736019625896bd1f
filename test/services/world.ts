import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { ApiKeyViewer, SystemViewer, UserViewer } from '../../src/auth/viewer';
import { MemoryCache } from '../../src/cache/cache';
import { openDatabase, type Database } from '../../src/db/data-source';
import { ApiScope } from '../../src/entities/api-key.entity';
import { Role } from '../../src/entities/user.entity';
import { createLogger } from '../../src/observability/logger';
import { createMemoryPubSub } from '../../src/pubsub/memory.pubsub';
import { AttendanceRepository } from '../../src/repositories/attendance.repository';
import { AttendanceService } from '../../src/services/attendance.service';
import { AuditService } from '../../src/services/audit.service';
import { CourseService } from '../../src/services/course.service';
import { RosterService } from '../../src/services/roster.service';
import { StudentService } from '../../src/services/student.service';
import { FileStorage } from '../../src/storage/file-storage';

/**
 * Service-level specs: the real services on the real database (PGlite in memory, or DATABASE_URL),
 * wired without HTTP or GraphQL, so a broken rule fails here and not only end to end. Every world
 * lives in fresh institutions, so specs never see each other's rows on a shared database.
 */
export interface World {
  db: Database;
  storage: FileStorage;
  courses: CourseService;
  sessions: AttendanceService;
  students: StudentService;
  /** The two institutions' callers. */
  admin: UserViewer;
  teacher: UserViewer;
  otherTeacher: UserViewer;
  outsider: UserViewer;
  system: SystemViewer;
  key(scopes: ApiScope[], courseId?: string | null): ApiKeyViewer;
  /** A course of `teacher` with `n` consenting students enrolled. */
  course(n?: number): Promise<{ id: string; studentIds: string[] }>;
  sql<T = Record<string, unknown>>(text: string, params?: unknown[]): Promise<T[]>;
  close(): Promise<void>;
}

export async function createWorld(): Promise<World> {
  const db = await openDatabase({
    url: process.env.DATABASE_URL,
    pgliteDataDir: 'memory://',
    runMigrations: true,
  });
  const sql = <T>(text: string, params: unknown[] = []) => db.dataSource.query<T[]>(text, params);
  const one = async (text: string, params: unknown[]) => (await sql<{ id: string }>(text, params))[0]!.id;
  const tag = randomUUID().slice(0, 8);
  const institution = (slug: string) =>
    one(`INSERT INTO institution (slug, name) VALUES ($1, $1) RETURNING id`, [`${slug}-${tag}`]);
  const user = async (institutionId: string, role: Role, name: string): Promise<UserViewer> => {
    const email = `${name}-${tag}@school.test`;
    const userId = await one(
      `INSERT INTO app_user (institution_id, email, name, role, password_hash) VALUES ($1, $2, $3, $4, 'x')
       RETURNING id`,
      [institutionId, email, name, role],
    );
    return { kind: 'user', userId, institutionId, role, email };
  };

  const home = await institution('home');
  const away = await institution('away');
  const admin = await user(home, Role.ADMIN, 'admin');
  const teacher = await user(home, Role.TEACHER, 'teacher');
  const otherTeacher = await user(home, Role.TEACHER, 'other');
  const outsider = await user(away, Role.ADMIN, 'outsider');

  const logger = createLogger('silent');
  const storageDir = await mkdtemp(path.join(os.tmpdir(), 'rollcall-spec-'));
  const storage = new FileStorage(storageDir);
  await storage.init();
  const ds = db.dataSource;
  const courses = new CourseService(ds);
  const audit = new AuditService(ds);
  const roster = new RosterService(ds, new MemoryCache(), 60, () => ['spec-model']);
  const students = new StudentService(ds, courses, roster, storage, audit, logger);
  const sessions = new AttendanceService(ds, courses, new AttendanceRepository(), createMemoryPubSub(), 10);

  let courses_ = 0;
  return {
    db,
    storage,
    courses,
    sessions,
    students,
    admin,
    teacher,
    otherTeacher,
    outsider,
    system: { kind: 'system', institutionId: home },
    key: (scopes, courseId = null) => ({
      kind: 'apiKey',
      keyId: randomUUID(),
      institutionId: home,
      name: 'spec key',
      scopes,
      courseId,
    }),
    async course(n = 3) {
      courses_ += 1;
      const course = await courses.create(teacher, { code: `C${courses_}-${tag}`, name: 'Spec course' });
      const studentIds: string[] = [];
      for (let i = 0; i < n; i++) {
        const s = await students.add(teacher, {
          courseId: course.id,
          externalId: `S${courses_}-${i}-${tag}`,
          name: `Student ${i}`,
          consent: true,
        });
        studentIds.push(s.id);
      }
      return { id: course.id, studentIds };
    },
    sql,
    async close() {
      await sql(`DELETE FROM institution WHERE id IN ($1, $2)`, [home, away]);
      await db.close();
      await rm(storageDir, { recursive: true, force: true });
    },
  };
}

export { ApiScope };
