// Federation, delivery: a work's publish, edit, deletion and takedown reach
// the creator's followers elsewhere as signed Create, Update and Delete
// (a taken-down work federates as deleted), once per shared inbox, through
// the queue; an inbox that keeps failing is retried, then dropped and logged.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { startServer, addUser, apiToken, siteSql, tmpDir, BIN, Client } from './harness.mjs';
import { startPeer, signedPost, verifyHaoSignature } from './fedpeer.mjs';

let srv, peer, token, actor, person;
const AS = 'application/activity+json';

function sql(q) {
  const r = siteSql(srv.dataDir, q);
  assert.equal(r.status, 0, r.stderr);
  return r.stdout.trim();
}
async function api(method, p, body) {
  const res = await fetch(srv.base + p, {
    method, headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: body ? JSON.stringify(body) : undefined,
  });
  assert.ok(res.status < 300, `${method} ${p}: ${res.status}`);
  return res.status === 204 ? null : res.json();
}
const followAs = (name) => signedPost(`${srv.base}/inbox`, {
  '@context': 'https://www.w3.org/ns/activitystreams', id: `${peer.base}/users/${name}#follow`, type: 'Follow',
  actor: `${peer.base}/users/${name}`, object: actor,
}, { keyId: `${peer.base}/users/${name}#main-key`, key: peer.privateKey });
// The activities that arrived since n, waited for.
async function next(n, count = 1) {
  await peer.waitFor(n + count);
  return peer.received.slice(n, n + count).map((m) => ({ ...m, json: JSON.parse(m.body) }));
}

before(async () => {
  peer = await startPeer();
  const dataDir = path.join(tmpDir(), 'data');
  addUser(dataDir, 'fedi', 'creator', 'fedi-password-1', '联邦作者');
  addUser(dataDir, 'boss', 'admin', 'boss-password-1');
  assert.equal(spawnSync(BIN, ['set', 'notice_mode', 'immediate', '--data', dataDir]).status, 0);
  srv = await startServer({ dataDir, env: { HAO_FED_LOOPBACK: '1' } });
  sql(`INSERT INTO settings(key, value) VALUES ('base_url', '${srv.base}')`);
  actor = `${srv.base}/u/fedi`;
  token = await apiToken(srv.base, 'fedi', 'fedi-password-1');
  person = await (await fetch(actor, { headers: { accept: AS } })).json();
  for (const name of ['alice', 'bob']) assert.equal((await followAs(name)).status, 202);
  await peer.waitFor(2); // the two Accepts, to alice's own inbox
});
after(async () => { await srv?.stop(); await peer?.close(); });

test('publish, edit and delete reach the followers once per shared inbox, signed', async () => {
  let n = peer.received.length;
  const w = await api('POST', '/api/v1/articles', { title: '送往联邦', body: '正文。', declaration: 'opinion', tags: ['联邦'] });
  assert.equal(peer.received.length, n, 'a draft is not federated');
  // The other server hangs: publishing answers all the same.
  peer.hold();
  await api('POST', `/api/v1/articles/${w.id}/publish`);
  assert.equal(peer.received.length, n);
  peer.release();
  const [create] = await next(n);
  assert.equal(create.url, '/inbox', 'to the shared inbox');
  assert.equal(create.json.type, 'Create');
  assert.equal(create.json.actor, actor);
  assert.equal(create.json.object.type, 'Article');
  assert.equal(create.json.object.id, `${srv.base}/a/${w.id}`);
  assert.equal(create.json.object.name, '送往联邦');
  assert.ok(create.json.object.tag.some((t) => t.type === 'Hashtag' && t.name === '#联邦'));
  const v = verifyHaoSignature(create, '/inbox', person.publicKey.publicKeyPem);
  assert.equal(v.keyId, person.publicKey.id);
  assert.ok(v.ok, 'signed with the actor\'s key');
  // alice and bob share one inbox: one delivery
  const act = sql(`SELECT id FROM fed_activities WHERE body LIKE '%"type":"Create"%'`);
  assert.equal(sql(`SELECT COUNT(*) FROM fed_deliveries WHERE activity_id = ${act}`), '1');

  n = peer.received.length;
  await api('PUT', `/api/v1/articles/${w.id}`, { title: '送往联邦(改)' });
  const [update] = await next(n);
  assert.equal(update.json.type, 'Update');
  assert.equal(update.json.object.name, '送往联邦(改)');

  n = peer.received.length;
  await api('DELETE', `/api/v1/articles/${w.id}`);
  const [del] = await next(n);
  assert.equal(del.json.type, 'Delete');
  assert.equal(del.json.object.type, 'Tombstone');
  assert.equal(del.json.object.id, `${srv.base}/a/${w.id}`);
  await new Promise((r) => setTimeout(r, 1500));
  assert.equal(peer.received.length, n + 1, 'each change is sent once');
});

