// Federation, the inbox under RFC 9421 HTTP Message Signatures (the form
// Fedify tries first): requests signed here with node:crypto, never with
// hao's own code, so a mistake in hao's signature base cannot hide itself.
// The Ed25519 key is RFC 9421's test-key-ed25519 (appendix B.1.4), checked
// first against the RFC's own example signature (B.2.6). Accepted: Ed25519,
// rsa-v1_5-sha256 and rsa-pss-sha512. Refused with 401 and nothing changed:
// a bad signature, a wrong Content-Digest, a stale created, an expired
// expires, too few covered components, and malformed Signature-Input or
// Signature fields.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { startServer, addUser, siteSql } from './harness.mjs';
import { startPeer } from './fedpeer.mjs';

// RFC 9421 B.1.4, as a JWK (the same key as the PEM in the RFC).
const ED25519 = crypto.createPrivateKey({
  format: 'jwk',
  key: { kty: 'OKP', crv: 'Ed25519', d: 'n4Ni-HpISpVObnQMW0wOhCKROaIKqKtW_2ZYb2p9KcU', x: 'JrQLj5P_89iXES9-vFgrIy29clF9CC_oPPsw3c5D0bs' },
});

let srv, peer, actor;

function sql(q) {
  const r = siteSql(srv.dataDir, q);
  assert.equal(r.status, 0, r.stderr);
  return r.stdout.trim();
}
const followers = async () => (await (await fetch(srv.base + '/u/fedi/followers')).json()).totalItems;
const state = async () => ({
  followers: await followers(),
  deliveries: sql('SELECT COUNT(*) FROM fed_deliveries'),
  follows: sql('SELECT COUNT(*) FROM follows'),
});
async function sigCounts() {
  const text = await (await fetch(srv.base + '/metrics')).text();
  const get = (form, result) => Number(new RegExp(`^hao_fed_inbox_signatures_total\\{form="${form}",result="${result}"\\} (\\d+)$`, 'm').exec(text)?.[1]);
  return { ok: get('rfc9421', 'ok'), refused: get('rfc9421', 'refused'), cavage: get('cavage', 'ok') + get('cavage', 'refused') };
}

const follow = (who, n = 1) => ({
  '@context': 'https://www.w3.org/ns/activitystreams', id: `${peer.base}/users/${who}#follows/${n}`,
  type: 'Follow', actor: `${peer.base}/users/${who}`, object: actor,
});

const sfString = (s) => `"${s.replace(/[\\"]/g, '\\$&')}"`;

// POST activity to url signed per RFC 9421 as keyId. o forges the bad
// cases: components (the covered list), created, expires, alg, digest (the
// Content-Digest value), sign (how to sign the base: (base) => Buffer),
// input / signature (raw header values), label.
async function post9421(url, activity, keyId, o = {}) {
  const u = new URL(url);
  const body = JSON.stringify(activity);
  const digest = o.digest ?? `sha-256=:${crypto.createHash('sha256').update(body).digest('base64')}:`;
  const headers = { 'content-type': 'application/activity+json', 'content-digest': digest };
  const values = {
    '@method': 'POST', '@target-uri': u.href, '@authority': u.host, '@path': u.pathname,
    'content-digest': digest, 'content-type': headers['content-type'],
  };
  const comps = o.components ?? ['@method', '@target-uri', 'content-digest'];
  let params = `(${comps.map(sfString).join(' ')});created=${o.created ?? Math.floor(Date.now() / 1000)}`;
  if (o.expires !== undefined) params += `;expires=${o.expires}`;
  params += `;keyid=${sfString(keyId)}`;
  if (o.alg) params += `;alg=${sfString(o.alg)}`;
  const base = comps.map((c) => `${sfString(c)}: ${values[c]}\n`).join('') + `"@signature-params": ${params}`;
  const sig = o.sign(Buffer.from(base));
  const label = o.label ?? 'sig1';
  headers['signature-input'] = o.input ?? `${label}=${params}`;
  headers.signature = o.signature ?? `${label}=:${sig.toString('base64')}:`;
  return fetch(url, { method: 'POST', headers, body });
}

