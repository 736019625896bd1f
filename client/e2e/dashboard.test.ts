import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { assertAccessible, assertLabelsApart, assertNoHorizontalScroll } from './checks';
import {
  FACES_DIR,
  facePhotos,
  groupPhoto,
  launchBrowser,
  SCREENSHOT_DIR,
  startStack,
  type Stack,
} from './harness';

// A teacher's morning on a phone (390 px), in the real dashboard against the real server: class list
// from a CSV, face photos for the whole class at once (named by student number), a session with the
// camera input, review with undo, one-tap marks, close, report and CSV. Then every main screen again
// at 820 and 1280 px: no sideways scroll, no overlapping face labels, no serious accessibility
// problem (axe-core), screenshots. synthetic_class_1.jpg shows seven people (groups.json): Tony Blair
// and Colin Powell are enrolled, George Bush is a student without faces, the others are strangers.

const EMAIL = process.env.E2E_EMAIL ?? 'admin@rollcall.local';
const PASSWORD = process.env.E2E_PASSWORD ?? 'rollcall-dev';
const PHONE = { width: 390, height: 844 };
const TABLET = { width: 820, height: 1180 };
const DESKTOP = { width: 1280, height: 900 };
const LONG = 120_000;

const TONY = 'Tony Blair';
const COLIN = 'Colin Powell';
const JEFF = 'Jeff Bezos';
const GROUP = 'synthetic_class_1.jpg';
const groupsJson = path.join(FACES_DIR, 'groups.json');

let stack: Stack;
let browser: Browser;
let context: BrowserContext;
let page: Page;
let work: string;
let courseUrl = '';
let sessionUrl = '';
let reviewUrl = '';
let reportsUrl = '';
let studentUrl = '';

async function imagesLoaded(p: Page): Promise<void> {
  await p.waitForFunction(() =>
    Array.from(document.images).every((img) => img.complete && img.naturalWidth > 0),
  );
}

async function shot(p: Page, name: string): Promise<void> {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  await p.evaluate(() => window.scrollTo(0, 0));
  await p.screenshot({ path: path.join(SCREENSHOT_DIR, `${name}.png`), fullPage: true });
}

async function open(ctx: BrowserContext, url: string): Promise<Page> {
  const p = await ctx.newPage();
  p.on('pageerror', (error) => console.log(`# page error: ${error.message}`));
  await p.goto(url);
  const signIn = p.getByRole('heading', { name: 'Sign in to Rollcall' });
  await p.locator('main h1').first().waitFor({ timeout: 30_000 });
  if (await signIn.isVisible()) {
    await assertAccessible(p, 'sign-in');
    await p.getByLabel('E-mail').fill(EMAIL);
    await p.getByLabel('Password').fill(PASSWORD);
    await p.getByRole('button', { name: 'Sign in' }).click();
    await p.waitForURL((u) => !u.pathname.startsWith('/login'), { timeout: 30_000 });
  }
  return p;
}

const row = (p: Page, name: string) => p.locator(`[data-testid=attendance-row][data-student="${name}"]`);
const statusOf = (p: Page, name: string) => row(p, name).getAttribute('data-status');
async function waitStatus(p: Page, name: string, status: string): Promise<void> {
  await p.locator(`[data-testid=attendance-row][data-student="${name}"][data-status=${status}]`).waitFor();
}

/** The checks every main screen passes at every width. */
async function screenChecks(p: Page, where: string): Promise<void> {
  await assertNoHorizontalScroll(p, where);
  await assertAccessible(p, where);
}

before(async () => {
  stack = await startStack();
  browser = await launchBrowser();
  context = await browser.newContext({ viewport: PHONE, acceptDownloads: true, hasTouch: true });
  work = mkdtempSync(path.join(tmpdir(), 'rollcall-e2e-files-'));
});

after(async () => {
  await browser?.close();
  await stack?.close();
  rmSync(work, { recursive: true, force: true });
});

