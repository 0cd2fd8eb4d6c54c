// Comments and likes on the web and in the JSON API (issue 12): the work
// page's section without JavaScript (form POSTs with CSRF that come back to
// /a/ID#c-N), the JSON answers comments.js asks for, the API's routes, the
// creator's and moderators' controls, every bad input, and the page cache
// (the work's page fresh at once, the list pages within a second).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { startServer, addUser, apiToken, tmpDir, Client, BIN, siteSql } from './harness.mjs';

let srv, dataDir, writerTok, aliceTok, bobTok;

before(async () => {
  dataDir = path.join(tmpDir(), 'data');
  addUser(dataDir, 'writer', 'creator', 'writer-password-1', '写作者');
  addUser(dataDir, 'alice', 'reader', 'alice-password-1', '爱丽丝');
  addUser(dataDir, 'bob', 'reader', 'bob-password-1', '鲍勃');
  addUser(dataDir, 'flood', 'reader', 'flood-password-1');
  addUser(dataDir, 'judge', 'moderator', 'judge-password-1');
  // Every request comes from 127.0.0.1: loosen the per-address limits so
  // the per-account one is what the flood test meets.
  for (const [k, v] of [['comment_rate_minute', '1000'], ['comment_rate_hour', '10000'], ['comment_addr_rate_minute', '1000'],
    ['comment_addr_rate_hour', '10000'], ['comment_keywords', '广告词']])
    assert.equal(spawnSync(BIN, ['set', k, v, '--data', dataDir]).status, 0);
  srv = await startServer({ dataDir });
  writerTok = await apiToken(srv.base, 'writer', 'writer-password-1');
  aliceTok = await apiToken(srv.base, 'alice', 'alice-password-1');
  bobTok = await apiToken(srv.base, 'bob', 'bob-password-1');
});
after(async () => { await srv?.stop(); });

function api(method, p, tok, body) {
  const headers = {};
  if (tok) headers.authorization = `Bearer ${tok}`;
  if (body !== undefined) headers['content-type'] = 'application/json';
  return fetch(srv.base + p, { method, headers, body: body === undefined ? undefined : typeof body === 'string' || Buffer.isBuffer(body) ? body : JSON.stringify(body) });
}

async function publish(title, opts = {}) {
  const w = await (await api('POST', '/api/v1/articles', writerTok, { title, body: `${title}的正文。` })).json();
  if (!opts.draft)
    assert.equal((await api('POST', `/api/v1/articles/${w.id}/publish`, writerTok)).status, 200);
  return w.id;
}

async function login(handle) {
  const c = new Client(srv.base);
  assert.equal((await c.login(handle, `${handle}-password-1`)).status, 303);
  return c;
}

async function errorOf(res, status, code) {
  assert.equal(res.status, status);
  const j = await res.json();
  assert.equal(typeof j.error.message, 'string');
  assert.ok(j.error.message.length > 0);
  if (code) assert.equal(j.error.code, code);
  return j.error;
}

