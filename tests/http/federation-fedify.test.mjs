// Federation against a real implementation nobody here wrote: a peer built
// on Fedify (tests/fedify/peer.mjs) looks hao's creator up by WebFinger,
// fetches the actor, follows, and verifies with Fedify's own code the signed
// Accept and the Create(Article) delivered on publish; it replies with a
// Note (a comment on the work page) and likes (the count moves), and
// receives the Delete when a notice takes the work down. hao verifies every
// request Fedify signs. Fedify needs Node 22: skipped on older ones (the
// release pass on Debian's Node 18).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import fs from 'node:fs';
import { spawnSync } from 'node:child_process';
import { startServer, addUser, apiToken, siteSql, tmpDir, BIN } from './harness.mjs';

const major = Number(process.versions.node.split('.')[0]);
const installed = fs.existsSync(new URL('../fedify/node_modules/@fedify/fedify/package.json', import.meta.url));
const skip = major < 22 ? `Fedify needs Node 22 (this is ${process.versions.node})`
  : !installed ? 'tests/fedify is not installed (scripts/test.sh installs it)' : false;

let srv, peer, token, actorUrl, M, work;

async function api(method, p, body) {
  const res = await fetch(srv.base + p, {
    method, headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: body ? JSON.stringify(body) : undefined,
  });
  assert.ok(res.status < 300, `${method} ${p}: ${res.status}`);
  return res.status === 204 ? null : res.json();
}

before(async () => {
  if (skip) return;
  M = await import('../fedify/peer.mjs');
  peer = await M.startFedifyPeer();
  const dataDir = path.join(tmpDir(), 'data');
  addUser(dataDir, 'fedi', 'creator', 'fedi-password-1', '联邦作者');
  assert.equal(spawnSync(BIN, ['set', 'notice_mode', 'immediate', '--data', dataDir]).status, 0);
  srv = await startServer({ dataDir, env: { HAO_FED_LOOPBACK: '1' } });
  const r = siteSql(dataDir, `INSERT INTO settings(key, value) VALUES ('base_url', '${srv.base}')`);
  assert.equal(r.status, 0, r.stderr);
  token = await apiToken(srv.base, 'fedi', 'fedi-password-1');
});
after(async () => { await srv?.stop(); await peer?.close(); });

test('Fedify finds the creator by WebFinger and reads the Person', { skip }, async () => {
  // acct: lookups go over https, which a loopback test server does not
  // speak: the peer asks WebFinger with the actor's URL (RFC 7033 allows
  // any URI), and the acct: form is checked by hand.
  const jrd = await M.lookupWebFinger(`${srv.base}/u/fedi`, { allowPrivateAddress: true });
  const self = jrd.links.find((l) => l.rel === 'self' && l.type === 'application/activity+json');
  actorUrl = self.href;
  assert.equal(actorUrl, `${srv.base}/u/fedi`);
  const acct = await (await fetch(`${srv.base}/.well-known/webfinger?resource=acct:fedi@${new URL(srv.base).host}`)).json();
  assert.equal(acct.links.find((l) => l.rel === 'self').href, actorUrl);
  const person = await peer.ctx.lookupObject(actorUrl);
  assert.ok(person instanceof M.V.Person, 'Fedify parses hao\'s actor as a Person');
  assert.equal(person.preferredUsername, 'fedi');
  assert.equal(person.inboxId.href, `${actorUrl}/inbox`);
  const key = await person.getPublicKey();
  assert.equal(key.id.href, `${actorUrl}#main-key`);
});

test('Fedify follows; hao answers with an Accept that Fedify verifies', { skip }, async () => {
  const person = await peer.ctx.lookupObject(actorUrl);
  await peer.ctx.sendActivity({ identifier: 'bob' }, person,
    new M.V.Follow({ id: new URL(`${peer.bob.href}#follows/1`), actor: peer.bob, object: person.id }));
  const acc = await peer.waitFor((r) => r.type === 'Accept', 'Accept');
  assert.equal(acc.activity.actorId.href, actorUrl);
  assert.equal((await (await fetch(`${actorUrl}/followers`)).json()).totalItems, 1);
});

