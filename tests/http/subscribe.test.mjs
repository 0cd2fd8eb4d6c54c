// E-mail subscriptions (newsletter) through an SMTP sink: a reader
// subscribes from the author page (a GET form on the cached page, then the
// uncached form with its CSRF token), confirms by the mailed link, gets a
// new-work mail with RFC 8058 List-Unsubscribe headers, and unsubscribes by
// the one-click POST without session or token; digest mode; every bad input
// (forged tokens, bad address, missing CSRF, floods) changes nothing.
//
// The server's deadline clock is pinned (HAO_FAKE_NOW) to 09:00 China time
// two days ahead, so today's works fall before that day's 08:00 digest.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { startServer, addUser, apiToken, tmpDir, Client, BIN, siteSql } from './harness.mjs';
import { DAY } from './clock.mjs';
import { smtpSink, decode, waitUntil } from './smtp.mjs';

const CST = 8 * 3600;
const hao = (args) => spawnSync(BIN, args, { encoding: 'utf8' });
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
let srv, sink, dataDir, token;

function fakeNow() {
  const d = new Date((Math.floor(Date.now() / 1000) + 2 * DAY + CST) * 1000);
  return Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate(), 9, 0) / 1000 - CST;
}
const sql = (q) => siteSql(dataDir, q).stdout.trim();
const subRow = (addr) => sql(`SELECT status, mode FROM email_subscriptions WHERE address = '${addr}'`);
const mailsTo = (addr) => sink.messages.map(decode).filter((m) => m.to === addr);

async function publish(title) {
  const h = { authorization: `Bearer ${token}` };
  const w = await (await fetch(srv.base + '/api/v1/articles', { method: 'POST', headers: h, body: JSON.stringify({ title, body: `${title}的正文。` }) })).json();
  assert.equal((await fetch(`${srv.base}/api/v1/articles/${w.id}/publish`, { method: 'POST', headers: h })).status, 200);
  return w.id;
}

// Subscribe addr as an anonymous reader would: the author page's GET form,
// then the form with the token. Returns the POST's response.
async function subscribe(addr, mode = 'new', c = new Client(srv.base)) {
  const page = await (await c.get(`/u/writer/subscribe?email=${encodeURIComponent(addr)}&mode=${mode}`)).text();
  const csrf = page.match(/name="csrf" value="([0-9a-f]+)"/)[1];
  return c.post('/u/writer/subscribe', { csrf, email: addr, mode });
}

before(async () => {
  sink = await smtpSink();
  dataDir = path.join(tmpDir(), 'data');
  addUser(dataDir, 'writer', 'creator', 'writer-password-1', '写作者');
  addUser(dataDir, 'plainreader', 'reader', 'reader-password-1');
  srv = await startServer({ dataDir, env: { HAO_FAKE_NOW: String(fakeNow()) } });
  token = await apiToken(srv.base, 'writer', 'writer-password-1');
});
after(async () => { await srv?.stop(); sink?.server.close(); });

test('without mail settings nothing is offered', async () => {
  assert.equal((await fetch(srv.base + '/u/writer/subscribe')).status, 404);
  const c = new Client(srv.base);
  const res = await c.post('/u/writer/subscribe', { csrf: 'x', email: 'a@example.cn' });
  assert.equal(res.status, 403, 'no CSRF token, no handler');
  assert.equal(hao(['set', 'base_url', 'ftp://example.cn', '--data', dataDir]).status, 1);
  assert.equal(hao(['set', 'base_url', 'https://exa mple.cn', '--data', dataDir]).status, 1);
  assert.equal(hao(['set', 'smtp_url', `smtp://127.0.0.1:${sink.port}`, '--data', dataDir]).status, 0);
  assert.equal(hao(['set', 'smtp_from', 'site@example.cn', '--data', dataDir]).status, 0);
  assert.equal((await fetch(srv.base + '/u/writer/subscribe')).status, 404, 'no base_url yet');
  assert.equal(hao(['set', 'base_url', srv.base + '/', '--data', dataDir]).status, 0);
});