let work;
test('the work page without JavaScript: comment, reply to a reply, like, counts', async () => {
  work = await publish('可以评论的作品');
  // Anonymous: the count, no form, a sign-in link; nothing per-user.
  let html = await (await fetch(`${srv.base}/a/${work}`)).text();
  assert.match(html, /<section class="comments" id="comments"/);
  assert.match(html, /href="\/login\?next=\/a\/[^"]+%23comments"/);
  assert.doesNotMatch(html, /name="csrf"/);
  assert.match(html, /<span class="count">0<\/span>/);

  const alice = await login('alice');
  html = await (await alice.get(`/a/${work}`)).text();
  assert.match(html, /<form class="comment-form" id="comment-form" method="post" action="\/a\/[^"]+\/comments">/);
  const csrf = html.match(/name="csrf" value="([0-9a-f]+)"/)[1];

  // A root comment: 303 back to its anchor; HTML shown as text, links nofollow ugc.
  let res = await alice.post(`/a/${work}/comments`, { csrf, body: '<script>alert(1)</script> 见 https://example.com/x。' });
  assert.equal(res.status, 303);
  const loc = res.headers.get('location');
  const m = loc.match(new RegExp(`^/a/${work}#c-(\\d+)$`));
  assert.ok(m, loc);
  const root = Number(m[1]);
  html = await (await alice.get(`/a/${work}`)).text();
  assert.match(html, new RegExp(`<article class="comment" id="c-${root}"`));
  assert.match(html, /&lt;script&gt;alert\(1\)&lt;\/script&gt;/);
  assert.doesNotMatch(html, /<script>alert/);
  assert.match(html, /<a href="https:\/\/example.com\/x" rel="nofollow ugc">/);
  assert.match(html, /<span class="count">1<\/span>/);

  // Bob replies to it, alice replies to bob's reply: both in the same thread, naming whom they answer.
  const bob = await login('bob');
  const bcsrf = await bob.csrf(`/a/${work}`);
  res = await bob.post(`/a/${work}/comments`, { csrf: bcsrf, body: '回复一楼', parent: String(root) });
  assert.equal(res.status, 303);
  const r1 = Number(res.headers.get('location').split('#c-')[1]);
  res = await alice.post(`/a/${work}/comments`, { csrf, body: '回复鲍勃', parent: String(r1) });
  assert.equal(res.status, 303);
  const r2 = Number(res.headers.get('location').split('#c-')[1]);
  const list = await (await api('GET', `/api/v1/articles/${work}/comments`)).json();
  assert.equal(list.comments.length, 1);
  assert.equal(list.comments[0].id, root);
  assert.deepEqual(list.comments[0].replies.map((c) => [c.id, c.parent, c.reply_to]), [[r1, root, 'alice'], [r2, root, 'bob']]);
  html = await (await fetch(`${srv.base}/a/${work}`)).text();
  assert.match(html, new RegExp(`id="c-${r2}"[\\s\\S]*?<span class="to">[^<]*<a href="/u/bob">@bob</a>`));

  // Like the work and the comment, twice: the count moves once.
  for (let i = 0; i < 2; i++) {
    res = await bob.post(`/a/${work}/like`, { csrf: bcsrf, on: '1' });
    assert.equal(res.status, 303);
    assert.equal(res.headers.get('location'), `/a/${work}#comments`);
    res = await bob.post(`/comments/${root}/like`, { csrf: bcsrf, on: '1' });
    assert.equal(res.headers.get('location'), `/a/${work}#c-${root}`);
  }
  const rec = await (await api('GET', `/api/v1/articles/${work}`)).json();
  assert.equal(rec.likes, 1);
  assert.equal(rec.comments_count, 3);
  assert.equal(rec.comments, 'open');
  html = await (await bob.get(`/a/${work}`)).text();
  assert.match(html, new RegExp(`id="c-${root}"[\\s\\S]*?<button class="like liked" type="submit" aria-pressed="true">[^<]*<span class="n">1</span>`));
  // The anonymous (cached) page shows the counts and no one's state.
  html = await (await fetch(`${srv.base}/a/${work}`)).text();
  assert.doesNotMatch(html, /liked/);
  assert.match(html, /<a class="like" rel="nofollow" href="\/login">[^<]*<span class="n">1<\/span><\/a>/);
  // Unlike.
  res = await bob.post(`/a/${work}/like`, { csrf: bcsrf, on: '0' });
  assert.equal((await (await api('GET', `/api/v1/articles/${work}`)).json()).likes, 0);

  // Missing or wrong CSRF token: 403, nothing changes.
  for (const fields of [{ body: '没有令牌' }, { csrf: 'f'.repeat(32), body: '错的令牌' }]) {
    res = await alice.post(`/a/${work}/comments`, fields);
    assert.equal(res.status, 403);
  }
  res = await bob.post(`/a/${work}/like`, { on: '1' });
  assert.equal(res.status, 403);
  assert.equal((await (await api('GET', `/api/v1/articles/${work}`)).json()).likes, 0);
  assert.equal((await (await api('GET', `/api/v1/articles/${work}`)).json()).comments_count, 3);

  // Anonymous form POST: sent to sign in.
  res = await new Client(srv.base).post(`/a/${work}/comments`, { body: 'x' });
  assert.equal(res.status, 303);
  assert.match(res.headers.get('location'), /^\/login\?next=/);

  // Counts on the home, author and tag pages' cards.
  html = await (await fetch(`${srv.base}/u/writer`)).text();
  assert.match(html, new RegExp(`<p class="counts"><a href="/a/${work}#comments">[^<]* 3</a>`));
});

