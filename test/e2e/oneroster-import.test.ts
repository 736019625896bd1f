import { cp, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ZipFile } from 'yazl';
import {
  codesOf,
  collect,
  gql,
  gqlOk,
  gqlUpload,
  startTestApp,
  wsClient,
  type Endpoint,
  type TestApp,
  type UploadFile,
} from '../setup/harness';

// The OneRoster import through the API, on the shared sets (read from ../shared, never copied into
// the repository): dry run, real run as a job with progress, re-import with changes, broken sets.

const SHARED = path.resolve(__dirname, '..', '..', '..', 'shared', 'oneroster');

const UPLOAD = `mutation($files: [Upload!]!, $strict: Boolean, $consentColumn: Boolean) {
  uploadOneRoster(files: $files, strict: $strict, consentColumn: $consentColumn) {
    id status strict
    preview { summary files { file rows created updated unchanged removed skipped refused }
      refused { file line sourcedId reason message } rows { file line sourcedId action } warnings }
  }
}`;
const RUN = `mutation($id: ID!) { runOneRosterImport(id: $id) { id status } }`;
const GET = `query($id: ID!) { oneRosterImport(id: $id) { id status progress error result { summary refused { sourcedId reason } } } }`;
const PROGRESS = `subscription($id: ID!) { oneRosterImportProgress(id: $id) { id status progress error } }`;

interface Summary {
  created: Record<string, number>;
  updated: Record<string, number>;
  unchanged: Record<string, number>;
  removed: Record<string, number>;
  refused: { sourcedId: string; reason: string }[];
}
interface Uploaded {
  uploadOneRoster: {
    id: string;
    status: string;
    preview: { summary: Summary; refused: { file: string; line: number; reason: string }[]; rows: unknown[] };
  };
}
interface Progress {
  oneRosterImportProgress: { status: string; progress: number; error: string | null };
}

function zip(dir: string, names: string[]): Promise<Buffer> {
  const z = new ZipFile();
  for (const n of names) {
    z.addFile(path.join(dir, n), `export/${n}`);
  }
  z.end();
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    z.outputStream.on('data', (c: Buffer) => chunks.push(c));
    z.outputStream.on('end', () => resolve(Buffer.concat(chunks)));
    z.outputStream.on('error', reject);
  });
}

async function setFiles(dir: string, asZip: boolean): Promise<Record<string, UploadFile>> {
  const names = (await readdir(dir)).filter((n) => n.endsWith('.csv'));
  if (asZip) {
    return { 'files.0': { name: 'oneroster.zip', data: await zip(dir, names), type: 'application/zip' } };
  }
  const files: Record<string, UploadFile> = {};
  for (const [i, n] of names.entries()) {
    files[`files.${i}`] = { name: n, data: await readFile(path.join(dir, n)), type: 'text/csv' };
  }
  return files;
}