test('the author page (cached, no token) leads to the form; bad input changes nothing', async () => {
  const html = await (await fetch(srv.base + '/u/writer')).text();
  const form = html.match(/<form class="subscribe" method="get" action="\/u\/writer\/subscribe">[\s\S]*?<\/form>/);
  assert.ok(form, 'the author page has the subscribe form');
  assert.doesNotMatch(form[0], /csrf/);
  assert.match(form[0], /name="email"/);
  assert.match(form[0], /value="digest"/);
  // Readers cannot be subscribed to; nobody cannot either.
  assert.doesNotMatch(await (await fetch(srv.base + '/u/plainreader')).text(), /class="subscribe"/);
  assert.equal((await fetch(srv.base + '/u/plainreader/subscribe')).status, 404);
  assert.equal((await fetch(srv.base + '/u/nobody/subscribe')).status, 404);

  const c = new Client(srv.base);
  const page = await (await c.get('/u/writer/subscribe?email=reader%40example.cn&mode=digest')).text();
  assert.match(page, /name="email" value="reader@example.cn"/);
  assert.match(page, /<option value="digest" selected>/);
  const csrf = page.match(/name="csrf" value="([0-9a-f]+)"/)[1];
  // Missing or wrong CSRF token: 403.
  assert.equal((await c.post('/u/writer/subscribe', { email: 'reader@example.cn' })).status, 403);
  assert.equal((await c.post('/u/writer/subscribe', { csrf: '0'.repeat(csrf.length), email: 'reader@example.cn' })).status, 403);
  // Bad addresses and a bad mode: 422, the form again.
  for (const bad of ['', 'nobody', 'a b@example.cn', 'a@example.cn\r\nBcc: evil@example.cn', 'x@y', 'a@b,c@example.cn']) {
    const res = await c.post('/u/writer/subscribe', { csrf, email: bad, mode: 'new' });
    assert.equal(res.status, 422, JSON.stringify(bad));
    assert.match(await res.text(), /name="csrf"/);
  }
  assert.equal((await c.post('/u/writer/subscribe', { csrf, email: 'reader@example.cn', mode: 'weekly' })).status, 422);
  assert.equal(sql('SELECT count(*) FROM email_subscriptions'), '0');
  assert.equal(sql('SELECT count(*) FROM outbox'), '0');
});

let unsubUrl;
test('subscribe, confirm by the mailed link, get each new work with List-Unsubscribe', async () => {
  const res = await subscribe('Reader@Example.cn');
  assert.equal(res.status, 303);
  assert.equal(res.headers.get('location'), '/u/writer/subscribe?sent=1');
  assert.equal(subRow('reader@example.cn'), 'pending|new');
  assert.ok(await waitUntil(() => mailsTo('reader@example.cn').length === 1), 'no confirmation mail');
  const m = mailsTo('reader@example.cn')[0];
  assert.match(m.subject, /Confirm your subscription/);
  assert.match(m.headers['list-unsubscribe'], new RegExp(`^<${srv.base}/unsubscribe/\\d+\\.[0-9a-f]{64}>$`));
  assert.equal(m.headers['list-unsubscribe-post'], 'List-Unsubscribe=One-Click');
  const link = m.body.match(new RegExp(`${srv.base}/subscribe/confirm/([0-9a-f]{64})`));
  assert.ok(link, m.body);
  assert.ok(m.body.includes(m.headers['list-unsubscribe'].slice(1, -1)), 'the visible unsubscribe link');

  // Asking again at once sends no second confirmation (and answers the same).
  assert.equal((await subscribe('reader@example.cn')).status, 303);
  // Nothing is mailed to a pending address but the confirmation.
  await publish('确认之前的作品');
  await sleep(1500);
  assert.equal(mailsTo('reader@example.cn').length, 1);

  // A forged or unknown confirmation token: 400, still pending.
  for (const bad of ['0'.repeat(64), link[1].slice(0, 63) + (link[1][63] === 'a' ? 'b' : 'a'), 'short']) {
    assert.equal((await fetch(`${srv.base}/subscribe/confirm/${bad}`)).status, 400, bad);
  }
  assert.equal(subRow('reader@example.cn'), 'pending|new');
  const ok = await fetch(`${srv.base}/subscribe/confirm/${link[1]}`);
  assert.equal(ok.status, 200);
  assert.match(await ok.text(), /@writer/);
  assert.equal(subRow('reader@example.cn'), 'confirmed|new');
  assert.equal((await fetch(`${srv.base}/subscribe/confirm/${link[1]}`)).status, 200, 'confirming twice is fine');

  // The creator sees the count, not the address.
  const c = new Client(srv.base);
  await c.login('writer', 'writer-password-1');
  const studio = await (await c.get('/studio')).text();
  assert.match(studio, /data-subscribers="1"/);
  assert.doesNotMatch(studio, /reader@example/);

  await sleep(1100); // published_at is in whole seconds: after the confirmation
  const id = await publish('给订阅者的新作品');
  assert.ok(await waitUntil(() => mailsTo('reader@example.cn').length === 2), 'no new-work mail');
  const w = mailsTo('reader@example.cn')[1];
  assert.equal(w.subject, '写作者:给订阅者的新作品');
  assert.ok(w.body.includes(`${srv.base}/a/${id}`), w.body);
  assert.doesNotMatch(w.body, /确认之前的作品/, 'a work published before the confirmation is not mailed');
  assert.equal(w.headers['list-unsubscribe-post'], 'List-Unsubscribe=One-Click');
  unsubUrl = w.headers['list-unsubscribe'].slice(1, -1);
  assert.ok(w.body.includes(unsubUrl));
  assert.equal(sql("SELECT count(*) FROM jobs WHERE kind = 'newsletter' AND result LIKE 'mailed 1 to 1 subscribers%'"), '1');
  // Nothing is mailed twice: the next job finds the address up to date.
  await publish('第三篇');
  assert.ok(await waitUntil(() => mailsTo('reader@example.cn').length === 3));
  await sleep(1500);
  assert.equal(mailsTo('reader@example.cn').length, 3);
  assert.match(mailsTo('reader@example.cn')[2].subject, /第三篇/);
});

