// Import of a real WordPress export (tests/http/fixtures/portability/wordpress,
// written by WordPress 6.1's own exporter; see its README): posts work by
// work, HTML to Markdown, pictures through the media pipeline, drafts,
// dates, tags, comment threads, former paths redirected; hostile XML and
// HTML; fetching attachments by URL under the hostile-URL rules.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { startServer, addUser, tmpDir, siteSql, BIN } from './harness.mjs';

const FIX = 'tests/http/fixtures/portability/wordpress';
const WXR = path.join(FIX, 'wordpress-export.xml');
const UPLOADS = path.join(FIX, 'uploads');
const dir = tmpDir('hao-wxr-');
function hao(args, env = {}) {
  const r = spawnSync(BIN, args, { encoding: 'utf8', env: { ...process.env, ASAN_OPTIONS: 'detect_leaks=0', ...env } });
  return { code: r.status, out: r.stdout, err: r.stderr };
}
// Asynchronously, so a server in this process can answer the command.
function haoAsync(args, env = {}) {
  return new Promise((ok) => {
    const p = spawn(BIN, args, { env: { ...process.env, ASAN_OPTIONS: 'detect_leaks=0', ...env } });
    let out = '', err = '';
    p.stdout.on('data', (d) => { out += d; });
    p.stderr.on('data', (d) => { err += d; });
    p.on('exit', (code) => ok({ code, out, err }));
  });
}
const count = (data, table) => siteSql(data, `SELECT count(*) FROM ${table}`).stdout.trim();
function variant(name, edit) {
  const p = path.join(dir, name);
  fs.writeFileSync(p, edit(fs.readFileSync(WXR, 'utf8')));
  return p;
}
// Every file under DATA/media: an import that fails leaves none behind.
function mediaFiles(data) {
  const out = [];
  const walk = (d) => { for (const e of fs.existsSync(d) ? fs.readdirSync(d, { withFileTypes: true }) : []) e.isDirectory() ? walk(path.join(d, e.name)) : out.push(path.join(d, e.name)); };
  walk(path.join(data, 'media'));
  return out.sort();
}

let srv, ids;
before(async () => {
  srv = await startServer();
  addUser(srv.dataDir, 'admin', 'creator', 'admin-password-1');
  addUser(srv.dataDir, 'li_lei', 'creator', 'lilei-password-1', '李雷');
});
after(async () => { await srv?.stop(); });

