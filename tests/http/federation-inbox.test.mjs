// Federation, the inbox: HTTP Signatures verified (the signer's key fetched
// and kept), Follow answered with a signed Accept and counted with the
// followers, Undo(Follow); and every bad input refused with a clear 4xx and
// nothing changed. Outgoing fetches refuse non-public addresses unless the
// test mode (HAO_FED_LOOPBACK=1) allows loopback.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, addUser, siteSql } from './harness.mjs';
import { startPeer, signedPost, verifyHaoSignature } from './fedpeer.mjs';

let srv, strict, peer, actor;
const AS = 'application/activity+json';

function sql(s, q) {
  const r = siteSql(s.dataDir, q);
  assert.equal(r.status, 0, r.stderr);
  return r.stdout.trim();
}
const followers = async () => (await (await fetch(srv.base + '/u/fedi/followers')).json()).totalItems;
const deliveries = () => Number(sql(srv, 'SELECT COUNT(*) FROM fed_deliveries'));
const sign = (extra = {}) => ({ keyId: peer.keyId, key: peer.privateKey, ...extra });
const follow = (id = `${peer.actor}#follows/1`) => ({
  '@context': 'https://www.w3.org/ns/activitystreams', id, type: 'Follow', actor: peer.actor, object: actor,
});

before(async () => {
  peer = await startPeer();
  srv = await startServer({ env: { HAO_FED_LOOPBACK: '1' } });
  addUser(srv.dataDir, 'fedi', 'creator', 'fedi-password-1', '联邦作者');
  sql(srv, `INSERT INTO settings(key, value) VALUES ('base_url', '${srv.base}')`);
  actor = `${srv.base}/u/fedi`;
  strict = await startServer();
  addUser(strict.dataDir, 'fedi', 'creator', 'fedi-password-1');
  sql(strict, `INSERT INTO settings(key, value) VALUES ('base_url', '${strict.base}')`);
});
after(async () => { await srv?.stop(); await strict?.stop(); await peer?.close(); });

test('Follow is verified, counted, and answered with a signed Accept; Undo removes it', async () => {
  const res = await signedPost(`${srv.base}/u/fedi/inbox`, follow(), sign());
  assert.equal(res.status, 202, await res.text());
  assert.equal(await followers(), 1);
  const fo = await (await fetch(srv.base + '/u/fedi/followers?page=1')).json();
  assert.deepEqual(fo.orderedItems, [peer.actor]);
  // the remote account is shown as @alice@host
  assert.equal(sql(srv, "SELECT u.display_name FROM users u JOIN fed_actors a ON a.user_id = u.id"),
    `@alice@${new URL(peer.base).host}`);
  const [msg] = await peer.waitFor(1);
  const accept = JSON.parse(msg.body);
  assert.equal(accept.type, 'Accept');
  assert.equal(accept.actor, actor);
  assert.equal(accept.object.id, `${peer.actor}#follows/1`);
  assert.equal(msg.headers['content-type'], AS);
  const person = await (await fetch(actor, { headers: { accept: AS } })).json();
  const v = verifyHaoSignature(msg, '/users/alice/inbox', person.publicKey.publicKeyPem);
  assert.equal(v.keyId, person.publicKey.id);
  assert.ok(v.ok, 'hao signed the Accept with the key its actor publishes');
  assert.equal(sql(srv, 'SELECT result FROM fed_deliveries'), 'delivered (202)');
  // the same Follow again changes nothing (idempotent), on the shared inbox too
  assert.equal((await signedPost(`${srv.base}/inbox`, follow(), sign())).status, 202);
  assert.equal(await followers(), 1);
  const undo = { '@context': 'https://www.w3.org/ns/activitystreams', id: `${peer.actor}#undo/1`, type: 'Undo',
    actor: peer.actor, object: follow() };
  assert.equal((await signedPost(`${srv.base}/inbox`, undo, sign())).status, 202);
  assert.equal(await followers(), 0);
});

