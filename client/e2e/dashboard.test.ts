import assert from 'node:assert/strict';
import { mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import {
  FACES_DIR,
  facePhotos,
  groupPhoto,
  launchBrowser,
  SCREENSHOT_DIR,
  startStack,
  type Stack,
} from './harness';

// One teacher's day, in the real dashboard against the real server: sign in, create a course, add
// students and enroll their faces, run a session with a class photo (boxes, live attendance on a
// second device), review a face, mark someone by hand, close the session, export the report.
// synthetic_class_1.jpg shows seven people (../shared/faces/groups.json): Tony Blair and Colin Powell
// are enrolled, George Bush is a student without faces and the others are strangers, so the review
// queue fills.

const EMAIL = process.env.E2E_EMAIL ?? 'admin@rollcall.local';
const PASSWORD = process.env.E2E_PASSWORD ?? 'rollcall-dev';
const VIEWPORT = { width: 1280, height: 900 };
const LONG = 120_000;

const STUDENTS = [
  { externalId: 's-1001', name: 'Tony Blair', photos: facePhotos('tony_blair', 3) },
  { externalId: 's-1002', name: 'Colin Powell', photos: facePhotos('colin_powell', 3) },
  { externalId: 's-1003', name: 'George Bush', photos: [] as string[] },
];
const [TONY, COLIN, GEORGE] = STUDENTS.map((s) => s.name) as [string, string, string];
const GROUP = 'synthetic_class_1.jpg';
const groupsJson = path.join(FACES_DIR, 'groups.json');

let stack: Stack;
let browser: Browser;
let context: BrowserContext;
let page: Page;
let courseUrl = '';
let sessionUrl = '';

/** Waits until every <img> has finished loading, so screenshots show whole pictures. */
async function imagesLoaded(p: Page): Promise<void> {
  await p.waitForFunction(() =>
    Array.from(document.images).every((img) => img.complete && img.naturalWidth > 0),
  );
}

async function shot(p: Page, name: string): Promise<void> {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  // From the top, so the sticky header is not drawn in the middle of a full-page shot.
  await p.evaluate(() => window.scrollTo(0, 0));
  await p.screenshot({ path: path.join(SCREENSHOT_DIR, `${name}.png`), fullPage: true });
}

/** Opens a page of the dashboard, signing in first when the server asks for it. */
async function open(ctx: BrowserContext, url: string): Promise<Page> {
  const p = await ctx.newPage();
  p.on('pageerror', (error) => console.log(`# page error: ${error.message}`));
  await p.goto(url);
  const signIn = p.getByRole('heading', { name: 'Sign in to Rollcall' });
  const main = p.locator('main h1').first();
  await main.waitFor({ timeout: 30_000 });
  if (await signIn.isVisible()) {
    await p.getByLabel('E-mail').fill(EMAIL);
    await p.getByLabel('Password').fill(PASSWORD);
    await p.getByRole('button', { name: 'Sign in' }).click();
    await p.waitForURL((u) => !u.pathname.startsWith('/login'), { timeout: 30_000 });
  }
  return p;
}

describe('teachers dashboard', { timeout: 15 * 60_000 }, () => {
  before(async () => {
    stack = await startStack();
    browser = await launchBrowser();
    context = await browser.newContext({ viewport: VIEWPORT, acceptDownloads: true });
  });

  after(async () => {
    await browser?.close();
    await stack?.close();
  });

  test('signs in and creates a course', async () => {
    page = await open(context, `${stack.baseUrl}/courses/`);
    await page.getByRole('heading', { name: 'Courses', level: 1 }).waitFor();
    await page.getByLabel('Code').fill('PHY101');
    await page.getByLabel('Name').fill('Physics of Everyday Life');
    await page.getByRole('button', { name: 'Create course' }).click();
    await page.getByRole('status').filter({ hasText: 'Created PHY101' }).waitFor();
    await page.getByRole('link', { name: 'PHY101' }).click();
    await page.getByRole('heading', { name: 'PHY101 · Physics of Everyday Life' }).waitFor();
    courseUrl = page.url();
    assert.match(courseUrl, /\/course\/\?id=[0-9a-f-]{36}$/);
  });

  test('refuses a student without consent, then adds three', async () => {
    await page.getByLabel('Student number').fill('s-0');
    await page.getByLabel('Full name').fill('No Consent');
    await page.getByRole('button', { name: 'Add student' }).click();
    await page.getByRole('alert').filter({ hasText: 'biometric consent' }).waitFor();
    for (const s of STUDENTS) {
      await page.getByLabel('Student number').fill(s.externalId);
      await page.getByLabel('Full name').fill(s.name);
      await page.getByLabel(/consented/).check();
      await page.getByRole('button', { name: 'Add student' }).click();
      await page
        .getByRole('status')
        .filter({ hasText: `${s.name} was added` })
        .waitFor();
      await page.getByRole('link', { name: s.name }).waitFor();
    }
    // A duplicate student number is a CONFLICT, shown in words.
    await page.getByLabel('Student number').fill('s-1001');
    await page.getByLabel('Full name').fill('Someone Else');
    await page.getByLabel(/consented/).check();
    await page.getByRole('button', { name: 'Add student' }).click();
    await page.getByRole('alert').filter({ hasText: 'already exists' }).waitFor();
  });

  test('enrolls faces from photos', { timeout: LONG * 2 }, async () => {
    for (const s of STUDENTS.filter((x) => x.photos.length > 0)) {
      await page.goto(courseUrl);
      await page.getByRole('link', { name: s.name }).click();
      await page.getByRole('heading', { name: s.name, level: 1 }).waitFor();
      await page.locator('input[type=file]').setInputFiles(s.photos);
      const save = page.getByRole('button', { name: `Save ${s.photos.length} photos` });
      await save.waitFor();
      await page.waitForFunction(() => !document.body.textContent?.includes('Checking the face'), undefined, {
        timeout: LONG,
      });
      await save.click();
      await page
        .getByRole('status')
        .filter({ hasText: `${s.photos.length} face photos added` })
        .waitFor({ timeout: LONG });
      await page.getByRole('heading', { name: `Enrolled faces (${s.photos.length})` }).waitFor();
      if (s.externalId === 's-1001') {
        await imagesLoaded(page);
        await shot(page, 'student');
      }
    }
  });

  test(
    'runs a session: class photo with boxes, live attendance on two devices',
    { timeout: LONG * 2 },
    async () => {
      await page.goto(courseUrl);
      await page.getByRole('button', { name: 'Start session' }).click();
      await page.waitForURL(/\/session\/\?id=/);
      sessionUrl = page.url();
      await page.getByRole('heading', { name: 'Attendance' }).waitFor();

      // A second device (its own browser context and sign-in) watches the same session.
      const other = await browser.newContext({ viewport: VIEWPORT });
      const watcher = await open(other, sessionUrl);
      await watcher.getByRole('heading', { name: 'Attendance' }).waitFor();
      await watcher
        .locator(`[data-testid=attendance-row][data-student="${TONY}"][data-status=NONE]`)
        .waitFor();

      await page.locator('input[type=file]').setInputFiles([groupPhoto(GROUP)]);
      const photo = page.locator('[data-testid=photo][data-status=DONE]');
      await photo.waitFor({ timeout: LONG });
      const labels = await photo
        .locator('[data-face-label]')
        .evaluateAll((els) => els.map((el) => el.getAttribute('data-face-label') ?? ''));
      const people = (JSON.parse(readFileSync(groupsJson, 'utf8')) as Record<string, string[]>)[GROUP] ?? [];
      const all = labels.join(' | ');
      // The detector may box an extra face (a poster, a reflection); it never misses one here.
      assert.ok(labels.length >= people.length, `every face boxed, got ${all}`);
      // Accepted matches read "Name 93%", doubtful ones "Name? 40%".
      assert.ok(
        labels.some((l) => /^Tony Blair \d+%$/.test(l)),
        all,
      );
      assert.ok(
        labels.some((l) => /^Colin Powell \d+%$/.test(l)),
        all,
      );

      for (const p of [page, watcher]) {
        for (const name of [TONY, COLIN]) {
          await p
            .locator(
              `[data-testid=attendance-row][data-student="${name}"]:is([data-status=PRESENT],[data-status=LATE])`,
            )
            .waitFor({ timeout: 30_000 });
        }
      }
      // The watcher got the photo too, live, with its boxes.
      await watcher.locator(`[data-testid=photo][data-status=DONE] [data-face-label^="${TONY}"]`).waitFor();
      await other.close();
      await imagesLoaded(page);
      await shot(page, 'session');
    },
  );

  test('resolves a face in the review queue', { timeout: LONG }, async () => {
    const count = Number(await page.getByTestId('review-count').textContent());
    assert.ok(count >= 1, `a review item for the non-enrolled faces, got ${count}`);
    await page.getByRole('link', { name: /Review faces/ }).click();
    await page.getByRole('heading', { name: 'Review faces' }).waitFor();
    const items = page.getByTestId('review-item');
    await items.first().waitFor();
    assert.equal(await items.count(), count);
    await imagesLoaded(page);
    await shot(page, 'review');
    await items
      .first()
      .getByRole('button', { name: /Dismiss/ })
      .click();
    await page.getByRole('status').filter({ hasText: 'Face dismissed.' }).waitFor();
    await page.waitForFunction(
      (n) => document.querySelectorAll('[data-testid=review-item]').length === n,
      count - 1,
    );
  });

  test('marks a student by hand and closes the session', async () => {
    await page.goto(sessionUrl);
    const george = page.locator(`[data-testid=attendance-row][data-student="${GEORGE}"]`);
    await george.getByRole('button', { name: `Mark ${GEORGE}` }).click();
    await george.getByLabel('Status').selectOption('EXCUSED');
    await george.getByLabel('Reason or note').fill('doctor, "follow-up"');
    await george.getByRole('button', { name: 'Save' }).click();
    await page
      .locator(`[data-testid=attendance-row][data-student="${GEORGE}"][data-status=EXCUSED]`)
      .waitFor();

    await page.getByRole('button', { name: 'Close session' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Close session' }).click();
    await page.getByText(/Closed .* students not seen/).waitFor();
  });

  test('reports attendance and exports CSV', async () => {
    const courseId = new URL(courseUrl).searchParams.get('id');
    await page.goto(`${stack.baseUrl}/reports/?course=${courseId}`);
    await page.getByRole('heading', { name: 'Attendance over time' }).waitFor();
    await page.locator('.recharts-bar-rectangle').first().waitFor();
    const perStudent = await page.getByTestId('per-student').innerText();
    assert.match(perStudent, new RegExp(GEORGE));

    // Course analytics from the server: totals, forecast with its method and error, risk, quality.
    const analytics = page.getByTestId('course-analytics');
    await analytics.waitFor();
    // Tony and Colin attended, George was excused (left out of the rate).
    assert.equal(await page.getByTestId('course-rate').innerText(), '100%');
    const method = await page.getByTestId('forecast-method').innerText();
    assert.match(method, /Method: .+ chosen on 1 past session\. Measured error: /, method);
    assert.ok((await page.getByTestId('forecast').locator('tbody tr').count()) >= 1);
    await page
      .getByTestId('at-risk')
      .getByRole('heading', { name: /Students at risk/ })
      .waitFor();
    const quality = await page.getByTestId('recognition-quality').locator('tbody tr').allInnerTexts();
    assert.equal(quality.length, 1, quality.join('\n'));
    await shot(page, 'reports');

    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'Export CSV' }).click(),
    ]);
    assert.match(download.suggestedFilename(), /^attendance-PHY101-\d{4}-\d{2}-\d{2}\.csv$/);
    const csv = readFileSync(await download.path(), 'utf8');
    const lines = csv.trim().split('\r\n');
    assert.equal(
      lines[0],
      'course,session_opened_at,session_closed_at,student_number,student_name,status,source,confidence,first_seen_at,note',
    );
    assert.equal(lines.length, 1 + STUDENTS.length, csv);
    const row = (id: string) => lines.find((l) => l.includes(`,${id},`)) ?? '';
    assert.match(row('s-1001'), /,Tony Blair,(PRESENT|LATE),AUTO,[01]\.\d{3},/);
    assert.match(row('s-1002'), /,Colin Powell,(PRESENT|LATE),AUTO,[01]\.\d{3},/);
    assert.match(row('s-1003'), /,George Bush,EXCUSED,MANUAL,,.*,"doctor, ""follow-up"""$/);
  });

  test("exports a student's data, withdraws consent (faces deleted) and records it again", async () => {
    await page.goto(courseUrl);
    await page.getByRole('link', { name: TONY }).click();
    await page.getByRole('heading', { name: TONY, level: 1 }).waitFor();
    await page.getByRole('heading', { name: 'Enrolled faces (3)' }).waitFor();

    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'Download data (JSON)' }).click(),
    ]);
    assert.match(download.suggestedFilename(), /^student-s-1001-\d{4}-\d{2}-\d{2}\.json$/);
    const exported = JSON.parse(readFileSync(await download.path(), 'utf8')) as {
      student: { externalId: string };
      records: { status: string }[];
      faces: { imageUrl: string }[];
    };
    assert.equal(exported.student.externalId, 's-1001');
    assert.equal(exported.records.length, 1);
    assert.equal(exported.faces.length, 3);
    for (const face of exported.faces) {
      assert.match(face.imageUrl, /^http:\/\/127\.0\.0\.1:\d+\//);
      assert.equal((await fetch(face.imageUrl)).status, 200, face.imageUrl);
    }

    await page.getByRole('button', { name: 'Withdraw consent…' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByText('deleted now').waitFor();
    await dialog.getByRole('button', { name: 'Withdraw and delete faces' }).click();
    await page.getByRole('status').filter({ hasText: 'Consent withdrawn' }).waitFor();
    await page.getByRole('heading', { name: 'Enrolled faces (0)' }).waitFor();
    await page.getByText('no consent: faces cannot be used').waitFor();

    await page.getByRole('button', { name: 'Record consent again…' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Record consent' }).click();
    await page.getByRole('status').filter({ hasText: 'Consent recorded' }).waitFor();
    await page.getByRole('button', { name: 'Withdraw consent…' }).waitFor();
    await page.getByText('Drop face photos here').waitFor();
  });

  test('monitors the server live: metrics snapshots and alerts', async () => {
    await page.goto(`${stack.baseUrl}/monitoring/`);
    await page.getByRole('heading', { name: 'Monitoring', level: 1 }).waitFor();
    // Snapshots arrive over the subscription every METRICS_INTERVAL_MS (1 s here).
    await page.waitForFunction(
      () => Number(document.querySelector('[data-testid=metrics-live]')?.getAttribute('data-received')) >= 2,
      undefined,
      { timeout: 30_000 },
    );
    assert.equal(await page.getByTestId('metric-chart').count(), 6);
    await page.locator('.recharts-line-curve').first().waitFor();
    const instances = await page.getByTestId('instances').locator('tbody tr').count();
    assert.equal(instances, 1);
    // The alerts list renders (no rule fires in this short run, so usually its empty state).
    await page
      .getByTestId('alerts')
      .or(page.getByText('No alerts', { exact: true }))
      .first()
      .waitFor();
    await shot(page, 'monitoring');
  });

  test('administers users and integration keys; teachers see no admin pages', async () => {
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
    await page
      .getByTestId('users')
      .getByRole('row', { name: new RegExp(teacher.email) })
      .waitFor();

    await page.getByLabel('Name', { exact: true }).fill('Room 101 camera');
    await page.getByLabel(/Submit photos/).check();
    await page
      .getByLabel('Course', { exact: true })
      .selectOption({ label: 'PHY101 · Physics of Everyday Life' });
    await page.getByRole('button', { name: 'Create key' }).click();
    const secret = (await page.getByTestId('api-key-secret').innerText()).trim();
    assert.match(secret, /^rk_[A-Za-z0-9_-]{11}_[A-Za-z0-9_-]+$/);
    const row = page.locator('[data-testid=api-key][data-name="Room 101 camera"]');
    await row.waitFor();
    const prefix = (await row.locator('code').innerText()).replace('…', '');
    assert.ok(secret.startsWith(prefix), `${secret} starts with ${prefix}`);
    assert.match(await row.innerText(), /Read attendance, Submit photos\s+PHY101/);
    await page.getByTestId('audit-log').waitFor();
    await shot(page, 'admin');

    // The key works (ATTENDANCE_READ on its course) until it is revoked.
    const courseId = new URL(courseUrl).searchParams.get('id') ?? '';
    const asKey = async () => {
      const res = await fetch(`${stack.serverUrl}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-api-key': secret },
        body: JSON.stringify({
          query: 'query($id: ID!) { course(id: $id) { code } }',
          variables: { id: courseId },
        }),
      });
      return (await res.json()) as { data?: { course?: { code: string } } | null };
    };
    assert.equal((await asKey()).data?.course?.code, 'PHY101');

    await page.getByRole('button', { name: 'I saved it' }).click();
    assert.equal(await page.getByTestId('api-key-secret').count(), 0, 'the secret is shown once');
    await row.getByRole('button', { name: 'Revoke…' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Revoke key' }).click();
    await page.locator('[data-testid=api-key][data-name="Room 101 camera"][data-revoked=true]').waitFor();
    assert.equal((await asKey()).data?.course?.code, undefined);

    // The new teacher signs in: no Monitoring or Admin links, and the pages say why.
    const other = await browser.newContext({ viewport: VIEWPORT });
    const t = await other.newPage();
    await t.goto(`${stack.baseUrl}/login/`);
    await t.getByLabel('E-mail').fill(teacher.email);
    await t.getByLabel('Password').fill(teacher.password);
    await t.getByRole('button', { name: 'Sign in' }).click();
    await t.getByRole('heading', { name: 'Courses', level: 1 }).waitFor();
    const nav = t.getByRole('navigation', { name: 'Main' });
    await nav.getByRole('link', { name: 'Courses' }).waitFor();
    assert.equal(await nav.getByRole('link', { name: 'Monitoring' }).count(), 0);
    assert.equal(await nav.getByRole('link', { name: 'Admin' }).count(), 0);
    await t.goto(`${stack.baseUrl}/monitoring/`);
    await t.getByText('Monitoring is only available to administrators').waitFor();
    await other.close();

    // The admin has both links.
    const adminNav = page.getByRole('navigation', { name: 'Main' });
    await adminNav.getByRole('link', { name: 'Monitoring' }).waitFor();
    await adminNav.getByRole('link', { name: 'Admin' }).waitFor();
  });

  test('lists courses', async () => {
    await page.goto(`${stack.baseUrl}/courses/`);
    const row = page.getByRole('row', { name: /PHY101/ });
    await row.waitFor();
    assert.match(await row.innerText(), /Physics of Everyday Life\s+3\s+1/);
    await shot(page, 'courses');
  });

  test('explains errors: unknown ids and an unreachable server', async () => {
    await page.goto(`${stack.baseUrl}/course/?id=00000000-0000-4000-8000-000000000000`);
    await page.getByRole('alert').filter({ hasText: 'does not exist any more' }).waitFor();

    await page.goto(courseUrl);
    await page.getByRole('heading', { name: /PHY101/ }).waitFor();
    await stack.stopServer();
    await page.getByLabel('Student number').fill('s-2000');
    await page.getByLabel('Full name').fill('Offline Student');
    await page.getByLabel(/consented/).check();
    await page.getByRole('button', { name: 'Add student' }).click();
    await page.getByRole('alert').filter({ hasText: 'cannot be reached' }).first().waitFor();
  });
});
