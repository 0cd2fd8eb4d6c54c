// Scheduled publishing (site/creator/schedule.h): the API and studio
// forms, the bad inputs, nothing visible before the time, firing at the
// next start when the time passed while the server was down, review
// before publish on the same path, and two PostgreSQL nodes firing once.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { startServer, addUser, apiToken, Client, siteSql, tmpDir, usePostgres, BIN } from './harness.mjs';
import { apiFor, json, draft, publish, eventually, rfc } from './creator-lib.mjs';

// A whole minute (the studio's form has minutes), a few seconds ahead.
const T0 = Math.ceil(Date.now() / 60000) * 60;
let srv, api, alice, bob, dataDir;

before(async () => {
  srv = await startServer({ env: { HAO_FAKE_NOW: String(T0) } });
  dataDir = srv.dataDir;
  addUser(dataDir, 'alice', 'creator', 'alice-password-1', 'Alice');
  addUser(dataDir, 'bob', 'creator', 'bob-password-1');
  api = apiFor(srv.base);
  alice = await apiToken(srv.base, 'alice', 'alice-password-1');
  bob = await apiToken(srv.base, 'bob', 'bob-password-1');
});
after(async () => { await srv?.stop(); });

function schedRow(id) {
  return siteSql(dataDir, `SELECT state, publish_at, result FROM creator_schedules WHERE work_id = '${id}'`).stdout.trim();
}

test('bad times and bad works are refused and change nothing', async () => {
  const id = await draft(api, alice, '坏时间');
  const cases = [
    [{ at: rfc(T0 - 60) }, 422, 'bad_time'],
    [{ at: rfc(T0 + 400 * 86400) }, 422, 'bad_time'],
    [{ at: 'tomorrow at noon' }, 422, 'bad_time'],
    [{ at: '2026-02-30T10:00:00Z' }, 422, 'bad_time'],
    [{ at: '2030-01-01T10:00:00' }, 422, 'bad_time'], // no zone
    [{ at: 12345 }, 422, 'bad_time'],
  ];
  for (const [body, status, code] of cases) {
    const res = await api('POST', `/api/v1/articles/${id}/publish`, alice, body);
    assert.equal(res.status, status, JSON.stringify(body));
    assert.equal((await json(res)).error.code, code);
  }
  assert.equal((await api('POST', `/api/v1/articles/${id}/publish`, alice, '{"at":')).status, 400);
  // Another creator's work.
  assert.equal((await api('POST', `/api/v1/articles/${id}/publish`, bob, { at: rfc(T0 + 3600) })).status, 403);
  assert.equal(schedRow(id), '', 'nothing stored');
  // A published work cannot be scheduled.
  const pub = await draft(api, alice, '已发布');
  await publish(api, alice, pub);
  const res = await api('POST', `/api/v1/articles/${pub}/publish`, alice, { at: rfc(T0 + 3600) });
  assert.equal(res.status, 409);
  assert.equal((await json(res)).error.code, 'already_published');
  // Cancelling what is not scheduled.
  assert.equal((await api('DELETE', `/api/v1/articles/${id}/schedule`, alice)).status, 404);
  // Without "at" the API still publishes at once.
  const now = await draft(api, alice, '立即发布');
  await publish(api, alice, now);
});

