// Works through the JSON API and the reader pages, against a real server.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, addUser, apiToken } from './harness.mjs';

let srv, alice, bob;

before(async () => {
  srv = await startServer();
  await addUser(srv.dataDir, 'alice', 'creator', 'alice-password-1');
  await addUser(srv.dataDir, 'bob', 'creator', 'bob-password-1');
  alice = await apiToken(srv.base, 'alice', 'alice-password-1');
  bob = await apiToken(srv.base, 'bob', 'bob-password-1');
});
after(async () => { await srv?.stop(); });

function api(method, path, token, body, headers = {}) {
  const h = { ...headers };
  if (token) h.authorization = `Bearer ${token}`;
  let payload = body;
  if (body !== undefined && typeof body !== 'string' && !(body instanceof Uint8Array)) {
    payload = JSON.stringify(body);
    h['content-type'] = 'application/json';
  }
  return fetch(srv.base + path, { method, headers: h, body: payload, redirect: 'manual' });
}

async function json(res) {
  const text = await res.text();
  try { return JSON.parse(text); } catch { assert.fail(`not JSON (${res.status}): ${text.slice(0, 200)}`); }
}

async function create(token, fields) {
  const res = await api('POST', '/api/v1/articles', token, fields);
  assert.equal(res.status, 201, `create: ${res.status}`);
  return json(res);
}

test('declarations list matches the product table', async () => {
  const res = await api('GET', '/api/v1/declarations');
  assert.equal(res.status, 200);
  const d = await json(res);
  const codes = d.map((x) => x.code);
  assert.deepEqual(codes, ['none', 'web-sourced', 'opinion', 'ai-generated', 'ai-assisted', 'fiction', 'health']);
  assert.equal(d.find((x) => x.code === 'web-sourced').zh, '内容取材于网络');
});

test('create, read, update (revision), publish, read as reader, delete', async () => {
  const w = await create(alice, { title: '无人机的故事', body: '第一段。\n\n| a | b |\n|---|---|\n| 1 | 2 |', declaration: 'opinion', tags: ['科技', '无人机'] });
  assert.equal(w.status, 'draft');
  assert.match(w.id, /^[0-9a-f]{16}$/);
  assert.equal(w.declaration, 'opinion');
  assert.deepEqual(w.tags, ['科技', '无人机']);
  assert.equal(w.rev, 1);
  assert.match(w.html, /<table>/);
  assert.ok(w.statement.zh.includes('仅提供信息存储服务'));

  // A draft is not public.
  assert.equal((await fetch(`${srv.base}/a/${w.id}`)).status, 404);
  assert.equal((await api('GET', `/api/v1/articles/${w.id}`)).status, 404);
  // Another creator: 403 and no content.
  const other = await api('GET', `/api/v1/articles/${w.id}`, bob);
  assert.equal(other.status, 403);
  assert.ok(!(await other.text()).includes('第一段'));

  const up = await api('PUT', `/api/v1/articles/${w.id}`, alice, { body: '改过的第一段。' });
  assert.equal(up.status, 200);
  const w2 = await json(up);
  assert.equal(w2.rev, 2);
  assert.equal(w2.title, '无人机的故事');
  assert.equal(w2.body, '改过的第一段。');

  const pub = await api('POST', `/api/v1/articles/${w.id}/publish`, alice);
  assert.equal(pub.status, 200);
  const p = await json(pub);
  assert.equal(p.status, 'published');
  assert.equal(p.url, `/a/${w.id}`);
  assert.ok(p.published_at);

  const page = await fetch(`${srv.base}/a/${w.id}`);
  assert.equal(page.status, 200);
  const html = await page.text();
  assert.ok(html.includes('无人机的故事'));
  assert.ok(html.includes('改过的第一段'));
  assert.ok(html.includes('个人观点,仅供参考'), 'declaration shown');
  assert.ok(html.includes('仅提供信息存储服务'), 'platform statement (zh)');
  assert.ok(html.includes('information storage services'), 'platform statement (en)');
  assert.ok(html.indexOf('class="declaration"') < html.indexOf('class="body"'), 'declaration above the body');

  // Home feed, author page, Chinese tag page (URL-encoded) list it.
  assert.ok((await (await fetch(srv.base + '/')).text()).includes(`/a/${w.id}`));
  assert.ok((await (await fetch(srv.base + '/u/alice')).text()).includes(`/a/${w.id}`));
  const tagPage = await fetch(srv.base + '/t/' + encodeURIComponent('无人机'));
  assert.equal(tagPage.status, 200);
  assert.ok((await tagPage.text()).includes(`/a/${w.id}`));
  const listed = await json(await api('GET', '/api/v1/articles?tag=' + encodeURIComponent('科技')));
  assert.ok(listed.articles.some((a) => a.id === w.id));

  // Edits show at once (the page cache is invalidated).
  await api('PUT', `/api/v1/articles/${w.id}`, alice, { title: '新标题' });
  assert.ok((await (await fetch(`${srv.base}/a/${w.id}`)).text()).includes('新标题'));

  // Bob can neither change nor delete it.
  assert.equal((await api('PUT', `/api/v1/articles/${w.id}`, bob, { title: 'x' })).status, 403);
  assert.equal((await api('DELETE', `/api/v1/articles/${w.id}`, bob)).status, 403);
  assert.equal((await api('POST', `/api/v1/articles/${w.id}/publish`, bob)).status, 403);

  const del = await api('DELETE', `/api/v1/articles/${w.id}`, alice);
  assert.equal(del.status, 204);
  assert.equal((await fetch(`${srv.base}/a/${w.id}`)).status, 404);
  assert.equal((await api('GET', `/api/v1/articles/${w.id}`, alice)).status, 404);
  assert.ok(!(await (await fetch(srv.base + '/')).text()).includes(`/a/${w.id}`));
});