test('the form routes answer JSON to comments.js', async () => {
  const alice = await login('alice');
  const csrf = await alice.csrf(`/a/${work}`);
  const J = { accept: 'application/json' };
  let res = await alice.post(`/a/${work}/comments`, { csrf, body: '用脚本发的评论' }, J);
  assert.equal(res.status, 201);
  const j = await res.json();
  assert.equal(j.comment.body, '用脚本发的评论');
  assert.equal(j.comment.status, 'published');
  assert.match(j.html, new RegExp(`^<article class="comment" id="c-${j.comment.id}"`));
  res = await alice.post(`/comments/${j.comment.id}/like`, { csrf, on: '1' }, J);
  assert.deepEqual(await res.json(), { likes: 1, liked: true });
  res = await alice.post(`/a/${work}/like`, { csrf, on: '1' }, J);
  assert.deepEqual(await res.json(), { likes: 1, liked: true });
  res = await alice.post(`/a/${work}/comments`, { csrf, body: '' }, J);
  await errorOf(res, 422, 'empty');
  // The script itself is served under its versioned URL.
  const page = await (await fetch(`${srv.base}/a/${work}`)).text();
  const src = page.match(/<script src="(\/static\/comments\.[0-9a-f]{8}\.js)" defer>/)[1];
  res = await fetch(srv.base + src);
  assert.equal(res.status, 200);
  assert.match(res.headers.get('content-type'), /javascript/);
  assert.match(await res.text(), /application\/json/);
});

