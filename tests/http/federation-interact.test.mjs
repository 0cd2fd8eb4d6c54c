// Federation, interactions back: a Note replying to a work or a comment
// becomes a comment by the audience rules (shown as @user@host, linked to
// the remote profile, remote HTML reduced to text), its Update and Delete
// follow it; Like and Announce count (the boosts shown on the work page)
// and their Undo uncounts; Delete of the
// actor removes its follows and comments; a note for a work that is not here
// is 404; a creator's block and the keyword hold apply.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, addUser, apiToken, siteSql, BIN } from './harness.mjs';
import { spawnSync } from 'node:child_process';
import { startPeer, signedPost } from './fedpeer.mjs';

let srv, peer, token, work, workUrl, alice;
const AS = 'application/activity+json';
const ctx = 'https://www.w3.org/ns/activitystreams';

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
  return res.status === 204 ? null : res.json();
}
const send = (activity, name = 'alice') => signedPost(`${srv.base}/inbox`, { '@context': ctx, actor: `${peer.base}/users/${name}`, ...activity },
  { keyId: `${peer.base}/users/${name}#main-key`, key: peer.privateKey });
const note = (n, inReplyTo, content) => ({ id: `${alice}/notes/${n}`, type: 'Note', attributedTo: alice, inReplyTo, content, to: [`${ctx}#Public`] });
const comments = async () => (await api('GET', `/api/v1/articles/${work.id}/comments`)).comments;
const counts = async () => { const w = await api('GET', `/api/v1/articles/${work.id}`); return { comments: w.comments_count, likes: w.likes }; };
const shares = async () => (await (await fetch(workUrl, { headers: { accept: AS } })).json()).shares.totalItems;

before(async () => {
  peer = await startPeer();
  alice = `${peer.base}/users/alice`;
  srv = await startServer({ env: { HAO_FED_LOOPBACK: '1' } });
  addUser(srv.dataDir, 'fedi', 'creator', 'fedi-password-1', '联邦作者');
  sql(`INSERT INTO settings(key, value) VALUES ('base_url', '${srv.base}')`);
  token = await apiToken(srv.base, 'fedi', 'fedi-password-1');
  work = await api('POST', '/api/v1/articles', { title: '等回复', body: '正文。', declaration: 'none' });
  await api('POST', `/api/v1/articles/${work.id}/publish`);
  workUrl = `${srv.base}/a/${work.id}`;
  const f = await send({ id: `${alice}#follow`, type: 'Follow', object: `${srv.base}/u/fedi` });
  assert.equal(f.status, 202);
});
after(async () => { await srv?.stop(); await peer?.close(); });

test('a Note replying to a work is a comment, remote HTML reduced to text, shown as @user@host', async () => {
  const html = '<p>Hello <b>there</b><script>alert(1)</script></p><p><a href="https://x.example/y">a link</a> <a href="https://h/@fedi" class="mention">@fedi</a></p>';
  const res = await send({ id: `${alice}/notes/1/create`, type: 'Create', object: note(1, workUrl, html) });
  assert.equal(res.status, 202, await res.text());
  const [c] = await comments();
  assert.equal(c.body, 'Hello there\n\na link (https://x.example/y) @fedi');
  assert.equal(c.author_name, `@alice@${new URL(peer.base).host}`);
  assert.match(c.author, /^~[0-9a-f]{16}$/);
  const page = await (await fetch(workUrl)).text();
  assert.ok(page.includes(`@alice@${new URL(peer.base).host}`));
  assert.ok(!page.includes('alert(1)'));
  // the author link leads to the remote profile
  const who = await fetch(`${srv.base}/u/${c.author}`, { redirect: 'manual' });
  assert.equal(who.status, 302);
  assert.equal(who.headers.get('location'), `${peer.base}/@alice`);
  // the same Create again changes nothing
  assert.equal((await send({ id: `${alice}/notes/1/create`, type: 'Create', object: note(1, workUrl, html) })).status, 202);
  assert.equal((await comments()).length, 1);
  assert.equal((await counts()).comments, 1);
});