describe('OneRoster import (API)', () => {
  let app: TestApp;
  let admin: Endpoint;
  let tmp: string;

  const counts = async () => {
    const [row] = await app.dataSource.query<
      { courses: number; students: number; links: number; teachers: number }[]
    >(
      `SELECT (SELECT count(*)::int FROM course WHERE institution_id = i.id AND sourced_id IS NOT NULL) AS courses,
              (SELECT count(*)::int FROM student WHERE institution_id = i.id AND sourced_id IS NOT NULL) AS students,
              (SELECT count(*)::int FROM course_enrollment e JOIN course c ON c.id = e.course_id WHERE c.institution_id = i.id) AS links,
              (SELECT count(*)::int FROM app_user WHERE institution_id = i.id AND sourced_id IS NOT NULL) AS teachers
         FROM institution i WHERE slug = 'lms-import'`,
    );
    return row;
  };

  const upload = async (dir: string, vars: Record<string, unknown> = {}, asZip = true) => {
    const res = await gqlUpload<Uploaded>(admin, UPLOAD, { files: [], ...vars }, await setFiles(dir, asZip));
    expect(res.errors).toBeUndefined();
    return res.data!.uploadOneRoster;
  };

  const runToEnd = async (id: string) => {
    const client = wsClient(admin);
    const feed = collect<Progress>(client, PROGRESS, { id }, (ev) =>
      ev.some((e) => ['SUCCEEDED', 'FAILED'].includes(e.oneRosterImportProgress.status)),
    );
    await feed.ready;
    const started = await gqlOk<{ runOneRosterImport: { status: string } }>(admin, RUN, { id });
    expect(started.runOneRosterImport.status).toBe('QUEUED');
    const events = await feed.done;
    await client.dispose();
    expect(feed.errors).toEqual([]);
    const got = await gqlOk<{
      oneRosterImport: { status: string; error: string | null; result: { summary: Summary } };
    }>(admin, GET, { id });
    return { events, record: got.oneRosterImport };
  };

  beforeAll(async () => {
    app = await startTestApp();
    admin = await app.adminOf('lms-import');
    tmp = await mkdtemp(path.join(os.tmpdir(), 'oneroster-e2e-'));
  });
  afterAll(async () => {
    await app?.stop();
    await rm(tmp, { recursive: true, force: true });
  });

  it('dry-runs an uploaded zip without writing anything', async () => {
    const before = await counts();
    const imp = await upload(path.join(SHARED, 'moodle-catalyst-v1p1-minimal'));
    expect(imp.status).toBe('PREVIEWED');
    expect(imp.preview.summary.created).toMatchObject({
      courses: 2,
      students: 3,
      teachers: 2,
      enrollments: 4,
    });
    expect(imp.preview.refused).toHaveLength(2);
    expect(imp.preview.rows.length).toBeGreaterThan(15);
    expect(await counts()).toEqual(before);
  });

  it('runs the import as a job with progress, then a re-import is unchanged', async () => {
    const imp = await upload(path.join(SHARED, 'moodle-catalyst-v1p1-minimal'));
    const { events, record } = await runToEnd(imp.id);
    expect(record.status).toBe('SUCCEEDED');
    expect(events.at(-1)?.oneRosterImportProgress).toMatchObject({ status: 'SUCCEEDED', progress: 1 });
    expect(await counts()).toEqual({ courses: 2, students: 3, links: 2, teachers: 2 });
    const courses = await gqlOk<{
      courses: { items: { code: string; name: string; students: { total: number } }[] };
    }>(admin, `{ courses { items { code name students { total } } } }`);
    expect(courses.courses.items.map((c) => c.name).sort()).toEqual([
      'History - 2',
      'Introduction to Physics',
    ]);

    const again = await upload(path.join(SHARED, 'moodle-catalyst-v1p1-minimal'));
    expect(again.preview.summary.created).toEqual({});
    expect(again.preview.summary.unchanged).toMatchObject({ courses: 2, students: 3, enrollments: 4 });
  });

  it('re-imports with changes (the full set, as separate CSV files): updates, and tobedeleted unlinks', async () => {
    const imp = await upload(path.join(SHARED, 'moodle-catalyst-v1p1-full'), {}, false);
    expect(imp.preview.summary.updated).toMatchObject({ courses: 1, students: 3 });
    expect(imp.preview.summary.removed).toMatchObject({ courses: 1 });
    const { record } = await runToEnd(imp.id);
    expect(record.status).toBe('SUCCEEDED');
    // The History class is tobedeleted: its roster is unlinked, the course and students stay.
    const c = await counts();
    expect(c).toMatchObject({ courses: 2, students: 3, teachers: 2 });
    const [history] = await app.dataSource.query<{ n: number; teacher: string | null }[]>(
      `SELECT count(e.student_id)::int AS n, c.teacher_id AS teacher FROM course c
         LEFT JOIN course_enrollment e ON e.course_id = c.id WHERE c.sourced_id = 'cls-222-123478' GROUP BY c.teacher_id`,
    );
    expect(history).toEqual({ n: 0, teacher: null });
  });

  it('refuses broken references row by row; a strict run writes nothing at all', async () => {
    const dir = path.join(tmp, 'broken');
    await cp(path.join(SHARED, 'moodle-catalyst-v1p1-minimal'), dir, { recursive: true });
    await writeFile(
      path.join(dir, 'classes.csv'),
      'sourcedId,status,dateLastModified,title,courseSourcedId,schoolSourcedId,termSourcedIds\r\n' +
        'cls-new-1,,,Chemistry,crs-x,org-sch-222-456,as-trm-222-1234\r\n' +
        'cls-new-2,,,Biology,crs-x,org-sch-222-456,as-missing-term\r\n',
    );
    await writeFile(
      path.join(dir, 'enrollments.csv'),
      'sourcedId,classSourcedId,schoolSourcedId,userSourcedId,role\r\n' +
        'enr-n-1,cls-new-1,org-sch-222-456,usr-222-567891,student\r\n' +
        'enr-n-2,cls-new-2,org-sch-222-456,usr-222-567891,student\r\n' +
        'enr-n-3,cls-new-1,org-sch-222-456,usr-nobody,student\r\n',
    );
    const before = await counts();
    const strict = await upload(dir, { strict: true });
    expect(strict.preview.refused.map((r) => `${r.file}:${r.line}:${r.reason}`)).toEqual([
      'classes.csv:3:BAD_REFERENCE',
      'enrollments.csv:3:BAD_REFERENCE',
      'enrollments.csv:4:BAD_REFERENCE',
    ]);
    const { record } = await runToEnd(strict.id);
    expect(record.status).toBe('FAILED');
    expect(record.error).toContain('nothing was written');
    expect(await counts()).toEqual(before);

    // Not strict: the valid rows land, the refused ones leave nothing behind.
    const lenient = await upload(dir);
    const done = await runToEnd(lenient.id);
    expect(done.record.status).toBe('SUCCEEDED');
    expect(done.record.result.summary.refused).toHaveLength(3);
    const names = await app.dataSource.query<{ name: string; n: number }[]>(
      `SELECT c.name, count(e.student_id)::int AS n FROM course c LEFT JOIN course_enrollment e ON e.course_id = c.id
        WHERE c.sourced_id LIKE 'cls-new-%' GROUP BY c.name`,
    );
    expect(names).toEqual([{ name: 'Chemistry', n: 1 }]);
  });

  it('never records consent on its own: imported students cannot have faces enrolled until consent is given', async () => {
    const [student] = await app.dataSource.query<{ id: string; consent: string | null }[]>(
      `SELECT id, consent_given_at AS consent FROM student WHERE sourced_id = 'usr-222-567891'`,
    );
    expect(student?.consent).toBeNull();
    const enroll = await gqlUpload(
      admin,
      `mutation($s: ID!, $p: [Upload!]!) { enrollFaces(studentId: $s, photos: $p) { id } }`,
      { s: student!.id, p: [] },
      { 'p.0': { name: 'x.jpg', data: Buffer.from([0xff, 0xd8, 0xff]) } },
    );
    expect(codesOf(enroll)).toEqual(['CONSENT_REQUIRED']);

    // With the school's consent column, and only when the admin says the school uses it.
    const dir = path.join(tmp, 'consent');
    await cp(path.join(SHARED, 'moodle-catalyst-v1p1-full'), dir, { recursive: true });
    const users = await readFile(path.join(dir, 'users.csv'), 'utf8');
    const lines = users.split('\r\n');
    lines[0] += ',metadata.rollcall.biometricConsent';
    const withConsent = lines.map((l, i) =>
      i === 0 || !l ? l : `${l},${l.startsWith('usr-222-567891,') ? 'true' : ''}`,
    );
    await writeFile(path.join(dir, 'users.csv'), withConsent.join('\r\n'));
    // Without consentColumn the column is ignored: the run records no consent.
    const ignored = await upload(dir);
    await runToEnd(ignored.id);
    const [still] = await app.dataSource.query<{ consent: string | null }[]>(
      `SELECT consent_given_at AS consent FROM student WHERE sourced_id = 'usr-222-567891'`,
    );
    expect(still?.consent).toBeNull();
    const honoured = await upload(dir, { consentColumn: true });
    expect(honoured.preview.summary.updated).toEqual({ students: 1 });
    await runToEnd(honoured.id);
    const [after] = await app.dataSource.query<{ by: string }[]>(
      `SELECT consent_recorded_by AS by FROM student WHERE sourced_id = 'usr-222-567891' AND consent_given_at IS NOT NULL`,
    );
    expect(after?.by).toContain('consent column');
  });

  it('refuses bad uploads and callers who are not admins with typed errors', async () => {
    const text = await gqlUpload(
      admin,
      UPLOAD,
      { files: [] },
      { 'files.0': { name: 'notes.txt', data: Buffer.from('x') } },
    );
    expect(codesOf(text)).toEqual(['BAD_USER_INPUT']);
    const notZip = await gqlUpload(
      admin,
      UPLOAD,
      { files: [] },
      { 'files.0': { name: 'set.zip', data: Buffer.from('not a zip') } },
    );
    expect(codesOf(notZip)).toEqual(['BAD_USER_INPUT']);
    const anon = await gql(app.anonymous, GET, { id: '00000000-0000-0000-0000-000000000000' });
    expect(codesOf(anon)).toEqual(['UNAUTHENTICATED']);
    const other = await app.adminOf('lms-other');
    const list = await gqlOk<{ oneRosterImports: { total: number } }>(
      other,
      `{ oneRosterImports { total } }`,
    );
    expect(list.oneRosterImports.total).toBe(0);
    const done = await gqlOk<{ oneRosterImports: { items: { id: string; status: string }[] } }>(
      admin,
      `{ oneRosterImports(take: 50) { items { id status } } }`,
    );
    const succeeded = done.oneRosterImports.items.find((i) => i.status === 'SUCCEEDED');
    const rerun = await gql(admin, RUN, { id: succeeded!.id });
    expect(codesOf(rerun)).toEqual(['CONFLICT']);
  });
});
