// Two `hao serve` nodes on one PostgreSQL (runs when HAO_TEST_PG is set, as
// `make test` does): a session or token made on one node is valid on the
// other, and a change made on one is seen by the other's readers at once,
// its rendered-page cache and search included (LISTEN/NOTIFY between nodes),
// and a scheduled job (a delayed restore) fires once, not once per node.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { startServer, addUser, apiToken, tmpDir, Client, usePostgres, siteSql, BIN } from './harness.mjs';
import { spawnSync } from 'node:child_process';

const PG = process.env.HAO_TEST_PG;
let a, b, dirA, dirB;

before(async () => {
  if (!PG) return;
  dirA = path.join(tmpDir(), 'data');
  usePostgres(dirA);
  dirB = path.join(tmpDir(), 'data');
  fs.mkdirSync(dirB, { recursive: true });
  fs.copyFileSync(path.join(dirA, 'hao.conf'), path.join(dirB, 'hao.conf'));
  a = await startServer({ dataDir: dirA });
  b = await startServer({ dataDir: dirB });
  addUser(dirA, 'nodewriter', 'creator', 'nodewriter-password-1');
  addUser(dirA, 'nodeboss', 'admin', 'nodeboss-password-1');
  // notice_mode immediate chosen explicitly (the default without SMTP is review).
  assert.equal(spawnSync(BIN, ['set', 'notice_mode', 'immediate', '--data', dirA]).status, 0);
});
after(async () => { await a?.stop(); await b?.stop(); });

const opts = { skip: !PG && 'needs PostgreSQL (HAO_TEST_PG)' };

// Poll fn until it returns true or the time is up; returns how long it took.
async function eventually(fn, ms = 2000) {
  const t0 = Date.now();
  while (Date.now() - t0 < ms) {
    if (await fn()) return Date.now() - t0;
    await new Promise((r) => setTimeout(r, 10));
  }
  return -1;
}

test('a session made on one node is valid on the other; so is an API token', opts, async () => {
  const ca = new Client(a.base);
  assert.equal((await ca.login('nodewriter', 'nodewriter-password-1')).status, 303);
  const cb = new Client(b.base);
  cb.jar = new Map(ca.jar);
  const studio = await cb.get('/studio');
  assert.equal(studio.status, 200);
  assert.match(await studio.text(), /nodewriter/);
  // Logging out on B ends the session on A too.
  const csrf = await cb.csrf('/studio');
  assert.equal((await cb.post('/logout', { csrf })).status, 303);
  const again = await new Client(a.base).get('/studio', { cookie: `hao_session=${ca.jar.get('hao_session')}` });
  assert.equal(again.status, 303, 'logged out everywhere');

  const token = await apiToken(a.base, 'nodewriter', 'nodewriter-password-1');
  const r = await fetch(b.base + '/api/v1/articles', {
    method: 'POST', headers: { authorization: `Bearer ${token}` }, body: JSON.stringify({ title: '跨节点', body: '正文' }),
  });
  assert.equal(r.status, 201);
});

test('a work published on one node shows on the other at once, cached pages included', opts, async () => {
  const token = await apiToken(a.base, 'nodewriter', 'nodewriter-password-1');
  const api = (base, method, p, body) => fetch(base + p, {
    method, headers: { authorization: `Bearer ${token}` }, body: body && JSON.stringify(body),
  });
  // Warm B's cache of the home page.
  const before = await (await fetch(b.base + '/')).text();
  assert.ok(!before.includes('两个节点'));
  const w = await (await api(a.base, 'POST', '/api/v1/articles', { title: '两个节点的作品', body: '一个节点发布,另一个节点马上看到。' })).json();
  assert.equal((await api(a.base, 'POST', `/api/v1/articles/${w.id}/publish`)).status, 200);

  // The work's own page on B: straight from the shared database; and B's search finds it.
  assert.equal((await fetch(`${b.base}/a/${w.id}`)).status, 200);
  const found = await (await fetch(`${b.base}/api/v1/search?q=${encodeURIComponent('两个节点')}`)).json();
  assert.deepEqual(found.hits.map((h) => h.id), [w.id]);
  // B's cached home page is invalidated by A's notice.
  const took = await eventually(async () => (await (await fetch(b.base + '/')).text()).includes('两个节点的作品'));
  assert.ok(took >= 0, 'B never showed the new work');

  // Cache the work page on B, delete on A: B stops serving it.
  assert.equal((await fetch(`${b.base}/a/${w.id}`)).status, 200);
  assert.equal((await api(a.base, 'DELETE', `/api/v1/articles/${w.id}`)).status, 204);
  const gone = await eventually(async () => (await fetch(`${b.base}/a/${w.id}`)).status !== 200);
  assert.ok(gone >= 0, 'B kept serving a deleted work from its cache');
});