test('a reply to that note (or to a comment URL) joins its thread; Update and Delete follow the note', async () => {
  const root = (await comments())[0].id;
  assert.equal((await send({ id: `${alice}/notes/2/create`, type: 'Create', object: note(2, `${alice}/notes/1`, '<p>second</p>') })).status, 202);
  assert.equal((await send({ id: `${alice}/notes/3/create`, type: 'Create', object: note(3, `${srv.base}/comments/${root}`, '<p>third</p>') })).status, 202);
  const parents = sql(`SELECT parent_id FROM comments WHERE body IN ('second','third') ORDER BY id`).split('\n');
  assert.deepEqual(parents, [String(root), String(root)]);
  assert.equal((await send({ id: `${alice}/notes/2#update`, type: 'Update', object: note(2, `${alice}/notes/1`, '<p>second, edited</p>') })).status, 202);
  assert.equal(sql(`SELECT body FROM comments c JOIN fed_objects o ON o.comment_id = c.id WHERE o.uri = '${alice}/notes/2'`), 'second, edited');
  assert.equal((await send({ id: `${alice}/notes/3#delete`, type: 'Delete', object: { id: `${alice}/notes/3`, type: 'Tombstone' } })).status, 202);
  assert.equal(sql(`SELECT status FROM comments WHERE body = 'third' OR id = (SELECT MAX(id) FROM comments)`), 'deleted');
});

test('Like and Announce count; Undo uncounts', async () => {
  assert.equal((await send({ id: `${alice}#like-1`, type: 'Like', object: workUrl })).status, 202);
  assert.equal((await counts()).likes, 1);
  assert.equal((await send({ id: `${alice}#boost-1`, type: 'Announce', object: workUrl })).status, 202);
  assert.equal(await shares(), 1);
  // a repeated Like is one like
  assert.equal((await send({ id: `${alice}#like-1`, type: 'Like', object: workUrl })).status, 202);
  assert.equal((await counts()).likes, 1);
  assert.equal((await send({ id: `${alice}#undo-like`, type: 'Undo', object: { id: `${alice}#like-1`, type: 'Like', actor: alice, object: workUrl } })).status, 202);
  assert.equal((await counts()).likes, 0);
  assert.equal((await send({ id: `${alice}#undo-boost`, type: 'Undo', object: `${alice}#boost-1` })).status, 202);
  assert.equal(await shares(), 0);
});

// The boosts count on the work page, as a reader sees it (tags stripped):
// "转发 N" / "Boosts N", or nothing at all while there are none.
async function boostsShown(lang) {
  const html = await (await fetch(workUrl, { headers: { 'accept-language': lang } })).text();
  const label = lang === 'en' ? 'Boosts' : '转发';
  const spans = html.match(/<span class="boosts">/g) || [];
  const m = new RegExp(`${label} (\\d+)`).exec(html.replace(/<[^>]*>/g, ''));
  assert.equal(spans.length, m ? 1 : 0, 'one boosts count, or none');
  return m ? Number(m[1]) : 0;
}

test('an Announce shows "转发 1" / "Boosts 1" on the work page; Undo(Announce) takes it away', async () => {
  const bob = `${peer.base}/users/bob`;
  assert.equal(await boostsShown('zh-CN'), 0);
  assert.equal((await send({ id: `${alice}#boost-2`, type: 'Announce', object: workUrl, to: [`${ctx}#Public`] })).status, 202);
  assert.equal(await boostsShown('zh-CN'), 1);
  assert.equal(await boostsShown('en'), 1);
  // the same Announce again is one boost; another account's makes two
  assert.equal((await send({ id: `${alice}#boost-2`, type: 'Announce', object: workUrl })).status, 202);
  assert.equal(await boostsShown('zh-CN'), 1);
  assert.equal((await send({ id: `${bob}#boost-1`, type: 'Announce', object: workUrl }, 'bob')).status, 202);
  assert.equal(await boostsShown('en'), 2);
  // nobody undoes another's boost: refused, and still two
  assert.equal((await send({ id: `${bob}#undo-alice`, type: 'Undo', object: { id: `${alice}#boost-2`, type: 'Announce', actor: alice, object: workUrl } }, 'bob')).status, 401);
  assert.equal((await send({ id: `${bob}#undo-alice-2`, type: 'Undo', object: `${alice}#boost-2` }, 'bob')).status, 202);
  assert.equal(await boostsShown('zh-CN'), 2);
  // Undo with the Announce embedded (as Mastodon sends it), then by id
  assert.equal((await send({ id: `${alice}#undo-boost-2`, type: 'Undo', object: { id: `${alice}#boost-2`, type: 'Announce', actor: alice, object: workUrl } })).status, 202);
  assert.equal(await boostsShown('zh-CN'), 1);
  assert.equal((await send({ id: `${bob}#undo-boost-1`, type: 'Undo', object: `${bob}#boost-1` }, 'bob')).status, 202);
  assert.equal(await boostsShown('zh-CN'), 0);
  assert.equal(await boostsShown('en'), 0);
  assert.equal(await shares(), 0);
});