test('bad inbox posts are refused with a clear 4xx and change nothing', async () => {
  const before = { f: await followers(), d: deliveries(), a: sql(srv, 'SELECT COUNT(*) FROM fed_actors') };
  const url = `${srv.base}/u/fedi/inbox`;
  const stale = new Date(Date.now() - 3 * 3600 * 1000).toUTCString();
  const cases = [
    ['unsigned', () => signedPost(url, follow(), sign({ unsigned: true })), 401],
    ['signed with another key', () => signedPost(url, follow(), sign({ key: peer.otherKey })), 401],
    ['wrong digest', () => signedPost(url, follow(), sign({ digest: 'SHA-256=' + Buffer.alloc(32).toString('base64') })), 401],
    ['body changed after signing', () => signedPost(url, follow(), sign({ body: JSON.stringify({ ...follow(), id: 'x' }), digest: 'SHA-256=AAAA' })), 401],
    ['stale date (replay)', () => signedPost(url, follow(), sign({ date: stale })), 401],
    ['date not covered', () => signedPost(url, follow(), sign({ headers: '(request-target) host digest' })), 401],
    ['unknown key', () => signedPost(url, follow(), sign({ keyId: `${peer.base}/users/nobody#main-key` })), 401],
    ['actor is not the signer', () => signedPost(url, { ...follow(), actor: `${peer.base}/users/mallory` }, sign()), 401],
    ['malformed JSON', () => signedPost(url, null, sign({ body: '{"type":"Follow",' })), 400],
    ['JSON without an actor', () => signedPost(url, null, sign({ body: '{"type":"Follow"}' })), 400],
    ['JSON that is not an object', () => signedPost(url, null, sign({ body: '[1,2]' })), 400],
    ['not ActivityStreams', () => signedPost(url, follow(), sign({ contentType: 'text/plain' })), 415],
    ['oversized body', () => signedPost(url, null, sign({ body: JSON.stringify({ ...follow(), pad: 'x'.repeat(300 * 1024) }) })), 413],
    ['follow of an account that is not here', () => signedPost(url, { ...follow(), object: `${srv.base}/u/nobody` }, sign()), 404],
    ['inbox of an account that is not here', () => signedPost(`${srv.base}/u/nobody/inbox`, follow(), sign()), 404],
  ];
  for (const [what, send, status] of cases) {
    const res = await send();
    assert.equal(res.status, status, what);
    const j = await res.json();
    assert.ok(j.error && j.error.message, what);
  }
  assert.equal(await followers(), before.f);
  assert.equal(deliveries(), before.d);
  // an unknown key leaves no actor behind
  assert.equal(sql(srv, 'SELECT COUNT(*) FROM fed_actors'), before.a);
});

test('a blocked domain is refused at the inbox', async () => {
  sql(srv, `INSERT INTO settings(key, value) VALUES ('blocked_domains', 'example.org, 127.0.0.1')`);
  const res = await signedPost(`${srv.base}/inbox`, follow(), sign());
  assert.equal(res.status, 403);
  await res.arrayBuffer();
  assert.equal(await followers(), 0);
  sql(srv, "DELETE FROM settings WHERE key = 'blocked_domains'");
});

test('outside the test mode, keys on private, loopback and link-local addresses are not fetched', async () => {
  const url = `${strict.base}/inbox`;
  for (const keyId of [peer.keyId, `https://127.0.0.1:${new URL(peer.base).port}/users/alice#main-key`,
    'https://[::1]/k', 'https://10.1.2.3/k', 'https://169.254.169.254/latest', 'https://192.168.1.1/k',
    'https://[fe80::1]/k', 'https://localhost/k']) {
    const res = await signedPost(url, follow(), sign({ keyId }));
    assert.equal(res.status, 401, keyId);
    const j = await res.json();
    assert.match(j.error.message, /unknown key: refused/, keyId);
  }
  assert.equal(sql(strict, 'SELECT COUNT(*) FROM fed_actors'), '0');
});

test('posts by unknown signers are checked four at a time; beyond, 503 with Retry-After', async () => {
  const res = await Promise.all([1, 2, 3, 4, 5, 6, 7].map((i) =>
    signedPost(`${srv.base}/inbox`, follow(), sign({ keyId: `${peer.base}/slow/${i}#main-key` }))));
  const statuses = res.map((r) => r.status).sort();
  assert.deepEqual(statuses, [401, 401, 401, 401, 503, 503, 503], statuses.join(','));
  const busy = res.find((r) => r.status === 503);
  assert.equal(busy.headers.get('retry-after'), '10');
  await Promise.all(res.map((r) => r.arrayBuffer()));
  // and once they are done, unknown signers are checked again
  const again = await signedPost(`${srv.base}/inbox`, follow(), sign({ keyId: `${peer.base}/users/nobody#main-key` }));
  assert.equal(again.status, 401);
  await again.arrayBuffer();
});
