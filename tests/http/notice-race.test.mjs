// The same notice sent several times at once (a double-click, a retrying
// client) is stored once: the duplicate check runs again inside the write
// transaction, so concurrent copies get 409 with the first one's number.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { startServer, addUser, apiToken, tmpDir, BIN, siteSql } from './harness.mjs';

let srv, dataDir, token;

before(async () => {
  dataDir = path.join(tmpDir(), 'data');
  srv = await startServer({ dataDir });
  addUser(dataDir, 'writer', 'creator', 'writer-password-1');
  assert.equal(spawnSync(BIN, ['set', 'notice_rate', '100', '--data', dataDir]).status, 0);
  assert.equal(spawnSync(BIN, ['set', 'notice_mode', 'review', '--data', dataDir]).status, 0);
  await srv.stop();
  srv = await startServer({ dataDir });
  token = await apiToken(srv.base, 'writer', 'writer-password-1');
});
after(async () => { await srv?.stop(); });

test('twelve identical notices at once: one stored, the others answered with its number', async () => {
  const h = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
  const w = await (await fetch(srv.base + '/api/v1/articles', { method: 'POST', headers: h, body: JSON.stringify({ title: '被投诉', body: '正文。' }) })).json();
  assert.equal((await fetch(`${srv.base}/api/v1/articles/${w.id}/publish`, { method: 'POST', headers: h })).status, 200);
  const send = () => fetch(srv.base + '/api/v1/notices', {
    method: 'POST', headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ name: '同一人', contact: 'same@example.cn', address: '北京', urls: [`/a/${w.id}`], right: '著作权',
      original: '原作', good_faith: true, signature: '同一人' }),
  });
  const answers = await Promise.all(Array.from({ length: 12 }, send));
  const bodies = await Promise.all(answers.map((r) => r.json()));
  const created = bodies.filter((b, i) => answers[i].status === 201);
  assert.equal(created.length, 1, JSON.stringify(answers.map((r) => r.status)));
  for (const [i, b] of bodies.entries()) {
    if (answers[i].status === 201) continue;
    assert.equal(answers[i].status, 409);
    assert.equal(b.error.code, 'duplicate');
    assert.equal(b.error.notice, created[0].id);
  }
  assert.equal(siteSql(dataDir, "SELECT count(*) FROM notices").stdout.trim(), '1');
});
