// Federation, discovery and documents: WebFinger, NodeInfo and host-meta;
// the creator as a Person and a work as an Article on the same URLs as the
// pages (content negotiation, cached apart, Vary: Accept); the collections.
// Federation stays off (404, HTML only) until base_url is set.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, addUser, apiToken, siteSql, tmpDir } from './harness.mjs';
import path from 'node:path';

const AS = 'application/activity+json';
const LD = 'application/ld+json; profile="https://www.w3.org/ns/activitystreams"';
let off, srv, token, work, draft;

async function api(s, method, p, body) {
  const res = await fetch(s.base + p, {
    method, headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: body ? JSON.stringify(body) : undefined,
  });
  return res.status === 204 ? null : res.json();
}

before(async () => {
  off = await startServer();
  addUser(off.dataDir, 'fedi', 'creator', 'fedi-password-1', '联邦作者');
  // The federating site: base_url set before it starts.
  const dataDir = path.join(tmpDir(), 'data');
  addUser(dataDir, 'fedi', 'creator', 'fedi-password-1', '联邦作者');
  addUser(dataDir, 'reada', 'reader', 'reada-password-1');
  const r = siteSql(dataDir, "INSERT INTO settings(key, value) VALUES ('base_url', 'https://hao.example/')");
  assert.equal(r.status, 0, r.stderr);
  srv = await startServer({ dataDir });
  token = await (await import('./harness.mjs')).apiToken(srv.base, 'fedi', 'fedi-password-1');
  work = await api(srv, 'POST', '/api/v1/articles', {
    title: '联邦的作品 <&>', body: '第一段。\n\n[链接](/t/x) 第二段。', declaration: 'opinion', tags: ['联邦', 'fedi'],
  });
  await api(srv, 'POST', `/api/v1/articles/${work.id}/publish`);
  draft = await api(srv, 'POST', '/api/v1/articles', { title: '草稿', body: '未发布。', declaration: 'none' });
});
after(async () => { await off?.stop(); await srv?.stop(); });

test('federation is off until base_url is set: 404s, and pages stay HTML', async () => {
  for (const p of ['/.well-known/webfinger?resource=acct:fedi@127.0.0.1', '/.well-known/nodeinfo', '/nodeinfo/2.1',
    '/.well-known/host-meta', '/u/fedi/outbox', '/u/fedi/followers']) {
    const res = await fetch(off.base + p);
    assert.equal(res.status, 404, p);
    await res.arrayBuffer();
  }
  const res = await fetch(off.base + '/u/fedi', { headers: { accept: AS } });
  assert.equal(res.status, 200);
  assert.match(res.headers.get('content-type'), /text\/html/);
  await res.arrayBuffer();
});

test('WebFinger finds a creator by acct: and by actor URL', async () => {
  for (const resource of ['acct:fedi@hao.example', 'acct:@FEDI@Hao.Example', 'https://hao.example/u/fedi']) {
    const res = await fetch(`${srv.base}/.well-known/webfinger?resource=${encodeURIComponent(resource)}`);
    assert.equal(res.status, 200, resource);
    assert.match(res.headers.get('content-type'), /application\/jrd\+json/);
    assert.equal(res.headers.get('access-control-allow-origin'), '*');
    const j = await res.json();
    assert.equal(j.subject, 'acct:fedi@hao.example');
    const self = j.links.find((l) => l.rel === 'self');
    assert.equal(self.type, AS);
    assert.equal(self.href, 'https://hao.example/u/fedi');
  }
});

test('WebFinger: bad and unknown resources are 400 and 404', async () => {
  const cases = [
    ['', 400], ['?resource=', 400], ['?resource=fedi', 400], ['?resource=acct:fedi', 400],
    ['?resource=acct:a@b@hao.example', 400],
    ['?resource=acct:fedi@other.example', 404], ['?resource=acct:nobody@hao.example', 404],
    ['?resource=acct:reada@hao.example', 404], // readers are not actors
    ['?resource=https://other.example/u/fedi', 404],
  ];
  for (const [q, status] of cases) {
    const res = await fetch(`${srv.base}/.well-known/webfinger${q}`);
    assert.equal(res.status, status, q);
    assert.ok((await res.json()).error, q);
  }
});

