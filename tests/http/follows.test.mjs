// Readers' accounts, follows (关注), the /following timeline and the inbox:
// registration modes and invitation links, the follow button with and
// without a session (and what the page cache keeps), counts, the timeline's
// order and paging, notifications listed and marked read, and every bad
// input answering clearly and changing nothing.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { startServer, addUser, apiToken, Client, BIN, siteSql } from './harness.mjs';

let srv;
const tok = {};
const PW = (h) => `${h}-password-1`;

before(async () => {
  srv = await startServer();
  for (const [h, role] of [['alice', 'creator'], ['bob', 'creator'], ['carol', 'creator'], ['rita', 'reader'], ['root', 'admin']]) {
    addUser(srv.dataDir, h, role, PW(h));
    tok[h] = await apiToken(srv.base, h, PW(h));
  }
});
after(async () => { await srv?.stop(); });

function sql(q) {
  const r = siteSql(srv.dataDir, q);
  assert.equal(r.status, 0, r.stderr);
  return r.stdout.trim();
}
function setting(key, value) {
  const r = spawnSync(BIN, ['set', key, value, '--data', srv.dataDir], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
}
function api(method, path, token, body) {
  const headers = {};
  if (token) headers.authorization = `Bearer ${token}`;
  let payload = body;
  if (body !== undefined && typeof body !== 'string') {
    payload = JSON.stringify(body);
    headers['content-type'] = 'application/json';
  }
  return fetch(srv.base + path, { method, headers, body: payload, redirect: 'manual' });
}
async function json(res, status) {
  const text = await res.text();
  if (status) assert.equal(res.status, status, text.slice(0, 300));
  try { return JSON.parse(text); } catch { assert.fail(`not JSON (${res.status}): ${text.slice(0, 200)}`); }
}
async function login(handle) {
  const c = new Client(srv.base);
  assert.equal((await c.login(handle, PW(handle))).status, 303);
  return c;
}
async function publish(token, title, at) {
  const w = await json(await api('POST', '/api/v1/articles', token, { title, body: `${title}的正文。`, declaration: 'none' }), 201);
  await json(await api('POST', `/api/v1/articles/${w.id}/publish`, token), 200);
  if (at) sql(`UPDATE works SET published_at = ${at} WHERE id = '${w.id}'`);
  return w.id;
}
const userCount = () => Number(sql('SELECT count(*) FROM users'));

test('registration: a creator by default, a reader when registration_role says so; signed-in users are not offered /register', async () => {
  const c = new Client(srv.base);
  const reg = await c.register('wendy', 'wendy-password-1');
  assert.equal(reg.status, 303);
  assert.equal(reg.headers.get('location'), '/studio');
  assert.equal(sql("SELECT role FROM users WHERE handle = 'wendy'"), 'creator');
  const again = await c.get('/register');
  assert.equal(again.status, 303, 'a signed-in visitor is sent home');
  assert.equal(again.headers.get('location'), '/');

  setting('registration_role', 'reader');
  try {
    const r = new Client(srv.base);
    const res = await r.register('rachel', 'rachel-password-1', '读者瑞秋');
    assert.equal(res.status, 303);
    assert.equal(res.headers.get('location'), '/');
    assert.equal(sql("SELECT role FROM users WHERE handle = 'rachel'"), 'reader');
    assert.equal((await r.get('/studio')).status, 403, 'readers do not publish');
    const home = await (await r.get('/')).text();
    assert.ok(home.includes('读者瑞秋'), 'signed in');
    assert.ok(!home.includes('href="/studio"'), 'no studio link for a reader');
    assert.ok(home.includes('href="/following"') && home.includes('href="/notifications"'));
    // A reader may follow, and the API says so.
    const t = await apiToken(srv.base, 'rachel', 'rachel-password-1');
    assert.deepEqual(await json(await api('PUT', '/api/v1/follows/carol', t), 200), { following: true, followers: 1 });
    assert.deepEqual(await json(await api('DELETE', '/api/v1/follows/carol', t), 200), { following: false, followers: 0 });
  } finally {
    setting('registration_role', 'creator');
  }
});

test('registration closed: the page says so, a POST is refused, nothing is written', async () => {
  setting('registration', 'closed');
  try {
    const c = new Client(srv.base);
    const page = await c.get('/register');
    assert.equal(page.status, 403);
    const html = await page.text();
    assert.match(html, /role="alert"/);
    assert.ok(html.includes('不开放注册') || html.includes('closed'));
    assert.ok(!html.includes('name="password"'), 'no form');
    const n0 = userCount();
    const csrf = await c.csrf('/login');
    const res = await c.post('/register', { csrf, handle: 'zoe', password: 'zoe-password-1', password2: 'zoe-password-1' });
    assert.equal(res.status, 403);
    assert.equal(userCount(), n0);
  } finally {
    setting('registration', 'open');
  }
});

test('registration by invitation: admin links, used once; missing, forged, used and expired tokens refused', async () => {
  setting('registration', 'invite');
  try {
    const anon = new Client(srv.base);
    const n0 = userCount();
    // No token: the page says invitations only, and a POST is refused.
    const plain = await anon.get('/register');
    assert.equal(plain.status, 403);
    assert.ok(!(await plain.text()).includes('name="password"'));
    let csrf = await anon.csrf('/login');
    assert.equal((await anon.post('/register', { csrf, handle: 'ivan', password: 'ivan-password-1' })).status, 403);
    // A forged token of the right shape, and malformed ones.
    const forged = 'ab'.repeat(32);
    for (const t of [forged, 'short', 'x'.repeat(64), '']) {
      const res = await anon.get(`/register?invite=${t}`);
      assert.equal(res.status, t ? 400 : 403, `GET with ${t}`);
      assert.equal((await anon.post('/register', { csrf, handle: 'ivan', password: 'ivan-password-1', invite: t })).status, t ? 400 : 403);
    }
    assert.equal(userCount(), n0);

    // Only an admin makes links; with CSRF; a bad lifetime is 422.
    const rita = await login('rita');
    assert.equal((await rita.get('/admin/invites')).status, 403);
    const root = await login('root');
    const page = await root.get('/admin/invites');
    assert.equal(page.status, 200);
    assert.ok(/还没有生成过邀请|No invitations yet/.test(await page.text()));
    assert.equal((await root.post('/admin/invites', { days: '1' })).status, 403, 'no CSRF token');
    csrf = await root.csrf('/admin/invites');
    for (const days of ['0', '91', 'x', '', '1.5']) {
      const res = await root.post('/admin/invites', { csrf, days });
      assert.equal(res.status, 422, `days=${days}`);
      assert.match(await res.text(), /role="alert"/);
    }
    assert.equal(sql('SELECT count(*) FROM invites'), '0');
    const made = await root.post('/admin/invites', { csrf, days: '7' });
    assert.equal(made.status, 201);
    const token = /\/register\?invite=([0-9a-f]{64})/.exec(await made.text())?.[1];
    assert.ok(token, 'the link is shown');
    assert.ok(!sql('SELECT token_hash FROM invites').includes(token), 'only the hash is stored');

    // The link opens the form, which carries the token.
    const ivan = new Client(srv.base);
    const form = await ivan.get(`/register?invite=${token}`);
    assert.equal(form.status, 200);
    const fhtml = await form.text();
    assert.ok(fhtml.includes(`name="invite" value="${token}"`));
    const icsrf = /name="csrf" value="([0-9a-f]+)"/.exec(fhtml)[1];
    // A bad form keeps the token for the next try.
    const bad = await ivan.post('/register', { csrf: icsrf, handle: 'ivan', password: 'short', invite: token });
    assert.equal(bad.status, 422);
    assert.ok((await bad.text()).includes(`name="invite" value="${token}"`));
    const ok = await ivan.post('/register', { csrf: icsrf, handle: 'ivan', password: 'ivan-password-1', password2: 'ivan-password-1', invite: token });
    assert.equal(ok.status, 303);
    assert.equal(sql("SELECT count(*) FROM invites i JOIN users u ON u.id = i.used_by WHERE u.handle = 'ivan'"), '1');
    // Used once.
    const other = new Client(srv.base);
    assert.equal((await other.get(`/register?invite=${token}`)).status, 400);
    const ocsrf = await other.csrf('/login');
    assert.equal((await other.post('/register', { csrf: ocsrf, handle: 'ivy', password: 'ivy-password-1', invite: token })).status, 400);
    // Expired.
    const made2 = await root.post('/admin/invites', { csrf, days: '1' });
    const token2 = /\/register\?invite=([0-9a-f]{64})/.exec(await made2.text())[1];
    assert.equal((await other.get(`/register?invite=${token2}`)).status, 200);
    sql(`UPDATE invites SET expires_at = 1000 WHERE used_by IS NULL`);
    assert.equal((await other.get(`/register?invite=${token2}`)).status, 400);
    assert.equal((await other.post('/register', { csrf: ocsrf, handle: 'ivy', password: 'ivy-password-1', invite: token2 })).status, 400);
    assert.equal(sql("SELECT count(*) FROM users WHERE handle = 'ivy'"), '0');
    // The admin's list shows both: one used by ivan, one expired.
    const list = await (await root.get('/admin/invites')).text();
    assert.ok(list.includes('href="/u/ivan"'));
    assert.ok(list.includes('已过期') || list.includes('Expired'));
  } finally {
    setting('registration', 'open');
  }
});

test('follow with the page form: anonymous button leads to login then a confirmation; counts; cache keeps no per-user state', async () => {
  // Anonymous: a GET form (no token, no state), cached.
  const a1 = await fetch(`${srv.base}/u/alice`);
  assert.equal(a1.status, 200);
  const anonHtml = await a1.text();
  assert.match(anonHtml, /<form class="follow" method="get" action="\/u\/alice\/follow">/);
  assert.match(anonHtml, /data-count="followers">0</);
  assert.ok(!anonHtml.includes('name="csrf"'), 'no token in a cached page');
  const anon = new Client(srv.base);
  const go = await anon.get('/u/alice/follow');
  assert.equal(go.status, 303);
  assert.equal(go.headers.get('location'), '/login?next=%2Fu%2Falice%2Ffollow');
  const anonPost = await anon.post('/u/alice/follow', { csrf: await anon.csrf('/login') });
  assert.equal(anonPost.status, 303, 'anonymous POST goes to log in');
  assert.match(anonPost.headers.get('location'), /^\/login/);

  const rita = await login('rita');
  // After logging in, the confirmation page has the real form.
  const conf = await rita.get('/u/alice/follow');
  assert.equal(conf.status, 200);
  assert.match(await conf.text(), /<form class="follow" method="post" action="\/u\/alice\/follow">/);
  const own = await rita.get('/u/alice');
  const ownHtml = await own.text();
  assert.match(ownHtml, /method="post" action="\/u\/alice\/follow"/);
  assert.match(ownHtml, /data-following="0"/);

  // Missing and forged CSRF: 403, nothing changes.
  assert.equal((await rita.post('/u/alice/follow', { on: '1' })).status, 403);
  assert.equal((await rita.post('/u/alice/follow', { on: '1', csrf: 'deadbeef'.repeat(4) })).status, 403);
  assert.equal(sql('SELECT count(*) FROM follows'), '0');
  const csrf = await rita.csrf('/u/alice');
  // Bad input.
  assert.equal((await rita.post('/u/alice/follow', { csrf, on: '2' })).status, 422);
  assert.equal((await rita.post('/u/nobody_here/follow', { csrf })).status, 404);
  assert.equal((await rita.post('/u/rita/follow', { csrf })).status, 422, 'oneself');
  assert.equal(sql('SELECT count(*) FROM follows'), '0');

  // Follow: back to the page named, counts change, the anonymous page too.
  const f = await rita.post('/u/alice/follow', { csrf, on: '1', back: '/u/alice' });
  assert.equal(f.status, 303);
  assert.equal(f.headers.get('location'), '/u/alice');
  assert.equal(sql("SELECT followers_count FROM users WHERE handle = 'alice'"), '1');
  const mine = await (await rita.get('/u/alice')).text();
  assert.match(mine, /data-following="1"/);
  assert.match(mine, /data-count="followers">1</);
  const anon2 = await (await fetch(`${srv.base}/u/alice`)).text();
  assert.match(anon2, /data-count="followers">1</, 'the cached page was renewed');
  assert.ok(!anon2.includes('data-following="1"'), 'no one\'s state in the anonymous page');
  assert.match(await (await fetch(`${srv.base}/u/rita`)).text(), /data-count="following">1</);
  // Following twice changes nothing; an off-site back is not followed.
  const twice = await rita.post('/u/alice/follow', { csrf, back: '//evil.example/x' });
  assert.equal(twice.headers.get('location'), '/u/alice');
  assert.equal(sql("SELECT followers_count FROM users WHERE handle = 'alice'"), '1');
  // The author sees no button on their own page.
  const alice = await login('alice');
  const aliceOwn = await (await alice.get('/u/alice')).text();
  assert.ok(!aliceOwn.includes('action="/u/alice/follow"'));
  assert.ok(aliceOwn.includes('href="/studio/followers"'), 'the author\'s own page links the list');
  assert.ok(!anon2.includes('href="/studio/followers"'));
  // Unfollow and follow again: the count follows, the bell rings once.
  assert.equal((await rita.post('/u/alice/follow', { csrf, on: '0' })).status, 303);
  assert.equal(sql("SELECT followers_count FROM users WHERE handle = 'alice'"), '0');
  assert.equal((await rita.post('/u/alice/follow', { csrf, on: '1' })).status, 303);
  assert.equal(sql("SELECT count(*) FROM notifications n JOIN users u ON u.id = n.recipient_id WHERE u.handle = 'alice' AND kind = 'follow'"), '1');
});

test('the work page has the follow button: anonymous GET form, the signed-in state only on uncached renders', async () => {
  const id = await publish(tok.carol, '卡罗尔的作品');
  const anon = await (await fetch(`${srv.base}/a/${id}`)).text();
  assert.match(anon, /method="get" action="\/u\/carol\/follow"/);
  const rita = await login('rita');
  const html = await (await rita.get(`/a/${id}`)).text();
  assert.match(html, /method="post" action="\/u\/carol\/follow"/);
  assert.ok(html.includes(`name="back" value="/a/${id}"`));
  const csrf = /name="csrf" value="([0-9a-f]+)"/.exec(html)[1];
  const f = await rita.post('/u/carol/follow', { csrf, on: '1', back: `/a/${id}` });
  assert.equal(f.headers.get('location'), `/a/${id}`);
  assert.match(await (await rita.get(`/a/${id}`)).text(), /data-following="1"/);
  assert.ok(!(await (await fetch(`${srv.base}/a/${id}`)).text()).includes('data-following="1"'));
  await api('DELETE', '/api/v1/follows/carol', tok.rita);
});

test('API follows: PUT and DELETE are idempotent; oneself 422, nobody 404, no or bad token 401', async () => {
  assert.deepEqual(await json(await api('PUT', '/api/v1/follows/BOB', tok.rita), 200), { following: true, followers: 1 });
  assert.deepEqual(await json(await api('PUT', '/api/v1/follows/bob', tok.rita), 200), { following: true, followers: 1 });
  assert.deepEqual(await json(await api('PUT', '/api/v1/follows/bob', tok.alice), 200), { following: true, followers: 2 });
  assert.deepEqual(await json(await api('DELETE', '/api/v1/follows/bob', tok.alice), 200), { following: false, followers: 1 });
  assert.deepEqual(await json(await api('DELETE', '/api/v1/follows/bob', tok.alice), 200), { following: false, followers: 1 });
  const self = await json(await api('PUT', '/api/v1/follows/rita', tok.rita), 422);
  assert.equal(self.error.code, 'self');
  assert.equal(self.error.field, 'handle');
  assert.equal((await json(await api('PUT', '/api/v1/follows/nobody_here', tok.rita), 404)).error.code, 'no_user');
  assert.equal((await json(await api('DELETE', '/api/v1/follows/nobody_here', tok.rita), 404)).error.code, 'no_user');
  assert.equal((await json(await api('PUT', '/api/v1/follows/bob'), 401)).error.code, 'unauthorized');
  assert.equal((await json(await api('PUT', '/api/v1/follows/bob', 'f'.repeat(64)), 401)).error.code, 'unauthorized');
  assert.equal((await api('POST', '/api/v1/follows/bob', tok.rita)).status, 405);
  assert.equal(sql("SELECT followers_count FROM users WHERE handle = 'bob'"), '1');
});

test('the timeline: followed creators only, newest first, paged by cursor; bad paging refused', async () => {
  // rita follows alice and bob (earlier tests), not carol.
  const base = 1_700_000_000;
  const ids = {};
  ids.a1 = await publish(tok.alice, '甲一', base + 10);
  ids.b1 = await publish(tok.bob, '乙一', base + 20);
  ids.a2 = await publish(tok.alice, '甲二', base + 30);
  ids.c1 = await publish(tok.carol, '丙一', base + 35);
  ids.b2 = await publish(tok.bob, '乙二', base + 40);
  ids.a3 = await publish(tok.alice, '甲三', base + 50);
  const draft = await json(await api('POST', '/api/v1/articles', tok.alice, { title: '草稿', body: '草稿。', declaration: 'none' }), 201);
  const want = [ids.a3, ids.b2, ids.a2, ids.b1, ids.a1];
  const seen = [];
  let next = null, pages = 0;
  do {
    const q = next ? `?limit=2&before=${next}` : '?limit=2';
    const page = await json(await api('GET', `/api/v1/timeline${q}`, tok.rita), 200);
    assert.ok(page.articles.length <= 2);
    seen.push(...page.articles.map((a) => a.id));
    for (const a of page.articles) assert.ok(['alice', 'bob'].includes(a.author));
    next = page.next;
    pages++;
  } while (next && pages < 10);
  assert.deepEqual(seen, want);
  assert.equal(pages, 3);
  assert.ok(!seen.includes(draft.id) && !seen.includes(ids.c1));
  const all = await json(await api('GET', '/api/v1/timeline', tok.rita), 200);
  assert.deepEqual(all.articles.map((a) => a.id), want);
  assert.equal(all.next, null);
  assert.equal(all.articles[0].title, '甲三');
  // Nobody followed: an empty timeline.
  assert.deepEqual(await json(await api('GET', '/api/v1/timeline', tok.carol), 200), { articles: [], next: null });
  for (const q of ['limit=0', 'limit=51', 'limit=x', 'limit=', 'before=x', 'before=-5', `before=${base}_zz`, `before=${base}_${'g'.repeat(16)}`]) {
    const r = await json(await api('GET', `/api/v1/timeline?${q}`, tok.rita), 400);
    assert.match(r.error.code, /^bad_/, q);
  }
  assert.equal((await api('GET', '/api/v1/timeline')).status, 401);

  // The page: the same order, an "older" link that works.
  const rita = await login('rita');
  assert.equal((await new Client(srv.base).get('/following')).status, 303, 'anonymous: log in first');
  const html = await (await rita.get('/following')).text();
  const order = ['甲三', '乙二', '甲二', '乙一', '甲一'].map((t) => html.indexOf(t));
  assert.ok(order.every((x, i) => x > 0 && (i === 0 || x > order[i - 1])), `order ${order}`);
  assert.ok(!html.includes('丙一') && !html.includes('草稿'));
  const older = await (await rita.get(`/following?before=${base + 30}_${ids.a2}`)).text();
  assert.ok(older.includes('乙一') && older.includes('甲一') && !older.includes('甲三'));
  assert.equal((await rita.get('/following?before=nonsense')).status, 400);
  const none = await (await (await login('carol')).get('/following')).text();
  assert.ok(none.includes('还没有关注任何作者') || none.includes('You follow nobody'));
});

test('the studio lists my followers; readers have no studio', async () => {
  const alice = await login('alice');
  const page = await alice.get('/studio/followers');
  assert.equal(page.status, 200);
  const html = await page.text();
  assert.ok(html.includes('href="/u/rita"'));
  assert.match(html, /data-count="followers">1</);
  assert.equal((await alice.get('/studio/followers?before=bad')).status, 422);
  assert.equal((await (await login('rita')).get('/studio/followers')).status, 403);
  // Signing in without ?next= lands a reader on the home page, a creator in the studio.
  for (const [who, to] of [['rita', '/'], ['alice', '/studio']]) {
    const c = new Client(srv.base);
    const csrf = await c.csrf('/login');
    const res = await c.post('/login', { csrf, handle: who, password: PW(who) });
    assert.equal(res.status, 303);
    assert.equal(res.headers.get('location'), to, `${who} lands on ${to}`);
  }
});

test('notifications: created by events, listed, counted in the header, marked read one and all; bad input refused', async () => {
  // alice was followed by rita (once, however often she re-followed).
  const carolFollows = await api('PUT', '/api/v1/follows/alice', tok.carol);
  assert.equal(carolFollows.status, 200);
  const list = await json(await api('GET', '/api/v1/notifications', tok.alice), 200);
  assert.equal(list.unread, 2);
  assert.deepEqual(list.notifications.map((n) => [n.kind, n.actor.handle]), [['follow', 'carol'], ['follow', 'rita']]);
  assert.equal(list.notifications[0].read_at, null);
  assert.equal(list.next, null);
  const paged = await json(await api('GET', '/api/v1/notifications?limit=1', tok.alice), 200);
  assert.equal(paged.notifications.length, 1);
  const rest = await json(await api('GET', `/api/v1/notifications?limit=1&before=${paged.next}`, tok.alice), 200);
  assert.equal(rest.notifications[0].actor.handle, 'rita');

  // The header count, on signed-in pages only.
  const alice = await login('alice');
  const home = await (await alice.get('/')).text();
  assert.match(home, /class="badge" data-unread="2"/);
  const anonHome = await (await fetch(`${srv.base}/`)).text();
  assert.ok(!anonHome.includes('data-unread') && !anonHome.includes('href="/notifications"'));
  const inbox = await (await alice.get('/notifications')).text();
  assert.ok(inbox.includes('关注了你') || inbox.includes('followed you'));
  assert.equal((inbox.match(/class="notification unread"/g) || []).length, 2);

  // Mark one read with the form: CSRF required, bad ids refused.
  const one = list.notifications[1].id;
  assert.equal((await alice.post('/notifications/read', { id: String(one) })).status, 403);
  const csrf = await alice.csrf('/notifications');
  for (const id of ['x', '-1', '0', '1.5', '']) assert.equal((await alice.post('/notifications/read', { csrf, id })).status, 422, `id=${id}`);
  assert.equal((await alice.post('/notifications/read', { csrf, id: String(one) })).status, 303);
  assert.match(await (await alice.get('/')).text(), /data-unread="1"/);
  const unreadOnly = await json(await api('GET', '/api/v1/notifications?unread=1', tok.alice), 200);
  assert.deepEqual(unreadOnly.notifications.map((n) => n.actor.handle), ['carol']);
  assert.equal(unreadOnly.unread, 1);
  // Someone else's notification is not theirs to mark.
  const bobs = await json(await api('GET', '/api/v1/notifications', tok.bob), 200);
  assert.ok(bobs.notifications.length >= 1);
  assert.deepEqual(await json(await api('POST', '/api/v1/notifications/read', tok.alice, { ids: [bobs.notifications[0].id] }), 200), { marked: 0, unread: 1 });
  assert.equal((await json(await api('GET', '/api/v1/notifications', tok.bob), 200)).unread, bobs.unread);
  // API bad input.
  for (const body of [{ ids: 'x' }, { ids: [-1] }, { ids: [0] }, { ids: ['1'] }, { ids: [1.5] }, { ids: Array.from({ length: 101 }, (_, i) => i + 1) }]) {
    const r = await json(await api('POST', '/api/v1/notifications/read', tok.alice, body), 422);
    assert.equal(r.error.field, 'ids');
  }
  assert.equal((await api('POST', '/api/v1/notifications/read', tok.alice, '[1,2]')).status, 400);
  assert.equal((await api('POST', '/api/v1/notifications/read', tok.alice, 'not json')).status, 400);
  for (const q of ['unread=2', 'limit=0', 'limit=101', 'before=x']) assert.equal((await api('GET', `/api/v1/notifications?${q}`, tok.alice)).status, 400, q);
  assert.equal((await api('GET', '/api/v1/notifications')).status, 401);
  assert.equal((await api('POST', '/api/v1/notifications/read', null, {})).status, 401);
  assert.equal((await new Client(srv.base).get('/notifications')).status, 303);
  assert.equal((await json(await api('GET', '/api/v1/notifications', tok.alice), 200)).unread, 1, 'nothing changed');
  // Mark all (no body, or {}).
  assert.deepEqual(await json(await api('POST', '/api/v1/notifications/read', tok.alice), 200), { marked: 1, unread: 0 });
  assert.deepEqual(await json(await api('POST', '/api/v1/notifications/read', tok.alice, {}), 200), { marked: 0, unread: 0 });
  assert.ok(!(await (await alice.get('/')).text()).includes('data-unread'));
  // The form's "mark all".
  await api('PUT', '/api/v1/follows/alice', tok.bob);
  assert.equal((await json(await api('GET', '/api/v1/notifications', tok.alice), 200)).unread, 1);
  assert.equal((await alice.post('/notifications/read', { csrf })).status, 303);
  assert.equal((await json(await api('GET', '/api/v1/notifications', tok.alice), 200)).unread, 0);
});

test('moderation outcomes reach the creator\'s inbox: a removal with its reason, a rejected complaint, a restore', async () => {
  for (const h of ['judge', 'second']) addUser(srv.dataDir, h, 'moderator', PW(h));
  const report = async (work) => {
    const res = await fetch(srv.base + '/api/v1/reports', { method: 'POST', headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ work, ground: 'illegal', explanation: '违法内容。' }) });
    assert.equal(res.status, 201);
    return (await res.json()).id;
  };
  const decide = async (c, p, fields) => c.post(p, { csrf: await c.csrf(p), ...fields });
  const w1 = await publish(tok.carol, '会被移除的一篇');
  const w2 = await publish(tok.carol, '会被恢复的一篇');
  const judge = await login('judge'), second = await login('second'), carol = await login('carol');
  assert.equal((await json(await api('POST', '/api/v1/notifications/read', tok.carol), 200)).unread, 0);
  for (const w of [w1, w2]) {
    const rid = await report(w);
    assert.equal((await decide(judge, `/mod/reports/${rid}`, { decision: 'uphold', reason: `移除理由${w.slice(0, 4)}` })).status, 303);
  }
  let inbox = await json(await api('GET', '/api/v1/notifications?unread=1', tok.carol), 200);
  assert.equal(inbox.notifications.length, 2);
  for (const n of inbox.notifications) {
    assert.equal(n.kind, 'moderation');
    assert.equal(n.actor, null, 'the platform');
    assert.ok(n.detail.includes('Your work was removed') && n.detail.includes(`移除理由${n.work.id.slice(0, 4)}`), n.detail);
  }
  assert.deepEqual(inbox.notifications.map((n) => n.work.id).sort(), [w1, w2].sort());
  const page = await (await carol.get('/notifications')).text();
  assert.ok(page.includes(`href="/a/${w1}"`) && page.includes('你的作品已被移除'));
  await api('POST', '/api/v1/notifications/read', tok.carol, {});

  const studio = await (await carol.get('/studio/notices')).text();
  const td = (w) => studio.match(new RegExp(`data-takedown="(\\d+)" data-work="${w}"`))[1];
  for (const w of [w1, w2])
    assert.equal((await decide(carol, `/studio/notices/${td(w)}/complaint`, { text: '我认为这不违法。' })).status, 303);
  const q = await (await second.get('/mod')).text();
  const cids = [...q.matchAll(/data-complaint="(\d+)"/g)].map((m) => m[1]);
  assert.equal(cids.length, 2);
  // Which complaint is which: the moderator's page names the work.
  for (const cid of cids) {
    const view = await (await second.get(`/mod/complaints/${cid}`)).text();
    const uphold = view.includes(w2);
    assert.equal((await decide(second, `/mod/complaints/${cid}`, uphold ? { decision: 'uphold', reason: '申诉成立。' } : { decision: 'reject', reason: '维持原决定。' })).status, 303);
  }
  inbox = await json(await api('GET', '/api/v1/notifications?unread=1', tok.carol), 200);
  const byWork = Object.fromEntries(inbox.notifications.map((n) => [n.work.id, n.detail]));
  assert.match(byWork[w1], /complaint against the removal was rejected: 维持原决定。/);
  assert.match(byWork[w2], /Your work was restored/);
  assert.equal((await fetch(`${srv.base}/a/${w2}`)).status, 200);
});

