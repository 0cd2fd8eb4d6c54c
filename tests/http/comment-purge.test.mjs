// Comments are stored user content, so retention applies to them: past
// retention_days the text of deleted and removed comments is erased and the
// addresses comments were posted from are forgotten, and a work whose
// content is purged (deleted by its author, then kept as long) takes its
// comments' text with it. The purges are sweeps of the jobs runner, which
// also runs at start, so the test restarts the server to run them.
//
// Comments are written straight into the store (siteSql): the comment API
// is another branch's (issue 12), not this one's.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { startServer, addUser, apiToken, tmpDir, siteSql } from './harness.mjs';
import { DAY } from './clock.mjs';

let srv, dataDir, workId, commenter;
const sql = (q) => {
  const r = siteSql(dataDir, q);
  if (r.status !== 0) throw new Error(`${q}: ${r.stderr}`);
  return r.stdout.trim();
};
async function restart() {
  await srv.stop();
  srv = await startServer({ dataDir });
}

before(async () => {
  dataDir = path.join(tmpDir(), 'data');
  addUser(dataDir, 'author', 'creator', 'author-password-1');
  addUser(dataDir, 'commenter', 'reader', 'commenter-password-1');
  srv = await startServer({ dataDir });
  const token = await apiToken(srv.base, 'author', 'author-password-1');
  const h = { authorization: `Bearer ${token}` };
  const w = await (await fetch(srv.base + '/api/v1/articles', { method: 'POST', headers: h, body: JSON.stringify({ title: '有跟贴的作品', body: '正文。' }) })).json();
  assert.equal((await fetch(`${srv.base}/api/v1/articles/${w.id}/publish`, { method: 'POST', headers: h })).status, 200);
  workId = w.id;
  commenter = sql("SELECT id FROM users WHERE handle = 'commenter'");
});
after(async () => { await srv?.stop(); });

function insert(body, status, peer, age) {
  const t = Math.floor(Date.now() / 1000) - age;
  sql(`INSERT INTO comments(work_id, author_id, body, status, peer, created_at, status_at) ` +
      `VALUES ('${workId}', ${commenter}, '${body}', '${status}', '${peer}', ${t}, ${t})`);
}

test('past retention: deleted and removed comments lose their text, all comments their address', async () => {
  const old = 200 * DAY; // retention_days is 180 by default
  insert('新的跟贴', 'published', '192.0.2.1', 60);
  insert('新删除的跟贴', 'deleted', '192.0.2.2', 60);
  insert('旧的跟贴', 'published', '192.0.2.3', old);
  insert('旧删除的跟贴', 'deleted', '192.0.2.4', old);
  insert('旧移除的跟贴', 'removed', '192.0.2.5', old);
  await restart();
  assert.equal(sql("SELECT body || '|' || peer FROM comments WHERE peer = '192.0.2.1'"), '新的跟贴|192.0.2.1', 'recent: kept');
  assert.equal(sql("SELECT body || '|' || peer FROM comments WHERE peer = '192.0.2.2'"), '新删除的跟贴|192.0.2.2', 'recently deleted: kept');
  assert.equal(sql("SELECT count(*) FROM comments WHERE body = '旧的跟贴' AND peer = ''"), '1', 'old published: text kept, address forgotten');
  assert.equal(sql("SELECT count(*) FROM comments WHERE body IN ('旧删除的跟贴', '旧移除的跟贴')"), '0', 'old deleted/removed: text erased');
  assert.equal(sql("SELECT count(*) FROM comments WHERE body = '' AND status IN ('deleted','removed') AND peer = ''"), '2');
  assert.equal(sql('SELECT count(*) FROM comments'), '5', 'the rows stay');
  assert.equal((await fetch(srv.base + '/healthz')).status, 200);
});

test('a work purged after its author deleted it takes its comments\' text with it', async () => {
  const token = await apiToken(srv.base, 'author', 'author-password-1');
  const res = await fetch(`${srv.base}/api/v1/articles/${workId}`, { method: 'DELETE', headers: { authorization: `Bearer ${token}` } });
  assert.ok(res.status === 200 || res.status === 204, `delete: ${res.status}`);
  assert.equal((await fetch(`${srv.base}/a/${workId}`)).status, 404, 'the comments go with the work at once: no page');
  await restart();
  assert.equal(sql("SELECT count(*) FROM comments WHERE body <> ''"), '3', 'not yet: the work is kept for retention_days');
  sql(`UPDATE works SET updated_at = ${Math.floor(Date.now() / 1000) - 200 * DAY} WHERE id = '${workId}'`);
  await restart();
  assert.equal(sql(`SELECT body FROM works WHERE id = '${workId}'`), '');
  assert.equal(sql("SELECT count(*) FROM comments WHERE body <> ''"), '0');
  assert.equal(sql('SELECT count(*) FROM comments'), '5');
});