test('NodeInfo 2.1 and host-meta', async () => {
  const idx = await (await fetch(srv.base + '/.well-known/nodeinfo')).json();
  const link = idx.links.find((l) => l.rel === 'http://nodeinfo.diaspora.software/ns/schema/2.1');
  assert.equal(link.href, 'https://hao.example/nodeinfo/2.1');
  const res = await fetch(srv.base + '/nodeinfo/2.1');
  assert.match(res.headers.get('content-type'), /schema\/2\.1#/);
  const ni = await res.json();
  assert.equal(ni.version, '2.1');
  assert.equal(ni.software.name, 'hao');
  assert.deepEqual(ni.protocols, ['activitypub']);
  assert.equal(ni.usage.users.total, 1); // the creator, not the reader
  assert.equal(ni.usage.localPosts, 1);
  assert.equal(typeof ni.openRegistrations, 'boolean');
  const hm = await fetch(srv.base + '/.well-known/host-meta');
  assert.match(hm.headers.get('content-type'), /xrd\+xml/);
  assert.match(await hm.text(), /template="https:\/\/hao\.example\/\.well-known\/webfinger\?resource=\{uri\}"/);
});

test('a creator is a Person with a lasting RSA key; the page stays HTML for browsers', async () => {
  const get = (accept) => fetch(srv.base + '/u/fedi', { headers: { accept } });
  const res = await get(AS);
  assert.equal(res.status, 200);
  assert.equal(res.headers.get('content-type'), AS);
  assert.match(res.headers.get('vary'), /Accept/);
  const p = await res.json();
  assert.deepEqual(p['@context'][0], 'https://www.w3.org/ns/activitystreams');
  assert.equal(p.type, 'Person');
  assert.equal(p.id, 'https://hao.example/u/fedi');
  assert.equal(p.preferredUsername, 'fedi');
  assert.equal(p.name, '联邦作者');
  for (const k of ['inbox', 'outbox', 'followers', 'following', 'featured']) assert.equal(p[k], `${p.id}/${k}`);
  assert.equal(p.endpoints.sharedInbox, 'https://hao.example/inbox');
  assert.equal(p.publicKey.id, `${p.id}#main-key`);
  assert.equal(p.publicKey.owner, p.id);
  assert.match(p.publicKey.publicKeyPem, /^-----BEGIN PUBLIC KEY-----/);
  assert.ok(p.icon.url && p.summary);
  // HTML in between (cached apart), then the same key again (from the cache and stored)
  const html = await get('text/html,application/xhtml+xml');
  assert.match(html.headers.get('content-type'), /text\/html/);
  assert.match(html.headers.get('vary'), /Accept/);
  assert.match(await html.text(), /联邦作者/);
  const again = await (await get(LD)).json();
  assert.equal(again.publicKey.publicKeyPem, p.publicKey.publicKeyPem);
  const row = siteSql(srv.dataDir, 'SELECT COUNT(*) FROM fed_keys');
  assert.equal(row.stdout.trim(), '1');
  // a reader is no actor
  const rd = await fetch(srv.base + '/u/reada', { headers: { accept: AS } });
  assert.equal(rd.status, 404);
  await rd.arrayBuffer();
});

test('a published work is an Article; drafts are not found, deleted works are Tombstones', async () => {
  const res = await fetch(`${srv.base}/a/${work.id}`, { headers: { accept: LD } });
  assert.equal(res.status, 200);
  assert.equal(res.headers.get('content-type'), AS);
  const a = await res.json();
  assert.equal(a.type, 'Article');
  assert.equal(a.id, `https://hao.example/a/${work.id}`);
  assert.equal(a.url, a.id);
  assert.equal(a.attributedTo, 'https://hao.example/u/fedi');
  assert.equal(a.name, '联邦的作品 <&>');
  assert.match(a.content, /个人观点,仅供参考/); // the declaration
  assert.match(a.content, /information storage/); // the platform statement
  assert.match(a.content, /href="https:\/\/hao\.example\/t\/x"/); // site links made absolute
  assert.ok(!a.content.includes('<script'));
  assert.deepEqual(a.tag.map((t) => t.name).sort(), ['#fedi', '#联邦']);
  assert.equal(a.tag.find((t) => t.name === '#fedi').href, 'https://hao.example/t/fedi');
  assert.ok(a.published.endsWith('Z'));
  assert.ok(a.to.includes('https://www.w3.org/ns/activitystreams#Public'));
  // the page carries fediverse:creator
  const html = await (await fetch(`${srv.base}/a/${work.id}`)).text();
  assert.match(html, /<meta name="fediverse:creator" content="@fedi@hao\.example">/);
  const d = await fetch(`${srv.base}/a/${draft.id}`, { headers: { accept: AS } });
  assert.equal(d.status, 404);
  await d.arrayBuffer();
  await api(srv, 'DELETE', `/api/v1/articles/${draft.id}`);
  const gone = await fetch(`${srv.base}/a/${draft.id}`, { headers: { accept: AS } });
  assert.ok([404, 410].includes(gone.status));
  await gone.arrayBuffer();
});

test('outbox and followers are paged collections; following and featured empty', async () => {
  const ob = await (await fetch(srv.base + '/u/fedi/outbox', { headers: { accept: AS } })).json();
  assert.equal(ob.type, 'OrderedCollection');
  assert.equal(ob.totalItems, 1);
  const page = await (await fetch(srv.base + '/u/fedi/outbox?page=1')).json();
  assert.equal(page.type, 'OrderedCollectionPage');
  assert.equal(page.orderedItems.length, 1);
  assert.equal(page.orderedItems[0].type, 'Create');
  assert.equal(page.orderedItems[0].object.id, `https://hao.example/a/${work.id}`);
  const fo = await (await fetch(srv.base + '/u/fedi/followers')).json();
  assert.equal(fo.totalItems, 0);
  assert.equal(fo.first, 'https://hao.example/u/fedi/followers?page=1');
  const fp = await (await fetch(srv.base + '/u/fedi/followers?page=1')).json();
  assert.deepEqual(fp.orderedItems, []);
  for (const c of ['following', 'featured']) {
    const j = await (await fetch(`${srv.base}/u/fedi/${c}`)).json();
    assert.equal(j.totalItems, 0);
  }
  const nf = await fetch(srv.base + '/u/nobody/outbox');
  assert.equal(nf.status, 404);
  await nf.arrayBuffer();
});
