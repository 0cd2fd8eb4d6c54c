// Two-factor sign-in (RFC 6238), with oathtool as the independent
// implementation computing the codes: set-up by QR code and a confirming
// code, ten recovery codes shown once and stored hashed, no session before
// the second factor, no code twice, old and wrong codes refused and
// throttled, the token endpoint asks for the code, and the site setting
// that walks moderators and admins through the set-up at sign-in.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { startServer, addUser, Client, siteSql, BIN } from './harness.mjs';

let srv;
before(async () => {
  srv = await startServer();
  addUser(srv.dataDir, 'tia', 'creator', 'tia-password-1');
  addUser(srv.dataDir, 'moe', 'moderator', 'moe-password-1');
});
after(async () => { await srv?.stop(); });

function sql(q) {
  const r = siteSql(srv.dataDir, q);
  assert.equal(r.status, 0, r.stderr);
  return r.stdout.trim();
}

// The code for secret at now + offset seconds, from oathtool.
function code(secret, offset = 0) {
  const at = Math.floor(Date.now() / 1000) + offset;
  const r = spawnSync('oathtool', ['--totp', '-b', `--now=@${at}`, secret], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  return r.stdout.trim();
}

function tokenPost(body) {
  return fetch(srv.base + '/api/v1/tokens', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
}

async function setUp(c) {
  let csrf = await c.csrf('/account/security/2fa');
  const start = await c.post('/account/security/2fa', { csrf, action: 'start' });
  assert.equal(start.status, 200);
  const html = await start.text();
  assert.match(html, /<svg[^>]*role="img"/, 'a QR code drawn as SVG');
  const secret = html.match(/<code id="totp-secret">([A-Z2-7]+)<\/code>/)[1];
  return { secret, html };
}

let tiaSecret, recovery;

test('set up: a wrong code does not turn it on; the right one does, with ten recovery codes', async () => {
  const c = new Client(srv.base);
  assert.equal((await c.login('tia', 'tia-password-1')).status, 303);
  const { secret } = await setUp(c);
  assert.equal(sql("SELECT enabled FROM totp t JOIN users u ON u.id = t.user_id WHERE handle = 'tia'"), '0');

  let csrf = await c.csrf('/account/security/2fa');
  const wrong = String((Number(code(secret)) + 1) % 1000000).padStart(6, '0');
  let r = await c.post('/account/security/2fa', { csrf, action: 'confirm', code: wrong });
  assert.equal(r.status, 422);
  assert.match(await r.text(), /role="alert"/);
  assert.equal(sql("SELECT enabled FROM totp t JOIN users u ON u.id = t.user_id WHERE handle = 'tia'"), '0');

  csrf = await c.csrf('/account/security/2fa');
  r = await c.post('/account/security/2fa', { csrf, action: 'confirm', code: code(secret) });
  assert.equal(r.status, 200);
  const html = await r.text();
  recovery = [...html.matchAll(/<li>([a-z2-9]{4}-[a-z2-9]{4}-[a-z2-9]{4}-[a-z2-9]{4})<\/li>/g)].map((m) => m[1]);
  assert.equal(recovery.length, 10);
  assert.equal(new Set(recovery).size, 10);
  assert.equal(sql("SELECT count(*) FROM recovery_codes"), '10');
  assert.equal(sql(`SELECT count(*) FROM recovery_codes WHERE code_hash LIKE '%${recovery[0].replace(/-/g, '')}%'`), '0', 'hashed');
  assert.equal(sql("SELECT count(*) FROM audit_log WHERE action = 'security.2fa_enabled'"), '1');
  // Shown once: the page afterwards has no codes.
  const again = await (await c.get('/account/security/2fa')).text();
  assert.doesNotMatch(again, new RegExp(recovery[0]));
  assert.match(again, /10/);
  tiaSecret = secret;
});

test('sign-in asks for the code after the password; no session before it; no code twice', async () => {
  const c = new Client(srv.base);
  const res = await c.login('tia', 'tia-password-1');
  assert.equal(res.status, 303);
  assert.equal(res.headers.get('location'), '/login/2fa');
  assert.ok(!c.jar.has('hao_session'), 'no session yet');
  assert.equal((await c.get('/studio')).status, 303, 'studio still needs a sign-in');

  // Bad codes: wrong, old (three steps back), malformed.
  for (const bad of [String((Number(code(tiaSecret, 30)) + 7) % 1000000).padStart(6, '0'), code(tiaSecret, -120), 'abc', '']) {
    const csrf = await c.csrf('/login/2fa');
    const r = await c.post('/login/2fa', { csrf, code: bad });
    assert.equal(r.status, 401, `code ${bad}`);
    assert.ok(!c.jar.has('hao_session'));
  }
  sql('DELETE FROM throttle');
  const next = code(tiaSecret, 30);
  let csrf = await c.csrf('/login/2fa');
  let r = await c.post('/login/2fa', { csrf, code: next });
  assert.equal(r.status, 303);
  assert.ok(c.jar.has('hao_session'));
  assert.equal((await c.get('/studio')).status, 200);

  // The same code again, in another sign-in: refused (its step is used).
  const d = new Client(srv.base);
  assert.equal((await d.login('tia', 'tia-password-1')).status, 303);
  csrf = await d.csrf('/login/2fa');
  r = await d.post('/login/2fa', { csrf, code: next });
  assert.equal(r.status, 401);
  assert.ok(!d.jar.has('hao_session'));

  // A recovery code works once.
  csrf = await d.csrf('/login/2fa');
  r = await d.post('/login/2fa', { csrf, code: recovery[0].toUpperCase() });
  assert.equal(r.status, 303);
  const e = new Client(srv.base);
  await e.login('tia', 'tia-password-1');
  csrf = await e.csrf('/login/2fa');
  assert.equal((await e.post('/login/2fa', { csrf, code: recovery[0] })).status, 401, 'a used recovery code');

  // Without the pending cookie there is nothing to finish.
  const f = new Client(srv.base);
  csrf = await f.csrf('/login');
  assert.equal((await f.post('/login/2fa', { csrf, code: code(tiaSecret) })).status, 400);
});

test('guesses are throttled per account', async () => {
  sql('DELETE FROM throttle');
  const c = new Client(srv.base);
  await c.login('tia', 'tia-password-1');
  let last;
  for (let i = 0; i < 6; i++) {
    const csrf = await c.csrf('/login/2fa');
    last = await c.post('/login/2fa', { csrf, code: '000000' === code(tiaSecret) ? '111111' : '000000' });
  }
  assert.equal(last.status, 429);
  sql('DELETE FROM throttle');
});

test('the token endpoint demands the second factor', async () => {
  let r = await tokenPost({ handle: 'tia', password: 'tia-password-1' });
  assert.equal(r.status, 401);
  assert.equal((await r.json()).error.code, 'otp_required');
  r = await tokenPost({ handle: 'tia', password: 'tia-password-1', otp: '123456' === code(tiaSecret) ? '654321' : '123456' });
  assert.equal(r.status, 401);
  assert.equal((await r.json()).error.code, 'otp_invalid');
  r = await tokenPost({ handle: 'tia', password: 'tia-password-1', otp: recovery[1] });
  assert.equal(r.status, 201);
  r = await tokenPost({ handle: 'tia', password: 'tia-password-1', otp: recovery[1] });
  assert.equal(r.status, 401, 'recovery code used up');
  r = await tokenPost({ handle: 'tia', password: 'wrong-password', otp: recovery[2] });
  assert.equal(r.status, 401);
  assert.equal((await r.json()).error.code, 'bad_credentials');
  assert.equal(sql("SELECT count(*) FROM recovery_codes WHERE used_at IS NULL"), '8', 'a wrong password uses no code');
  sql('DELETE FROM throttle');
});

test('turning it off takes a code; audited', async () => {
  const c = new Client(srv.base);
  await c.login('tia', 'tia-password-1');
  let csrf = await c.csrf('/login/2fa');
  assert.equal((await c.post('/login/2fa', { csrf, code: recovery[3] })).status, 303);
  csrf = await c.csrf('/account/security/2fa');
  let r = await c.post('/account/security/2fa', { csrf, action: 'disable', code: '99999' });
  assert.equal(r.status, 422);
  assert.equal(sql("SELECT count(*) FROM totp WHERE enabled = 1"), '1');
  csrf = await c.csrf('/account/security/2fa');
  r = await c.post('/account/security/2fa', { csrf, action: 'disable', code: recovery[4] });
  assert.equal(r.status, 200);
  assert.equal(sql("SELECT count(*) FROM totp"), '0');
  assert.equal(sql("SELECT count(*) FROM audit_log WHERE action = 'security.2fa_disabled'"), '1');
  assert.equal((await new Client(srv.base).login('tia', 'tia-password-1')).headers.get('location'), '/studio');
});

test('required for staff: a moderator without it is walked through the set-up at sign-in', async () => {
  const set = spawnSync(BIN, ['set', 'require_2fa_staff', 'on', '--data', srv.dataDir], { encoding: 'utf8' });
  assert.equal(set.status, 0, set.stderr);
  let r = await tokenPost({ handle: 'moe', password: 'moe-password-1' });
  assert.equal(r.status, 403);
  assert.equal((await r.json()).error.code, 'two_factor_setup_required');

  const c = new Client(srv.base);
  r = await c.login('moe', 'moe-password-1');
  assert.equal(r.headers.get('location'), '/login/2fa');
  const page = await (await c.get('/login/2fa')).text();
  assert.match(page, /<svg/);
  const secret = page.match(/<code id="totp-secret">([A-Z2-7]+)<\/code>/)[1];
  assert.equal((await c.get('/mod')).status, 303, 'no session before the set-up');
  let csrf = await c.csrf('/login/2fa');
  r = await c.post('/login/2fa', { csrf, action: 'confirm', code: code(secret, -300) });
  assert.equal(r.status, 401, 'an old code does not confirm');
  csrf = await c.csrf('/login/2fa');
  r = await c.post('/login/2fa', { csrf, action: 'confirm', code: code(secret) });
  assert.equal(r.status, 200);
  const html = await r.text();
  assert.equal([...html.matchAll(/<li>[a-z2-9]{4}-/g)].length, 10);
  assert.equal((await c.get('/mod')).status, 200);

  // Next sign-in: the code, not the set-up.
  const d = new Client(srv.base);
  await d.login('moe', 'moe-password-1');
  assert.match(await (await d.get('/login/2fa')).text(), /name="code"/);
  assert.doesNotMatch(await (await d.get('/login/2fa')).text(), /<svg/);
  // A creator is not asked.
  assert.equal((await new Client(srv.base).login('tia', 'tia-password-1')).headers.get('location'), '/studio');
});