test('a forged unsubscribe token changes nothing; the one-click POST unsubscribes', async () => {
  const p = new URL(unsubUrl).pathname;
  const [idPart, mac] = p.split('/').pop().split('.');
  const forged = [
    `/unsubscribe/${idPart}.${'0'.repeat(64)}`,
    `/unsubscribe/${Number(idPart) + 1}.${mac}`,
    `/unsubscribe/${idPart}.${mac.slice(0, 60)}`,
    `/unsubscribe/x${idPart}.${mac}`,
  ];
  for (const f of forged) {
    const res = await fetch(srv.base + f, { method: 'POST', body: 'List-Unsubscribe=One-Click' });
    assert.equal(res.status, 400, f);
  }
  assert.equal(subRow('reader@example.cn'), 'confirmed|new');
  // The GET page only asks (a link scanner unsubscribes nobody).
  const page = await fetch(srv.base + p);
  assert.equal(page.status, 200);
  assert.match(await page.text(), new RegExp(`<form method="post" action="${p.replace(/\./g, '\\.')}">`));
  assert.equal(subRow('reader@example.cn'), 'confirmed|new');
  // Too large a body: refused before anything happens.
  assert.equal((await fetch(srv.base + p, { method: 'POST', body: 'x'.repeat(4096) })).status, 413);
  assert.equal(subRow('reader@example.cn'), 'confirmed|new');
  // RFC 8058: a POST from the mail provider: no cookie, no Origin, no token.
  const res = await fetch(srv.base + p, {
    method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'List-Unsubscribe=One-Click',
  });
  assert.equal(res.status, 200);
  assert.equal(subRow('reader@example.cn'), 'unsubscribed|new');
  assert.equal((await fetch(srv.base + p, { method: 'POST', body: 'List-Unsubscribe=One-Click' })).status, 200, 'twice is fine');
  const before = mailsTo('reader@example.cn').length;
  await publish('退订之后的作品');
  await sleep(2000);
  assert.equal(mailsTo('reader@example.cn').length, before, 'no mail after unsubscribing');
});

test('digest mode: one mail listing the works published since the last one', async () => {
  assert.equal((await subscribe('digest@example.cn', 'digest')).status, 303);
  assert.ok(await waitUntil(() => mailsTo('digest@example.cn').length === 1));
  const link = mailsTo('digest@example.cn')[0].body.match(/\/subscribe\/confirm\/([0-9a-f]{64})/)[1];
  assert.match(await (await fetch(`${srv.base}/subscribe/confirm/${link}`)).text(), /daily digest|每日摘要/);
  assert.equal(subRow('digest@example.cn'), 'confirmed|digest');
  await sleep(1100);
  const a = await publish('摘要一');
  await sleep(1100);
  const b = await publish('摘要二');
  assert.ok(await waitUntil(() => mailsTo('digest@example.cn').length === 2, 25000), 'no digest');
  const d = mailsTo('digest@example.cn')[1];
  assert.match(d.subject, /Daily digest/);
  assert.ok(d.body.includes(`/a/${a}`) && d.body.includes(`/a/${b}`), d.body);
  assert.ok(d.body.indexOf('摘要一') < d.body.indexOf('摘要二'), 'oldest first');
  assert.doesNotMatch(d.body, /退订之后的作品/, 'nothing from before the confirmation');
  assert.equal(d.headers['list-unsubscribe-post'], 'List-Unsubscribe=One-Click');
  assert.ok(d.body.includes(d.headers['list-unsubscribe'].slice(1, -1)));
  // The next pass finds nothing new: no second digest.
  await sleep(11000);
  assert.equal(mailsTo('digest@example.cn').length, 2);
});

test('floods: per mail address, then per client address, 429 with Retry-After', async () => {
  // digest@example.cn asked once already: NL_ADDR_HOUR (5) an hour.
  for (let i = 0; i < 4; i++) assert.equal((await subscribe('flood@example.cn')).status, 303, `request ${i}`);
  assert.equal((await subscribe('flood@example.cn')).status, 303);
  const r = await subscribe('flood@example.cn');
  assert.equal(r.status, 429);
  assert.ok(Number(r.headers.get('retry-after')) > 0);
  assert.equal(mailsTo('flood@example.cn').length <= 1, true, 'one confirmation at most');
  // Per client address: NL_PEER_HOUR (20) an hour, whatever the mail address.
  let status = 303, n = 0;
  while (status === 303 && n < 30) status = (await subscribe(`many${n++}@example.cn`)).status;
  assert.equal(status, 429);
  assert.ok(n < 20, `${n}`);
  assert.equal(sql(`SELECT count(*) FROM email_subscriptions WHERE address = 'many${n - 1}@example.cn'`), '0');
});