test('API: post, list by new and hot with paging, edit, delete, likes', async () => {
  const w = await publish('API 评论');
  const ids = [];
  for (let i = 0; i < 5; i++) {
    const res = await api('POST', `/api/v1/articles/${w}/comments`, i % 2 ? aliceTok : bobTok, { body: `第${i}条` });
    assert.equal(res.status, 201);
    const c = await res.json();
    for (const k of ['id', 'work', 'parent', 'body', 'html', 'author', 'created_at', 'status', 'likes'])
      assert.ok(k in c, k);
    assert.equal(c.work, w);
    assert.equal(c.status, 'published');
    assert.equal(c.likes, 0);
    ids.push(c.id);
  }
  // Newest first, two at a time.
  let page = await (await api('GET', `/api/v1/articles/${w}/comments?limit=2`)).json();
  assert.deepEqual(page.comments.map((c) => c.id), [ids[4], ids[3]]);
  assert.equal(typeof page.next, 'string');
  page = await (await api('GET', `/api/v1/articles/${w}/comments?limit=2&before=${encodeURIComponent(page.next)}`)).json();
  assert.deepEqual(page.comments.map((c) => c.id), [ids[2], ids[1]]);
  page = await (await api('GET', `/api/v1/articles/${w}/comments?limit=2&before=${encodeURIComponent(page.next)}`)).json();
  assert.deepEqual(page.comments.map((c) => c.id), [ids[0]]);
  assert.equal(page.next, null);
  // Most liked first.
  let res = await api('PUT', `/api/v1/comments/${ids[1]}/like`, aliceTok);
  assert.deepEqual(await res.json(), { likes: 1 });
  res = await api('PUT', `/api/v1/comments/${ids[1]}/like`, aliceTok); // twice: no change
  assert.deepEqual(await res.json(), { likes: 1 });
  await api('PUT', `/api/v1/comments/${ids[1]}/like`, bobTok);
  await api('PUT', `/api/v1/comments/${ids[3]}/like`, bobTok);
  page = await (await api('GET', `/api/v1/articles/${w}/comments?sort=hot`)).json();
  assert.deepEqual(page.comments.slice(0, 2).map((c) => [c.id, c.likes]), [[ids[1], 2], [ids[3], 1]]);
  res = await api('DELETE', `/api/v1/comments/${ids[3]}/like`, bobTok);
  assert.deepEqual(await res.json(), { likes: 0 });
  res = await api('DELETE', `/api/v1/comments/${ids[3]}/like`, bobTok);
  assert.deepEqual(await res.json(), { likes: 0 });
  // The work's likes.
  assert.deepEqual(await (await api('PUT', `/api/v1/articles/${w}/like`, aliceTok)).json(), { likes: 1 });
  assert.deepEqual(await (await api('PUT', `/api/v1/articles/${w}/like`, aliceTok)).json(), { likes: 1 });
  assert.deepEqual(await (await api('DELETE', `/api/v1/articles/${w}/like`, aliceTok)).json(), { likes: 0 });
  // The HTML page sorts the same way.
  const html = await (await fetch(`${srv.base}/a/${w}?sort=hot`)).text();
  assert.ok(html.indexOf(`id="c-${ids[1]}"`) < html.indexOf(`id="c-${ids[4]}"`));

  // Edit: shown as edited; another's: 403.
  res = await api('PUT', `/api/v1/comments/${ids[1]}`, aliceTok, { body: '改过的' });
  assert.equal(res.status, 200);
  const ed = await res.json();
  assert.equal(ed.body, '改过的');
  assert.ok(ed.edited_at);
  await errorOf(await api('PUT', `/api/v1/comments/${ids[1]}`, bobTok, { body: '不是我的' }), 403);
  const edited = await (await fetch(`${srv.base}/a/${w}`)).text();
  assert.match(edited, new RegExp(`id="c-${ids[1]}"[\\s\\S]*?<span class="edited">`));
  // Delete: 204; another's: 403; then a placeholder-free list (no replies under it).
  await errorOf(await api('DELETE', `/api/v1/comments/${ids[0]}`, aliceTok), 403);
  assert.equal((await api('DELETE', `/api/v1/comments/${ids[0]}`, bobTok)).status, 204);
  page = await (await api('GET', `/api/v1/articles/${w}/comments`)).json();
  assert.ok(!page.comments.some((c) => c.id === ids[0]));
  assert.equal((await (await api('GET', `/api/v1/articles/${w}`)).json()).comments_count, 4);
  await errorOf(await api('DELETE', `/api/v1/comments/99999999`, bobTok), 404);
  await errorOf(await api('PUT', `/api/v1/comments/abc`, bobTok, { body: 'x' }), 404);
});

