// Rights-holder notices with notice_mode immediate set by the operator (no
// SMTP, so no confirmation mail: see notice-safety.test.mjs for the
// defaults) and restore_mode immediate: the seed work taken down on a complete notice
// (451 everywhere, gone from every listing at once, caches included), every
// bad input answered without acting, the creator's statement of reasons,
// the counter-notice restoring it, and the audit chain catching an edit.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { startServer, addUser, tmpDir, Client, BIN, siteSql } from './harness.mjs';
import { midQuarter } from './clock.mjs';

const SEED = [process.env.HAO_SEED, '../shared/seed/000_a4f41c7b09327d3d.txt', '../../shared/seed/000_a4f41c7b09327d3d.txt',
  '/work/shared/seed/000_a4f41c7b09327d3d.txt'].find((p) => p && fs.existsSync(p));

function hao(args) {
  const r = spawnSync(BIN, args, { encoding: 'utf8' });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

let srv, dataDir, seedId, host;

before(async () => {
  dataDir = path.join(tmpDir(), 'data');
  addUser(dataDir, 'writer', 'creator', 'writer-password-1');
  addUser(dataDir, 'other', 'creator', 'other-password-1');
  const r = hao(['import', SEED, '--author', 'writer', '--data', dataDir]);
  assert.equal(r.code, 0, r.err);
  seedId = r.out.split('\t')[0];
  // Immediate action, chosen explicitly (the default without SMTP is review).
  assert.equal(hao(['set', 'notice_mode', 'immediate', '--data', dataDir]).code, 0);
  // The transparency report counts the current period: pin the deadline
  // clock well inside one, whatever the day CI runs.
  srv = await startServer({ dataDir, env: { HAO_FAKE_NOW: String(midQuarter()) } });
  host = new URL(srv.base).host;
});
after(async () => { await srv?.stop(); });

const complete = () => ({
  name: '王五', contact: 'wang@example.cn', address: '北京市海淀区某路1号',
  urls: [`http://${host}/a/${seedId}`], right: '著作权:我是原文作者', original: '《原文》,首发于我的博客',
  proof_media: 'https://example.cn/proof.pdf', good_faith: true, signature: '王五',
});

function postNotice(body) {
  return fetch(srv.base + '/api/v1/notices', {
    method: 'POST', headers: { 'content-type': 'application/json' },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
}

// Every public place a published work shows up, and whether it is there.
async function listings() {
  const get = async (p) => (await fetch(srv.base + p)).text();
  return {
    home: (await get('/')).includes(seedId),
    author: (await get('/u/writer')).includes(seedId),
    atom: (await get('/feed.atom')).includes(seedId),
    json: (await get('/feed.json')).includes(seedId),
    authorAtom: (await get('/u/writer/feed.atom')).includes(seedId),
    sitemap: (await get('/sitemap.xml')).includes(seedId) || (await get('/sitemap-1.xml')).includes(seedId),
    api: (await get('/api/v1/articles')).includes(seedId),
    apiAuthor: (await get('/api/v1/articles?author=writer')).includes(seedId),
  };
}

test('serve warns while the operator identity is unset', () => {
  assert.match(srv.stdout, /operator identity on \/about is incomplete/);
  assert.match(srv.stdout, /notice_contact is not set/);
});

test('bad notices are answered clearly and change nothing', async () => {
  // Nothing at all.
  let res = await postNotice({});
  assert.equal(res.status, 422);
  let j = await res.json();
  assert.equal(j.error.code, 'missing_fields');
  assert.deepEqual(j.error.missing.sort(), ['address', 'contact', 'good_faith', 'name', 'original', 'right', 'signature', 'urls']);

  // Complete but without the good-faith statement.
  res = await postNotice({ ...complete(), good_faith: false });
  assert.equal(res.status, 422);
  assert.deepEqual((await res.json()).error.missing, ['good_faith']);

  // Blank strings count as missing.
  res = await postNotice({ ...complete(), signature: '   ', urls: [] });
  j = await res.json();
  assert.equal(res.status, 422);
  assert.deepEqual(j.error.missing.sort(), ['signature', 'urls']);

  // A URL on another host, an unknown work, a path that is not a work.
  for (const u of [`https://evil.example/a/${seedId}`, `/a/0123456789abcdef`, '/u/writer', `/a/${seedId}/extra`, 'not a url']) {
    res = await postNotice({ ...complete(), urls: [u] });
    j = await res.json();
    assert.equal(res.status, 422, u);
    assert.equal(j.error.code, 'not_a_work', u);
    assert.equal(j.error.field, 'urls');
    assert.equal(j.error.url, u);
  }

  // Wrong types, bad JSON, oversized fields, control characters.
  res = await postNotice({ ...complete(), urls: `/a/${seedId}` });
  assert.equal(res.status, 422);
  assert.equal((await res.json()).error.field, 'urls');
  res = await postNotice({ ...complete(), good_faith: 'yes' });
  assert.equal(res.status, 422);
  assert.equal((await res.json()).error.field, 'good_faith');
  res = await postNotice({ ...complete(), ground: 'feelings' });
  assert.equal(res.status, 422);
  assert.equal((await res.json()).error.field, 'ground');
  res = await postNotice('{"name":');
  assert.equal(res.status, 400);
  res = await postNotice({ ...complete(), name: 'x'.repeat(301) });
  assert.equal(res.status, 422);
  assert.equal((await res.json()).error.field, 'name');
  res = await postNotice({ ...complete(), contact: 'a\u0001b' });
  assert.equal(res.status, 422);
  assert.equal((await res.json()).error.field, 'contact');
  res = await postNotice({ ...complete(), urls: Array.from({ length: 21 }, () => `/a/${seedId}`) });
  assert.equal(res.status, 422);

  // None of it acted: the work is still up.
  assert.equal((await fetch(`${srv.base}/a/${seedId}`)).status, 200);
});

test('the notice form: CSRF required, missing fields named in place', async () => {
  const c = new Client(srv.base);
  const page = await c.get(`/notice?url=/a/${seedId}`);
  assert.equal(page.status, 200);
  assert.ok((await page.text()).includes(`/a/${seedId}`), 'url prefilled');
  // Forged token.
  let res = await c.post('/notice', { csrf: 'f'.repeat(32), name: 'x' });
  assert.equal(res.status, 403);
  // Incomplete.
  const csrf = await c.csrf('/notice');
  res = await c.post('/notice', { csrf, name: '王五', urls: `/a/${seedId}` });
  assert.equal(res.status, 422);
  const html = await res.text();
  assert.match(html, /role="alert">[^<]*(缺少|Missing)/);
  assert.ok(html.includes('王五'), 'what was typed is kept');
  assert.equal((await fetch(`${srv.base}/a/${seedId}`)).status, 200, 'not acted on');
});

let notice;
test('a complete notice takes the seed work down at once: 451 and gone from every listing', async () => {
  // Warm the page caches first, so invalidation is what is tested.
  assert.equal((await fetch(`${srv.base}/a/${seedId}`)).status, 200);
  const before = await listings();
  assert.deepEqual(Object.values(before).every(Boolean), true, JSON.stringify(before));

  const res = await postNotice(complete());
  assert.equal(res.status, 201);
  notice = await res.json();
  assert.equal(notice.id, 1, 'no earlier (bad) notice was stored');
  assert.equal(notice.status, 'actioned');
  assert.match(notice.token, /^[0-9a-f]{32}$/);

  const page = await fetch(`${srv.base}/a/${seedId}`);
  assert.equal(page.status, 451);
  const html = await page.text();
  assert.match(html, /第 1 号权利人通知|notice 1/);
  assert.ok(html.includes('著作权:我是原文作者'), 'says why');
  const api = await fetch(`${srv.base}/api/v1/articles/${seedId}`);
  assert.equal(api.status, 451);
  const aj = await api.json();
  assert.equal(aj.error.code, 'taken_down');
  assert.equal(aj.error.notice, 1);
  const after = await listings();
  assert.ok(Object.values(after).every((v) => v === false), JSON.stringify(after));
});

test('duplicates and notices for removed works get a clear answer', async () => {
  let res = await postNotice(complete());
  assert.equal(res.status, 409);
  let j = await res.json();
  assert.equal(j.error.code, 'duplicate');
  assert.equal(j.error.notice, 1);
  res = await postNotice({ ...complete(), contact: 'someone-else@example.cn', urls: [`/a/${seedId}`] });
  assert.equal(res.status, 409);
  j = await res.json();
  assert.equal(j.error.code, 'already_taken_down');
});

test('the complainant sees the receipt; a wrong token sees nothing', async () => {
  const res = await fetch(`${srv.base}/notice/${notice.id}?token=${notice.token}`);
  assert.equal(res.status, 200);
  const html = await res.text();
  assert.match(html, /data-status="actioned"/);
  assert.match(html, new RegExp(`data-work="${seedId}" data-status="taken_down"`));
  assert.equal((await fetch(`${srv.base}/notice/${notice.id}?token=${'0'.repeat(32)}`)).status, 404);
  assert.equal((await fetch(`${srv.base}/notice/${notice.id}`)).status, 404);
  const st = await (await fetch(`${srv.base}/api/v1/notices/${notice.id}?token=${notice.token}`)).json();
  assert.equal(st.status, 'actioned');
  assert.deepEqual(st.works, [{ id: seedId, status: 'taken_down' }]);
});

let takedownId;
test('the creator gets the statement of reasons in the studio', async () => {
  const c = new Client(srv.base);
  assert.equal((await c.login('writer', 'writer-password-1')).status, 303);
  const studio = await (await c.get('/studio')).text();
  assert.match(studio, /removed-banner[^>]*>你有 1 篇作品已被移除。 <a href="\/studio\/notices">/);
  const res = await c.get('/studio/notices');
  assert.equal(res.status, 200);
  const html = await res.text();
  const m = html.match(new RegExp(`data-takedown="(\\d+)" data-work="${seedId}" data-status="active"`));
  assert.ok(m, 'the removal is listed');
  takedownId = m[1];
  assert.match(html, /通知编号 1|Notice 1/);
  assert.match(html, /收到完整通知后自动移除,未经人工审核|removed automatically/);
  assert.ok(html.includes(`/studio/notices/${takedownId}/counter`), 'counter-notice offered');
  assert.ok(html.includes(`/studio/notices/${takedownId}/complaint`), 'complaint offered');
  // Publishing it again from the studio is refused.
  const api = await c.get(`/studio/${seedId}`);
  assert.equal(api.status, 200);
});

test('counter-notices: only the author, only complete, never forged', async () => {
  const other = new Client(srv.base);
  await other.login('other', 'other-password-1');
  let csrf = await other.csrf('/studio/new');
  let res = await other.post(`/studio/notices/${takedownId}/counter`, { csrf, name: 'x' });
  assert.equal(res.status, 403);
  assert.equal((await other.get(`/studio/notices/${takedownId}/counter`)).status, 403);
  assert.equal((await other.get('/studio/notices/999/counter')).status, 404);

  const c = new Client(srv.base);
  await c.login('writer', 'writer-password-1');
  res = await c.post(`/studio/notices/${takedownId}/counter`, { csrf: 'a'.repeat(32), name: '作者' });
  assert.equal(res.status, 403, 'forged token');
  csrf = await c.csrf(`/studio/notices/${takedownId}/counter`);
  res = await c.post(`/studio/notices/${takedownId}/counter`, { csrf, name: '作者', contact: 'w@example.cn' });
  assert.equal(res.status, 422, 'incomplete');
  res = await c.post(`/studio/notices/${takedownId}/counter`, {
    csrf, name: '作者', contact: 'w@example.cn', address: '上海', statement: '这是我自己写的。', signature: '作者',
  });
  assert.equal(res.status, 422, 'no good-faith statement');
  assert.equal((await fetch(`${srv.base}/a/${seedId}`)).status, 451, 'still down');
});

test('a counter-notice restores at once (restore_mode immediate), forwarded to the complainant', async () => {
  const c = new Client(srv.base);
  await c.login('writer', 'writer-password-1');
  const csrf = await c.csrf(`/studio/notices/${takedownId}/counter`);
  let res = await c.post(`/studio/notices/${takedownId}/counter`, {
    csrf, name: '作者本人', contact: 'writer@example.cn', address: '上海市', statement: '这是我自己写的原创。',
    proof: '草稿截图', good_faith: '1', signature: '作者本人',
  });
  assert.equal(res.status, 303);
  assert.equal((await fetch(`${srv.base}/a/${seedId}`)).status, 200);
  assert.equal((await fetch(`${srv.base}/api/v1/articles/${seedId}`)).status, 200);
  const l = await listings();
  assert.ok(Object.values(l).every(Boolean), JSON.stringify(l));
  // Forwarded: the complainant's page shows the creator's counter-notice.
  const html = await (await fetch(`${srv.base}/notice/${notice.id}?token=${notice.token}`)).text();
  assert.ok(html.includes('writer@example.cn'));
  assert.match(html, /data-status="restored"/);
  // Not twice; not for a work that is not taken down.
  res = await c.post(`/studio/notices/${takedownId}/counter`, {
    csrf, name: '作者本人', contact: 'w', address: 'a', statement: 's', good_faith: '1', signature: 's',
  });
  assert.equal(res.status, 409);
});

test('the seed work can be taken down again by a new notice, and the transparency report counts it all', async () => {
  const res = await postNotice({ ...complete(), contact: 'second@example.cn', ground: 'reputation' });
  assert.equal(res.status, 201);
  const en = await fetch(`${srv.base}/a/${seedId}`, { headers: { 'accept-language': 'en' } });
  assert.equal(en.status, 451);
  assert.match((await en.text()).replace(/<[^>]+>/g, ""), /was removed after rights-holder notice 2\./);
  const html = await (await fetch(`${srv.base}/transparency`)).text();
  const val = (k) => Number(html.match(new RegExp(`data-key="${k}"><th[^>]*>[^<]*</th><td class="num">(\\d+)`))[1]);
  assert.equal(val('notices'), 2);
  assert.equal(val('notices_copyright'), 1);
  assert.equal(val('notices_reputation'), 1);
  assert.equal(val('takedowns'), 2);
  assert.equal(val('takedowns_automated'), 2);
  assert.equal(val('counter_notices'), 1);
  assert.equal(val('restorations'), 1);
  assert.equal((await fetch(`${srv.base}/transparency?period=2026-Q5`)).status, 400);
  const j = await (await fetch(`${srv.base}/transparency.json`)).json();
  assert.equal(j.counts.notices, 2);
  assert.equal(j.counts.notices_reputation, 1);
  assert.equal(j.counts.restorations, 1);
  assert.ok(j.median_seconds >= 0);
  assert.equal((await fetch(`${srv.base}/transparency.json?period=1999`)).status, 400);
});

test('hao check verifies the audit chain and names the first edited entry', async () => {
  let r = hao(['check', '--data', dataDir]);
  assert.equal(r.code, 0, r.err);
  assert.match(r.err, /chain intact/);
  const n = Number(r.err.match(/audit log: (\d+) entries/)[1]);
  assert.ok(n >= 6, `entries: ${n}`);
  const s = siteSql(dataDir, "UPDATE audit_log SET detail = 'nothing happened' WHERE id = 3");
  assert.equal(s.status, 0, s.stderr);
  r = hao(['check', '--data', dataDir]);
  assert.notEqual(r.code, 0);
  assert.match(r.err, /entry 3 was altered/);
  // Put it back by hand is not possible without the hash; deleting the last entry is caught too.
  assert.equal(siteSql(dataDir, `DELETE FROM audit_log WHERE id = ${n}`).status, 0);
  r = hao(['check', '--data', dataDir]);
  assert.notEqual(r.code, 0);
});