const ed = (base) => crypto.sign(null, base, ED25519);
const rsa = (base) => crypto.sign('sha256', base, peer.privateKey);
const pss = (base) => crypto.sign('sha512', base, { key: peer.privateKey, padding: crypto.constants.RSA_PKCS1_PSS_PADDING, saltLength: 64 });

before(async () => {
  peer = await startPeer();
  peer.keysByName.dave = crypto.createPublicKey(ED25519);
  srv = await startServer({ env: { HAO_FED_LOOPBACK: '1' } });
  addUser(srv.dataDir, 'fedi', 'creator', 'fedi-password-1', '联邦作者');
  sql(`INSERT INTO settings(key, value) VALUES ('base_url', '${srv.base}')`);
  actor = `${srv.base}/u/fedi`;
});
after(async () => { await srv?.stop(); await peer?.close(); });

test('the Ed25519 key is RFC 9421\'s: node:crypto reproduces the signature of appendix B.2.6', () => {
  const base = '"date": Tue, 20 Apr 2021 02:07:55 GMT\n"@method": POST\n"@path": /foo\n"@authority": example.com\n'
    + '"content-type": application/json\n"content-length": 18\n'
    + '"@signature-params": ("date" "@method" "@path" "@authority" "content-type" "content-length");created=1618884473;keyid="test-key-ed25519"';
  assert.equal(ed(Buffer.from(base)).toString('base64'),
    'wqcAqbmYJ2ji2glfAMaRy4gruYYnx2nEFN2HN6jrnDnQCK1u02Gb04v9EDgwUPiu4A0w6vuQv5lIp5WPpBKRCw==');
  assert.equal(crypto.createPublicKey(ED25519).export({ type: 'spki', format: 'pem' }),
    '-----BEGIN PUBLIC KEY-----\nMCowBQYDK2VwAyEAJrQLj5P/89iXES9+vFgrIy29clF9CC/oPPsw3c5D0bs=\n-----END PUBLIC KEY-----\n');
});