test('bad input: each refused clearly, nothing changes', async () => {
  const w = await publish('坏输入');
  const other = await publish('另一篇');
  const parentElsewhere = (await (await api('POST', `/api/v1/articles/${other}/comments`, bobTok, { body: '别处的评论' })).json()).id;
  const P = (body, tok = aliceTok, work = w) => api('POST', `/api/v1/articles/${work}/comments`, tok, body);
  await errorOf(await P({ body: '' }), 422, 'empty');
  await errorOf(await P({ body: ' \n\t　' }), 422, 'empty');
  await errorOf(await P({}), 422, 'empty');
  await errorOf(await P({ body: '字'.repeat(2001) }), 422, 'too_long');
  assert.equal((await P({ body: '字'.repeat(2000) })).status, 201);
  await errorOf(await P({ body: 'a\u0001b' }), 422, 'invalid');
  await errorOf(await P({ body: 'a\u0085b' }), 422, 'invalid');
  await errorOf(await P({ body: 'a\u0000b' }), 400); // jansson refuses NUL in strings: not JSON hao takes
  await errorOf(await P({ body: 12 }), 422);
  // Invalid UTF-8 is not JSON: 400.
  const bad = Buffer.concat([Buffer.from('{"body":"'), Buffer.from([0xff, 0xfe]), Buffer.from('"}')]);
  await errorOf(await api('POST', `/api/v1/articles/${w}/comments`, aliceTok, bad), 400);
  await errorOf(await api('POST', `/api/v1/articles/${w}/comments`, aliceTok, '{"body":'), 400);
  // A reply whose parent belongs to another work: 422; a parent that does not exist: 422.
  await errorOf(await P({ body: '回复', parent: parentElsewhere }), 422, 'parent_elsewhere');
  await errorOf(await P({ body: '回复', parent: 99999999 }), 422, 'bad_parent');
  await errorOf(await P({ body: '回复', parent: 'x' }), 422);
  // Draft, deleted, taken down, no such work.
  const draft = await publish('草稿', { draft: true });
  await errorOf(await P({ body: '草稿上' }, aliceTok, draft), 404);
  const gone = await publish('将被删除');
  assert.equal((await api('DELETE', `/api/v1/articles/${gone}`, writerTok)).status, 204);
  await errorOf(await P({ body: '删除的' }, aliceTok, gone), 404);
  await errorOf(await P({ body: '不存在' }, aliceTok, 'zzzzzzzzzzzz'), 404);
  const down = await publish('将被下架');
  const r = siteSql(dataDir, `UPDATE works SET status = 'taken_down' WHERE id = '${down}'`);
  assert.equal(r.status, 0, r.stderr);
  await errorOf(await P({ body: '下架的' }, aliceTok, down), 451);
  await errorOf(await api('PUT', `/api/v1/articles/${down}/like`, aliceTok), 451);
  await errorOf(await api('GET', `/api/v1/articles/${down}/comments`), 451);
  await errorOf(await api('GET', `/api/v1/articles/${draft}/comments`), 404);
  // Bad list queries.
  await errorOf(await api('GET', `/api/v1/articles/${w}/comments?sort=old`), 422);
  await errorOf(await api('GET', `/api/v1/articles/${w}/comments?before=x.y`), 422);
  await errorOf(await api('GET', `/api/v1/articles/${w}/comments?limit=0`), 422);
  await errorOf(await api('GET', `/api/v1/articles/${w}/comments?limit=51`), 422);
  // Not signed in: 401. The same text twice in a row: 409.
  await errorOf(await P({ body: '匿名' }, null), 401);
  await errorOf(await api('PUT', `/api/v1/articles/${w}/like`, null), 401);
  assert.equal((await P({ body: '同样的话' }, bobTok)).status, 201);
  await errorOf(await P({ body: '同样的话' }, bobTok), 409, 'duplicate');
  // Nothing above left a comment behind: two were posted.
  assert.equal((await (await api('GET', `/api/v1/articles/${w}`)).json()).comments_count, 2);
  // Form posts: invalid UTF-8 in the form is 400; a control character 422.
  const alice = await login('alice');
  const csrf = await alice.csrf(`/a/${w}`);
  let res = await alice.post(`/a/${w}/comments`, `csrf=${csrf}&body=%FF%FE`);
  assert.equal(res.status, 400);
  res = await alice.post(`/a/${w}/comments`, { csrf, body: 'a\u0007b' });
  assert.equal(res.status, 400); // the form parser refuses control characters before the handler (the API answers 422)
  res = await alice.post(`/a/${w}/comments`, { csrf, body: 'x', parent: 'abc' });
  assert.equal(res.status, 422);
  assert.equal((await (await api('GET', `/api/v1/articles/${w}`)).json()).comments_count, 2);
});

