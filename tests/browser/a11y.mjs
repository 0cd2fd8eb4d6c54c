// Accessibility checks shared by the browser tests: axe-core (npm, the
// engine browsers' own audits use) run inside the page under test.
//
//   await assertAccessible(page, 'the work page');
//
// fails the test on any critical or serious violation, naming the rule, its
// help text and the first offending elements; minor and moderate findings are
// left to review. VIEWPORTS gives the two sizes each flow is tried at.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const AXE_SOURCE = fs.readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

export const VIEWPORTS = {
  desktop: { viewport: { width: 1280, height: 900 } },
  phone: { viewport: { width: 390, height: 844 }, deviceScaleFactor: 3, isMobile: true, hasTouch: true },
};

// axe's findings of impact critical or serious on the page as it is now.
export async function axeViolations(page) {
  if (!(await page.evaluate(() => typeof window.axe === 'object'))) {
    // Evaluated through the debugging protocol, which the page's
    // Content-Security-Policy (no inline scripts) rightly does not cover.
    await page.evaluate(AXE_SOURCE);
  }
  const result = await page.evaluate(async () => {
    const r = await window.axe.run(document, { resultTypes: ['violations'] });
    return r.violations.map((v) => ({
      id: v.id, impact: v.impact, help: v.help,
      nodes: v.nodes.slice(0, 3).map((n) => n.target.join(' ')),
    }));
  });
  return result.filter((v) => v.impact === 'critical' || v.impact === 'serious');
}

export async function assertAccessible(page, what) {
  const bad = await axeViolations(page);
  assert.deepEqual(bad, [], `${what} (${page.url()}): axe finds ${bad.map((v) =>
    `${v.impact} ${v.id} (${v.help}) at ${v.nodes.join(', ')}`).join('; ')}`);
}