describe("a teacher's morning", { timeout: 15 * 60_000 }, () => {
  test('signs in on a phone and creates a course', async () => {
    page = await open(context, `${stack.baseUrl}/courses/`);
    await page.getByRole('heading', { name: 'Courses', level: 1 }).waitFor();
    await page.getByLabel('Code').fill('PHY101');
    await page.getByLabel('Name').fill('Physics of Everyday Life');
    await page.getByRole('button', { name: 'Create course' }).click();
    await page.getByRole('status').filter({ hasText: 'Created PHY101' }).waitFor();
    await screenChecks(page, 'courses @390');
    await page.getByRole('link', { name: 'PHY101' }).click();
    await page.getByRole('heading', { name: 'PHY101 · Physics of Everyday Life' }).waitFor();
    courseUrl = page.url();
    reportsUrl = `${stack.baseUrl}/reports/?course=${new URL(courseUrl).searchParams.get('id')}`;
  });

  test('builds the class from a CSV: problems by line first, then a preview, then the import', async () => {
    const bad = path.join(work, 'bad.csv');
    writeFileSync(
      bad,
      'student number,name,consent\ns-1001,Tony Blair,yes\ns-1001,Twice,yes\ns-1009,,maybe\n',
    );
    await page.getByTestId('roster-file').setInputFiles(bad);
    await page.getByRole('button', { name: 'Check the list' }).click();
    const problems = page.getByTestId('roster-problems');
    await problems.waitFor();
    assert.match(await problems.innerText(), /Line 3, student number: the same as line 2/);
    assert.match(await problems.innerText(), /Line 4, consent: "maybe" is neither yes nor no/);

    // What a spreadsheet saves: BOM, semicolons, a quoted name, and one student without consent.
    const good = path.join(work, 'class.csv');
    writeFileSync(
      good,
      '\uFEFFStudent number;Name;E-mail;Consent\r\n' +
        's-1001;Tony Blair;;yes\r\ns-1002;Colin Powell;;yes\r\ns-1003;"George Bush";;yes\r\n' +
        's-1004;Jeff Bezos;;yes\r\ns-1005;No Consent;;no\r\n',
    );
    await page.getByTestId('roster-file').setInputFiles(good);
    await page.getByRole('button', { name: 'Check the list' }).click();
    const preview = page.getByTestId('roster-preview');
    await preview.waitFor();
    assert.match(await preview.innerText(), /4 students to add, 1 without consent \(not added\)/);
    await screenChecks(page, 'course import @390');
    await page.getByRole('button', { name: 'Import 4 students' }).click();
    await page.getByTestId('roster-done').waitFor();
    await page.locator('[data-testid=student-row]').nth(3).waitFor();
    assert.equal(await page.locator('[data-testid=student-row]').count(), 4);
    assert.ok(await page.getByRole('link', { name: 'George Bush' }).isVisible());
  });

  test(
    'adds face photos for the whole class at once, with a verdict per photo',
    { timeout: LONG * 2 },
    async () => {
      const files: string[] = [];
      const copy = (from: string, name: string) => {
        const to = path.join(work, name);
        copyFileSync(from, to);
        files.push(to);
      };
      facePhotos('tony_blair', 3).forEach((f, i) => copy(f, i === 0 ? 's-1001.jpg' : `s-1001_${i + 1}.jpg`));
      facePhotos('colin_powell', 3).forEach((f, i) => copy(f, `S-1002 (${i + 1}).jpg`));
      facePhotos('jeff_bezos', 2).forEach((f, i) => copy(f, `s-1004-${i + 1}.jpg`));
      copy(facePhotos('tony_blair', 4)[3]!, 's-9999.jpg');
      writeFileSync(path.join(work, 'notes.txt'), 'not a photo');
      files.push(path.join(work, 'notes.txt'));
      await page.getByTestId('bulk-faces-input').setInputFiles(files);
      await page.waitForFunction(
        (n) =>
          document.querySelectorAll(
            '[data-testid=bulk-item]:is([data-state=good],[data-state=weak],[data-state=refused])',
          ).length === n,
        files.length,
        { timeout: LONG * 2 },
      );
      const items = await page.getByTestId('bulk-item').allInnerTexts();
      const of = (name: string) => items.find((t) => t.includes(name)) ?? '';
      assert.match(of('s-9999.jpg'), /No student numbered “s-9999” in this course/);
      assert.match(of('notes.txt'), /Not a photo/);
      assert.equal(items.filter((t) => /Good|Weak/.test(t)).length, 8, items.join('\n'));
      await screenChecks(page, 'bulk enrollment @390');
      // Hints: Jeff has 2 photos, George none.
      const hints = page.getByTestId('face-hint');
      await page.waitForFunction(() => document.querySelectorAll('[data-testid=face-hint]').length === 2);
      const text = (await hints.allInnerTexts()).join('\n');
      assert.match(text, /Add 1 more clear photo/);
      assert.match(text, /No face photos yet/);
      await shot(page, 'course-phone');
    },
  );

  test(
    'takes a class photo with the phone camera: names arrive, labels readable and apart',
    { timeout: LONG * 2 },
    async () => {
      await page.getByRole('button', { name: 'Start session' }).click();
      await page.waitForURL(/\/session\/\?id=/);
      sessionUrl = page.url();
      reviewUrl = `${stack.baseUrl}/review/?session=${new URL(sessionUrl).searchParams.get('id')}`;
      await page.getByRole('heading', { name: 'Attendance' }).waitFor();
      await waitStatus(page, TONY, 'NONE');

      // A second device follows the same session live.
      const other = await browser.newContext({ viewport: DESKTOP });
      const watcher = await open(other, sessionUrl);
      await watcher.getByRole('heading', { name: 'Attendance' }).waitFor();

      await page.getByTestId('camera-input').setInputFiles([groupPhoto(GROUP)]);
      await page.locator('[data-testid=upload]').first().waitFor();
      const photo = page.locator('[data-testid=photo][data-status=DONE]');
      await photo.waitFor({ timeout: LONG });
      for (const p of [page, watcher]) {
        for (const name of [TONY, COLIN]) {
          await p
            .locator(
              `[data-testid=attendance-row][data-student="${name}"]:is([data-status=PRESENT],[data-status=LATE])`,
            )
            .waitFor({ timeout: 30_000 });
        }
      }
      await watcher.locator(`[data-testid=photo][data-status=DONE] [data-face-label="${TONY}"]`).waitFor();
      await other.close();

      const people = (JSON.parse(readFileSync(groupsJson, 'utf8')) as Record<string, string[]>)[GROUP] ?? [];
      const labels = await photo
        .locator('[data-face-label]')
        .evaluateAll((els) => els.map((el) => el.getAttribute('data-face-label')));
      assert.ok(labels.length >= people.length, `every face labelled: ${labels.join(' | ')}`);
      assert.ok(labels.includes(TONY) && labels.includes(COLIN), labels.join(' | '));
      await imagesLoaded(page);
      await assertLabelsApart(page, 'session @390');
      await screenChecks(page, 'session @390');
      assert.match(
        await page.locator('[data-testid=photo] .small').first().innerText(),
        /\d+ faces, \d+ recognised/,
      );
      await shot(page, 'session-phone');
    },
  );

  test(
    'reviews faces: nobody already present is proposed, undo puts back each choice',
    { timeout: LONG },
    async () => {
      const waiting = Number(await page.getByTestId('review-count').textContent());
      assert.ok(waiting >= 1, `faces to review, got ${waiting}`);
      await page.getByRole('link', { name: /Review faces/ }).click();
      await page.getByRole('heading', { name: 'Review faces' }).waitFor();
      const items = page.getByTestId('review-item');
      await items.first().waitFor();
      assert.equal(await items.count(), waiting);
      const proposals = await items.evaluateAll((els) =>
        els.map((el) => el.getAttribute('data-proposal') ?? ''),
      );
      assert.ok(
        !proposals.includes(TONY) && !proposals.includes(COLIN),
        `present students proposed: ${proposals.join(',')}`,
      );
      await imagesLoaded(page);
      await screenChecks(page, 'review @390');
      await shot(page, 'review-phone');

      // Not a student -> undo -> back in the queue.
      await items
        .first()
        .getByRole('button', { name: /Not a student/ })
        .click();
      await page.getByTestId('review-message').filter({ hasText: 'not a student' }).waitFor();
      await page.getByTestId('undo-bar').filter({ hasText: 'Dismissed a face' }).waitFor();
      await page.waitForFunction(
        (n) => document.querySelectorAll('[data-testid=review-item]').length === n,
        waiting - 1,
      );
      await page.getByTestId('undo-bar').getByRole('button', { name: 'Undo' }).click();
      await page.waitForFunction(
        (n) => document.querySelectorAll('[data-testid=review-item]').length === n,
        waiting,
      );

      // "It is…" George: he is marked from that face, then undone.
      const first = items.first();
      await first.getByRole('combobox').selectOption({ label: 'George Bush (s-1003)' });
      await first.getByRole('button', { name: 'Confirm' }).click();
      await page.getByTestId('review-message').filter({ hasText: 'Marked George Bush present' }).waitFor();
      await page.getByTestId('undo-bar').filter({ hasText: 'Confirmed George Bush' }).waitFor();
      await page.getByTestId('undo-bar').getByRole('button', { name: 'Undo' }).click();
      await page.getByTestId('review-message').filter({ hasText: 'Undone: Confirmed George Bush' }).waitFor();

      await page.waitForFunction(
        (n) => document.querySelectorAll('[data-testid=review-item]').length === n,
        waiting,
      );
      const unknown = await page.getByRole('button', { name: /Dismiss all unknown faces/ }).innerText();
      const n = Number(/\((\d+)\)/.exec(unknown)?.[1]);
      await page.getByRole('button', { name: /Dismiss all unknown faces/ }).click();
      await page
        .getByTestId('review-message')
        .filter({ hasText: `${n} unknown face` })
        .waitFor();
      await page.waitForFunction(
        (left) => document.querySelectorAll('[data-testid=review-item]').length === left,
        waiting - n,
      );
    },
  );

  test('marks in one tap: cycle, excuse reason, everyone not seen absent, undo', async () => {
    await page.goto(sessionUrl);
    const george = 'George Bush';
    await page.getByRole('heading', { name: 'Attendance' }).waitFor();
    await waitStatus(page, george, 'NONE');
    await page.getByRole('button', { name: /Mark 2 not seen absent/ }).click();
    await waitStatus(page, george, 'ABSENT');
    await waitStatus(page, JEFF, 'ABSENT');
    await page.getByTestId('undo-bar').filter({ hasText: 'Marked 2 students not seen absent' }).waitFor();
    await page.getByTestId('undo-bar').getByRole('button', { name: 'Undo' }).click();
    await waitStatus(page, george, 'NONE');
    await waitStatus(page, JEFF, 'NONE');

    const button = row(page, george).locator('.status-button');
    await button.click();
    await waitStatus(page, george, 'PRESENT');
    await button.click();
    await waitStatus(page, george, 'LATE');
    await button.click();
    await waitStatus(page, george, 'EXCUSED');
    await row(page, george).getByRole('button', { name: 'Medical appointment' }).click();
    await row(page, george).getByText('“Medical appointment”').waitFor();
    await page.getByTestId('undo-bar').filter({ hasText: 'Marked George Bush excused' }).waitFor();
    await page.getByTestId('undo-bar').getByRole('button', { name: 'Undo' }).click();
    await page.waitForFunction(
      () =>
        !document
          .querySelector('[data-student="George Bush"] .evidence')
          ?.textContent?.includes('“Medical appointment”'),
    );
    await row(page, george).getByRole('button', { name: 'Medical appointment' }).click();
    await row(page, george).getByText('“Medical appointment”').waitFor();
    assert.equal(await statusOf(page, george), 'EXCUSED');
    await screenChecks(page, 'marking @390');
  });

  test('closes the session, told of faces still waiting', async () => {
    await page.getByRole('button', { name: 'Close session' }).click();
    const dialog = page.getByRole('dialog');
    const waiting = Number(await page.getByTestId('review-count').textContent());
    if (waiting > 0) {
      await dialog
        .getByTestId('close-waiting')
        .filter({ hasText: `${waiting} face` })
        .waitFor();
    }
    await dialog.getByRole('button', { name: 'Close session' }).click();
    await page.getByText(/Closed .* students not seen/).waitFor();
    await waitStatus(page, JEFF, 'ABSENT');
  });

  test('reports: register, links to sessions and students, an Excel-friendly CSV', async () => {
    await page.goto(reportsUrl);
    await page.getByRole('heading', { name: 'Attendance over time' }).waitFor();
    await page.getByTestId('register').waitFor();
    assert.match(await page.getByTestId('register').innerText(), /George Bush\s+E/);
    await page.getByTestId('per-session').getByRole('link').first().waitFor();
    await page.getByTestId('course-analytics').waitFor();
    await screenChecks(page, 'reports @390');

    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: /Export for Excel/ }).click(),
    ]);
    assert.match(download.suggestedFilename(), /^attendance-PHY101-\d{4}-\d{2}-\d{2}\.csv$/);
    const raw = readFileSync(await download.path(), 'utf8');
    assert.ok(raw.startsWith('\uFEFF'), 'a byte-order mark for Excel');
    const lines = raw.slice(1).trim().split('\r\n');
    assert.equal(
      lines[0],
      'Course,Session opened,Session closed,Student number,Student name,Status,How,Confidence %,First seen,Note',
    );
    const line = (id: string) => lines.find((l) => l.includes(`,${id},`)) ?? '';
    assert.match(
      line('s-1001'),
      /^PHY101,\d{4}-\d{2}-\d{2} \d{2}:\d{2},\d{4}-\d{2}-\d{2} \d{2}:\d{2},s-1001,Tony Blair,(Present|Late),recognised,\d+,\d{4}-\d{2}-\d{2} \d{2}:\d{2},$/,
    );
    assert.match(line('s-1003'), /,George Bush,Excused,set by teacher,,.*,Medical appointment$/);
    assert.match(line('s-1004'), /,Jeff Bezos,Absent,not seen,,,$/);

    await page.getByTestId('per-student').getByRole('link', { name: 'George Bush' }).click();
    await page.getByRole('heading', { name: 'George Bush', level: 1 }).waitFor();
    studentUrl = page.url();
    const history = page.getByTestId('history');
    await history.waitFor();
    assert.match(await history.innerText(), /PHY101 · .*\s+Excused/);
    await screenChecks(page, 'student @390');
    await shot(page, 'reports-phone');
  });

  for (const [label, viewport] of [
    ['820', TABLET],
    ['1280', DESKTOP],
  ] as const) {
    test(
      `every main screen at ${label} px: no sideways scroll, labels apart, accessible`,
      { timeout: LONG },
      async () => {
        await page.setViewportSize(viewport);
        for (const [name, url] of [
          ['courses', `${stack.baseUrl}/courses/`],
          ['course', courseUrl],
          ['session', sessionUrl],
          ['review', reviewUrl],
          ['reports', reportsUrl],
          ['student', studentUrl],
        ] as const) {
          await page.goto(url);
          await page.locator('main h1').first().waitFor();
          await page.waitForFunction(() => !document.querySelector('main [role=status] .spinner'));
          if (name === 'session') {
            await page.locator('[data-testid=photo][data-status=DONE] [data-face-label]').first().waitFor();
            await imagesLoaded(page);
            const n = await assertLabelsApart(page, `session @${label}`);
            assert.ok(n >= 7, `labels at ${label}: ${n}`);
          }
          await screenChecks(page, `${name} @${label}`);
          if (label === '1280' && ['session', 'review', 'reports', 'course', 'student'].includes(name)) {
            await imagesLoaded(page);
            await shot(page, name);
          }
        }
      },
    );
  }
});