test('floods: 429 with Retry-After, nothing posted', async () => {
  const w = await publish('刷屏');
  // The per-account limit, low for this test only (settings are read per comment).
  assert.equal(spawnSync(BIN, ['set', 'comment_rate_minute', '8', '--data', dataDir]).status, 0);
  const tok = await apiToken(srv.base, 'flood', 'flood-password-1');
  for (let i = 0; i < 8; i++)
    assert.equal((await api('POST', `/api/v1/articles/${w}/comments`, tok, { body: `第${i}条刷屏` })).status, 201);
  const res = await api('POST', `/api/v1/articles/${w}/comments`, tok, { body: '第九条' });
  await errorOf(res, 429, 'rate_limited');
  assert.ok(Number(res.headers.get('retry-after')) > 0);
  assert.equal((await (await api('GET', `/api/v1/articles/${w}`)).json()).comments_count, 8);
  // The form answers 429 too, with Retry-After.
  const c = await login('flood');
  const csrf = await c.csrf(`/a/${w}`);
  const f = await c.post(`/a/${w}/comments`, { csrf, body: '表单刷屏' });
  assert.equal(f.status, 429);
  assert.ok(Number(f.headers.get('retry-after')) > 0);
  assert.equal(spawnSync(BIN, ['set', 'comment_rate_minute', '1000', '--data', dataDir]).status, 0);
});