test('activities about works that are not here are 404 and change nothing', async () => {
  const before = { ...(await counts()), rows: sql('SELECT COUNT(*) FROM comments'), objs: sql('SELECT COUNT(*) FROM fed_objects') };
  const missing = `${srv.base}/a/ffffffffffffffff`;
  for (const [what, act] of [
    ['note on a missing work', { id: `${alice}/notes/9/create`, type: 'Create', object: note(9, missing, 'x') }],
    ['note on a missing comment', { id: `${alice}/notes/8/create`, type: 'Create', object: note(8, `${srv.base}/comments/999999`, 'x') }],
    ['like of a missing work', { id: `${alice}#like-9`, type: 'Like', object: missing }],
    ['boost of a missing work', { id: `${alice}#boost-9`, type: 'Announce', object: missing }],
    ['update of a note never received', { id: `${alice}/notes/7#u`, type: 'Update', object: note(7, workUrl, 'x') }],
  ]) {
    const res = await send(act);
    assert.equal(res.status, 404, what);
    assert.ok((await res.json()).error.message, what);
  }
  const note2 = { id: `${alice}/notes/6/create`, type: 'Create', object: { ...note(6, workUrl, 'x'), attributedTo: `${peer.base}/users/bob` } };
  assert.equal((await send(note2)).status, 400, 'a note attributed to someone else');
  assert.deepEqual({ ...(await counts()), rows: sql('SELECT COUNT(*) FROM comments'), objs: sql('SELECT COUNT(*) FROM fed_objects') }, before);
});

test('the keyword hold and a creator\'s block apply to remote accounts', async () => {
  sql(`INSERT INTO settings(key, value) VALUES ('comment_keywords', '广告')`);
  assert.equal((await send({ id: `${alice}/notes/20/create`, type: 'Create', object: note(20, workUrl, '<p>买广告</p>') })).status, 202);
  assert.equal(sql(`SELECT status || ':' || held FROM comments WHERE body = '买广告'`), 'pending:keyword');
  const me = sql(`SELECT user_id FROM fed_actors WHERE uri = '${alice}'`);
  sql(`INSERT INTO comment_blocks(creator_id, blocked_id, created_at) SELECT id, ${me}, 0 FROM users WHERE handle = 'fedi'`);
  const before = sql('SELECT COUNT(*) FROM comments');
  const res = await send({ id: `${alice}/notes/21/create`, type: 'Create', object: note(21, workUrl, 'blocked') });
  assert.equal(res.status, 403);
  await res.arrayBuffer();
  assert.equal((await send({ id: `${alice}#like-21`, type: 'Like', object: workUrl })).status, 403);
  assert.equal(sql('SELECT COUNT(*) FROM comments'), before);
  sql(`DELETE FROM comment_blocks WHERE blocked_id = ${me}`);
});

test('Delete of the actor removes its follows and comments', async () => {
  assert.equal((await (await fetch(srv.base + '/u/fedi/followers')).json()).totalItems, 1);
  assert.equal((await send({ id: `${alice}#delete`, type: 'Delete', object: alice })).status, 202);
  assert.equal((await (await fetch(srv.base + '/u/fedi/followers')).json()).totalItems, 0);
  assert.equal((await counts()).comments, 0);
  assert.equal(sql(`SELECT COUNT(*) FROM fed_objects`), '0');
});

test('hao check covers the federation tables', async () => {
  const check = () => spawnSync(BIN, ['check', '--data', srv.dataDir], { encoding: 'utf8' });
  // the creator's key exists (made at the first need: this read, if the Accept's delivery has not yet)
  await (await fetch(`${srv.base}/u/fedi`, { headers: { accept: AS } })).arrayBuffer();
  assert.equal(sql('SELECT COUNT(*) FROM fed_keys'), '1');
  let r = check();
  assert.equal(r.status, 0, r.stderr);
  const me = sql(`SELECT user_id FROM fed_actors WHERE uri = '${alice}'`);
  sql(`UPDATE users SET pass_hash = 'x' WHERE id = ${me}`);
  const pub = sql(`SELECT public_pem FROM fed_keys`);
  sql(`UPDATE fed_keys SET public_pem = replace(public_pem, 'A', 'B')`);
  r = check();
  assert.notEqual(r.status, 0);
  assert.match(r.stderr, /remote account that could sign in/);
  assert.match(r.stderr, /the key pair of fedi is damaged/);
  sql(`UPDATE users SET pass_hash = '!' WHERE id = ${me}`);
  sql(`UPDATE fed_keys SET public_pem = '${pub}
'`);
  r = check();
  assert.equal(r.status, 0, r.stderr);
});