test('the follow form asked for JSON (comments.js) answers the new state and the label, no redirect; refusals as before', async () => {
  const c = await login('rita');
  const csrf = await c.csrf('/u/alice');
  const json = { accept: 'application/json' };
  const before = Number(sql("SELECT followers_count FROM users WHERE handle = 'alice'"));
  const state = Number(sql("SELECT count(*) FROM follows f JOIN users a ON a.id = f.followee_id JOIN users r ON r.id = f.follower_id WHERE a.handle = 'alice' AND r.handle = 'rita'"));
  for (const on of state ? ['0', '1'] : ['1', '0']) {
    const res = await c.post('/u/alice/follow', { csrf, on, back: '/u/alice' }, json);
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type'), /application\/json/);
    const j = await res.json();
    assert.equal(j.following, on === '1');
    assert.equal(j.label, on === '1' ? '已关注 · 取消关注' : '关注');
    assert.equal(j.followers, before + (on === '1' ? 1 - state : -state));
  }
  const bad = await c.post('/u/nobody_here/follow', { csrf }, json);
  assert.equal(bad.status, 404);
  assert.equal((await c.post('/u/alice/follow', { on: '1' }, json)).status, 403, 'no CSRF token');
  assert.equal(Number(sql("SELECT followers_count FROM users WHERE handle = 'alice'")), before);
});
