// Passkeys (WebAuthn): the test plays the authenticator with node:crypto
// (an implementation nobody here wrote): it builds authenticator data,
// attestation objects in CBOR (format "none") and ES256 / RS256 signatures.
// Register, sign in (a passkey counts as both factors), name and remove;
// and forged answers: malformed CBOR and client data, another format, the
// wrong origin, challenge or RP ID, a bad signature, a counter going back.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { startServer, addUser, Client, siteSql } from './harness.mjs';

let srv;
before(async () => {
  srv = await startServer();
  addUser(srv.dataDir, 'kim', 'creator', 'kim-password-1');
});
after(async () => { await srv?.stop(); });

function sql(q) {
  const r = siteSql(srv.dataDir, q);
  assert.equal(r.status, 0, r.stderr);
  return r.stdout.trim();
}

// ---- a small CBOR encoder (RFC 8949: the major types WebAuthn uses) ----
function head(major, n) {
  if (n < 24) return Buffer.from([(major << 5) | n]);
  if (n < 256) return Buffer.from([(major << 5) | 24, n]);
  if (n < 65536) { const b = Buffer.alloc(3); b[0] = (major << 5) | 25; b.writeUInt16BE(n, 1); return b; }
  const b = Buffer.alloc(5); b[0] = (major << 5) | 26; b.writeUInt32BE(n, 1); return b;
}
function cbor(v) {
  if (typeof v === 'number') return v >= 0 ? head(0, v) : head(1, -1 - v);
  if (typeof v === 'string') { const s = Buffer.from(v, 'utf8'); return Buffer.concat([head(3, s.length), s]); }
  if (Buffer.isBuffer(v)) return Buffer.concat([head(2, v.length), v]);
  if (v instanceof Map) {
    const parts = [head(5, v.size)];
    for (const [k, x] of v) parts.push(cbor(k), cbor(x));
    return Buffer.concat(parts);
  }
  throw new Error('cbor: ' + typeof v);
}
const b64u = (b) => Buffer.from(b).toString('base64url');
const sha256 = (b) => crypto.createHash('sha256').update(b).digest();

// ---- the authenticator ----
function makeKey(alg) {
  if (alg === -7) {
    const { privateKey, publicKey } = crypto.generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const jwk = publicKey.export({ format: 'jwk' });
    const cose = new Map([[1, 2], [3, -7], [-1, 1], [-2, Buffer.from(jwk.x, 'base64url')], [-3, Buffer.from(jwk.y, 'base64url')]]);
    return { alg, privateKey, cose: cbor(cose), credId: crypto.randomBytes(16), counter: 0 };
  }
  const { privateKey, publicKey } = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 });
  const jwk = publicKey.export({ format: 'jwk' });
  const cose = new Map([[1, 3], [3, -257], [-1, Buffer.from(jwk.n, 'base64url')], [-2, Buffer.from(jwk.e, 'base64url')]]);
  return { alg, privateKey, cose: cbor(cose), credId: crypto.randomBytes(32), counter: 0 };
}
function authData(rpId, flags, counter, attested) {
  const c = Buffer.alloc(4); c.writeUInt32BE(counter >>> 0);
  return Buffer.concat([sha256(Buffer.from(rpId)), Buffer.from([flags]), c, attested || Buffer.alloc(0)]);
}
function attested(key) {
  const len = Buffer.alloc(2); len.writeUInt16BE(key.credId.length);
  return Buffer.concat([Buffer.alloc(16), len, key.credId, key.cose]);
}

const rpId = () => new URL(srv.base).hostname;
const json = (c, p, body, csrf) => c.post(p, JSON.stringify(body), { 'content-type': 'application/json', 'x-csrf-token': csrf });

async function signedIn() {
  const c = new Client(srv.base);
  assert.equal((await c.login('kim', 'kim-password-1')).status, 303);
  return c;
}
async function regOptions(c) {
  const csrf = await c.csrf('/account/security/passkeys');
  const o = await json(c, '/account/security/passkeys/options', {}, csrf);
  assert.equal(o.status, 200);
  return { csrf, opt: await o.json() };
}
// Register key; tweak(parts) may change what is sent. Returns the response.
async function register(c, key, name, tweak = (x) => x) {
  const { csrf, opt } = await regOptions(c);
  let p = {
    type: 'webauthn.create', challenge: opt.challenge, origin: srv.base, rpId: opt.rp.id,
    fmt: 'none', attStmt: new Map(), flags: 0x45,
  };
  p = tweak(p);
  const cd = p.clientDataJSON || Buffer.from(JSON.stringify({ type: p.type, challenge: p.challenge, origin: p.origin, crossOrigin: false }));
  const ao = p.attestationObject || cbor(new Map([['fmt', p.fmt], ['attStmt', p.attStmt], ['authData', authData(p.rpId, p.flags, key.counter, p.attested || attested(key))]]));
  return json(c, '/account/security/passkeys', { name, clientDataJSON: b64u(cd), attestationObject: b64u(ao) }, csrf);
}
async function login(c, key, tweak = (x) => x) {
  await c.get('/login/passkey');
  const csrf = await c.csrf('/login/passkey');
  const o = await json(c, '/login/passkey/options', {}, csrf);
  assert.equal(o.status, 200);
  const opt = await o.json();
  assert.equal(opt.userVerification, 'required');
  let p = { type: 'webauthn.get', challenge: opt.challenge, origin: srv.base, rpId: opt.rpId, counter: key.counter + 1, flags: 0x05, id: key.credId };
  p = tweak(p);
  const cd = p.clientDataJSON || Buffer.from(JSON.stringify({ type: p.type, challenge: p.challenge, origin: p.origin }));
  const ad = authData(p.rpId, p.flags, p.counter);
  const sig = p.signature || crypto.sign('sha256', Buffer.concat([ad, sha256(cd)]), key.privateKey);
  const res = await json(c, '/login/passkey', { id: b64u(p.id), clientDataJSON: b64u(cd), authenticatorData: b64u(ad), signature: b64u(sig), next: '/studio' }, csrf);
  if (res.status === 200) key.counter = p.counter;
  return res;
}
const code = async (res) => (await res.json()).error?.code;