test('creator: close and open, pin, remove with reason, block; commenter edits and deletes by form', async () => {
  const w = await publish('作者的控制');
  const a1 = (await (await api('POST', `/api/v1/articles/${w}/comments`, aliceTok, { body: '第一条' })).json()).id;
  const b1 = (await (await api('POST', `/api/v1/articles/${w}/comments`, bobTok, { body: '第二条' })).json()).id;
  const writer = await login('writer');
  let html = await (await writer.get(`/a/${w}`)).text();
  assert.match(html, /action="\/a\/[^"]+\/comments\/mode"/);
  const csrf = html.match(/name="csrf" value="([0-9a-f]+)"/)[1];

  // Pin alice's (older) comment: first in the list and in the API.
  let res = await writer.post(`/comments/${a1}/pin`, { csrf, on: '1' });
  assert.equal(res.status, 303);
  html = await (await fetch(`${srv.base}/a/${w}`)).text();
  assert.match(html, new RegExp(`<article class="comment pinned" id="c-${a1}"`));
  assert.ok(html.indexOf(`id="c-${a1}"`) < html.indexOf(`id="c-${b1}"`));
  let page = await (await api('GET', `/api/v1/articles/${w}/comments`)).json();
  assert.equal(page.comments[0].id, a1);
  assert.equal(page.comments[0].pinned, true);
  // Others may not pin, remove, or close.
  const bob = await login('bob');
  const bcsrf = await bob.csrf(`/a/${w}`);
  assert.equal((await bob.post(`/comments/${b1}/pin`, { csrf: bcsrf, on: '1' })).status, 403);
  assert.equal((await bob.post(`/comments/${a1}/remove`, { csrf: bcsrf, reason: 'x' })).status, 403);
  assert.equal((await bob.post(`/a/${w}/comments/mode`, { csrf: bcsrf, mode: 'closed' })).status, 403);

  // Close: a notice instead of the form, posting refused (403), the API says "closed".
  res = await writer.post(`/a/${w}/comments/mode`, { csrf, mode: 'closed' });
  assert.equal(res.status, 303);
  assert.equal((await (await api('GET', `/api/v1/articles/${w}`)).json()).comments, 'closed');
  await errorOf(await api('POST', `/api/v1/articles/${w}/comments`, aliceTok, { body: '关了还发' }), 403, 'closed');
  html = await (await bob.get(`/a/${w}`)).text();
  assert.doesNotMatch(html, /id="comment-form"/);
  assert.equal((await writer.post(`/a/${w}/comments/mode`, { csrf, mode: 'maybe' })).status, 422);
  assert.equal((await writer.post(`/a/${w}/comments/mode`, { csrf, mode: 'open' })).status, 303);

  // Remove bob's comment with a reason: a placeholder stays.
  res = await writer.post(`/comments/${b1}/remove`, { csrf, reason: '跑题' });
  assert.equal(res.status, 303);
  html = await (await fetch(`${srv.base}/a/${w}`)).text();
  assert.match(html, new RegExp(`id="c-${b1}"[\\s\\S]*?<p class="placeholder">`));
  assert.doesNotMatch(html, /第二条/);

  const alice = await login('alice');
  // Block bob from the creator's works; unblock.
  res = await writer.post(`/a/${w}/comments/block`, { csrf, handle: 'bob', on: '1' });
  assert.equal(res.status, 303);
  await errorOf(await api('POST', `/api/v1/articles/${w}/comments`, bobTok, { body: '被屏蔽了' }), 403, 'blocked');
  assert.equal((await writer.post(`/a/${w}/comments/block`, { csrf, handle: 'nobody-here', on: '1' })).status, 404);
  assert.equal((await writer.post(`/a/${w}/comments/block`, { csrf, handle: 'writer', on: '1' })).status, 422);
  html = await (await writer.get('/studio/comments')).text();
  assert.match(html, /<a href="\/u\/bob">@bob<\/a>/);
  assert.equal((await alice.get('/studio/comments')).status, 403);
  res = await writer.post('/studio/comments/block', { csrf, handle: 'bob', on: '0' });
  assert.equal(res.headers.get('location'), '/studio/comments');
  html = await (await writer.get('/studio/comments')).text();
  assert.doesNotMatch(html, /@bob/);
  assert.equal((await writer.post(`/a/${w}/comments/block`, { csrf, handle: 'bob', on: '0' })).status, 303);
  assert.equal((await api('POST', `/api/v1/articles/${w}/comments`, bobTok, { body: '解除了' })).status, 201);

  // The commenter edits by form (the edit page holds the text), then deletes.
  html = await (await alice.get(`/comments/${a1}/edit`)).text();
  assert.match(html, /第一条<\/textarea>/);
  const acsrf = html.match(/name="csrf" value="([0-9a-f]+)"/)[1];
  assert.equal((await bob.get(`/comments/${a1}/edit`)).status, 403);
  res = await alice.post(`/comments/${a1}/edit`, { csrf: acsrf, body: '第一条(改)' });
  assert.equal(res.headers.get('location'), `/a/${w}#c-${a1}`);
  html = await (await fetch(`${srv.base}/a/${w}`)).text();
  assert.match(html, /第一条\(改\)/);
  assert.equal((await bob.post(`/comments/${a1}/delete`, { csrf: bcsrf })).status, 403);
  res = await alice.post(`/comments/${a1}/delete`, { csrf: acsrf });
  assert.equal(res.status, 303);
  html = await (await fetch(`${srv.base}/a/${w}`)).text();
  assert.doesNotMatch(html, /第一条/);
});

