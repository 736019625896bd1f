import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { UserViewer } from '../../src/auth/viewer';
import { MemoryCache } from '../../src/cache/cache';
import { openDatabase, type Database } from '../../src/db/data-source';
import { Role } from '../../src/entities/user.entity';
import { CourseService } from '../../src/services/course.service';
import { DomainError, ErrorCode } from '../../src/services/domain-error';
import { faceAdvice } from '../../src/services/face-advice';
import { RosterImportService, RosterRowOutcome } from '../../src/services/roster-import.service';
import { RosterService } from '../../src/services/roster.service';

// Class lists from CSV on the real database: what a spreadsheet exports (BOM, semicolons, quoted
// names) goes in; a bad file is refused with every problem listed and nothing written.

describe(RosterImportService.name, () => {
  let db: Database;
  let sut: RosterImportService;
  let teacher: UserViewer;
  let otherTeacher: UserViewer;
  let courseId: string;
  let otherCourseId: string;
  const tag = randomUUID().slice(0, 8);

  const q = <T = Record<string, unknown>>(sql: string, params: unknown[] = []) =>
    db.dataSource.query<T[]>(sql, params);
  const one = async (sql: string, params: unknown[] = []) => (await q<{ id: string }>(sql, params))[0]!.id;
  const enrolled = async (course: string) =>
    (
      await q<{ external_id: string }>(
        `SELECT s.external_id FROM student s JOIN course_enrollment e ON e.student_id = s.id
         WHERE e.course_id = $1 ORDER BY s.external_id`,
        [course],
      )
    ).map((r) => r.external_id);
  const refused = async (csv: string) => {
    const error = await sut.importCsv(teacher, courseId, csv).then(
      () => null,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(DomainError);
    expect((error as DomainError).code).toBe(ErrorCode.BAD_USER_INPUT);
    return (error as DomainError).details as { rows?: { line: number; field: string; message: string }[] };
  };

  beforeAll(async () => {
    db = await openDatabase({
      url: process.env.DATABASE_URL,
      pgliteDataDir: 'memory://',
      runMigrations: true,
    });
    const roster = new RosterService(db.dataSource, new MemoryCache(), 60, () => ['test-model']);
    sut = new RosterImportService(db.dataSource, new CourseService(db.dataSource), roster);
    const institutionId = await one(`INSERT INTO institution (slug, name) VALUES ($1, $1) RETURNING id`, [
      `roster-${tag}`,
    ]);
    const user = async (name: string): Promise<UserViewer> => {
      const email = `${name}-${tag}@school.test`;
      const userId = await one(
        `INSERT INTO app_user (institution_id, email, name, role, password_hash)
         VALUES ($1, $2, $3, 'TEACHER', 'x') RETURNING id`,
        [institutionId, email, name],
      );
      return { kind: 'user', userId, institutionId, role: Role.TEACHER, email };
    };
    teacher = await user('t');
    otherTeacher = await user('o');
    courseId = await one(
      `INSERT INTO course (institution_id, code, name, teacher_id) VALUES ($1, 'C1', 'C1', $2) RETURNING id`,
      [institutionId, teacher.userId],
    );
    otherCourseId = await one(
      `INSERT INTO course (institution_id, code, name, teacher_id) VALUES ($1, 'C2', 'C2', $2) RETURNING id`,
      [institutionId, otherTeacher.userId],
    );
  });

  afterAll(async () => {
    await db.close();
  });

  it('imports a spreadsheet export with a consent column; students without consent are listed, not added', async () => {
    const csv =
      '\uFEFFStudent number;Name;E-mail;Consent\r\n' +
      `A1-${tag};"Lovelace, Ada";ada@school.test;yes\r\n` +
      `A2-${tag};Bob Brown;;no\r\n` +
      `A3-${tag};Cy Chan;;Y\r\n`;
    const preview = await sut.importCsv(teacher, courseId, csv, true);
    expect(preview).toMatchObject({ dryRun: true, created: 2, skipped: 1 });
    expect(await enrolled(courseId)).toEqual([]);

    const result = await sut.importCsv(teacher, courseId, csv);
    expect(result).toMatchObject({ dryRun: false, created: 2, enrolled: 0, unchanged: 0, skipped: 1 });
    expect(result.rows.map((r) => [r.line, r.outcome])).toEqual([
      [2, RosterRowOutcome.CREATED],
      [3, RosterRowOutcome.SKIPPED_NO_CONSENT],
      [4, RosterRowOutcome.CREATED],
    ]);
    expect(await enrolled(courseId)).toEqual([`A1-${tag}`, `A3-${tag}`]);
    const [ada] = await q<{ name: string; consent_recorded_by: string; email: string }>(
      `SELECT name, consent_recorded_by, email FROM student WHERE external_id = $1`,
      [`A1-${tag}`],
    );
    expect(ada).toMatchObject({ name: 'Lovelace, Ada', email: 'ada@school.test' });
    expect(ada!.consent_recorded_by).toContain('class list import');

    // The same file again changes nothing; first/last name columns and tabs work too.
    const again = await sut.importCsv(
      teacher,
      courseId,
      `number\tfirst name\tlast name\tconsent\nA1-${tag}\tAda\tLovelace\ttrue\n`,
    );
    expect(again).toMatchObject({ created: 0, unchanged: 1 });
  });

  it('refuses a bad file with every problem by line, and writes nothing', async () => {
    const before = await enrolled(courseId);
    const details = await refused(
      'number,name,email,consent\n' +
        `B1-${tag},Dee,not-an-email,yes\n` +
        `B1-${tag},Dee again,,yes\n` +
        `,No Number,,yes\n` +
        `B4-${tag},,,maybe\n`,
    );
    expect(details.rows).toEqual([
      { line: 2, field: 'email', message: '"not-an-email" is not an e-mail address' },
      { line: 3, field: 'student number', message: 'the same as line 2' },
      { line: 4, field: 'student number', message: 'missing' },
      { line: 5, field: 'name', message: 'missing' },
      { line: 5, field: 'consent', message: '"maybe" is neither yes nor no' },
    ]);
    expect((await refused('number,name\nX,Y\n')).rows).toEqual([
      { line: 1, field: 'consent', message: 'no consent column' },
    ]);
    await refused('');
    await refused('number,name,consent\n');
    await refused('number,name,consent\n"unclosed,quote,yes\n');
    expect(await enrolled(courseId)).toEqual(before);
  });

  it("does not take another teacher's student, and rolls back the rows before it", async () => {
    await q(
      `INSERT INTO student (institution_id, external_id, name, consent_given_at)
       VALUES ($1, $2, 'Theirs', now())`,
      [teacher.institutionId, `T1-${tag}`],
    );
    await q(
      `INSERT INTO course_enrollment (course_id, student_id) SELECT $1, id FROM student WHERE external_id = $2`,
      [otherCourseId, `T1-${tag}`],
    );
    const before = await enrolled(courseId);
    const details = await refused(`number,name,consent\nN1-${tag},New One,yes\nT1-${tag},Theirs,yes\n`);
    expect(details.rows?.[0]).toMatchObject({ line: 3, field: 'student number' });
    expect(await enrolled(courseId)).toEqual(before);
    expect(await q(`SELECT id FROM student WHERE external_id = $1`, [`N1-${tag}`])).toEqual([]);
    // Their own teacher can add them to another of their courses.
    const mine = await sut.importCsv(
      otherTeacher,
      otherCourseId,
      `number,name,consent\nT1-${tag},Theirs,yes\n`,
    );
    expect(mine).toMatchObject({ unchanged: 1 });
  });

  it('advises on face profiles: too few or weak photos', () => {
    expect(faceAdvice([])).toMatchObject({ ready: false, faces: 0 });
    expect(faceAdvice([{ quality: 0.8 }, { quality: 0.7 }])).toMatchObject({
      ready: false,
      message: 'Add 1 more clear photo: 3 to 5 are advised.',
    });
    expect(faceAdvice([{ quality: 0.8 }, { quality: 0.7 }, { quality: 0.1 }])).toMatchObject({
      ready: false,
      weakFaces: 1,
      message: 'Add 1 more clear photo (1 of 3 is weak): 3 to 5 are advised.',
    });
    expect(faceAdvice([{ quality: 0.8 }, { quality: 0.7 }, { quality: 0.6 }])).toMatchObject({ ready: true });
  });
});