const es = makeKey(-7), rs = makeKey(-257);

test('register an ES256 and an RS256 passkey; the RP is this site', async () => {
  const c = await signedIn();
  const { opt } = await regOptions(c);
  assert.equal(opt.rp.id, rpId());
  assert.equal(opt.attestation, 'none');
  assert.deepEqual(opt.pubKeyCredParams.map((p) => p.alg), [-7, -257]);
  // A passkey is both factors only when the device verified its user, and
  // sign-in finds it with no user name: both are required, not preferred.
  assert.deepEqual(opt.authenticatorSelection, { residentKey: 'required', requireResidentKey: true, userVerification: 'required' });
  let r = await register(c, es, 'Laptop');
  assert.equal(r.status, 201, await r.clone().text());
  r = await register(c, rs, 'Security key');
  assert.equal(r.status, 201);
  assert.equal(sql('SELECT count(*) FROM passkeys'), '2');
  assert.equal(sql("SELECT count(*) FROM audit_log WHERE action = 'security.passkey_added'"), '2');
  r = await register(c, es, 'Again');
  assert.equal(r.status, 409, 'the same credential twice');
  const page = await (await c.get('/account/security/passkeys')).text();
  assert.match(page, /value="Laptop"/);
  assert.match(page, /\/static\/passkey\.js/);
  assert.match(page, /<form id="passkey-add"[^>]* data-not-allowed="[^"]+"/, 'the script has words for a refusal');
  assert.doesNotMatch(page, /class="notice-ok"/);
  const added = await (await c.get('/account/security/passkeys?added=1')).text();
  assert.match(added, /class="notice-ok"[^>]*>[^<]*(通行密钥已添加|Passkey added)/);
  assert.equal((await c.get('/static/passkey.js')).status, 200);
});

test('forged registrations are refused and add nothing', async () => {
  const c = await signedIn();
  const k = makeKey(-7);
  const cases = [
    ['bad_cbor', (p) => ({ ...p, attestationObject: Buffer.from([0xa3, 0x63, 0x66, 0x6d]) })],
    ['bad_cbor', (p) => ({ ...p, attestationObject: cbor('not a map') })],
    // Arrays whose header claims billions of items in a few bytes (libcbor
    // would allocate them all first: fuzz/corpus/passkey/oom-array-count-lie).
    ['bad_cbor', (p) => ({ ...p, attestationObject: Buffer.from('a363666d74929190919a989e8b7453746d74a0686175746844617461646464646464646464646464646464', 'hex') })],
    ['unsupported_key', (p) => ({ ...p, attested: Buffer.concat([Buffer.alloc(16), Buffer.from([0, 4]), Buffer.alloc(4, 7), Buffer.from('9bfffffffffffffff0', 'hex')]) })],
    ['bad_client_data', (p) => ({ ...p, clientDataJSON: Buffer.from('{"type":') })],
    ['attestation_not_none', (p) => ({ ...p, fmt: 'packed' })],
    ['attestation_not_none', (p) => ({ ...p, attStmt: new Map([['sig', Buffer.alloc(8)]]) })],
    ['wrong_origin', (p) => ({ ...p, origin: 'https://evil.example' })],
    ['wrong_type', (p) => ({ ...p, type: 'webauthn.get' })],
    ['wrong_challenge', (p) => ({ ...p, challenge: b64u(crypto.randomBytes(32)) })],
    ['wrong_rp_id', (p) => ({ ...p, rpId: 'evil.example' })],
    ['no_user_presence', (p) => ({ ...p, flags: 0x40 })],
    ['no_user_verification', (p) => ({ ...p, flags: 0x41 })],
    ['unsupported_key', (p) => ({ ...p, attested: Buffer.concat([Buffer.alloc(16), Buffer.from([0, 4]), Buffer.alloc(4, 7), cbor(new Map([[1, 1], [3, -8], [-1, 6], [-2, Buffer.alloc(32)]]))]) })],
    ['bad_authenticator_data', (p) => ({ ...p, attested: Buffer.from([1, 2, 3]) })],
  ];
  for (const [want, tweak] of cases) {
    const r = await register(c, k, 'Forged', tweak);
    assert.equal(r.status, 400, want);
    assert.equal(await code(r), want);
  }
  // A challenge works once.
  const { csrf, opt } = await regOptions(c);
  const cd = Buffer.from(JSON.stringify({ type: 'webauthn.create', challenge: opt.challenge, origin: srv.base }));
  const ao = cbor(new Map([['fmt', 'none'], ['attStmt', new Map()], ['authData', authData(rpId(), 0x45, 0, attested(k))]]));
  const body = { name: 'Once', clientDataJSON: b64u(cd), attestationObject: b64u(ao) };
  assert.equal((await json(c, '/account/security/passkeys', body, csrf)).status, 201);
  const again = await json(c, '/account/security/passkeys', { ...body, name: 'Twice' }, csrf);
  assert.equal(await code(again), 'wrong_challenge');
  sql("DELETE FROM passkeys WHERE name = 'Once'");
  assert.equal(sql('SELECT count(*) FROM passkeys'), '2');
  // No CSRF token: refused before anything.
  assert.equal((await c.post('/account/security/passkeys', JSON.stringify(body), { 'content-type': 'application/json' })).status, 403);
});

