import 'reflect-metadata';
import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { parse } from 'csv-parse/sync';
import { MemoryCache } from '../src/cache/cache';
import { openDatabase } from '../src/db/data-source';
import { Institution } from '../src/entities/institution.entity';
import { createLogger } from '../src/observability/logger';
import { createMemoryPubSub } from '../src/pubsub/memory.pubsub';
import { createMemoryJobQueue } from '../src/queue';
import { OneRosterImportService } from '../src/services/oneroster-import.service';
import { RosterService } from '../src/services/roster.service';

// A district-sized OneRoster 1.1 set (generated: 10,000 students, 50,000 enrollments by default)
// imported into a fresh database: the streamed dry run, the real run (one transaction) and an
// unchanged re-import, each with wall time and peak memory. Baseline, same run: reading the same
// files whole with csv-parse/sync, the way a non-streaming importer would, before any validation.
// BENCH_STUDENTS / BENCH_ENROLLMENTS scale it; DATABASE_URL runs it on PostgreSQL.

const STUDENTS = Number(process.env.BENCH_STUDENTS ?? 10_000);
const ENROLLMENTS = Number(process.env.BENCH_ENROLLMENTS ?? 50_000);
const TEACHERS = Math.max(1, Math.round(STUDENTS / 25));
const CLASSES = Math.max(1, Math.round(ENROLLMENTS / 25));
const MB = 1024 * 1024;

async function write(file: string, header: string, rows: Iterable<string>): Promise<void> {
  const out = createWriteStream(file);
  out.write(`\uFEFF${header}\r\n`);
  for (const row of rows) {
    if (!out.write(`${row}\r\n`)) {
      await once(out, 'drain');
    }
  }
  out.end();
  await once(out, 'finish');
}

async function generate(dir: string): Promise<void> {
  await write(path.join(dir, 'manifest.csv'), 'propertyName,value', [
    'manifest.version,1.0',
    'oneroster.version,1.1',
    ...['orgs', 'academicSessions', 'classes', 'users', 'enrollments'].map((f) => `file.${f},bulk`),
    'file.courses,absent',
    'file.demographics,absent',
  ]);
  await write(
    path.join(dir, 'orgs.csv'),
    'sourcedId,status,dateLastModified,name,type,identifier,parentSourcedId',
    ['org-1,active,2026-09-01,"District High School, North",school,DHS,'],
  );
  await write(
    path.join(dir, 'academicSessions.csv'),
    'sourcedId,status,dateLastModified,title,type,startDate,endDate,parentSourcedId,schoolYear',
    [
      'term-1,active,2026-09-01,Fall 2026,term,2026-09-01,2026-12-18,,2027',
      'term-2,active,2026-09-01,Spring 2027,term,2027-01-05,2027-06-15,,2027',
    ],
  );
  await write(
    path.join(dir, 'classes.csv'),
    'sourcedId,status,dateLastModified,title,grades,courseSourcedId,classCode,classType,location,schoolSourcedId,termSourcedIds,subjects,subjectCodes,periods',
    (function* () {
      for (let c = 0; c < CLASSES; c++) {
        yield `cls-${c},active,2026-09-01,"Class ${c}, section ${c % 7}","09,10",crs-${c % 50},C-${c},Scheduled,Room ${c % 40},org-1,"term-1,term-2","Science, Maths",SCI,"1,2"`;
      }
    })(),
  );
  await write(
    path.join(dir, 'users.csv'),
    'sourcedId,status,dateLastModified,enabledUser,orgSourcedIds,role,username,userIds,givenName,familyName,middleName,identifier,email,sms,phone,agentSourcedIds,grades,password',
    (function* () {
      for (let t = 0; t < TEACHERS; t++) {
        yield `tch-${t},active,2026-09-01,TRUE,org-1,Teacher,t${t},,Teacher,"Number ${t}",,T-${t},teacher${t}@district.test,,,,,`;
      }
      for (let s = 0; s < STUDENTS; s++) {
        yield `stu-${s},active,2026-09-01,TRUE,org-1,student,s${s},{LDAP:${s}},Student,"Family, ${s}",,S-${s},,,,,10,`;
      }
    })(),
  );
  await write(
    path.join(dir, 'enrollments.csv'),
    'sourcedId,status,dateLastModified,classSourcedId,schoolSourcedId,userSourcedId,role,primary,beginDate,endDate',
    (function* () {
      for (let c = 0; c < CLASSES; c++) {
        yield `enr-t-${c},active,2026-09-01,cls-${c},org-1,tch-${c % TEACHERS},teacher,true,,`;
      }
      for (let e = 0; e < ENROLLMENTS; e++) {
        // Each student in ENROLLMENTS / STUDENTS classes, spread over the classes.
        const student = e % STUDENTS;
        const cls = (Math.floor(e / STUDENTS) * 7919 + student) % CLASSES;
        yield `enr-${e},active,2026-09-01,cls-${cls},org-1,stu-${student},student,false,,`;
      }
    })(),
  );
}

