import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importOneRoster, openSource, type RosterOp, type RosterState } from '../../src/oneroster';

// The import's parsing and validation over the real shared sets and over hand-made messy files,
// with an empty institution (the service tests cover the database side).

const SHARED = path.resolve(__dirname, '..', '..', '..', 'shared', 'oneroster');

const emptyState = (): RosterState => ({
  terms: new Map(),
  courses: new Map(),
  courseCodes: new Map(),
  students: new Map(),
  studentExternalIds: new Map(),
  teachers: new Map(),
  enrollments: new Set(),
  findUserByEmail: () => Promise.resolve(null),
});

const OPTIONS = { consentColumn: false, placeholderEmailDomain: 'test.oneroster.invalid' };

async function run(dir: string, state = emptyState()) {
  const ops: RosterOp[] = [];
  const source = await openSource(dir);
  try {
    const report = await importOneRoster(
      source,
      state,
      { apply: (o) => Promise.resolve(void ops.push(...o)) },
      OPTIONS,
    );
    return { report, ops };
  } finally {
    await source.close();
  }
}

describe('OneRoster importer on the shared sets', () => {
  it('reads the v1.1 full set: two classes, students and teachers, refusing the broken enrollments', async () => {
    const { report, ops } = await run(path.join(SHARED, 'moodle-catalyst-v1p1-full'));
    const s = report.summary;
    expect(s.oneRosterVersion).toBe('1.1');
    // cls-222-123478 is tobedeleted: not created.
    expect(s.created.courses).toBe(1);
    expect(s.created.students).toBe(3);
    expect(s.created.teachers).toBe(2);
    expect(s.skipped.users).toBe(1); // the parent
    expect(s.created.terms).toBe(4); // one is tobedeleted
    const reasons = s.refused.map((r) => `${r.file}:${r.sourcedId}:${r.reason}`);
    // usr-222-987654 is a teacher enrolled as a student; three enrollments point at the deleted class.
    expect(reasons).toEqual(
      expect.arrayContaining([
        'enrollments.csv:enr-s-222-12345-987654:BAD_REFERENCE',
        'enrollments.csv:enr-t-222-12345-123232:BAD_REFERENCE',
        'enrollments.csv:enr-s-222-12345-987532:BAD_REFERENCE',
        'enrollments.csv:enr-s-222-12345-985321:BAD_REFERENCE',
      ]),
    );
    expect(s.refused).toHaveLength(4);
    expect(s.created.enrollments).toBe(2); // the teacher and one student of the physics class
    expect(ops.filter((o) => o.op === 'enroll')).toHaveLength(1);
    expect(ops.find((o) => o.op === 'course')).toMatchObject({
      code: 'Phys 100 - 1',
      name: 'Introduction to Physics',
      termStart: '2022-09-01',
      termEnd: '2022-12-24',
    });
  });

  it('reads the v1.1 minimal set, where both classes are active', async () => {
    const { report } = await run(path.join(SHARED, 'moodle-catalyst-v1p1-minimal'));
    const s = report.summary;
    expect(s.created.courses).toBe(2);
    expect(s.created.students).toBe(3);
    expect(s.created.teachers).toBe(2);
    // Teachers without e-mail get a placeholder account; the teacher enrolled as student is refused twice.
    expect(s.refused.map((r) => r.sourcedId).sort()).toEqual([
      'enr-s-222-12345-987532',
      'enr-s-222-12345-987654',
    ]);
    expect(s.created.enrollments).toBe(4);
  });

  it('reads the v1.2 set with roles.csv (ragged rows, typo headers) and ignores userprofiles', async () => {
    const { report } = await run(path.join(SHARED, 'moodle-catalyst-v1p2-full'));
    const s = report.summary;
    expect(s.oneRosterVersion).toBe('1.2');
    expect(s.created.students).toBe(3);
    expect(s.created.teachers).toBe(2);
    expect(s.skipped.users).toBe(1); // siteAdministrator
    expect(s.refused).toHaveLength(4);
    expect(report.warnings.join(' ')).toContain('userprofiles.csv');
  });
});

describe('OneRoster importer on messy files', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'oneroster-messy-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  const write = async (name: string, files: Record<string, string>) => {
    const d = path.join(dir, name);
    await rm(d, { recursive: true, force: true });
    await import('node:fs/promises').then((fs) => fs.mkdir(d));
    for (const [f, text] of Object.entries(files)) {
      await writeFile(path.join(d, f), text);
    }
    return d;
  };
  const MANIFEST =
    'propertyName,value\r\noneroster.version,1.1\r\nfile.classes,bulk\r\nfile.users,bulk\r\nfile.enrollments,bulk\r\n';

  it('accepts a BOM, CRLF, quoted commas and quotes, extra and empty columns, mixed-case enums', async () => {
    const d = await write('messy', {
      'manifest.csv': '\uFEFF' + MANIFEST,
      'classes.csv':
        '\uFEFFSourcedId,Status,title,courseSourcedId,schoolSourcedId,termSourcedIds,classCode,extraColumn\r\n' +
        'c1,ACTIVE,"Maths, ""advanced""",k1,o1,"t1,t2",M1,whatever\r\n',
      'users.csv':
        'sourcedId,status,role,givenName,familyName,identifier,email,,\r\n' +
        'u1,Active,STUDENT,"Lovelace, Ada",Byron,S-1,,,\r\n' +
        'u2,,Teacher,Alan,Turing,,alan@school.test,,\r\n',
      'enrollments.csv':
        'sourcedId,classSourcedId,userSourcedId,role,primary\r\ne1,c1,u1,Student,\r\ne2,c1,u2,TEACHER,TRUE\r\n',
    });
    const { report, ops } = await run(d);
    expect(report.summary.refused).toEqual([]);
    expect(ops.find((o) => o.op === 'course')).toMatchObject({ name: 'Maths, "advanced"', code: 'M1' });
    expect(ops.find((o) => o.op === 'student')).toMatchObject({
      name: 'Lovelace, Ada Byron',
      externalId: 'S-1',
    });
    expect(ops.filter((o) => o.op === 'enroll' || o.op === 'assignTeacher')).toHaveLength(2);
  });

  it('refuses duplicate ids, missing required columns and values, and dangling references, row by row', async () => {
    const d = await write('broken', {
      'manifest.csv': MANIFEST,
      'classes.csv':
        'sourcedId,title,courseSourcedId,schoolSourcedId,termSourcedIds\nc1,One,k,o,t\nc1,Again,k,o,t\nc2,,k,o,t\n',
      'users.csv': 'sourcedId,role,givenName\nu1,student,Ada\n',
      'enrollments.csv':
        'sourcedId,classSourcedId,userSourcedId,role\ne1,c1,u1,student\ne2,c9,u1,student\ne3,c1,u9,student\ne3,c1,u1,student\n',
    });
    const { report } = await run(d);
    const refused = report.summary.refused.map((r) => `${r.file}:${r.line}:${r.reason}`);
    expect(refused).toEqual([
      'classes.csv:3:DUPLICATE_ID',
      'classes.csv:4:MISSING_REQUIRED_VALUE',
      'users.csv:2:MISSING_REQUIRED_COLUMN',
      'enrollments.csv:2:BAD_REFERENCE', // u1 was refused, so it is unknown
      'enrollments.csv:3:BAD_REFERENCE',
      'enrollments.csv:4:BAD_REFERENCE',
      'enrollments.csv:5:DUPLICATE_ID',
    ]);
    expect(report.files.find((f) => f.file === 'enrollments.csv')).toMatchObject({ rows: 4, refused: 4 });
  });
});