test('sign in with either key; a passkey counts as both factors', async () => {
  sql("INSERT INTO totp(user_id, secret, enabled, last_step, created_at) SELECT id, 'JBSWY3DPEHPK3PXP', 1, 0, 0 FROM users WHERE handle = 'kim'");
  for (const key of [es, rs]) {
    const c = new Client(srv.base);
    const r = await login(c, key);
    assert.equal(r.status, 200, await r.clone().text());
    assert.equal((await r.json()).next, '/studio');
    assert.equal((await c.get('/studio')).status, 200);
  }
  assert.equal(sql(`SELECT sign_count FROM passkeys WHERE name = 'Laptop'`), '1');
  assert.notEqual(sql(`SELECT last_used FROM passkeys WHERE name = 'Laptop'`), '0');
  sql('DELETE FROM totp');
});

test('forged sign-ins are refused: no session, counter unchanged', async () => {
  const cases = [
    ['wrong_challenge', (p) => ({ ...p, challenge: b64u(crypto.randomBytes(32)) })],
    ['wrong_origin', (p) => ({ ...p, origin: 'http://127.0.0.1:1' })],
    ['wrong_type', (p) => ({ ...p, type: 'webauthn.create' })],
    ['wrong_rp_id', (p) => ({ ...p, rpId: 'evil.example' })],
    ['bad_signature', (p) => ({ ...p, signature: crypto.sign('sha256', Buffer.from('something else'), es.privateKey) })],
    ['counter_went_back', (p) => ({ ...p, counter: 0 })],
    ['unknown_credential', (p) => ({ ...p, id: crypto.randomBytes(16) })],
    ['bad_client_data', (p) => ({ ...p, clientDataJSON: Buffer.from('[1,2') })],
    ['no_user_verification', (p) => ({ ...p, flags: 0x01 })],
  ];
  for (const [want, tweak] of cases) {
    sql('DELETE FROM throttle');
    const c = new Client(srv.base);
    const r = await login(c, es, tweak);
    assert.equal(r.status, 401, want);
    assert.equal(await code(r), want);
    assert.ok(!c.jar.has('hao_session'), want);
  }
  assert.equal(sql(`SELECT sign_count FROM passkeys WHERE name = 'Laptop'`), '1');
  // Malformed base64: 400.
  const c = new Client(srv.base);
  await c.get('/login/passkey');
  const csrf = await c.csrf('/login/passkey');
  const r = await json(c, '/login/passkey', { id: '***', clientDataJSON: '@', authenticatorData: '', signature: '' }, csrf);
  assert.equal(r.status, 400);
  sql('DELETE FROM throttle');
});

test('rename and remove keys; a removed key signs nobody in', async () => {
  const c = await signedIn();
  const id = sql("SELECT id FROM passkeys WHERE name = 'Security key'");
  let csrf = await c.csrf('/account/security/passkeys');
  let r = await c.post('/account/security/passkeys/rename', { csrf, key: id, name: 'YubiKey' });
  assert.equal(r.status, 200);
  assert.equal(sql(`SELECT name FROM passkeys WHERE id = ${id}`), 'YubiKey');
  r = await c.post('/account/security/passkeys/rename', { csrf, key: id, name: '' });
  assert.equal(r.status, 422);
  r = await c.post('/account/security/passkeys/remove', { csrf, key: '999999' });
  assert.equal(r.status, 404);
  r = await c.post('/account/security/passkeys/remove', { csrf, key: id });
  assert.equal(r.status, 200);
  assert.equal(sql("SELECT count(*) FROM audit_log WHERE action = 'security.passkey_removed'"), '1');
  const d = new Client(srv.base);
  r = await login(d, rs);
  assert.equal(r.status, 401);
  const body = await r.json();
  assert.equal(body.error.code, 'unknown_credential');
  assert.match(body.error.message, /可能已经移除|may have been removed/, 'says why, not just "could not be verified"');
});