test('badly signed RFC 9421 requests are 401 and change nothing', async () => {
  const url = `${srv.base}/u/fedi/inbox`;
  const dave = `${peer.base}/users/dave#main-key`;
  const alice = `${peer.base}/users/alice#main-key`;
  const now = Math.floor(Date.now() / 1000);
  const other = crypto.generateKeyPairSync('ed25519').privateKey;
  const good = { sign: ed, alg: 'ed25519' };
  const before0 = await state();
  const c0 = await sigCounts();
  const cases = [
    ['signed with another key', dave, { ...good, sign: (b) => crypto.sign(null, b, other) }],
    ['signature bytes changed', dave, { ...good, sign: (b) => { const s = ed(b); s[0] ^= 1; return s; } }],
    ['RSA key, signature made with another', alice, { alg: 'rsa-v1_5-sha256', sign: (b) => crypto.sign('sha256', b, peer.otherKey) }],
    ['alg not the key\'s', dave, { alg: 'rsa-v1_5-sha256', sign: ed }],
    ['unknown alg', dave, { ...good, alg: 'hmac-sha256' }],
    ['wrong Content-Digest', dave, { ...good, digest: `sha-256=:${crypto.createHash('sha256').update('{}').digest('base64')}:` }],
    ['Content-Digest of another algorithm only', dave, { ...good, digest: `md5=:${crypto.createHash('md5').update('{}').digest('base64')}:` }],
    ['stale created (replay)', dave, { ...good, created: now - 3 * 3600 }],
    ['created in the future', dave, { ...good, created: now + 3 * 3600 }],
    ['expired', dave, { ...good, expires: now - 60 }],
    ['no @target-uri', dave, { ...good, components: ['@method', 'content-digest'] }],
    ['no @method', dave, { ...good, components: ['@target-uri', 'content-digest'] }],
    ['no content-digest over a body', dave, { ...good, components: ['@method', '@target-uri'] }],
    ['@authority without @path', dave, { ...good, components: ['@method', '@authority', 'content-digest'] }],
    ['a covered header that is missing', dave, { ...good, components: ['@method', '@target-uri', 'content-digest', 'date'] }],
    ['Signature-Input unterminated', dave, { ...good, input: 'sig1=("@method" "@target-uri" "content-digest"' }],
    ['Signature-Input not a dictionary', dave, { ...good, input: '("@method")' }],
    ['Signature-Input without keyid', dave, { ...good, input: `sig1=("@method" "@target-uri" "content-digest");created=${now}` }],
    ['Signature-Input created not an integer', dave, { ...good, input: `sig1=("@method" "@target-uri" "content-digest");created="${now}";keyid="${dave}"` }],
    ['Signature-Input with keyid twice', dave, { ...good, input: `sig1=("@method" "@target-uri" "content-digest");created=${now};keyid="${dave}";keyid="${alice}"` }],
    ['Signature not base64', dave, { ...good, signature: 'sig1=:not*base64:' }],
    ['Signature a string, not bytes', dave, { ...good, signature: 'sig1="abcd"' }],
    ['Signature for another label', dave, { ...good, signature: 'other=:AAAA:' }],
    ['Signature with a trailing comma', dave, { ...good, signature: 'sig1=:AAAA:,' }],
  ];
  let n = 0;
  for (const [what, keyId, o] of cases) {
    const res = await post9421(url, follow('dave', ++n), keyId, o);
    assert.equal(res.status, 401, what);
    const j = await res.json();
    assert.ok(j.error && j.error.message, what);
  }
  assert.deepEqual(await state(), before0);
  const c1 = await sigCounts();
  assert.equal(c1.refused - c0.refused, cases.length, 'every refusal counted as an RFC 9421 one');
  assert.equal(c1.ok, c0.ok);
  assert.equal(c1.cavage, c0.cavage, 'nothing was read as draft-cavage');
});

test('RFC 9421 signatures made with node:crypto are accepted: Ed25519, rsa-v1_5-sha256, rsa-pss-sha512', async () => {
  const c0 = await sigCounts();
  const ok = [
    ['Ed25519 (RFC 9421 test key)', 'dave', { sign: ed, alg: 'ed25519' }],
    ['Ed25519 without alg (the key says)', 'dave', { sign: ed, label: 'fedify' }],
    ['rsa-v1_5-sha256', 'alice', { sign: rsa, alg: 'rsa-v1_5-sha256' }],
    ['rsa-pss-sha512 over @authority and @path', 'bob', { sign: pss, alg: 'rsa-pss-sha512', expires: Math.floor(Date.now() / 1000) + 300,
      components: ['@method', '@authority', '@path', 'content-digest', 'content-type'] }],
  ];
  let n = 100;
  for (const [what, who, o] of ok) {
    const res = await post9421(`${srv.base}/u/fedi/inbox`, follow(who, ++n), `${peer.base}/users/${who}#main-key`, o);
    assert.equal(res.status, 202, `${what}: ${await res.text()}`);
  }
  assert.equal(await followers(), 3, 'dave, alice and bob follow');
  const c1 = await sigCounts();
  assert.equal(c1.ok - c0.ok, ok.length);
  assert.equal(c1.refused, c0.refused);
  // and on the shared inbox, an Undo signed the same way
  const undo = { '@context': 'https://www.w3.org/ns/activitystreams', id: `${peer.base}/users/dave#undo/1`, type: 'Undo',
    actor: `${peer.base}/users/dave`, object: follow('dave', 101) };
  const res = await post9421(`${srv.base}/inbox`, undo, `${peer.base}/users/dave#main-key`, { sign: ed, alg: 'ed25519' });
  assert.equal(res.status, 202, await res.text());
  assert.equal(await followers(), 2);
});
