// Deleting a work keeps media still used by another work (issue: media):
// when a deleted work is purged after retention_days, the media only it
// embedded go with it, rows and files; media another work embeds, bytes
// another creator also uploaded, and media never embedded stay.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { startServer, addUser, apiToken, tmpDir, BIN, siteSql } from './harness.mjs';

let srv, dataDir, dir, alice, bob;
const file = (n) => path.join(dir, n);

async function upload(token, name) {
  const fd = new FormData();
  fd.append('file', new Blob([fs.readFileSync(file(name))]), name);
  const res = await fetch(srv.base + '/api/v1/media', { method: 'POST', body: fd, headers: { authorization: `Bearer ${token}` } });
  assert.ok(res.status === 201 || res.status === 200, `${name}: ${res.status}`);
  return res.json();
}

async function article(token, title, body) {
  const res = await fetch(srv.base + '/api/v1/articles', {
    method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ title, body }),
  });
  assert.equal(res.status, 201);
  return (await res.json()).id;
}

// On the PostgreSQL + S3 run the files live in the bucket (DATA/media is a
// cache there): the file-level checks are for the local store.
const onS3 = () => /media = s3/.test(fs.existsSync(path.join(dataDir, 'hao.conf')) ? fs.readFileSync(path.join(dataDir, 'hao.conf'), 'utf8') : '');

// The store's files for an upload's SHA-256 (all variants).
function files(sha) {
  const d = path.join(dataDir, 'media', sha.slice(0, 2));
  return fs.existsSync(d) ? fs.readdirSync(d).filter((f) => f.startsWith(sha)) : [];
}
const sha = (m) => siteSql(dataDir, `SELECT sha256 FROM media WHERE id = '${m.id}'`).stdout.trim();

before(async () => {
  dir = tmpDir('hao-purge-');
  for (const [n, w] of [['a.png', 500], ['b.png', 510], ['c.png', 520], ['d.png', 530]]) {
    execFileSync('vips', ['black', file(n), String(w), '300', '--bands', '3'], { stdio: 'pipe' });
  }
  dataDir = path.join(tmpDir(), 'data');
  srv = await startServer({ dataDir });
  addUser(dataDir, 'alice', 'creator', 'alice-password-1');
  addUser(dataDir, 'bob', 'creator', 'bob-password-1');
  alice = await apiToken(srv.base, 'alice', 'alice-password-1');
  bob = await apiToken(srv.base, 'bob', 'bob-password-1');
});
after(async () => { await srv?.stop(); });

test('purging a deleted work removes the media only it embedded, and nothing else', async () => {
  const a = await upload(alice, 'a.png'); // only in the deleted work: goes
  const b = await upload(alice, 'b.png'); // also in a kept work: stays
  const c = await upload(alice, 'c.png'); // in the deleted work, but bob uploaded the same bytes: row goes, files stay
  const d = await upload(alice, 'd.png'); // never embedded: stays
  const cBob = await upload(bob, 'c.png');
  const shaA = sha(a), shaC = sha(c);
  const local = !onS3();
  if (local) assert.ok(files(shaA).length >= 3, 'upload, full and variants stored');

  const gone = await article(alice, '要删除的', `![a](/m/${a.id})\n\n![b](/m/${b.id})\n\n![c](/m/${c.id})`);
  await article(alice, '留下的', `![b](/m/${b.id})`);
  const del = await fetch(`${srv.base}/api/v1/articles/${gone}`, { method: 'DELETE', headers: { authorization: `Bearer ${alice}` } });
  assert.ok(del.status === 200 || del.status === 204, `delete: ${del.status}`);
  assert.equal((await fetch(`${srv.base}/m/${a.id}`)).status, 200, 'kept as evidence until the retention period ends');

  // 200 days on (retention_days defaults to 180): the purge runs at start.
  await srv.stop();
  srv = await startServer({ dataDir, env: { HAO_FAKE_NOW: String(Math.floor(Date.now() / 1000) + 200 * 86400) } });
  assert.equal((await fetch(`${srv.base}/m/${a.id}`)).status, 404, 'only in the purged work: gone');
  for (let i = 0; local && i < 50 && files(shaA).length; i++) await new Promise((r) => setTimeout(r, 100));
  if (local) assert.deepEqual(files(shaA), [], 'and its files with it');
  assert.equal((await fetch(`${srv.base}/m/${b.id}`)).status, 200, 'another work embeds it');
  assert.equal((await fetch(`${srv.base}/m/${c.id}`)).status, 404, "alice's row for c is gone");
  assert.equal((await fetch(`${srv.base}/m/${cBob.id}`)).status, 200, "bob's upload of the same bytes is not");
  if (local) assert.ok(files(shaC).length >= 3, 'so the shared files stay');
  assert.equal((await fetch(`${srv.base}/m/${d.id}`)).status, 200, 'never embedded: untouched');
  const left = siteSql(dataDir, `SELECT count(*) FROM work_media WHERE work_id = '${gone}'`).stdout.trim();
  assert.equal(left, '0');
  await srv.stop();
  const r = spawnSync(BIN, ['check', '--data', dataDir], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stdout + r.stderr);
  srv = await startServer({ dataDir });
});