test('moderators: comments held by keyword wait in /mod/comments; approve and remove', async () => {
  const w = await publish('审核');
  let res = await api('POST', `/api/v1/articles/${w}/comments`, aliceTok, { body: '这里有广告词' });
  assert.equal(res.status, 201);
  const held = await res.json();
  assert.equal(held.status, 'pending');
  res = await api('POST', `/api/v1/articles/${w}/comments`, bobTok, { body: '还有广告词' });
  const held2 = await res.json();
  // Not shown to others, shown to its author as awaiting review.
  let html = await (await fetch(`${srv.base}/a/${w}`)).text();
  assert.doesNotMatch(html, /广告词/);
  const alice = await login('alice');
  html = await (await alice.get(`/a/${w}`)).text();
  assert.match(html, /这里有广告词/);
  assert.match(html, /<span class="held">/);
  // Readers cannot see the queue.
  assert.equal((await alice.get('/mod/comments')).status, 403);
  const judge = await login('judge');
  html = await (await judge.get('/mod/comments')).text();
  assert.match(html, new RegExp(`id="c-${held.id}"`));
  assert.match(html, new RegExp(`id="c-${held2.id}"`));
  const csrf = html.match(/name="csrf" value="([0-9a-f]+)"/)[1];
  res = await judge.post(`/mod/comments/${held.id}/approve`, { csrf });
  assert.equal(res.headers.get('location'), '/mod/comments');
  // A moderator's removal needs a reason.
  assert.equal((await judge.post(`/comments/${held2.id}/remove`, { csrf, reason: '', next: 'mod' })).status, 422);
  res = await judge.post(`/comments/${held2.id}/remove`, { csrf, reason: '广告', next: 'mod' });
  assert.equal(res.headers.get('location'), '/mod/comments');
  html = await (await judge.get('/mod/comments')).text();
  assert.doesNotMatch(html, new RegExp(`id="c-${held.id}"`));
  html = await (await fetch(`${srv.base}/a/${w}`)).text();
  assert.match(html, /这里有广告词/);
  assert.equal((await (await api('GET', `/api/v1/articles/${w}`)).json()).comments_count, 1);
});

test('the page cache: the work page fresh at once, list pages within a second', async () => {
  const w = await publish('缓存');
  // Warm the caches.
  const home0 = await (await fetch(`${srv.base}/`)).text();
  assert.match(home0, new RegExp(`href="/a/${w}#comments">[^<]* 0</a>`));
  await fetch(`${srv.base}/a/${w}`);
  const etag0 = (await fetch(`${srv.base}/a/${w}`)).headers.get('etag');
  assert.equal((await api('POST', `/api/v1/articles/${w}/comments`, aliceTok, { body: '缓存里的评论' })).status, 201);
  const page = await fetch(`${srv.base}/a/${w}`);
  assert.notEqual(page.headers.get('etag'), etag0);
  assert.match(await page.text(), /缓存里的评论/);
  let seen = false;
  for (let i = 0; i < 30 && !seen; i++) {
    seen = new RegExp(`href="/a/${w}#comments">[^<]* 1</a>`).test(await (await fetch(`${srv.base}/`)).text());
    if (!seen) await new Promise((r) => setTimeout(r, 100));
  }
  assert.ok(seen, 'the home page shows the new count within 3 s');
});

test('thread page: every reply of a thread', async () => {
  const w = await publish('长楼');
  const root = (await (await api('POST', `/api/v1/articles/${w}/comments`, aliceTok, { body: '楼主' })).json()).id;
  const replies = [];
  for (let i = 0; i < 5; i++)
    replies.push((await (await api('POST', `/api/v1/articles/${w}/comments`, i % 2 ? aliceTok : bobTok, { body: `回复${i}`, parent: root })).json()).id);
  let html = await (await fetch(`${srv.base}/a/${w}`)).text();
  assert.match(html, new RegExp(`href="/comments/${root}"`));
  html = await (await fetch(`${srv.base}/comments/${root}`)).text();
  for (const id of replies) assert.match(html, new RegExp(`id="c-${id}"`));
  const res = await fetch(`${srv.base}/comments/${replies[2]}`, { redirect: 'manual' });
  assert.equal(res.status, 303);
  assert.equal(res.headers.get('location'), `/comments/${root}`);
  assert.equal((await fetch(`${srv.base}/comments/99999999`)).status, 404);
  assert.equal((await fetch(`${srv.base}/comments/abc`)).status, 404);
});
