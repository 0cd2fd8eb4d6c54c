// axe-core on every page type (site-pages.mjs) in Chromium, at desktop and
// phone sizes: 0 critical and 0 serious findings. And the reading flows of
// issue 18 in a real browser: cards with cover thumbnails that load, the
// language switch coming back to the page it was used on, the footer's 订阅
// leading to that page's feeds, the comparison of two revisions.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import path from 'node:path';
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

for (const size of ['desktop', 'phone']) {
  test(`reading in the browser at ${size} size: covers, the language switch, the feeds page, comparing revisions`, async () => {
    const ctx = await contextFor('anon', size);
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
    await assertAccessible(page, `the author page in English (${size})`);

    // The footer's link: this author's feeds, explained.
    await Promise.all([page.waitForURL(/\/feeds\?u=alice$/), page.locator('footer.site a', { hasText: /Feed|订阅/ }).click()]);
    assert.ok(await page.locator('a[href="/u/alice/feed.atom"]').count() === 1);
    await assertAccessible(page, `the feeds page (${size})`);
    await ctx.close();

    // Comparing revisions, signed in.
    const actx = await contextFor('alice', size);
    const ap = await actx.newPage();
    await ap.goto(`${site.srv.base}/studio/${site.ids.w1}/revisions`);
    await Promise.all([ap.waitForURL(/\/compare\?from=1&to=2$/), ap.locator('a.compare-prev').first().click()]);
    assert.match(await ap.locator('.diff ins').first().innerText(), /补充一段/);
    await assertAccessible(ap, `the comparison of revisions (${size})`);
    await actx.close();
  });
}

for (const size of ['desktop', 'phone']) {
  test(`the editor's new states at ${size} size: the autosave offer, a restored autosave, the description field`, async () => {
    const { w1 } = site.ids;
    const alice = site.clients.alice;
    const csrf = /name="csrf" value="([0-9a-f]+)"/.exec(await (await alice.get(`/studio/${w1}`)).text())[1];
    const r = await alice.post(`/studio/${w1}/autosave`, { csrf, title: '无人机送货的一天', body: `自动保存的文字 ${size}`, declaration: 'web-sourced', tags: '', summary: '' });
    assert.equal(r.status, 200);
    const ctx = await contextFor('alice', size);
    const page = await ctx.newPage();
    await page.goto(`${site.srv.base}/studio/${w1}`);
    await page.locator('#autosave-offer').waitFor();
    await assertAccessible(page, `the editor offering an autosave (${size})`);
    await Promise.all([page.waitForURL(/autosave=1$/), page.locator('#autosave-offer a').click()]);
    assert.equal(await page.locator('#f-body').inputValue(), `自动保存的文字 ${size}`);
    await assertAccessible(page, `the editor with the autosave restored (${size})`);
    // A picture picked: its description is asked in a field, with the focus in it.
    const file = path.join(site.dir, `pick-${size}.png`);
    execFileSync('vips', ['black', file, '64', '48'], { stdio: 'pipe' });
    await page.locator('#media-file').setInputFiles(file);
    const field = page.locator('#uploads li.alt-ask input');
    await field.waitFor();
    assert.ok(await field.evaluate((el) => el === document.activeElement));
    assert.equal(await page.getByLabel(/图片说明/).count(), 1, 'the field is labelled');
    await assertAccessible(page, `the editor asking for a description (${size})`);
    await page.locator('#uploads li.alt-ask').getByRole('button', { name: '不写说明' }).click();
    await page.locator('#uploads li.upload-done').waitFor({ timeout: 15000 });
    assert.match(await page.locator('#f-body').inputValue(), /!\[\]\(\/m\/[0-9a-f]{16}\)/);
    // Leaving now asks first.
    const asked = new Promise((resolve) => page.once('dialog', (d) => { resolve(d.type()); d.accept(); }));
    await page.goto(`${site.srv.base}/studio`);
    assert.equal(await asked, 'beforeunload');
    await ctx.close();
    await alice.post(`/studio/${w1}/autosave/discard`, { csrf });
  });
}
