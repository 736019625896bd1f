import assert from 'node:assert/strict';
import { createHmac, timingSafeEqual } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { assertAccessible, assertNoHorizontalScroll } from './checks';
import { launchBrowser, REPO_DIR, SCREENSHOT_DIR, startStack, type Stack } from './harness';

// Issue #15 in the dashboard, on a phone (390 px): an admin checks a OneRoster set (dry run: per-file
// counts and per-row preview, nothing written), runs it (background job, progress) and finds the
// courses; edits a course's timetable (errors from the server shown per slot) and exports its
// attendance; subscribes a local receiver as a webhook and reads its delivery log (a refused first
// attempt, the retry, a replay), checking every delivery's signature as an LMS would.
// The OneRoster files are read from ../shared/oneroster (GPL test fixtures, never copied here).

const EMAIL = process.env.E2E_EMAIL ?? 'admin@rollcall.local';
const PASSWORD = process.env.E2E_PASSWORD ?? 'rollcall-dev';
const PHONE = { width: 390, height: 844 };
const DESKTOP = { width: 1280, height: 900 };
const SET_DIR = path.resolve(REPO_DIR, '../shared/oneroster/moodle-catalyst-v1p1-minimal');

/** A small RFC 4180 reader: enough for these files (quoted commas, no newlines inside fields). */
function readCsv(file: string): Record<string, string>[] {
  const split = (line: string): string[] => {
    const out: string[] = [];
    let cur = '';
    let quoted = false;
    for (let i = 0; i < line.length; i++) {
      const ch = line[i]!;
      if (quoted) {
        if (ch === '"' && line[i + 1] === '"') {
          cur += '"';
          i++;
        } else if (ch === '"') {
          quoted = false;
        } else {
          cur += ch;
        }
      } else if (ch === '"') {
        quoted = true;
      } else if (ch === ',') {
        out.push(cur);
        cur = '';
      } else {
        cur += ch;
      }
    }
    out.push(cur);
    return out;
  };
  const [head, ...lines] = readFileSync(path.join(SET_DIR, file), 'utf8')
    .replace(/^\uFEFF/, '')
    .split(/\r?\n/)
    .filter((l) => l.trim() !== '');
  const names = split(head!).map((h) => h.trim());
  return lines.map((l) => Object.fromEntries(split(l).map((v, i) => [names[i] ?? String(i), v])));
}

const CSV_FILES = readdirSync(SET_DIR).filter((f) => f.endsWith('.csv'));
const CLASSES = readCsv('classes.csv');
const TERMS = new Map(readCsv('academicSessions.csv').map((t) => [t.sourcedId!, t]));

interface Received {
  headers: http.IncomingHttpHeaders;
  body: string;
}

let stack: Stack;
let browser: Browser;
let context: BrowserContext;
let page: Page;
let receiver: http.Server;
let receiverUrl = '';
const received: Received[] = [];
let courseUrl = '';

async function open(ctx: BrowserContext, url: string): Promise<Page> {
  const p = await ctx.newPage();
  p.on('pageerror', (error) => console.log(`# page error: ${error.message}`));
  await p.goto(url);
  await p.locator('main h1').first().waitFor({ timeout: 30_000 });
  if (await p.getByRole('heading', { name: 'Sign in to Rollcall' }).isVisible()) {
    await p.getByLabel('E-mail').fill(EMAIL);
    await p.getByLabel('Password').fill(PASSWORD);
    await p.getByRole('button', { name: 'Sign in' }).click();
    await p.waitForURL((u) => !u.pathname.startsWith('/login'), { timeout: 30_000 });
  }
  return p;
}

async function screenChecks(p: Page, where: string): Promise<void> {
  await assertNoHorizontalScroll(p, where);
  await assertAccessible(p, where);
}

async function shot(p: Page, name: string): Promise<void> {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  await p.evaluate(() => window.scrollTo(0, 0));
  await p.screenshot({ path: path.join(SCREENSHOT_DIR, `${name}.png`), fullPage: true });
}

