import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import type { Page } from 'playwright-core';

// Layout and accessibility checks run on every main screen at every width (issue #14).

const require = createRequire(import.meta.url);
const AXE = require.resolve('axe-core/axe.min.js');

/** The page never scrolls sideways: nothing is wider than the viewport. */
export async function assertNoHorizontalScroll(page: Page, where: string): Promise<void> {
  const { scroll, width, culprits } = await page.evaluate(() => {
    const width = document.documentElement.clientWidth;
    const culprits = Array.from(document.querySelectorAll('body *'))
      .filter((el) => {
        const r = el.getBoundingClientRect();
        return r.right > width + 1 && getComputedStyle(el).position !== 'fixed';
      })
      .filter((el) => !el.closest('.table-wrap') && !el.closest('.visually-hidden'))
      .slice(0, 5)
      .map(
        (el) =>
          `${el.tagName.toLowerCase()}.${el.className} (${Math.round(el.getBoundingClientRect().right)})`,
      );
    return { scroll: document.documentElement.scrollWidth, width, culprits };
  });
  assert.ok(scroll <= width, `${where}: scrolls sideways (${scroll} > ${width}): ${culprits.join(', ')}`);
}

/** No two face labels of a photo overlap, measured from their element boxes. */
export async function assertLabelsApart(page: Page, where: string): Promise<number> {
  const boxes = await page.locator('[data-testid=photo] [data-face-label]').evaluateAll((els) =>
    els.map((el) => {
      const r = el.getBoundingClientRect();
      return {
        x: r.x,
        y: r.y,
        w: r.width,
        h: r.height,
        photo: el.closest('[data-testid=photo]')?.id ?? '',
        text: el.textContent ?? '',
      };
    }),
  );
  for (let i = 0; i < boxes.length; i++) {
    for (let j = i + 1; j < boxes.length; j++) {
      const a = boxes[i]!;
      const b = boxes[j]!;
      const overlap =
        a.x < b.x + b.w - 0.5 && b.x < a.x + a.w - 0.5 && a.y < b.y + b.h - 0.5 && b.y < a.y + a.h - 0.5;
      assert.ok(!overlap, `${where}: labels "${a.text}" and "${b.text}" overlap`);
    }
    assert.ok(
      boxes[i]!.w > 0 && boxes[i]!.h >= 14,
      `${where}: label "${boxes[i]!.text}" is too small to read`,
    );
  }
  return boxes.length;
}

interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: { target: string[] }[];
}

/** axe-core (injected from node_modules, nothing downloaded): no serious or critical violation. */
export async function assertAccessible(page: Page, where: string): Promise<void> {
  if (!(await page.evaluate(() => 'axe' in window))) {
    await page.addScriptTag({ path: AXE });
  }
  const violations = await page.evaluate(async () => {
    const axe = (
      window as unknown as {
        axe: { run: (ctx: Document, opts: object) => Promise<{ violations: unknown[] }> };
      }
    ).axe;
    const result = await axe.run(document, { resultTypes: ['violations'] });
    return result.violations as AxeViolation[];
  });
  const bad = violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  assert.deepEqual(
    bad.map(
      (v) =>
        `${v.impact} ${v.id}: ${v.help} @ ${v.nodes
          .slice(0, 3)
          .map((n) => n.target.join(' '))
          .join(' | ')}`,
    ),
    [],
    `${where}: accessibility violations`,
  );
}