test('a delayed restore due while two nodes start runs once', opts, async () => {
  assert.equal(spawnSync(BIN, ['set', 'restore_mode', 'delayed', '--data', dirA]).status, 0);
  const token = await apiToken(a.base, 'nodewriter', 'nodewriter-password-1');
  const h = { authorization: `Bearer ${token}` };
  const w = await (await fetch(a.base + '/api/v1/articles', { method: 'POST', headers: h, body: JSON.stringify({ title: '被投诉的作品', body: '正文。' }) })).json();
  assert.equal((await fetch(`${a.base}/api/v1/articles/${w.id}/publish`, { method: 'POST', headers: h })).status, 200);
  const n = await (await fetch(a.base + '/api/v1/notices', {
    method: 'POST', body: JSON.stringify({ name: '赵六', contact: 'z@example.cn', address: '广州', urls: [`${a.base}/a/${w.id}`],
      right: '著作权', original: '原作', good_faith: true, signature: '赵六' }),
  })).json();
  assert.equal((await fetch(`${b.base}/a/${w.id}`)).status, 451, 'taken down on both nodes');

  // The creator's counter-notice, on node B.
  const c = new Client(b.base);
  await c.login('nodewriter', 'nodewriter-password-1');
  const html = await (await c.get('/studio/notices')).text();
  const td = html.match(new RegExp(`data-takedown="(\\d+)" data-work="${w.id}" data-status="active"`))[1];
  const csrf = await c.csrf(`/studio/notices/${td}/counter`);
  const res = await c.post(`/studio/notices/${td}/counter`, { csrf, name: '作者', contact: 'w@example.cn', address: '上海',
    statement: '原创。', good_faith: '1', signature: '作者' });
  assert.equal(res.status, 303);
  const st = await (await fetch(`${a.base}/api/v1/notices/${n.id}?token=${n.token}`)).json();
  const due = st.counter_notices[0].restore_at;

  // Both nodes restart past the deadline at the same moment; each runs due jobs at start.
  await Promise.all([a.stop(), b.stop()]);
  const env = { HAO_FAKE_NOW: String(due + 60) };
  [a, b] = await Promise.all([startServer({ dataDir: dirA, env }), startServer({ dataDir: dirB, env })]);
  assert.equal((await fetch(`${b.base}/a/${w.id}`)).status, 200);
  const restores = siteSql(dirA, `SELECT count(*) FROM audit_log WHERE action = 'work.restore' AND subject = 'work:${w.id}'`);
  assert.equal(restores.stdout.trim(), '1', 'restored exactly once');
  const jobs = siteSql(dirA, "SELECT count(*) FROM jobs WHERE done_at IS NOT NULL AND result <> ''");
  assert.equal(jobs.stdout.trim(), '1');
});

test('a picture uploaded on one node is served by the other (media = s3)', { skip: (!PG || !process.env.HAO_TEST_S3) && 'needs PostgreSQL and S3' }, async () => {
  const token = await apiToken(a.base, 'nodewriter', 'nodewriter-password-1');
  // A 2x2 PNG made here, byte by byte (zlib-compressed RGB rows).
  const zlib = await import('node:zlib');
  const crc = (buf) => { let c = ~0; for (const b of buf) { c ^= b; for (let k = 0; k < 8; k++) c = (c >>> 1) ^ (0xedb88320 & -(c & 1)); } return ~c >>> 0; };
  const chunk = (type, data) => {
    const len = Buffer.alloc(4); len.writeUInt32BE(data.length);
    const td = Buffer.concat([Buffer.from(type), data]);
    const c = Buffer.alloc(4); c.writeUInt32BE(crc(td));
    return Buffer.concat([len, td, c]);
  };
  const ihdr = Buffer.from([0, 0, 0, 2, 0, 0, 0, 2, 8, 2, 0, 0, 0]);
  const raw = Buffer.from([0, 255, 0, 0, 0, 255, 0, 0, 0, 0, 255, 255, 255, 255]);
  const png = Buffer.concat([Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]), chunk('IHDR', ihdr), chunk('IDAT', zlib.deflateSync(raw)), chunk('IEND', Buffer.alloc(0))]);
  const form = new FormData();
  form.append('file', new Blob([png], { type: 'image/png' }), 'dot.png');
  const up = await fetch(a.base + '/api/v1/media', { method: 'POST', headers: { authorization: `Bearer ${token}` }, body: form });
  assert.equal(up.status, 201, await up.clone().text());
  const m = await up.json();
  const fromA = Buffer.from(await (await fetch(a.base + m.url)).arrayBuffer());
  const resB = await fetch(b.base + m.url);
  assert.equal(resB.status, 200, 'node B fetched it from the bucket');
  assert.equal(resB.headers.get('content-type'), 'image/png');
  assert.ok(Buffer.from(await resB.arrayBuffer()).equals(fromA));
  const cached = fs.readdirSync(path.join(dirB, 'media'), { recursive: true }).filter((f) => /full\.png$/.test(f));
  assert.equal(cached.length, 1, 'and keeps it in its local cache');
});

test('a settings change on one node shows on the other (site name and statement)', opts, async () => {
  const before = await (await fetch(b.base + '/about')).text();
  assert.ok(!before.includes('双节点号'));
  const c = new Client(a.base);
  assert.equal((await c.login('nodeboss', 'nodeboss-password-1')).status, 303);
  const csrf = await c.csrf('/admin/settings');
  const res = await c.post('/admin/settings', { csrf, site_name: '双节点号', operator_name: '运营方', operator_contact: 'ops@example.cn',
    operator_address: '杭州', notice_contact: 'legal@example.cn' });
  assert.equal(res.status, 303);
  const took = await eventually(async () => /<title>[^<]*双节点号<\/title>/.test(await (await fetch(b.base + '/about')).text()));
  assert.ok(took >= 0, 'node B still shows the old site name');
});