describe('the rest of the dashboard', { timeout: 10 * 60_000 }, () => {
  test("exports a student's data, withdraws consent (faces deleted) and records it again", async () => {
    await page.goto(courseUrl);
    await page.getByRole('link', { name: TONY }).click();
    await page.getByRole('heading', { name: TONY, level: 1 }).waitFor();
    // Three enrolled photos, plus any class-photo face the morning taught his profile (learning).
    const facesHeading = page.getByRole('heading', { name: /^Enrolled faces \(\d+\)$/ });
    await facesHeading.waitFor();
    const faceCount = Number(/\((\d+)\)/.exec((await facesHeading.textContent()) ?? '')?.[1]);
    assert.ok(faceCount >= 3, `Tony's profile faces: ${faceCount}`);
    await screenChecks(page, 'student Tony @1280');
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'Download data (JSON)' }).click(),
    ]);
    const exported = JSON.parse(readFileSync(await download.path(), 'utf8')) as {
      student: { externalId: string };
      faces: { imageUrl: string }[];
    };
    assert.equal(exported.student.externalId, 's-1001');
    assert.equal(exported.faces.length, faceCount);
    await page.getByRole('button', { name: 'Withdraw consent…' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Withdraw and delete faces' }).click();
    await page.getByRole('status').filter({ hasText: 'Consent withdrawn' }).waitFor();
    await page.getByRole('heading', { name: 'Enrolled faces (0)' }).waitFor();
    await page.getByRole('button', { name: 'Record consent again…' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Record consent' }).click();
    await page.getByRole('status').filter({ hasText: 'Consent recorded' }).waitFor();
  });

  test('monitoring and admin pages are accessible; a teacher sees no admin links', async () => {
    await page.goto(`${stack.baseUrl}/monitoring/`);
    await page.getByRole('heading', { name: 'Monitoring', level: 1 }).waitFor();
    await page.waitForFunction(
      () => Number(document.querySelector('[data-testid=metrics-live]')?.getAttribute('data-received')) >= 2,
      undefined,
      { timeout: 30_000 },
    );
    await screenChecks(page, 'monitoring @1280');
    await shot(page, 'monitoring');

    await page.goto(`${stack.baseUrl}/admin/`);
    await page.getByRole('heading', { name: 'Administration', level: 1 }).waitFor();
    const teacher = { name: 'Grace Teacher', email: 'grace@rollcall.local', password: 'correct-horse-42' };
    await page.getByLabel('Full name').fill(teacher.name);
    await page.getByLabel('E-mail').fill(teacher.email);
    await page.getByLabel('Initial password').fill(teacher.password);
    await page.getByLabel('Role').selectOption('TEACHER');
    await page.getByRole('button', { name: 'Add user' }).click();
    await page
      .getByRole('status')
      .filter({ hasText: `can now sign in as ${teacher.email}` })
      .waitFor();
    await page.getByTestId('audit-log').waitFor();
    await screenChecks(page, 'admin @1280');
    await shot(page, 'admin');

    const other = await browser.newContext({ viewport: PHONE });
    const t = await other.newPage();
    await t.goto(`${stack.baseUrl}/login/`);
    await t.getByLabel('E-mail').fill(teacher.email);
    await t.getByLabel('Password').fill(teacher.password);
    await t.getByRole('button', { name: 'Sign in' }).click();
    await t.getByRole('heading', { name: 'Courses', level: 1 }).waitFor();
    const nav = t.getByRole('navigation', { name: 'Main' });
    assert.equal(await nav.getByRole('link', { name: 'Admin' }).count(), 0);
    await other.close();

    await page.goto(`${stack.baseUrl}/courses/`);
    await page.getByRole('row', { name: /PHY101/ }).waitFor();
    await shot(page, 'courses');
  });

  test('explains errors: an unknown id, and a server that stops while a live page is open', async () => {
    await page.goto(`${stack.baseUrl}/course/?id=00000000-0000-4000-8000-000000000000`);
    await page.getByRole('alert').filter({ hasText: 'does not exist any more' }).waitFor();

    await page.goto(sessionUrl);
    await page.getByRole('heading', { name: 'Attendance' }).waitFor();
    await stack.stopServer();
    const started = Date.now();
    await page
      .getByRole('alert')
      .filter({ hasText: 'cannot be reached' })
      .first()
      .waitFor({ timeout: 10_000 });
    console.log(`# server-down banner after ${Date.now() - started} ms`);
  });
});
