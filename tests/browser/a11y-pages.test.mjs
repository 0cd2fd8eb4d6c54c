// axe-core on every page type (site-pages.mjs) in Chromium, at desktop and
// phone sizes: 0 critical and 0 serious findings. And the reading flows of
// issue 18 in a real browser: cards with cover thumbnails that load, the
// language switch coming back to the page it was used on, the footer's 订阅
// leading to that page's feeds, the comparison of two revisions.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { chromium } from 'playwright-core';
import { assertAccessible, VIEWPORTS } from './a11y.mjs';
import { pageSite } from './site-pages.mjs';

const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
  '--disable-component-update', '--no-first-run', '--disable-sync'];

let site, browser;

before(async () => {
  site = await pageSite();
  browser = await chromium.launch({ executablePath: process.env.CHROMIUM || '/usr/bin/chromium', args: CHROMIUM_ARGS });
});
after(async () => {
  await browser?.close();
  await site?.srv.stop();
});

// A browser context signed in as who (the harness client's cookies).
async function contextFor(who, size) {
  const ctx = await browser.newContext({ locale: 'zh-CN', ...VIEWPORTS[size] });
  const jar = site.clients[who].jar;
  if (jar.size) await ctx.addCookies([...jar].map(([name, value]) => ({ name, value, url: site.srv.base })));
  return ctx;
}

for (const size of ['desktop', 'phone']) {
  test(`every page type at ${size} size: no critical or serious axe findings`, async () => {
    for (const who of ['anon', 'alice', 'root']) {
      const ctx = await contextFor(who, size);
      const page = await ctx.newPage();
      for (const pg of site.pages.filter((p) => p.who === who)) {
        const res = await page.goto(site.srv.base + pg.path);
        assert.equal(res.status(), pg.status, pg.path);
        await assertAccessible(page, `${pg.name} (${size})`);
      }
      await ctx.close();
    }
  });
}

test('reading in the browser: covers, the language switch, the feeds page, comparing revisions', async () => {
  const ctx = await contextFor('anon', 'phone');
  const page = await ctx.newPage();
  await page.goto(`${site.srv.base}/u/alice`);
  const cover = page.locator('img.card-cover').first();
  await cover.waitFor();
  await cover.scrollIntoViewIfNeeded();
  await page.waitForFunction(() => [...document.querySelectorAll('img.card-cover')].every((i) => i.complete && i.naturalWidth > 0));
  assert.equal(await cover.getAttribute('alt'), '一张黑色的图');
  const box = await cover.boundingBox();
  assert.ok(box.width > 40 && box.width < 200, `a thumbnail, not the picture (${box.width}px)`);
  // The card's text is the first paragraph, not the heading or the table.
  const excerpt = await page.locator('article.card p.excerpt').last().innerText();
  assert.ok(!/小标题|城市|一张黑色的图/.test(excerpt), excerpt);

  // The language switch returns here, in English, with the Chinese work marked as such.
  await Promise.all([page.waitForURL(`${site.srv.base}/u/alice`), page.getByRole('link', { name: 'English' }).click()]);
  assert.equal(await page.locator('html').getAttribute('lang'), 'en');
  assert.ok(await page.locator('article.card h2[lang="zh-CN"]').count() >= 1);
  await assertAccessible(page, 'the author page in English (phone)');

  // The footer's link: this author's feeds, explained.
  await Promise.all([page.waitForURL(/\/feeds\?u=alice$/), page.locator('footer.site a', { hasText: /Feed|订阅/ }).click()]);
  assert.ok(await page.locator('a[href="/u/alice/feed.atom"]').count() === 1);
  await assertAccessible(page, 'the feeds page (phone)');
  await ctx.close();

  // Comparing revisions, signed in, on a desktop.
  const actx = await contextFor('alice', 'desktop');
  const ap = await actx.newPage();
  await ap.goto(`${site.srv.base}/studio/${site.ids.w1}/revisions`);
  await Promise.all([ap.waitForURL(/\/compare\?from=1&to=2$/), ap.locator('a.compare-prev').first().click()]);
  assert.match(await ap.locator('.diff ins').first().innerText(), /补充一段/);
  await assertAccessible(ap, 'the comparison of revisions (desktop)');
  await actx.close();
});