test('a real WordPress export, work by work', async () => {
  const r = hao(['import', WXR, '--uploads', UPLOADS, '--data', srv.dataDir]);
  assert.equal(r.code, 0, r.err);
  assert.match(r.err, /4 works created, 0 already here, 2 media, 4 comments/);
  assert.match(r.err, /page 2 left out \(pass --pages/);
  ids = Object.fromEntries(siteSql(srv.dataDir, `SELECT title || '|' || id FROM works`).stdout.trim().split('\n').map((l) => l.split('|')));
  const get = async (t) => (await fetch(`${srv.base}/api/v1/articles/${ids[t]}`)).json();

  const a = await get('图文并茂的一篇');
  assert.equal(a.status, 'published');
  assert.equal(a.author.handle ?? a.author, 'admin');
  assert.equal(siteSql(srv.dataDir, `SELECT published_at FROM works WHERE id = '${ids['图文并茂的一篇']}'`).stdout.trim(), String(Date.UTC(2024, 4, 1, 10, 30) / 1000), 'publish date kept');
  assert.deepEqual(a.tags, ['北京', '摄影', '旅行'], 'tags and the category');
  const body = a.body;
  for (const want of ['第一段有**粗体**、*斜体*和[一个链接](https://example.com/a?b=1&c=2)。', '## 小标题', '*图一:灰色的方块*',
    '- 第一项\n- 第二项 `code()`', '1. 一\n2. 二', '> 引用的一句话。', '```\nint main(void) { return 0; }\n// 第二行 <tag>\n```',
    '| 城市 | 天数 |\n| --- | --- |\n| 北京 | 3 |\n| 上海 | 2 |', '最后一段。'])
    assert.ok(body.includes(want), `body has ${JSON.stringify(want)}:\n${body}`);
  const pics = [...body.matchAll(/!\[([^\]]*)\]\(\/m\/([0-9a-f]{16})\)/g)];
  assert.deepEqual(pics.map((m) => m[1]), ['灰色的方块', '深色的方块'], 'both pictures re-pointed to /m/ID');
  const sha = (f) => crypto.createHash('sha256').update(fs.readFileSync(path.join(UPLOADS, '2026/12', f))).digest('hex');
  assert.equal(siteSql(srv.dataDir, `SELECT sha256 FROM media WHERE id = '${pics[0][2]}'`).stdout.trim(), sha('pic.png'));
  assert.equal(siteSql(srv.dataDir, `SELECT sha256 FROM media WHERE id = '${pics[1][2]}'`).stdout.trim(), sha('pic2.jpg'));
  const img = await fetch(`${srv.base}/m/${pics[0][2]}`);
  assert.equal(img.status, 200);
  assert.match(img.headers.get('content-type'), /^image\//);
  const html = await (await fetch(`${srv.base}/a/${ids['图文并茂的一篇']}`)).text();
  for (const tag of ['<h2>', '<strong>粗体</strong>', '<blockquote>', '<table>', '<pre><code>', `/m/${pics[0][2]}`]) assert.ok(html.includes(tag), tag);

  // The comment thread: a root and two answers in it, naming whom they answer.
  const c = await (await fetch(`${srv.base}/api/v1/articles/${ids['图文并茂的一篇']}/comments`)).json();
  assert.equal(c.comments.length, 1, 'one thread; the spam comment left out');
  assert.equal(c.comments[0].author_name, '路人甲');
  assert.equal(c.comments[0].body, '第一条评论。');
  assert.equal(c.comments[0].created_at, c.comments[0].created_at);
  assert.deepEqual(c.comments[0].replies.map((x) => [x.author, x.body, x.reply_to]),
    [['admin', '谢谢!', c.comments[0].author], [c.comments[0].replies[1].author, '回复楼上的回复。', 'admin']]);

  // The draft stays a draft, its author mapped by login.
  assert.equal(siteSql(srv.dataDir, `SELECT w.status || '|' || u.handle FROM works w JOIN users u ON u.id = w.author_id WHERE w.id = '${ids['写了一半']}'`).stdout.trim(), 'draft|li_lei');
  assert.equal((await fetch(`${srv.base}/a/${ids['写了一半']}`)).status, 404);
  // The seed post (classic paragraphs) keeps its paragraphs.
  const seed = await get('seed');
  assert.ok(seed.body.split('\n\n').length > 20, 'paragraphs kept');

  // Old paths answer with a permanent redirect.
  const red = await fetch(`${srv.base}/2024/05/01/tuwen/`, { redirect: 'manual' });
  assert.equal(red.status, 301);
  assert.equal(new URL(red.headers.get('location'), srv.base).pathname, `/a/${ids['图文并茂的一篇']}`);
  assert.equal((await fetch(`${srv.base}/2024/05/01/nothing/`, { redirect: 'manual' })).status, 404);

  // The same file again: nothing twice.
  const again = hao(['import', WXR, '--uploads', UPLOADS, '--data', srv.dataDir]);
  assert.equal(again.code, 0, again.err);
  assert.match(again.err, /0 works created, 4 already here/);
  assert.equal(count(srv.dataDir, 'works'), '4');
  assert.equal(count(srv.dataDir, 'comments'), '4');
  assert.equal(count(srv.dataDir, 'media'), '2');
});

test('authors without an account or with names that are not handles: every problem, nothing written', () => {
  const data = path.join(tmpDir(), 'data');
  addUser(data, 'admin', 'creator', 'admin-password-1');
  let r = hao(['import', WXR, '--data', data]);
  assert.equal(r.code, 1);
  assert.match(r.err, /wordpress-export\.xml:\d+: author "li_lei" has no account here/);
  assert.match(r.err, /nothing was imported/);
  const bad = variant('bad-author.xml', (x) => x.replaceAll('li_lei', '李 雷'));
  r = hao(['import', bad, '--data', data]);
  assert.equal(r.code, 1);
  assert.match(r.err, /bad-author\.xml:\d+: author "李 雷" is not a valid handle here/);
  assert.equal(count(data, 'works'), '0');
  // --author gives every work to one creator.
  r = hao(['import', bad, '--author', 'admin', '--uploads', UPLOADS, '--data', data]);
  assert.equal(r.code, 0, r.err);
  assert.equal(siteSql(data, `SELECT DISTINCT u.handle FROM works w JOIN users u ON u.id = w.author_id`).stdout.trim(), 'admin');
});

test('hostile XML: entities, external entities, malformed, wrong encoding: refused, nothing written', () => {
  const data = path.join(tmpDir(), 'data');
  addUser(data, 'admin', 'creator', 'admin-password-1');
  addUser(data, 'li_lei', 'creator', 'lilei-password-1');
  const laughs = variant('laughs.xml', (x) => x.replace('<rss', '<!DOCTYPE rss [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;"><!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;"><!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;">]>\n<rss').replace('<title>peer</title>', '<title>&d;</title>'));
  const xxe = variant('xxe.xml', (x) => x.replace('<rss', '<!DOCTYPE rss [<!ENTITY x SYSTEM "file:///etc/passwd">]>\n<rss').replace('草稿的正文。', '&x;'));
  const cut = variant('cut.xml', (x) => x.slice(0, Math.floor(x.length / 2)));
  const latin = path.join(dir, 'latin1.xml');
  fs.writeFileSync(latin, Buffer.concat([Buffer.from(fs.readFileSync(WXR, 'utf8').split('<item>')[0]), Buffer.from('<item><title>caf\xe9</title></item></channel></rss>', 'latin1')]));
  const cases = [[laughs, /laughs\.xml:1: the file declares a DOCTYPE/], [xxe, /xxe\.xml:1: the file declares a DOCTYPE/],
    [cut, /cut\.xml:\d+: .+/], [latin, /latin1\.xml:\d+: .*(UTF-8|encoding|Input)/i]];
  for (const [f, re] of cases) {
    const r = hao(['import', f, '--uploads', UPLOADS, '--data', data]);
    assert.equal(r.code, 1, `${f}: ${r.err}`);
    assert.match(r.err, re);
    assert.match(r.err, /nothing was imported/);
    assert.doesNotMatch(r.err, /root:x:0/);
    assert.equal(count(data, 'works'), '0');
    assert.deepEqual(mediaFiles(data), []);
  }
});

test('scripts, handlers and javascript: links never arrive; the report lists what was removed', () => {
  const data = path.join(tmpDir(), 'data');
  addUser(data, 'admin', 'creator', 'admin-password-1');
  addUser(data, 'li_lei', 'creator', 'lilei-password-1');
  const f = variant('script.xml', (x) => x.replace("<div>alert('x')</div>",
    '<div onclick="steal()"><script>steal(document.cookie)</script><img src="x.png" onerror="steal()" alt="x"><a href="javascript:steal()">点我</a><iframe src="https://video.example/embed/1"></iframe></div>'));
  const r = hao(['import', f, '--uploads', UPLOADS, '--data', data]);
  assert.equal(r.code, 0, r.err);
  assert.match(r.err, /script\.xml:\d+: a script was removed/);
  assert.match(r.err, /script\.xml:\d+: an embedded element cannot be shown here; kept as a link: https:\/\/video\.example\/embed\/1/);
  const body = siteSql(data, `SELECT body FROM works WHERE title = '图文并茂的一篇'`).stdout;
  assert.doesNotMatch(body, /steal|onerror|onclick|javascript:|<script/);
  assert.match(body, /点我/);
  assert.match(body, /\[iframe\]\(https:\/\/video\.example\/embed\/1\)/);
});

test('attachments by URL: private addresses refused (loopback only in test mode), also behind a redirect', async () => {
  const pics = { '/wp-content/uploads/2026/12/pic.png': fs.readFileSync(path.join(UPLOADS, '2026/12/pic.png')),
    '/wp-content/uploads/2026/12/pic2.jpg': fs.readFileSync(path.join(UPLOADS, '2026/12/pic2.jpg')) };
  const server = http.createServer((req, res) => {
    if (pics[req.url]) { res.writeHead(200, { 'content-type': 'image/png' }); res.end(pics[req.url]); }
    else { res.writeHead(302, { location: 'http://169.254.169.254/latest/meta-data/' }); res.end(); }
  });
  await new Promise((ok) => server.listen(0, '127.0.0.1', ok));
  const port = server.address().port;
  try {
    const f = variant('remote.xml', (x) => x.replaceAll('http://127.0.0.1:8082/wp-content/uploads/2026/12/pic2.jpg', `http://127.0.0.1:${port}/moved.jpg`)
      .replaceAll('http://127.0.0.1:8082/wp-content', `http://127.0.0.1:${port}/wp-content`));
    const data = path.join(tmpDir(), 'data');
    addUser(data, 'admin', 'creator', 'admin-password-1');
    addUser(data, 'li_lei', 'creator', 'lilei-password-1');
    let r = await haoAsync(['import', f, '--fetch', '--data', data]);
    assert.equal(r.code, 0, r.err);
    assert.match(r.err, /picture http:\/\/127\.0\.0\.1:\d+\/wp-content\/uploads\/2026\/12\/pic\.png not imported \(refused: the address is not public/);
    assert.equal(count(data, 'media'), '0');
    const data2 = path.join(tmpDir(), 'data');
    addUser(data2, 'admin', 'creator', 'admin-password-1');
    addUser(data2, 'li_lei', 'creator', 'lilei-password-1');
    r = await haoAsync(['import', f, '--fetch', '--data', data2], { HAO_FED_LOOPBACK: '1' });
    assert.equal(r.code, 0, r.err);
    // The redirect is followed, and its target (a link-local address) refused on connecting.
    assert.match(r.err, /moved\.jpg not imported \(refused: the address is not public/);
    assert.equal(count(data2, 'media'), '1');
    const sha = crypto.createHash('sha256').update(pics['/wp-content/uploads/2026/12/pic.png']).digest('hex');
    assert.equal(siteSql(data2, 'SELECT sha256 FROM media').stdout.trim(), sha);
  } finally {
    server.close();
  }
});

test('a picture left as a link changes only itself, not an imported picture before it on the line', () => {
  // The importer turns "![b](URL)" of a picture it could not import into
  // "[b](URL)". It once removed the '!' of the nearest picture before it on
  // the line instead, so a plain link to that URL turned an unrelated,
  // imported picture into a link.
  const data = path.join(tmpDir(), 'data');
  addUser(data, 'writer', 'creator', 'writer-password-1');
  const f = path.join(dir, 'one-line.xml');
  fs.writeFileSync(f, '<?xml version="1.0" encoding="UTF-8"?><rss version="2.0" ' +
    'xmlns:content="http://purl.org/rss/1.0/modules/content/" xmlns:dc="http://purl.org/dc/elements/1.1/" ' +
    'xmlns:wp="http://wordpress.org/export/1.2/"><channel><link>https://b.example</link>' +
    '<wp:wxr_version>1.2</wp:wxr_version><wp:base_site_url>https://b.example</wp:base_site_url>' +
    '<item><title>One line</title><link>https://b.example/one/</link><dc:creator>writer</dc:creator>' +
    '<content:encoded><![CDATA[<p><img src="https://b.example/wp-content/uploads/2026/12/pic.png" alt="a"> ' +
    '<a href="https://o.invalid/x.jpg">l</a> <img src="https://o.invalid/x.jpg" alt="b"></p>]]></content:encoded>' +
    '<wp:post_id>7</wp:post_id><wp:status>publish</wp:status><wp:post_type>post</wp:post_type></item></channel></rss>');
  const r = hao(['import', f, '--uploads', UPLOADS, '--data', data]);
  assert.equal(r.code, 0, r.err);
  const body = siteSql(data, 'SELECT body FROM works').stdout;
  assert.match(body, /!\[a\]\(\/m\/[0-9a-z]+\)/, body);
  assert.ok(body.includes('[l](https://o.invalid/x.jpg)') && body.includes('[b](https://o.invalid/x.jpg)'), body);
  assert.ok(!body.includes('![b]'), body);
});

test('a scheduled post ("future") stays scheduled; sticky posts are pinned in the export\'s order', () => {
  // The real export, with "seed" scheduled ten days ahead and two posts
  // made sticky, as WordPress writes them (wp:status future with its
  // post_date_gmt; wp:is_sticky 1).
  const at = Math.floor(Date.now() / 1000) + 10 * 86400;
  const wpDate = new Date(at * 1000).toISOString().replace('T', ' ').replace(/\.\d+Z$/, '');
  const items = fs.readFileSync(WXR, 'utf8').split('<item>');
  const edit = (title, f) => {
    const i = items.findIndex((x) => x.includes(`<title><![CDATA[${title}]]></title>`));
    assert.ok(i > 0, title);
    items[i] = f(items[i]);
  };
  edit('seed', (x) => x.replace('<wp:status><![CDATA[publish]]></wp:status>', '<wp:status><![CDATA[future]]></wp:status>')
    .replace(/<wp:post_date_gmt><!\[CDATA\[[^\]]*\]\]>/, `<wp:post_date_gmt><![CDATA[${wpDate}]]>`));
  for (const t of ['Hello world!', '图文并茂的一篇']) edit(t, (x) => x.replace('<wp:is_sticky>0</wp:is_sticky>', '<wp:is_sticky>1</wp:is_sticky>'));
  const f = path.join(dir, 'future-sticky.xml');
  fs.writeFileSync(f, items.join('<item>'));
  const data = path.join(tmpDir(), 'data');
  addUser(data, 'admin', 'creator', 'admin-password-1');
  addUser(data, 'li_lei', 'creator', 'lilei-password-1');
  const r = hao(['import', f, '--uploads', UPLOADS, '--data', data]);
  assert.equal(r.code, 0, r.err);
  assert.doesNotMatch(r.err, /\(future\) imported as a draft/);
  assert.equal(siteSql(data, "SELECT w.title || '|' || w.status || '|' || s.publish_at || '|' || s.state FROM creator_schedules s JOIN works w ON w.id = s.work_id").stdout.trim(), `seed|draft|${at}|pending`);
  assert.equal(siteSql(data, 'SELECT w.title FROM creator_pins p JOIN works w ON w.id = p.work_id ORDER BY p.position').stdout.trim().split('\n').join(','), 'Hello world!,图文并茂的一篇');
});