/** What an LMS does with a delivery: recompute HMAC-SHA256(secret, "<t>.<raw body>") (README). */
function signedBy(secret: string, r: Received): boolean {
  const header = String(r.headers['x-rollcall-signature'] ?? '');
  const parts = Object.fromEntries(header.split(',').map((p) => p.split('=') as [string, string]));
  const t = Number(parts.t);
  if (!Number.isInteger(t) || Math.abs(Date.now() / 1000 - t) > 300) {
    return false;
  }
  const expected = createHmac('sha256', secret).update(`${t}.${r.body}`).digest();
  const given = Buffer.from(parts.v1 ?? '', 'hex');
  return given.length === expected.length && timingSafeEqual(expected, given);
}

before(async () => {
  stack = await startStack();
  browser = await launchBrowser();
  context = await browser.newContext({
    viewport: PHONE,
    acceptDownloads: true,
    hasTouch: true,
    locale: 'en-US',
    timezoneId: 'America/New_York',
  });
  // The LMS: refuses the first delivery of each id (503), accepts the rest, keeps every request.
  const seen = new Set<string>();
  receiver = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const r = { headers: req.headers, body: Buffer.concat(chunks).toString('utf8') };
      received.push(r);
      const id = String(req.headers['x-rollcall-delivery'] ?? '');
      const first = !seen.has(id);
      seen.add(id);
      res.writeHead(first ? 503 : 200, { 'content-type': 'text/plain' }).end(first ? 'busy' : 'ok');
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/rollcall`;
});

after(async () => {
  await browser?.close();
  await stack?.close();
  await new Promise((r) => (receiver ? receiver.close(r) : r(undefined)));
});

describe('integrations in the dashboard', { timeout: 10 * 60_000 }, () => {
  test('a OneRoster dry run previews every file and row and writes nothing', async () => {
    page = await open(context, `${stack.baseUrl}/integrations/`);
    await page.getByRole('heading', { name: 'Integrations', level: 1 }).waitFor();
    // A file that is neither CSV nor zip: the server's BAD_USER_INPUT, in words, naming the file.
    await page
      .getByTestId('oneroster-files-input')
      .setInputFiles({ name: 'notes.txt', mimeType: 'text/plain', buffer: Buffer.from('hello') });
    await page.getByRole('button', { name: 'Check (dry run)' }).click();
    assert.match(
      await page.getByTestId('oneroster-error').innerText(),
      /not valid.*notes\.txt: upload \.csv files or one \.zip/,
    );
    await page
      .getByTestId('oneroster-files-input')
      .setInputFiles(CSV_FILES.map((f) => path.join(SET_DIR, f)));
    assert.match(
      await page.getByTestId('oneroster-chosen').innerText(),
      new RegExp(`${CSV_FILES.length} files`),
    );
    await page.getByRole('button', { name: 'Check (dry run)' }).click();
    const report = page.locator('[data-testid=oneroster-report][data-status=PREVIEWED]');
    await report.waitFor({ timeout: 60_000 });

    for (const file of ['classes.csv', 'users.csv', 'enrollments.csv', 'academicSessions.csv']) {
      const item = page.locator(`[data-testid=oneroster-files] li[data-file="${file.toLowerCase()}"]`);
      const n = readCsv(file).length;
      assert.match(await item.innerText(), new RegExp(`\\b${n} row${n === 1 ? '' : 's'}\\b`), file);
    }
    const classesNew = page.locator(
      '[data-testid=oneroster-files] li[data-file="classes.csv"] [data-count=created]',
    );
    assert.equal(await classesNew.innerText(), `${CLASSES.length} new`);
    assert.match(
      await page.getByTestId('oneroster-summary').innerText(),
      new RegExp(`Will create:.*${CLASSES.length} courses`),
    );
    // Every refused row is listed with its reason, and the row filter finds the same number.
    if ((await page.getByTestId('oneroster-refused').count()) > 0) {
      const n = Number(
        /^(\d+) rows? refused/.exec(await page.getByTestId('oneroster-refused').innerText())?.[1],
      );
      await page.getByLabel('Show').selectOption('REFUSED');
      assert.equal(await page.locator('[data-testid=oneroster-rows] > li[data-action=REFUSED]').count(), n);
      assert.equal(await page.locator('[data-testid=oneroster-rows] > li').count(), n);
      await page.getByLabel('Show').selectOption('ALL');
    }
    const rowsShown = await page.locator('[data-testid=oneroster-rows] > li').count();
    assert.ok(rowsShown > CLASSES.length, `preview rows: ${rowsShown}`);
    await page.getByLabel('Show').selectOption('CREATED');
    const created = await page.locator('[data-testid=oneroster-rows] > li').count();
    assert.equal(
      await page.locator('[data-testid=oneroster-rows] > li:not([data-action=CREATED])').count(),
      0,
    );
    assert.ok(created >= CLASSES.length);
    await page.getByLabel('Show').selectOption('ALL');

    // Nothing written yet: the courses list (another tab) has none of the classes.
    const other = await open(context, `${stack.baseUrl}/courses/`);
    await other.getByRole('heading', { name: 'Courses', level: 1 }).waitFor();
    await other.waitForFunction(() => !document.querySelector('main [role=status] .spinner'));
    for (const c of CLASSES) {
      assert.equal(await other.getByText(c.title!, { exact: true }).count(), 0, `${c.title} before the run`);
    }
    await other.close();
    await screenChecks(page, 'integrations preview @390');
    await shot(page, 'oneroster-preview-phone');
  });

  test('the real import runs in the background with progress; then the courses are listed', async () => {
    await page.getByRole('button', { name: 'Import now' }).click();
    await page.locator('[data-testid=oneroster-report][data-status=SUCCEEDED]').waitFor({ timeout: 120_000 });
    await page.getByTestId('oneroster-done').waitFor();
    assert.match(
      await page.getByTestId('oneroster-summary').innerText(),
      new RegExp(`Created:.*${CLASSES.length} courses`),
    );
    // The history lists it as imported.
    await page.getByText(/Earlier imports/).click();
    assert.match(await page.getByTestId('oneroster-history').innerText(), /imported/);

    await page.getByTestId('oneroster-done').getByRole('link', { name: 'See the courses' }).click();
    await page.getByRole('heading', { name: 'Courses', level: 1 }).waitFor();
    for (const c of CLASSES) {
      await page.getByText(c.title!, { exact: true }).first().waitFor();
    }
    const first = CLASSES[0]!;
    await page
      .getByRole('link', { name: first.classCode || first.sourcedId! })
      .first()
      .click();
    await page.getByRole('heading', { name: new RegExp(first.title!) }).waitFor();
    courseUrl = page.url();
  });

  test("a teacher edits the course's timetable on a phone; the server's refusals point at the slot", async () => {
    const first = CLASSES[0]!;
    const term = TERMS.get(first.termSourcedIds!.split(',')[0]!.trim())!;
    const day = new Intl.DateTimeFormat('en-US', { dateStyle: 'medium', timeZone: 'UTC' });
    const timetable = page.getByTestId('timetable');
    await timetable.waitFor();
    // Term dates are calendar days: shown as written, whatever the browser's time zone.
    assert.match(
      await page.getByTestId('term-dates').innerText(),
      new RegExp(
        `${day.format(new Date(`${term.startDate}T00:00:00Z`))} to ${day.format(new Date(`${term.endDate}T00:00:00Z`))}`,
      ),
    );
    await page.getByLabel('Time zone of the times').selectOption('Europe/Paris');
    await timetable.getByRole('button', { name: 'Add a slot' }).click();
    await timetable.getByRole('button', { name: 'Add a slot' }).click();
    const slots = timetable.getByTestId('slot');
    assert.equal(await slots.count(), 2);
    const fill = async (i: number, v: { day: string; start: string; end: string; late?: string }) => {
      const s = slots.nth(i);
      await s.getByLabel('Day', { exact: true }).selectOption({ label: v.day });
      await s.getByLabel('Starts', { exact: true }).fill(v.start);
      await s.getByLabel('Ends', { exact: true }).fill(v.end);
      await s.getByLabel('Late after (min)').fill(v.late ?? '');
    };
    await fill(0, { day: 'Tuesday', start: '08:30', end: '10:00', late: '10' });
    await fill(1, { day: 'Thursday', start: '14:00', end: '13:00' });
    await timetable.getByRole('button', { name: 'Save timetable' }).click();
    const problem = timetable.getByTestId('timetable-error');
    await problem.waitFor();
    assert.match(await problem.innerText(), /^Slot 2: .*end after the start/);
    assert.equal(await slots.nth(1).getAttribute('aria-invalid'), 'true');
    await screenChecks(page, 'course timetable error @390');

    await fill(1, { day: 'Tuesday', start: '09:30', end: '11:00' });
    await timetable.getByRole('button', { name: 'Save timetable' }).click();
    await problem.filter({ hasText: 'overlap' }).waitFor();

    await fill(1, { day: 'Thursday', start: '14:00', end: '15:30' });
    await timetable.getByRole('button', { name: 'Save timetable' }).click();
    await timetable.getByRole('status').filter({ hasText: 'Timetable saved: 2 weekly slots' }).waitFor();

    await page.reload();
    await timetable.getByTestId('slot').nth(1).waitFor();
    assert.equal(await page.getByLabel('Time zone of the times').inputValue(), 'Europe/Paris');
    const saved = await slots.evaluateAll((els) =>
      els.map((el) =>
        Array.from(el.querySelectorAll('select, input')).map((i) => (i as HTMLInputElement).value),
      ),
    );
    assert.deepEqual(saved, [
      ['2', '08:30', '10:00', '10'],
      ['4', '14:00', '15:30', ''],
    ]);
    await screenChecks(page, 'course with timetable @390');
    // The section alone, clipped from a full-page shot so the sticky header does not cover it.
    await page.evaluate(() => window.scrollTo(0, 0));
    const box = (await timetable.boundingBox())!;
    await page.screenshot({
      path: path.join(SCREENSHOT_DIR, 'timetable-phone.png'),
      fullPage: true,
      clip: box,
    });

    await slots
      .nth(1)
      .getByRole('button', { name: /^Remove slot 2/ })
      .click();
    await timetable.getByRole('button', { name: 'Save timetable' }).click();
    await timetable.getByRole('status').filter({ hasText: 'Timetable saved: 1 weekly slot.' }).waitFor();
    await page.reload();
    await timetable.getByTestId('slot').first().waitFor();
    assert.equal(await timetable.getByTestId('slot').count(), 1);
  });

  test('a webhook receives signed deliveries; its log shows the retry and a replay', async () => {
    await page.goto(`${stack.baseUrl}/integrations/`);
    await page.getByRole('heading', { name: 'Webhooks' }).waitFor();
    // A typed refusal in words: not an http(s) address.
    await page.getByLabel('Receiver URL').fill('ftp://lms.example.edu/rollcall');
    await page.getByRole('button', { name: 'Add webhook' }).click();
    assert.match(await page.getByTestId('webhook-error').innerText(), /full http:\/\/ or https:\/\/ URL/);

    await page.getByLabel('Receiver URL').fill(receiverUrl);
    await page.getByRole('button', { name: 'Add webhook' }).click();
    const secret = await page.getByTestId('webhook-secret').innerText();
    assert.ok(secret.length >= 16, 'a signing secret is shown once');
    await page.getByRole('button', { name: 'I saved it' }).click();
    assert.equal(await page.getByTestId('webhook-secret').count(), 0);
    await page.locator(`[data-testid=webhook][data-url="${receiverUrl}"]`).waitFor();

    // Events: a session opens on the imported course and a student is marked present.
    const teacher = await open(context, courseUrl);
    await teacher.getByRole('button', { name: 'Start session' }).click();
    await teacher.waitForURL(/\/session\//);
    await teacher.getByRole('heading', { name: 'Attendance' }).waitFor();
    const name = await teacher.locator('[data-testid=attendance-row]').first().getAttribute('data-student');
    const student = (status: string) =>
      teacher.locator(`[data-testid=attendance-row][data-student="${name}"][data-status=${status}]`);
    await student('NONE').waitFor();
    await student('NONE').locator('button.status-button').click();
    await student('PRESENT').waitFor();
    await teacher.close();

    const hook = page.locator(`[data-testid=webhook][data-url="${receiverUrl}"]`);
    await hook.getByRole('button', { name: 'Delivery log' }).click();
    const opened = hook.locator('[data-testid=delivery][data-event="session.opened"][data-status=DELIVERED]');
    await opened.waitFor({ timeout: 60_000 });
    await hook
      .locator('[data-testid=delivery][data-event="attendance.marked"][data-status=DELIVERED]')
      .waitFor({ timeout: 60_000 });
    assert.match(await opened.innerText(), /2 attempts, last answer HTTP 200/);
    const deliveryId = (await opened.getAttribute('data-id'))!;
    const sent = received.filter((r) => r.headers['x-rollcall-delivery'] === deliveryId);
    assert.equal(sent.length, 2, 'refused once, then delivered');
    for (const r of sent) {
      assert.ok(signedBy(secret, r), 'signature verifies with the secret shown once');
      const body = JSON.parse(r.body) as { id: string; event: string; data: { course: { id: string } } };
      assert.equal(body.id, deliveryId);
      assert.equal(body.event, 'session.opened');
      assert.equal(body.data.course.id, new URL(courseUrl).searchParams.get('id'));
    }
    await opened.getByText('Payload').click();
    assert.match(await opened.locator('pre').innerText(), /"event": "session.opened"/);

    await opened.getByRole('button', { name: 'Send again' }).click();
    await hook
      .locator(`[data-testid=delivery][data-id="${deliveryId}"]`)
      .filter({ hasText: /3 attempts/ })
      .waitFor({ timeout: 30_000 });
    const replays = received.filter((r) => r.headers['x-rollcall-delivery'] === deliveryId);
    assert.equal(replays.length, 3);
    assert.ok(signedBy(secret, replays[2]!), 'the replay is freshly signed');

    await hook.getByRole('button', { name: 'Pause' }).click();
    await hook.locator('.badge', { hasText: 'paused' }).waitFor();
    await screenChecks(page, 'integrations webhooks @390');
    await shot(page, 'integrations-phone');
  });

  test("the course's attendance downloads as CSV for a date range", async () => {
    await page.goto(courseUrl);
    const form = page.getByRole('form', { name: 'Export attendance' });
    await form.waitFor();
    // A range the wrong way round is refused before anything is asked of the server.
    await form.getByLabel('From').fill('2030-01-02');
    await form.getByLabel('To (included)').fill('2030-01-01');
    await form.getByRole('button', { name: 'Download' }).click();
    await form.getByRole('alert').filter({ hasText: 'after the last day' }).waitFor();

    const today = new Date().toISOString().slice(0, 10);
    await form.getByLabel('From').fill(today);
    await form.getByLabel('To (included)').fill(today);
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      form.getByRole('button', { name: 'Download' }).click(),
    ]);
    assert.match(download.suggestedFilename(), new RegExp(`${today}-${today}\\.csv$`));
    const lines = readFileSync(await download.path(), 'utf8')
      .trim()
      .split(/\r?\n/);
    assert.match(lines[0]!, /^\uFEFF?sessionId,sessionOpenedAt,/);
    assert.equal(lines.length, 2, 'one marked student in the session opened today');
    assert.match(lines[1]!, /,PRESENT,/);
  });

  test('the new screens at 1280 px: no sideways scroll, accessible', async () => {
    await page.setViewportSize(DESKTOP);
    await page.goto(`${stack.baseUrl}/integrations/`);
    const hook = page.locator('[data-testid=webhook]').first();
    await hook.getByRole('button', { name: 'Delivery log' }).click();
    await hook.getByTestId('delivery').first().waitFor();
    await screenChecks(page, 'integrations @1280');
    await shot(page, 'integrations');
    await page.goto(courseUrl);
    await page.getByTestId('slot').first().waitFor();
    await screenChecks(page, 'course @1280');
  });
});
