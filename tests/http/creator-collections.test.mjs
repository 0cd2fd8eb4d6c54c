// Collections (合集, site/creator/collection.h): the API, the public page
// and its feeds, "n of N" with previous and next on works, reorder by
// buttons and by the script's order post, the editor's picker, and a
// deleted or taken-down work leaving its collections.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, addUser, apiToken, Client, siteSql } from './harness.mjs';
import { apiFor, json, draft, publish } from './creator-lib.mjs';

let srv, api, alice, bob;
before(async () => {
  srv = await startServer();
  addUser(srv.dataDir, 'alice', 'creator', 'alice-password-1', 'Alice');
  addUser(srv.dataDir, 'bob', 'creator', 'bob-password-1');
  api = apiFor(srv.base);
  alice = await apiToken(srv.base, 'alice', 'alice-password-1');
  bob = await apiToken(srv.base, 'bob', 'bob-password-1');
});
after(async () => { await srv?.stop(); });

async function works(token, n, prefix) {
  const ids = [];
  for (let i = 0; i < n; i++) {
    const id = await draft(api, token, `${prefix}${i + 1}`);
    await publish(api, token, id);
    ids.push(id);
  }
  return ids;
}

test('a collection by the API: page, feeds, n of N with previous and next', async () => {
  const ids = await works(alice, 3, '系列篇');
  const res = await api('POST', '/api/v1/collections', alice, { title: '我的系列', description: '一组文章', works: [ids[2], ids[0], ids[1]] });
  assert.equal(res.status, 201);
  const c = await json(res);
  assert.equal(c.url, `/c/${c.id}`);
  assert.deepEqual(c.works.map((w) => w.id), [ids[2], ids[0], ids[1]]);
  const page = await (await fetch(srv.base + c.url)).text();
  assert.match(page, /我的系列/);
  assert.match(page, /一组文章/);
  const order = [ids[2], ids[0], ids[1]].map((id) => page.indexOf(`/a/${id}`));
  assert.ok(order[0] > 0 && order[0] < order[1] && order[1] < order[2], 'in the collection order');
  assert.match(page, new RegExp(`href="/c/${c.id}/feed.atom"`));
  const atom = await fetch(srv.base + `/c/${c.id}/feed.atom`);
  assert.match(atom.headers.get('content-type'), /atom/);
  const at = await atom.text();
  assert.match(at, /<title>我的系列<\/title>/);
  assert.equal((at.match(/<entry>/g) || []).length, 3);
  assert.ok(at.indexOf(ids[2]) < at.indexOf(ids[0]));
  const jf = await json(await fetch(srv.base + `/c/${c.id}/feed.json`));
  assert.equal(jf.title, '我的系列');
  assert.deepEqual(jf.items.map((i) => i.url.split('/a/')[1]), [ids[2], ids[0], ids[1]]);

  // The middle work: 2 of 3, previous ids[2], next ids[1].
  const w = await (await fetch(srv.base + '/a/' + ids[0])).text();
  assert.match(w, /第 2 篇,共 3 篇|2 of 3/);
  assert.match(w, new RegExp(`rel="prev" href="/a/${ids[2]}"`));
  assert.match(w, new RegExp(`rel="next" href="/a/${ids[1]}"`));
  const first = await (await fetch(srv.base + '/a/' + ids[2])).text();
  assert.doesNotMatch(first, /rel="prev"/);
  // A work can be in several collections.
  const c2 = await json(await api('POST', '/api/v1/collections', alice, { title: '另一个', works: [ids[0]] }));
  const w2 = await (await fetch(srv.base + '/a/' + ids[0])).text();
  assert.equal((w2.match(/class="collection-nav"/g) || []).length, 2);
  // A draft in a collection is not shown to readers, and not counted.
  const d = await draft(api, alice, '未发布的一篇');
  assert.equal((await api('POST', `/api/v1/collections/${c2.id}/works`, alice, { work_id: d })).status, 200);
  const pub = await json(await api('GET', `/api/v1/collections/${c2.id}`));
  assert.deepEqual(pub.works.map((x) => x.id), [ids[0]]);
  const own = await json(await api('GET', `/api/v1/collections/${c2.id}`, alice));
  assert.deepEqual(own.works.map((x) => x.id), [ids[0], d]);
  assert.doesNotMatch(await (await fetch(srv.base + `/c/${c2.id}`)).text(), /未发布的一篇/);
  const list = await json(await api('GET', '/api/v1/collections?author=alice'));
  assert.equal(list.collections.length, 2);
});