/** Runs `fn`, sampling RSS and heap; returns ms and the peaks above the starting level. */
async function measure<T>(
  fn: () => Promise<T>,
): Promise<{ ms: number; rssMb: number; heapMb: number; value: T }> {
  global.gc?.();
  const start = process.memoryUsage();
  let rss = start.rss;
  let heap = start.heapUsed;
  const timer = setInterval(() => {
    const m = process.memoryUsage();
    rss = Math.max(rss, m.rss);
    heap = Math.max(heap, m.heapUsed);
  }, 20);
  const t0 = performance.now();
  const value = await fn();
  const ms = performance.now() - t0;
  clearInterval(timer);
  const m = process.memoryUsage();
  rss = Math.max(rss, m.rss);
  heap = Math.max(heap, m.heapUsed);
  return { ms, rssMb: (rss - start.rss) / MB, heapMb: (heap - start.heapUsed) / MB, value };
}

async function main(): Promise<void> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'oneroster-bench-'));
  const logger = createLogger('warn');
  const db = await openDatabase({
    url: process.env.DATABASE_URL,
    pgliteDataDir: 'memory://',
    runMigrations: true,
  });
  const jobs = createMemoryJobQueue();
  try {
    await generate(dir);
    const ds = db.dataSource;
    const institution = await ds
      .getRepository(Institution)
      .save({ slug: `bench-${Date.now()}`, name: 'Bench district' });
    const service = new OneRosterImportService(
      ds,
      createMemoryPubSub(),
      jobs,
      new RosterService(ds, new MemoryCache(), 60, () => ['bench']),
      dir,
      Number.MAX_SAFE_INTEGER,
      logger,
    );
    const viewer = { kind: 'system' as const, institutionId: institution.id };
    const options = { strict: true, consentColumn: false };

    const baseline = await measure(async () => {
      let rows = 0;
      for (const f of ['classes.csv', 'users.csv', 'enrollments.csv']) {
        rows += parse<unknown>(await readFile(path.join(dir, f)), { bom: true, columns: true }).length;
      }
      return rows;
    });
    const dry = await measure(() => service.execute(viewer, dir, options, true));
    const real = await measure(() => service.execute(viewer, dir, options, false));
    const again = await measure(() => service.execute(viewer, dir, options, false));

    const s = real.value.summary;
    if (
      s.refused.length > 0 ||
      (s.created.students ?? 0) !== STUDENTS ||
      (s.created.enrollments ?? 0) !== ENROLLMENTS + CLASSES
    ) {
      throw new Error(
        `unexpected import result: ${JSON.stringify({ ...s, refused: s.refused.slice(0, 3) })}`,
      );
    }
    if ((again.value.summary.unchanged.enrollments ?? 0) !== ENROLLMENTS + CLASSES) {
      throw new Error('the re-import was not unchanged');
    }
    const line = (name: string, r: { ms: number; rssMb: number; heapMb: number }) =>
      `${name.padEnd(44)} ${(r.ms / 1000).toFixed(2).padStart(7)} s   peak RSS +${r.rssMb.toFixed(0).padStart(4)} MiB   peak heap +${r.heapMb.toFixed(0).padStart(4)} MiB`;
    const rows = STUDENTS + TEACHERS + CLASSES + ENROLLMENTS + CLASSES;
    process.stdout.write(
      [
        `OneRoster import bench: ${STUDENTS} students, ${TEACHERS} teachers, ${CLASSES} classes, ${ENROLLMENTS + CLASSES} enrollments (${rows} rows), database ${db.kind}`,
        line('baseline: csv-parse/sync whole files (no checks)', baseline),
        line('dry run (streamed, validated, nothing written)', dry),
        line('real run (one transaction)', real),
        line('re-import, unchanged', again),
        `dry run: ${(rows / (dry.ms / 1000)).toFixed(0)} rows/s; real run: ${(rows / (real.ms / 1000)).toFixed(0)} rows/s`,
        `peak heap, dry run vs whole-file baseline: ${(dry.heapMb / Math.max(1, baseline.heapMb)).toFixed(2)}x; time ${(dry.ms / baseline.ms).toFixed(2)}x`,
        '',
      ].join('\n'),
    );
  } finally {
    await jobs.close();
    await db.close();
    await rm(dir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
