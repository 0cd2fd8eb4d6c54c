// Pinned works (site/creator/pins.h): up to three, first on the author
// page, by the studio and the API; the bad inputs change nothing.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, addUser, apiToken, Client } from './harness.mjs';
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

const pins = async (h) => (await json(await api('GET', `/api/v1/authors/${h}/pins`))).pins.map((w) => w.id);

test('pin up to three; they come first on the author page, in order; a fourth is refused', async () => {
  const ids = [];
  for (let i = 0; i < 5; i++) {
    const id = await draft(api, alice, `作品${i}号`);
    await publish(api, alice, id);
    ids.push(id);
  }
  // The oldest three pinned, in an order of their own.
  for (const i of [1, 0, 2]) assert.equal((await api('PUT', `/api/v1/articles/${ids[i]}/pin`, alice)).status, 204);
  assert.equal((await api('PUT', `/api/v1/articles/${ids[1]}/pin`, alice)).status, 204, 'again: no change');
  const r4 = await api('PUT', `/api/v1/articles/${ids[3]}/pin`, alice);
  assert.equal(r4.status, 409);
  assert.equal((await json(r4)).error.code, 'too_many_pins');
  assert.deepEqual(await pins('alice'), [ids[1], ids[0], ids[2]]);
  const page = await (await fetch(srv.base + '/u/alice')).text();
  const pinned = page.slice(page.indexOf('class="pinned"'), page.indexOf('</section>', page.indexOf('class="pinned"')));
  const order = [ids[1], ids[0], ids[2]].map((id) => pinned.indexOf(id));
  assert.ok(order.every((x) => x > 0) && order[0] < order[1] && order[1] < order[2], 'pinned block in pin order');
  assert.ok(page.indexOf('class="pinned"') < page.indexOf(ids[4]), 'before the newest work');
  assert.ok(!pinned.includes(ids[3]));

  // Bad inputs: another's work, a draft, unpinning what is not pinned.
  assert.equal((await api('PUT', `/api/v1/articles/${ids[3]}/pin`, bob)).status, 403);
  const d = await draft(api, alice, '草稿');
  assert.equal((await json(await api('PUT', `/api/v1/articles/${d}/pin`, alice))).error.code, 'not_published');
  assert.equal((await api('DELETE', `/api/v1/articles/${ids[4]}/pin`, alice)).status, 404);
  assert.equal((await api('PUT', `/api/v1/articles/nosuchworkatall0/pin`, alice)).status, 404);
  assert.deepEqual(await pins('alice'), [ids[1], ids[0], ids[2]]);

  // Unpin by the studio form; pin another; the page follows at once (cache).
  const c = new Client(srv.base);
  await c.login('alice', 'alice-password-1');
  const ed = await (await c.get('/studio/' + ids[0])).text();
  assert.match(ed, /value="unpin"/);
  const csrf = await c.csrf('/studio/' + ids[0]);
  assert.equal((await c.post(`/studio/${ids[0]}/pin`, { csrf, action: 'unpin' })).status, 303);
  assert.equal((await c.post(`/studio/${ids[3]}/pin`, { csrf, action: 'pin' })).status, 303);
  assert.deepEqual(await pins('alice'), [ids[1], ids[2], ids[3]]);
  const again = await (await fetch(srv.base + '/u/alice')).text();
  const block = again.slice(again.indexOf('class="pinned"'), again.indexOf('</section>', again.indexOf('class="pinned"')));
  assert.ok(block.includes(ids[3]) && !block.includes(ids[0]));
  // An unpublished pinned work stops showing and frees its place.
  assert.equal((await api('DELETE', `/api/v1/articles/${ids[2]}`, alice)).status, 204);
  assert.deepEqual(await pins('alice'), [ids[1], ids[3]]);
  assert.equal((await api('PUT', `/api/v1/articles/${ids[4]}/pin`, alice)).status, 204);
  // No pins, no block.
  assert.doesNotMatch(await (await fetch(srv.base + '/u/bob')).text(), /class="pinned"/);
  assert.equal((await api('GET', '/api/v1/authors/nobody/pins')).status, 404);
});
