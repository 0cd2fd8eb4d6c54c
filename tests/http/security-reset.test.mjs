// Password reset: an e-mailed link (through the SMTP sink) that works once,
// for 30 minutes, stored hashed, with the same answer whether or not the
// address has an account; without mail, `hao user reset-password`.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { startServer, addUser, Client, siteSql, BIN } from './harness.mjs';
import { smtpSink, decode } from './smtp.mjs';

let srv, sink;
function hao(args, input) {
  return spawnSync(BIN, [...args, '--data', srv.dataDir], { encoding: 'utf8', input });
}
function sql(q) {
  const r = siteSql(srv.dataDir, q);
  assert.equal(r.status, 0, r.stderr);
  return r.stdout.trim();
}
async function waitMail(pred, ms = 8000) {
  for (let t = 0; t < ms; t += 100) {
    const m = sink.messages.map(decode).find(pred);
    if (m) return m;
    await new Promise((res) => setTimeout(res, 100));
  }
  return null;
}

before(async () => {
  sink = await smtpSink();
  srv = await startServer();
  addUser(srv.dataDir, 'rita', 'creator', 'rita-password-1');
  sql("UPDATE users SET email = 'rita@example.com' WHERE handle = 'rita'");
  for (const [k, v] of [['smtp_url', `smtp://127.0.0.1:${sink.port}`], ['smtp_from', 'site@example.com'], ['base_url', 'http://hao.example']]) {
    const r = hao(['set', k, v]);
    assert.equal(r.status, 0, r.stderr);
  }
});
after(async () => { await srv?.stop(); sink?.server.close(); });

async function ask(c, email) {
  const csrf = await c.csrf('/account/reset');
  const r = await c.post('/account/reset', { csrf, email });
  return { status: r.status, html: await r.text() };
}

let link;

test('the same answer for a known and an unknown address; only the known one gets mail', async () => {
  const c = new Client(srv.base);
  assert.match(await (await c.get('/login')).text(), /href="\/account\/reset"/);
  const unknown = await ask(c, 'nobody@example.com');
  const known = await ask(c, 'Rita@Example.com');
  assert.equal(unknown.status, 200);
  assert.equal(known.status, 200);
  assert.match(known.html, /role="status"/);
  assert.equal(unknown.html, known.html, 'the very same page');
  const m = await waitMail((x) => x.to === 'rita@example.com' && /account\/reset\//.test(x.body));
  assert.ok(m, 'the link was mailed');
  link = m.body.match(/http:\/\/hao\.example(\/account\/reset\/[0-9a-f]{64})/)[1];
  assert.equal(sql(`SELECT count(*) FROM password_resets WHERE token_hash = '${link.slice(-64)}'`), '0', 'stored hashed');
  assert.equal(sink.messages.map(decode).filter((x) => x.to === 'nobody@example.com').length, 0);
  assert.equal((await ask(c, 'not an address')).status, 422);
});

test('the link sets a new password once; sessions end; old password no longer works', async () => {
  const signedIn = new Client(srv.base);
  assert.equal((await signedIn.login('rita', 'rita-password-1')).status, 303);
  const c = new Client(srv.base);
  assert.equal((await c.get(link)).status, 200);
  let csrf = await c.csrf(link);
  let r = await c.post(link, { csrf, password: 'fresh-password-2', password2: 'other-password-2' });
  assert.equal(r.status, 422);
  r = await c.post(link, { csrf, password: 'short', password2: 'short' });
  assert.equal(r.status, 422);
  assert.equal((await new Client(srv.base).login('rita', 'rita-password-1')).status, 303, 'unchanged so far');

  r = await c.post(link, { csrf, password: 'fresh-password-2', password2: 'fresh-password-2' });
  assert.equal(r.status, 303);
  assert.equal((await signedIn.get('/studio')).status, 303, 'every session ended');
  assert.equal((await new Client(srv.base).login('rita', 'rita-password-1')).status, 401);
  assert.equal((await new Client(srv.base).login('rita', 'fresh-password-2')).status, 303);
  assert.equal(sql("SELECT count(*) FROM audit_log WHERE action = 'security.password_reset'"), '1');
  assert.ok(await waitMail((x) => x.to === 'rita@example.com' && /reset by an e-mailed link/.test(x.body)));

  // Used: refused, nothing changes.
  assert.equal((await c.get(link)).status, 400);
  csrf = await c.csrf('/account/reset');
  r = await c.post(link, { csrf, password: 'third-password-3', password2: 'third-password-3' });
  assert.equal(r.status, 400);
  assert.equal((await new Client(srv.base).login('rita', 'fresh-password-2')).status, 303);
});

test('a late link and a forged one are refused', async () => {
  const c = new Client(srv.base);
  const before = sink.messages.length;
  await ask(c, 'rita@example.com');
  const m = await waitMail((x) => x.to === 'rita@example.com' && /account\/reset\//.test(x.body) && sink.messages.length > before);
  const late = m.body.match(/(\/account\/reset\/[0-9a-f]{64})/g).pop();
  sql('UPDATE password_resets SET expires_at = expires_at - 1801');
  assert.equal((await c.get(late)).status, 400);
  const csrf = await c.csrf('/account/reset');
  assert.equal((await c.post(late, { csrf, password: 'late-password-4', password2: 'late-password-4' })).status, 400);
  assert.equal((await c.get('/account/reset/' + 'a'.repeat(64))).status, 400);
  assert.equal((await c.get('/account/reset/xyz')).status, 400);
  assert.equal((await new Client(srv.base).login('rita', 'fresh-password-2')).status, 303);
});

test('without mail: the page names the command, which resets the password', async () => {
  assert.equal(hao(['set', 'smtp_url', '']).status, 0);
  const c = new Client(srv.base);
  const page = await (await c.get('/account/reset')).text();
  assert.match(page, /hao user reset-password/);
  assert.doesNotMatch(page, /name="email"/);

  const signedIn = new Client(srv.base);
  assert.equal((await signedIn.login('rita', 'fresh-password-2')).status, 303);
  let r = hao(['user', 'reset-password', 'rita'], 'cli-password-5\n');
  assert.equal(r.status, 0, r.stderr);
  assert.equal((await signedIn.get('/studio')).status, 303, 'sessions ended');
  assert.equal((await new Client(srv.base).login('rita', 'cli-password-5')).status, 303);
  r = hao(['user', 'reset-password', 'nobody'], 'cli-password-6\n');
  assert.equal(r.status, 1);
  assert.match(r.stderr, /no user/);
  r = hao(['user', 'reset-password', 'rita'], 'short\n');
  assert.notEqual(r.status, 0);
  assert.equal((await new Client(srv.base).login('rita', 'cli-password-5')).status, 303, 'unchanged');
  assert.equal(sql("SELECT actor FROM audit_log WHERE action = 'security.password_reset' ORDER BY id DESC LIMIT 1"), 'cli');
});