test('bad inputs: another creator\'s work, foreign collections, bad fields; nothing changes', async () => {
  const mine = await works(alice, 1, '甲');
  const theirs = await works(bob, 1, '乙');
  const c = await json(await api('POST', '/api/v1/collections', alice, { title: '只收自己的', works: mine }));
  let r = await api('POST', `/api/v1/collections/${c.id}/works`, alice, { work_id: theirs[0] });
  assert.equal(r.status, 422);
  assert.equal((await json(r)).error.code, 'foreign_work');
  r = await api('PUT', `/api/v1/collections/${c.id}`, alice, { title: '改名', works: [mine[0], theirs[0]] });
  assert.equal(r.status, 422);
  r = await api('POST', '/api/v1/collections', alice, { title: '混合', works: [theirs[0]] });
  assert.equal(r.status, 422);
  assert.equal((await api('PUT', `/api/v1/collections/${c.id}`, alice, { works: [mine[0], mine[0]] })).status, 422);
  assert.equal((await api('PUT', `/api/v1/collections/${c.id}`, alice, { works: 'x' })).status, 422);
  assert.equal((await api('POST', '/api/v1/collections', alice, { title: '' })).status, 422);
  assert.equal((await api('POST', '/api/v1/collections', alice, { title: 'x'.repeat(101) })).status, 422);
  assert.equal((await api('POST', '/api/v1/collections', alice, { title: 'ok', cover: 'nosuchmedia' })).status, 422);
  assert.equal((await api('PUT', `/api/v1/collections/${c.id}`, bob, { title: '抢' })).status, 403);
  assert.equal((await api('POST', `/api/v1/collections/${c.id}/works`, bob, { work_id: theirs[0] })).status, 403);
  assert.equal((await api('DELETE', `/api/v1/collections/${c.id}`, bob)).status, 403);
  assert.equal((await api('GET', '/api/v1/collections/999999')).status, 404);
  assert.equal((await api('GET', '/api/v1/collections/abc')).status, 404);
  const now = await json(await api('GET', `/api/v1/collections/${c.id}`, alice));
  assert.equal(now.title, '只收自己的');
  assert.deepEqual(now.works.map((x) => x.id), mine);
  assert.equal(siteSql(srv.dataDir, "SELECT count(*) FROM collections WHERE title IN ('混合','')").stdout.trim(), '0');
});

