// Lifting a repeat infringer's suspension: `hao user reinstate HANDLE
// --reason TEXT` (bad input refused, nothing changed), audited with the
// reason; the account logs in again and earlier strikes stop counting.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { startServer, addUser, apiToken, tmpDir, BIN, siteSql } from './harness.mjs';

let srv, dataDir;
const hao = (...args) => spawnSync(BIN, [...args, '--data', dataDir], { encoding: 'utf8' });

before(async () => {
  dataDir = path.join(tmpDir(), 'data');
  addUser(dataDir, 'repeat', 'creator', 'repeat-password-1');
  addUser(dataDir, 'fine', 'creator', 'fine-password-1');
  // notice_mode immediate chosen explicitly (the default without SMTP is review).
  for (const [k, v] of [['strike_limit', '2'], ['notice_rate', '50'], ['notice_mode', 'immediate']]) assert.equal(hao('set', k, v).status, 0);
  srv = await startServer({ dataDir });
});
after(async () => { await srv?.stop(); });

const token = (handle) => fetch(srv.base + '/api/v1/tokens', {
  method: 'POST', headers: { 'content-type': 'application/json' },
  body: JSON.stringify({ handle, password: `${handle}-password-1` }),
});

async function publish(tok, title) {
  const h = { authorization: `Bearer ${tok}`, 'content-type': 'application/json' };
  const w = await (await fetch(srv.base + '/api/v1/articles', { method: 'POST', headers: h, body: JSON.stringify({ title, body: `${title}。` }) })).json();
  assert.equal((await fetch(`${srv.base}/api/v1/articles/${w.id}/publish`, { method: 'POST', headers: h })).status, 200);
  return w.id;
}

const notice = (id, contact) => fetch(srv.base + '/api/v1/notices', {
  method: 'POST', headers: { 'content-type': 'application/json' },
  body: JSON.stringify({ name: 'R', contact, address: 'A', urls: [`/a/${id}`], right: '著作权', original: 'O', good_faith: true, signature: 'R' }),
});

test('reinstating a suspended account: bad input refused, then lifted, audited, strikes counted afresh', async () => {
  const tok = await apiToken(srv.base, 'repeat', 'repeat-password-1');
  const [a, b, c] = [await publish(tok, '一'), await publish(tok, '二'), await publish(tok, '三')];
  assert.equal((await notice(a, 'n1@example.cn')).status, 201);
  assert.equal((await notice(b, 'n2@example.cn')).status, 201);
  assert.equal((await token('repeat')).status, 403, 'suspended after two upheld notices');

  let r = hao('user', 'reinstate', 'repeat');
  assert.equal(r.status, 2, 'a reason is required');
  assert.match(r.stderr, /--reason/);
  r = hao('user', 'reinstate', 'repeat', '--reason', 'two\nlines');
  assert.equal(r.status, 2);
  r = hao('user', 'reinstate', 'nobody', '--reason', '申诉成立');
  assert.equal(r.status, 1);
  assert.match(r.stderr, /no user "nobody"/);
  r = hao('user', 'reinstate', 'fine', '--reason', '申诉成立');
  assert.equal(r.status, 1);
  assert.match(r.stderr, /not suspended/);
  assert.equal((await token('repeat')).status, 403, 'nothing changed by the refusals');
  assert.equal(siteSql(dataDir, "SELECT count(*) FROM audit_log WHERE action = 'user.reinstate'").stdout.trim(), '0');

  r = hao('user', 'reinstate', 'repeat', '--reason', '申诉成立:两份通知所涉内容为授权转载');
  assert.equal(r.status, 0, r.stderr);
  assert.equal((await token('repeat')).status, 201, 'logs in again');
  const log = siteSql(dataDir, "SELECT actor || ' ' || detail FROM audit_log WHERE action = 'user.reinstate'").stdout;
  assert.match(log, /cli 申诉成立:两份通知所涉内容为授权转载/);
  assert.equal(hao('check').status, 0, 'the audit chain still verifies');

  // One more upheld notice: two strikes in the window, but one since the reinstatement.
  assert.equal((await notice(c, 'n3@example.cn')).status, 201);
  assert.equal((await fetch(`${srv.base}/a/${c}`)).status, 451, 'the work is taken down');
  assert.equal((await token('repeat')).status, 201, 'the account is not suspended again');
});
