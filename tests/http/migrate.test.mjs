// hao migrate-store: a live SQLite site moved to PostgreSQL (runs when
// HAO_TEST_PG is set, as `make test` does). Everything a reader, a creator and
// the operator had is there afterwards, a second run changes nothing, and a
// failed or unverifiable run leaves the site on SQLite.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { startServer, apiToken, tmpDir, Client, BIN, siteSql } from './harness.mjs';

const PG = process.env.HAO_TEST_PG;
const opts = { skip: !PG && 'needs PostgreSQL (HAO_TEST_PG)' };

function hao(args, input) {
  const r = spawnSync(BIN, args, { input, encoding: 'utf8' });
  return { code: r.status, out: r.stdout, err: r.stderr };
}
function newDatabase() {
  const name = `hao_mig_${process.pid}_${Date.now() % 1000000}_${Math.floor(Math.random() * 1000)}`;
  const r = spawnSync('psql', [`${PG}/postgres`, '-q', '-c', `CREATE DATABASE ${name}`], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  return `${PG}/${name}`;
}

test('a SQLite site moves to PostgreSQL whole, verified, and keeps working', opts, async () => {
  const data = path.join(tmpDir(), 'data');
  assert.equal(hao(['user', 'add', 'mover', '--role', 'creator', '--name', '搬家的人', '--data', data], 'mover-password-1\n').code, 0);
  assert.equal(hao(['user', 'add', 'boss', '--role', 'admin', '--data', data], 'boss-password-1\n').code, 0);
  let srv = await startServer({ dataDir: data, sqlite: true });
  const token = await apiToken(srv.base, 'mover', 'mover-password-1');
  const h = { authorization: `Bearer ${token}` };
  const mk = async (title, body, tags, publish) => {
    const w = await (await fetch(srv.base + '/api/v1/articles', { method: 'POST', headers: h, body: JSON.stringify({ title, body, tags }) })).json();
    if (publish) assert.equal((await fetch(`${srv.base}/api/v1/articles/${w.id}/publish`, { method: 'POST', headers: h })).status, 200);
    return w.id;
  };
  const pub = await mk('搬到新家的作品', '无人机在山谷里飞。', ['搬家', '无人机'], true);
  const draft = await mk('还没发表的草稿', '草稿正文', [], false);
  assert.equal((await fetch(`${srv.base}/api/v1/articles/${pub}`, { method: 'PUT', headers: h, body: JSON.stringify({ body: '无人机在山谷里飞,又飞回来。' }) })).status, 200);
  const notice = await (await fetch(srv.base + '/api/v1/notices', {
    method: 'POST', body: JSON.stringify({ name: '赵六', contact: 'z@example.cn', address: '广州', urls: [`${srv.base}/a/${draft}`],
      right: '著作权', original: '原作', good_faith: true, signature: '赵六' }),
  }));
  assert.equal(notice.status, 422, 'a draft is not a served work: refused, nothing written');
  const c = new Client(srv.base);
  assert.equal((await c.login('mover', 'mover-password-1')).status, 303);
  // A picture in the local media store (a 1x1 PNG made here).
  const png = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAIAAACQd1PeAAAADElEQVR4nGP4z8AAAAMBAQDJ/pLvAAAAAElFTkSuQmCC', 'base64');
  const form = new FormData();
  form.append('file', new Blob([png], { type: 'image/png' }), 'dot.png');
  const up = await fetch(srv.base + '/api/v1/media', { method: 'POST', headers: h, body: form });
  assert.equal(up.status, 201, await up.clone().text());
  const media = await up.json();
  const pictureBytes = Buffer.from(await (await fetch(srv.base + media.url)).arrayBuffer());
  await srv.stop();

  // A URL that is not a database: nothing is switched.
  let r = hao(['migrate-store', '--from', data, '--to', `${PG}/no_such_database_here`]);
  assert.equal(r.code, 1);
  assert.match(r.err, /cannot connect/);
  assert.ok(!fs.existsSync(path.join(data, 'hao.conf')));
  assert.equal(hao(['migrate-store', '--from', data]).code, 2, '--to is required');

  const url = newDatabase();
  // With an S3 store at hand (make test has one), the media move there too.
  const S3 = process.env.HAO_TEST_S3;
  const s3 = S3 ? ['--s3-endpoint', S3, '--s3-bucket', 'hao', '--s3-access-key', 'S3RVER', '--s3-secret-key', 'S3RVER'] : [];
  if (S3) {
    r = hao(['migrate-store', '--from', data, '--to', url, '--s3-endpoint', S3]);
    assert.equal(r.code, 2, 'incomplete S3 flags are a usage error');
  }
  r = hao(['migrate-store', '--from', data, '--to', url, ...s3]);
  assert.equal(r.code, 0, r.err);
  assert.match(r.err, /verified/);
  const conf = fs.readFileSync(path.join(data, 'hao.conf'), 'utf8');
  assert.match(conf, new RegExp(`database = ${url}`));
  if (S3) assert.match(conf, /media = s3/);
  // Resuming (or running twice) copies nothing twice.
  fs.rmSync(path.join(data, 'hao.conf'));
  r = hao(['migrate-store', '--from', data, '--to', url, ...s3]);
  assert.equal(r.code, 0, r.err);

  srv = await startServer({ dataDir: data });
  try {
    assert.match(srv.stdout, /database postgresql:/);
    const page = await fetch(`${srv.base}/a/${pub}`);
    assert.equal(page.status, 200);
    assert.match(await page.text(), /又飞回来/);
    assert.equal((await fetch(`${srv.base}/t/${encodeURIComponent('搬家')}`)).status, 200);
    const found = await (await fetch(`${srv.base}/api/v1/search?q=${encodeURIComponent('无人机')}`)).json();
    assert.deepEqual(found.hits.map((x) => x.id), [pub], 'search index rebuilt');
    // The session cookie made on SQLite still works; drafts and revisions came along.
    c.base = srv.base;
    assert.equal((await c.get('/studio')).status, 200);
    assert.equal((await c.get(`/studio/${pub}/revisions/1`)).status, 200);
    const t2 = await apiToken(srv.base, 'mover', 'mover-password-1');
    const d = await fetch(`${srv.base}/api/v1/articles/${draft}`, { headers: { authorization: `Bearer ${t2}` } });
    assert.equal((await d.json()).status, 'draft');
    // The picture is served, and (on S3) a node with an empty data dir gets it from the bucket.
    assert.ok(Buffer.from(await (await fetch(srv.base + media.url)).arrayBuffer()).equals(pictureBytes));
    if (S3) {
      const other = path.join(tmpDir(), 'data');
      fs.mkdirSync(other);
      fs.copyFileSync(path.join(data, 'hao.conf'), path.join(other, 'hao.conf'));
      const node2 = await startServer({ dataDir: other });
      try {
        const got = await fetch(node2.base + media.url);
        assert.equal(got.status, 200);
        assert.ok(Buffer.from(await got.arrayBuffer()).equals(pictureBytes), 'the same bytes from the bucket');
      } finally { await node2.stop(); }
    }
    // New rows get fresh ids: a new user after the copied ones.
    assert.equal(hao(['user', 'add', 'newcomer', '--role', 'creator', '--data', data], 'newcomer-password-1\n').code, 0);
    assert.equal(siteSql(data, 'SELECT count(*) FROM users').stdout.trim(), '3');
  } finally {
    await srv.stop();
  }
  assert.equal(hao(['check', '--data', data]).code, 0);

  // A target that disagrees with the source fails verification and switches nothing.
  fs.rmSync(path.join(data, 'hao.conf'));
  const bad = spawnSync('psql', [url, '-qc', "UPDATE works SET title = 'changed behind hao''s back'"], { encoding: 'utf8' });
  assert.equal(bad.status, 0, bad.stderr);
  r = hao(['migrate-store', '--from', data, '--to', url]);
  assert.equal(r.code, 1);
  assert.match(r.err, /works differs/);
  assert.ok(!fs.existsSync(path.join(data, 'hao.conf')));
});