test('unsafe markdown never runs script', async () => {
  const w = await create(alice, {
    title: 'xss', declaration: 'none',
    body: '<script>alert(1)</script>\n\n[a](javascript:alert(1)) [b](JAVASCRIPT:alert(1)) [c](data:text/html,x) [d](vbscript:x)\n\n<img src=x onerror=alert(1)>\n\n![]()',
  });
  await api('POST', `/api/v1/articles/${w.id}/publish`, alice);
  const html = await (await fetch(`${srv.base}/a/${w.id}`)).text();
  const body = html.slice(html.indexOf('class="body"'), html.indexOf('class="statement"'));
  assert.ok(!/<script/i.test(body));
  assert.ok(!/javascript:|vbscript:|data:text/i.test(body));
  assert.ok(!/<img[^>]*onerror/i.test(body));
  assert.ok(body.includes('&lt;script&gt;'));
  // (The one image after the text is the page's own read-through mark.)
  assert.ok(!/<img(?! class="end-mark")/i.test(body), 'empty embed renders nothing');
});

test('bad input: each answered with a clear JSON error, nothing written', async () => {
  const count = async () => (await json(await api('GET', '/api/v1/articles?author=alice&limit=100'))).articles.length;
  const n0 = await count();
  const cases = [
    ['malformed JSON', '{"title": "x", ', 400, 'bad_json'],
    ['not an object', '[1,2]', 400, 'bad_json'],
    ['duplicate keys', '{"title":"a","title":"b","body":"x"}', 400, 'bad_json'],
    ['missing fields', {}, 422, 'missing_fields'],
    ['empty title', { title: '   ', body: 'x' }, 422, 'invalid'],
    ['overlong title', { title: '长'.repeat(101), body: 'x' }, 422, 'invalid'],
    ['title with newline', { title: 'a\nb', body: 'x' }, 422, 'invalid'],
    ['unknown declaration', { title: 't', body: 'x', declaration: 'made-up' }, 422, 'invalid'],
    ['title not a string', { title: 5, body: 'x' }, 422, 'invalid'],
    ['too many tags', { title: 't', body: 'x', tags: Array.from({ length: 11 }, (_, i) => 't' + i) }, 422, 'invalid'],
    ['tag with slash', { title: 't', body: 'x', tags: ['a/b'] }, 422, 'invalid'],
    ['body too long', { title: 't', body: 'x'.repeat(200001) }, 413, 'too_large'],
    ['NUL in body', { title: 't', body: 'a\u0000b' }, 400, 'bad_json'],
  ];
  for (const [name, body, status, code] of cases) {
    const res = await api('POST', '/api/v1/articles', alice, body, typeof body === 'string' ? { 'content-type': 'application/json' } : {});
    assert.equal(res.status, status, name);
    const j = await json(res);
    assert.equal(j.error.code, code, name);
    assert.ok(j.error.message.length > 0, name);
  }
  const missing = await json(await api('POST', '/api/v1/articles', alice, { declaration: 'none' }));
  assert.deepEqual(missing.error.missing, ['title', 'body']);

  // Invalid UTF-8 in a JSON string: jansson refuses it as malformed JSON.
  const raw = Buffer.concat([Buffer.from('{"title":"'), Buffer.from([0xff, 0xfe]), Buffer.from('","body":"x"}')]);
  const bad = await api('POST', '/api/v1/articles', alice, raw, { 'content-type': 'application/json' });
  assert.equal(bad.status, 400);

  // Body over the route limit: 413 before parsing.
  const huge = await api('POST', '/api/v1/articles', alice, '{"title":"t","body":"' + 'x'.repeat(1100000) + '"}', { 'content-type': 'application/json' });
  assert.equal(huge.status, 413);

  // Auth.
  assert.equal((await api('POST', '/api/v1/articles', null, { title: 't', body: 'x' })).status, 401);
  assert.equal((await api('POST', '/api/v1/articles', 'not-a-token', { title: 't', body: 'x' })).status, 401);

  // Unknown ids.
  assert.equal((await api('GET', '/api/v1/articles/0000000000000000')).status, 404);
  assert.equal((await api('GET', '/api/v1/articles/nope')).status, 404);
  assert.equal((await api('PUT', '/api/v1/articles/0000000000000000', alice, { title: 'x' })).status, 404);
  assert.equal((await api('DELETE', '/api/v1/articles/0000000000000000', alice)).status, 404);
  assert.equal((await fetch(srv.base + '/a/0000000000000000')).status, 404);

  // Publishing an empty body is refused.
  const empty = await create(alice, { title: 'empty', body: '' });
  const pe = await api('POST', `/api/v1/articles/${empty.id}/publish`, alice);
  assert.equal(pe.status, 422);

  // Bad list parameters.
  assert.equal((await api('GET', '/api/v1/articles?limit=0')).status, 400);
  assert.equal((await api('GET', '/api/v1/articles?limit=abc')).status, 400);
  assert.equal((await api('GET', '/api/v1/articles?before=xyz')).status, 400);

  assert.equal(await count(), n0, 'no work was published by bad input');
});