test('on publish Fedify receives a Create(Article), verified', { skip }, async () => {
  work = await api('POST', '/api/v1/articles', { title: '致联邦', body: '你好,**联邦**。', declaration: 'opinion', tags: ['联邦'] });
  await api('POST', `/api/v1/articles/${work.id}/publish`);
  const cr = await peer.waitFor((r) => r.type === 'Create' && r.object?.id?.href === `${srv.base}/a/${work.id}`, 'Create');
  assert.ok(cr.object instanceof M.V.Article);
  assert.equal(cr.object.name.toString(), '致联邦');
  assert.match(cr.object.content.toString(), /<strong>联邦<\/strong>/);
  assert.match(cr.object.content.toString(), /个人观点/);
});

test('Fedify replies with a Note (a comment on the work page) and likes (the count moves)', { skip }, async () => {
  const person = await peer.ctx.lookupObject(actorUrl);
  const articleId = new URL(`${srv.base}/a/${work.id}`);
  const note = new M.V.Note({ id: new URL(`${peer.bob.href}/notes/1`), attributedTo: peer.bob, replyTarget: articleId,
    content: '<p>来自 <em>Fedify</em> 的回复</p>', to: new URL('https://www.w3.org/ns/activitystreams#Public') });
  await peer.ctx.sendActivity({ identifier: 'bob' }, person,
    new M.V.Create({ id: new URL(`${peer.bob.href}/notes/1/activity`), actor: peer.bob, object: note }));
  const { comments } = await api('GET', `/api/v1/articles/${work.id}/comments`);
  assert.equal(comments.length, 1);
  assert.equal(comments[0].body, '来自 Fedify 的回复');
  assert.equal(comments[0].author_name, `@bob@${new URL(peer.origin).host}`);
  const page = await (await fetch(`${srv.base}/a/${work.id}`)).text();
  assert.ok(page.includes('来自 Fedify 的回复') && page.includes(`@bob@${new URL(peer.origin).host}`));
  await peer.ctx.sendActivity({ identifier: 'bob' }, person,
    new M.V.Like({ id: new URL(`${peer.bob.href}#likes/1`), actor: peer.bob, object: articleId }));
  assert.equal((await api('GET', `/api/v1/articles/${work.id}`)).likes, 1);
});

test('a notice takes the work down: Fedify receives the Delete', { skip }, async () => {
  const res = await fetch(srv.base + '/api/v1/notices', {
    method: 'POST', headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ name: '王五', contact: 'wang@example.cn', address: '北京市海淀区某路1号',
      urls: [`http://${new URL(srv.base).host}/a/${work.id}`], right: '著作权', original: '原文', good_faith: true, signature: '王五' }),
  });
  assert.equal(res.status, 201);
  const del = await peer.waitFor((r) => r.type === 'Delete', 'Delete');
  assert.equal(del.activity.objectId.href, `${srv.base}/a/${work.id}`);
  // every delivery was taken by Fedify, which refuses (401) what does not verify
  const r = siteSql(srv.dataDir, 'SELECT DISTINCT result FROM fed_deliveries');
  assert.deepEqual(r.stdout.trim().split('\n'), ['delivered (202)']);
});

test('Fedify signed with RFC 9421 first, and hao verified each one on the first knock', { skip }, async () => {
  // Fedify tries RFC 9421 first and, on any answer of 400 or more, signs
  // again the draft-cavage way and remembers that for the origin. So a
  // refused RFC 9421 signature, or any draft-cavage one, means hao's RFC
  // 9421 check failed Fedify at least once, even if every activity got in.
  const text = await (await fetch(srv.base + '/metrics')).text();
  const count = (form, result) => {
    const m = new RegExp(`^hao_fed_inbox_signatures_total\\{form="${form}",result="${result}"\\} (\\d+)$`, 'm').exec(text);
    assert.ok(m, `hao_fed_inbox_signatures_total{form="${form}",result="${result}"} in /metrics`);
    return Number(m[1]);
  };
  // the Follow, the Create(Note) and the Like
  assert.equal(count('rfc9421', 'ok'), 3);
  assert.equal(count('rfc9421', 'refused'), 0);
  assert.equal(count('cavage', 'ok'), 0);
  assert.equal(count('cavage', 'refused'), 0);
});