test('scheduled: 202, invisible everywhere until the time, shown in the studio, rescheduled and cancelled', async () => {
  const id = await draft(api, alice, '定时发布的秘密标题', '这是一篇定时发布的作品,正文里有独特词语紫罗兰隧道。');
  const at = T0 + 3600;
  const res = await api('POST', `/api/v1/articles/${id}/publish`, alice, { at: new Date(at * 1000).toISOString().replace('Z', '+00:00').replace('.000', '') });
  assert.equal(res.status, 202);
  const j = await json(res);
  assert.equal(j.status, 'scheduled');
  assert.equal(j.publish_at, rfc(at));
  // An offset is honoured: the same instant written in China time.
  const cst = new Date((at + 8 * 3600) * 1000).toISOString().slice(0, 19) + '+08:00';
  const res2 = await api('POST', `/api/v1/articles/${id}/publish`, alice, { at: cst });
  assert.equal(res2.status, 202);
  assert.equal((await json(res2)).publish_at, rfc(at));

  for (const p of ['/feed.atom', '/feed.json', '/sitemap.xml', '/u/alice', '/u/alice/feed.atom', '/api/v1/articles',
    '/api/v1/articles?author=alice', '/search?q=' + encodeURIComponent('紫罗兰隧道'), '/']) {
    const body = await (await fetch(srv.base + p)).text();
    assert.ok(!body.includes(id) && !body.includes('定时发布的秘密标题'), `${p} shows the scheduled work`);
  }
  assert.equal((await fetch(srv.base + '/a/' + id)).status, 404);
  assert.equal((await api('GET', `/api/v1/articles/${id}`)).status, 404);

  // The studio shows it as scheduled, with the zone, and offers reschedule and cancel.
  const c = new Client(srv.base);
  assert.equal((await c.login('alice', 'alice-password-1')).status, 303);
  const list = await (await c.get('/studio')).text();
  assert.match(list, new RegExp(`data-id="${id}"[^]*?status-scheduled`));
  const ed = await (await c.get('/studio/' + id)).text();
  assert.match(ed, /UTC\+8/);
  const local = new Date((at + 8 * 3600) * 1000).toISOString().slice(0, 16);
  assert.ok(ed.includes(`value="${local}"`), 'the form holds the time in China time');
  assert.match(ed, /value="cancel"/);

  // Reschedule by the form (China time), bad inputs first.
  const csrf = await c.csrf('/studio/' + id);
  const past = new Date((T0 - 3600 + 8 * 3600) * 1000).toISOString().slice(0, 16);
  assert.equal((await c.post(`/studio/${id}/schedule`, { csrf, at: past })).status, 422);
  assert.equal((await c.post(`/studio/${id}/schedule`, { csrf, at: 'soon' })).status, 422);
  assert.equal(schedRow(id).split('|')[1], String(at), 'unchanged by the refusals');
  const later = new Date((at + 7200 + 8 * 3600) * 1000).toISOString().slice(0, 16);
  assert.equal((await c.post(`/studio/${id}/schedule`, { csrf, at: later })).status, 303);
  assert.equal(schedRow(id), `pending|${at + 7200}|`);
  // Bob cannot touch it.
  const cb = new Client(srv.base);
  await cb.login('bob', 'bob-password-1');
  const bcsrf = await cb.csrf('/studio');
  assert.equal((await cb.post(`/studio/${id}/schedule`, { csrf: bcsrf, action: 'cancel' })).status, 403);
  assert.equal((await api('DELETE', `/api/v1/articles/${id}/schedule`, bob)).status, 403);
  assert.equal(schedRow(id), `pending|${at + 7200}|`);
  // Cancel by the form, schedule again, cancel by the API.
  assert.equal((await c.post(`/studio/${id}/schedule`, { csrf, action: 'cancel' })).status, 303);
  assert.match(schedRow(id), /^cancelled\|/);
  assert.doesNotMatch(await (await c.get('/studio')).text(), /status-scheduled/);
  assert.equal((await api('POST', `/api/v1/articles/${id}/publish`, alice, { at: rfc(at) })).status, 202);
  assert.equal((await api('DELETE', `/api/v1/articles/${id}/schedule`, alice)).status, 204);
  assert.equal((await api('DELETE', `/api/v1/articles/${id}/schedule`, alice)).status, 404);
});