test('studio: create, add, reorder by buttons and by the order post, picker, remove, delete', async () => {
  const ids = await works(alice, 3, '工作室篇');
  const c = new Client(srv.base);
  assert.equal((await c.login('alice', 'alice-password-1')).status, 303);
  const csrf = await c.csrf('/studio/collections');
  assert.equal((await c.post('/studio/collections', { csrf, title: '' })).status, 422);
  const made = await c.post('/studio/collections', { csrf, title: '工作室合集', description: '说明' });
  assert.equal(made.status, 303);
  const loc = made.headers.get('location');
  const cid = loc.split('/').pop();
  for (const id of ids) assert.equal((await c.post(`${loc}/works`, { csrf, action: 'add', work: id })).status, 303);
  const order = async () => (await json(await api('GET', `/api/v1/collections/${cid}`))).works.map((w) => w.id);
  assert.deepEqual(await order(), ids);
  // Buttons: the last one up, the first one down.
  assert.equal((await c.post(`${loc}/works`, { csrf, action: 'up', work: ids[2] })).status, 303);
  assert.deepEqual(await order(), [ids[0], ids[2], ids[1]]);
  assert.equal((await c.post(`${loc}/works`, { csrf, action: 'down', work: ids[0] })).status, 303);
  assert.deepEqual(await order(), [ids[2], ids[0], ids[1]]);
  const edit = await (await c.get(loc)).text();
  assert.match(edit, /value="up"/);
  assert.match(edit, /id="coll-works"/);
  assert.match(edit, /creator-collections\.js/);
  // The script's post: the whole order; a list that is not the same set is refused.
  assert.equal((await c.post(`${loc}/order`, { csrf, ids: [ids[1], ids[2], ids[0]].join(',') })).status, 303);
  assert.deepEqual(await order(), [ids[1], ids[2], ids[0]]);
  assert.equal((await c.post(`${loc}/order`, { csrf, ids: [ids[1], ids[2]].join(',') })).status, 422);
  assert.equal((await c.post(`${loc}/order`, { csrf, ids: 'garbage' })).status, 422);
  assert.deepEqual(await order(), [ids[1], ids[2], ids[0]]);
  assert.equal((await fetch(srv.base + '/static/creator-collections.js')).status, 200);
  // The editor's picker: out of this collection, then back in.
  const ed = await (await c.get('/studio/' + ids[1])).text();
  assert.match(ed, new RegExp(`name="c" value="${cid}" checked`));
  assert.equal((await c.post(`/studio/${ids[1]}/collections`, { csrf })).status, 303);
  assert.deepEqual(await order(), [ids[2], ids[0]]);
  assert.equal((await c.post(`/studio/${ids[1]}/collections`, { csrf, c: cid })).status, 303);
  assert.deepEqual(await order(), [ids[2], ids[0], ids[1]]);
  assert.equal((await c.post(`/studio/${ids[1]}/collections`, { csrf, c: '999999' })).status, 404);
  // Remove, then delete the collection.
  assert.equal((await c.post(`${loc}/works`, { csrf, action: 'remove', work: ids[0] })).status, 303);
  assert.deepEqual(await order(), [ids[2], ids[1]]);
  assert.equal((await c.post(`${loc}/delete`, { csrf })).status, 303);
  assert.equal((await fetch(srv.base + `/c/${cid}`)).status, 404);
  assert.equal((await api('GET', `/api/v1/articles/${ids[0]}`)).status, 200, 'the works stay');
});

test('a deleted or taken-down work leaves its collections in the same transaction', async () => {
  const ids = await works(alice, 3, '离开篇');
  const c = await json(await api('POST', '/api/v1/collections', alice, { title: '会少的合集', works: ids }));
  assert.equal((await api('PUT', `/api/v1/articles/${ids[1]}/pin`, alice)).status, 204);
  assert.equal((await api('DELETE', `/api/v1/articles/${ids[1]}`, alice)).status, 204);
  const rows = () => siteSql(srv.dataDir, `SELECT work_id FROM collection_works WHERE collection_id = ${c.id} ORDER BY position`).stdout.trim().split('\n');
  assert.deepEqual(rows(), [ids[0], ids[2]]);
  assert.equal(siteSql(srv.dataDir, `SELECT count(*) FROM creator_pins WHERE work_id = '${ids[1]}'`).stdout.trim(), '0');
  const w = await (await fetch(srv.base + '/a/' + ids[2])).text();
  assert.match(w, /第 2 篇,共 2 篇|2 of 2/);
  // A takedown (a moderator's decision on a report) does the same.
  addUser(srv.dataDir, 'mod', 'moderator', 'mod-password-12');
  const rep = await fetch(srv.base + '/api/v1/reports', {
    method: 'POST', headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ work: ids[2], ground: 'illegal', explanation: '测试举报' }),
  });
  const rj = await rep.json();
  assert.ok(rep.status === 201 || rep.status === 202, JSON.stringify(rj));
  const m = new Client(srv.base);
  await m.login('mod', 'mod-password-12');
  const rid = rj.id;
  const page = await (await m.get(`/mod/reports/${rid}`)).text();
  const csrf = /name="csrf" value="([0-9a-f]+)"/.exec(page)[1];
  const decide = await m.post(`/mod/reports/${rid}`, { csrf, decision: 'uphold', reason: '含有违法信息。' });
  assert.ok(decide.status === 303 || decide.status === 200, `decide: ${decide.status}`);
  assert.equal(siteSql(srv.dataDir, `SELECT status FROM works WHERE id = '${ids[2]}'`).stdout.trim(), 'taken_down');
  assert.deepEqual(rows(), [ids[0]]);
});