test('a taken-down work federates as deleted, a restored one as created again', async () => {
  const w = await api('POST', '/api/v1/articles', { title: '将被通知删除', body: '侵权正文。', declaration: 'none' });
  let n = peer.received.length;
  await api('POST', `/api/v1/articles/${w.id}/publish`);
  assert.equal((await next(n))[0].json.type, 'Create');
  n = peer.received.length;
  const host = new URL(srv.base).host;
  const res = await fetch(srv.base + '/api/v1/notices', {
    method: 'POST', headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ name: '王五', contact: 'wang@example.cn', address: '北京市海淀区某路1号',
      urls: [`http://${host}/a/${w.id}`], right: '著作权', original: '原文', good_faith: true, signature: '王五' }),
  });
  assert.equal(res.status, 201, await res.text());
  const [del] = await next(n);
  assert.equal(del.json.type, 'Delete');
  assert.equal(del.json.object.id, `${srv.base}/a/${w.id}`);
  const doc = await fetch(`${srv.base}/a/${w.id}`, { headers: { accept: AS } });
  assert.equal(doc.status, 410);
  assert.equal((await doc.json()).type, 'Tombstone');
  // the creator's counter-notice restores it at once: a Create again
  n = peer.received.length;
  const td = sql(`SELECT id FROM takedowns WHERE work_id = '${w.id}'`);
  const c = new Client(srv.base);
  await c.login('fedi', 'fedi-password-1');
  const csrf = await c.csrf(`/studio/notices/${td}/counter`);
  const cr = await c.post(`/studio/notices/${td}/counter`, {
    csrf, name: '作者本人', contact: 'fedi@example.cn', address: '上海市', statement: '这是我自己写的原创。',
    proof: '草稿截图', good_faith: '1', signature: '作者本人',
  });
  assert.equal(cr.status, 303);
  const [again] = await next(n);
  assert.equal(again.json.type, 'Create');
  assert.equal(again.json.object.id, `${srv.base}/a/${w.id}`);
});

test('a failing inbox is retried with growing delays, then dropped and logged', async () => {
  assert.equal((await followAs('carol')).status, 202); // her Accept fails: her server is down
  const deadline = Date.now() + 30000;
  let row;
  while (Date.now() < deadline) {
    row = sql(`SELECT attempts, next_at - ${Math.floor(Date.now() / 1000)}, result FROM fed_deliveries WHERE inbox LIKE '%/users/carol/inbox'`);
    if (row && row.split('|')[0] === '1' && row.includes('failed')) break;
    await new Promise((r) => setTimeout(r, 200));
  }
  const [attempts, wait, result] = row.split('|');
  assert.equal(attempts, '1');
  assert.match(result, /^failed: HTTP 503/);
  assert.ok(Number(wait) >= 30 && Number(wait) <= 61, `retried in about a minute, not at once (${wait}s)`);
  // Two days later: due again, and past the giving-up time.
  sql(`UPDATE fed_deliveries SET next_at = 0, created_at = created_at - 3 * 86400 WHERE inbox LIKE '%/users/carol/inbox'`);
  const end = Date.now() + 30000;
  while (Date.now() < end && !sql(`SELECT result FROM fed_deliveries WHERE inbox LIKE '%/users/carol/inbox'`).startsWith('dropped'))
    await new Promise((r) => setTimeout(r, 200));
  assert.match(sql(`SELECT result FROM fed_deliveries WHERE inbox LIKE '%/users/carol/inbox'`), /^dropped: HTTP 503/);
  assert.notEqual(sql(`SELECT done_at FROM fed_deliveries WHERE inbox LIKE '%/users/carol/inbox'`), '');
  // The log line is written after the row; under load (TSan) its pipe data may come later still.
  const logged = /federation: delivery \d+ to \S+\/users\/carol\/inbox dropped: HTTP 503 after 2 attempts/;
  for (const until = Date.now() + 10000; Date.now() < until && !logged.test(srv.stderr);) await new Promise((r) => setTimeout(r, 100));
  assert.match(srv.stderr, logged);
});

test('/admin/federation shows the queue, failures, instances and blocks, to admins only', async () => {
  sql(`INSERT INTO settings(key, value) VALUES ('blocked_domains', 'spam.example')`);
  const anon = await fetch(srv.base + '/admin/federation', { redirect: 'manual' });
  assert.ok([302, 303, 401, 403].includes(anon.status), String(anon.status));
  await anon.arrayBuffer();
  const fedi = new Client(srv.base);
  await fedi.login('fedi', 'fedi-password-1');
  const denied = await fedi.get('/admin/federation');
  assert.equal(denied.status, 403);
  await denied.arrayBuffer();
  const boss = new Client(srv.base);
  await boss.login('boss', 'boss-password-1');
  const res = await boss.get('/admin/federation');
  assert.equal(res.status, 200);
  const html = await res.text();
  assert.ok(html.includes(srv.base), 'says federation is on, where');
  assert.match(html, /data-count="dropped">1</);
  assert.match(html, /dropped: HTTP 503/);
  assert.ok(html.includes(`<td>${new URL(peer.base).host}</td><td>3</td><td>3</td>`), 'the peer: three accounts, three followers');
  assert.ok(html.includes('spam.example'));
});