test('a schedule that fell due while the server was down fires at start, through the publish path', async () => {
  const id = await draft(api, alice, '重启后发布', '停机期间到点的作品,词语琥珀灯塔。');
  assert.equal((await api('POST', `/api/v1/articles/${id}/publish`, alice, { at: rfc(T0 + 1800) })).status, 202);
  await srv.stop();
  srv = await startServer({ dataDir, env: { HAO_FAKE_NOW: String(T0 + 3600) } });
  api = apiFor(srv.base);
  assert.ok(await eventually(() => schedRow(id).endsWith('|published')), schedRow(id));
  assert.equal((await fetch(srv.base + '/a/' + id)).status, 200);
  assert.ok((await (await fetch(srv.base + '/feed.atom')).text()).includes(id));
  assert.ok((await (await fetch(srv.base + '/sitemap.xml')).text()).includes(id));
  assert.ok((await (await fetch(srv.base + '/search?q=' + encodeURIComponent('琥珀灯塔'))).text()).includes(id));
  assert.equal((await json(await api('GET', `/api/v1/articles/${id}`))).status, 'published');

  // Review before publish applies at the time, as for a manual publish.
  const held = await draft(api, bob, '需要审核', '先审后发的定时作品。');
  assert.equal((await api('POST', `/api/v1/articles/${held}/publish`, bob, { at: rfc(T0 + 5400) })).status, 202);
  await srv.stop();
  assert.equal(spawnSync(BIN, ['set', 'review_before_publish', 'on', '--data', dataDir]).status, 0);
  srv = await startServer({ dataDir, env: { HAO_FAKE_NOW: String(T0 + 7200) } });
  api = apiFor(srv.base);
  assert.ok(await eventually(() => /^done\|/.test(schedRow(held))), schedRow(held));
  assert.equal(schedRow(held).split('|')[2], 'held for review');
  assert.equal((await fetch(srv.base + '/a/' + held)).status, 404, 'held: still a draft');
  assert.match(siteSql(dataDir, `SELECT status FROM reviews WHERE work_id = '${held}'`).stdout, /pending/);
  // Fired once: the earlier one is not fired again.
  assert.equal(schedRow(id).split('|')[0], 'done');
});

test('two nodes on PostgreSQL fire a due schedule once', { skip: !process.env.HAO_TEST_PG && 'needs PostgreSQL (HAO_TEST_PG)' }, async () => {
  const dirA = path.join(tmpDir(), 'data');
  usePostgres(dirA);
  const dirB = path.join(tmpDir(), 'data');
  fs.mkdirSync(dirB, { recursive: true });
  fs.copyFileSync(path.join(dirA, 'hao.conf'), path.join(dirB, 'hao.conf'));
  let a = await startServer({ dataDir: dirA, env: { HAO_FAKE_NOW: String(T0) } });
  addUser(dirA, 'carol', 'creator', 'carol-password-1');
  const apiA = apiFor(a.base);
  const tok = await apiToken(a.base, 'carol', 'carol-password-1');
  const ids = [];
  for (let i = 0; i < 5; i++) {
    const id = await draft(apiA, tok, `双节点 ${i}`);
    assert.equal((await apiA('POST', `/api/v1/articles/${id}/publish`, tok, { at: rfc(T0 + 600 + i) })).status, 202);
    ids.push(id);
  }
  await a.stop();
  // Both start after the time: each runs the sweep at start.
  let b;
  [a, b] = await Promise.all([
    startServer({ dataDir: dirA, env: { HAO_FAKE_NOW: String(T0 + 3600) } }),
    startServer({ dataDir: dirB, env: { HAO_FAKE_NOW: String(T0 + 3600) } }),
  ]);
  const ok = await eventually(() => siteSql(dirA, "SELECT count(*) FROM creator_schedules WHERE state = 'done'").stdout.trim() === '5');
  assert.ok(ok, siteSql(dirA, 'SELECT * FROM creator_schedules').stdout);
  const rows = siteSql(dirA, `SELECT count(*) FROM works WHERE status = 'published'`).stdout.trim();
  assert.equal(rows, '5');
  await a.stop();
  await b.stop();
});