test('routing: unknown paths, wrong methods, bad encodings', async () => {
  const nf = await api('GET', '/api/v1/nothing');
  assert.equal(nf.status, 404);
  assert.equal((await json(nf)).error.code, 'not_found');
  const m = await api('PATCH', '/api/v1/articles');
  assert.equal(m.status, 405);
  const page404 = await fetch(srv.base + '/no/such/page');
  assert.equal(page404.status, 404);
  assert.match(page404.headers.get('content-type'), /text\/html/);
  assert.equal((await fetch(srv.base + '/t/%FF%FE')).status, 400);
  assert.equal((await fetch(srv.base + '/t/%zz')).status, 400);
  const health = await fetch(srv.base + '/healthz');
  assert.equal(health.status, 200);
});

test('pagination of the home feed and security headers', async () => {
  const ids = [];
  for (let i = 0; i < 23; i++) {
    const w = await create(bob, { title: `第${i}篇`, body: `内容 ${i}` });
    await api('POST', `/api/v1/articles/${w.id}/publish`, bob);
    ids.push(w.id);
  }
  const page1 = await fetch(srv.base + '/u/bob');
  const h1 = await page1.text();
  assert.match(page1.headers.get('content-security-policy'), /default-src 'self'/);
  assert.equal(page1.headers.get('x-content-type-options'), 'nosniff');
  const next = h1.match(/href="(\/u\/bob\?before=[^"]+)"/);
  assert.ok(next, 'older link');
  const h2 = await (await fetch(srv.base + next[1].replace(/&amp;/g, '&'))).text();
  const onFirst = ids.filter((id) => h1.includes(`/a/${id}"`));
  const onSecond = ids.filter((id) => h2.includes(`/a/${id}"`));
  assert.equal(onFirst.length, 20);
  assert.equal(onSecond.length, 3);
  assert.equal(new Set([...onFirst, ...onSecond]).size, 23);

  const api1 = await json(await api('GET', '/api/v1/articles?author=bob&limit=10'));
  assert.equal(api1.articles.length, 10);
  assert.ok(api1.next);
  const api2 = await json(await api('GET', `/api/v1/articles?author=bob&limit=10&before=${api1.next}`));
  assert.equal(api2.articles.length, 10);
  assert.ok(!api2.articles.some((a) => api1.articles.find((b) => b.id === a.id)));
});

test('views are counted without blocking readers', async () => {
  const w = await create(alice, { title: 'views', body: 'v' });
  await api('POST', `/api/v1/articles/${w.id}/publish`, alice);
  // Thirty readers (a view is one reader's per day: http/views.h), then each again: still thirty.
  const reader = (i) => ({ headers: { 'user-agent': `Mozilla/5.0 reader-${i}` } });
  for (let round = 0; round < 2; round++)
    await Promise.all(Array.from({ length: 30 }, (_, i) => fetch(`${srv.base}/a/${w.id}`, reader(i)).then((r) => r.text())));
  // Counters flush once a second per loop.
  let views = 0;
  for (let i = 0; i < 30 && views < 30; i++) {
    await new Promise((r) => setTimeout(r, 200));
    views = (await json(await api('GET', `/api/v1/articles/${w.id}`))).views;
  }
  await new Promise((r) => setTimeout(r, 1500));
  views = (await json(await api('GET', `/api/v1/articles/${w.id}`))).views;
  assert.equal(views, 30);
});

test('language: Accept-Language and the switch link', async () => {
  const en = await (await fetch(srv.base + '/', { headers: { 'accept-language': 'en-US,en;q=0.9' } })).text();
  assert.match(en, /<html lang="en">/);
  assert.ok(en.includes('Latest works'));
  const zh = await (await fetch(srv.base + '/', { headers: { 'accept-language': 'zh-CN' } })).text();
  assert.match(zh, /<html lang="zh-CN">/);
  assert.ok(zh.includes('最新作品'));
  const sw = await fetch(srv.base + '/lang?to=en', { redirect: 'manual' });
  assert.equal(sw.status, 303);
  assert.match(sw.headers.get('set-cookie'), /hao_lang=en/);
  const viaCookie = await (await fetch(srv.base + '/', { headers: { cookie: 'hao_lang=en', 'accept-language': 'zh' } })).text();
  assert.ok(viaCookie.includes('Latest works'));
});
