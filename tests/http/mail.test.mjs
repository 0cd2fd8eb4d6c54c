// E-mail when SMTP is configured: the creator learns of a takedown by mail,
// the complainant gets the counter-notice by mail, bad settings and bad
// addresses are refused, and a mail server that is down only delays mail.
// The SMTP server is the small sink in smtp.mjs, on loopback.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { smtpSink, decode } from './smtp.mjs';
import { startServer, addUser, apiToken, tmpDir, Client, BIN, siteSql } from './harness.mjs';

async function waitFor(messages, n, ms = 10000) {
  const t0 = Date.now();
  while (messages.length < n && Date.now() - t0 < ms) await new Promise((r) => setTimeout(r, 50));
  return messages.length >= n;
}

const hao = (args) => spawnSync(BIN, args, { encoding: 'utf8' });
let srv, sink, dataDir, host;

before(async () => {
  sink = await smtpSink();
  dataDir = path.join(tmpDir(), 'data');
  addUser(dataDir, 'mailer', 'creator', 'mailer-password-1');
  srv = await startServer({ dataDir });
  host = new URL(srv.base).host;
});
after(async () => { await srv?.stop(); sink?.server.close(); });

test('SMTP settings and addresses are checked; nothing is written for bad ones', async () => {
  assert.equal(hao(['set', 'smtp_url', 'http://127.0.0.1:25', '--data', dataDir]).status, 1);
  assert.equal(hao(['set', 'smtp_from', 'not an address', '--data', dataDir]).status, 1);
  assert.equal(hao(['set', 'smtp_url', `smtp://127.0.0.1:${sink.port}`, '--data', dataDir]).status, 0);
  assert.equal(hao(['set', 'smtp_from', 'site@example.cn', '--data', dataDir]).status, 0);
  // The notifiers of this file are trusted (their notices act at once, no
  // confirmation mail: notice-safety.test.mjs covers that).
  assert.equal(hao(['set', 'trusted_notifiers', 'zhao@example.cn, 电话 123', '--data', dataDir]).status, 0);
  const r = spawnSync(BIN, ['user', 'add', 'bademail', '--role', 'creator', '--email', 'a@b@c', '--data', dataDir],
    { input: 'bademail-password-1\n', encoding: 'utf8' });
  assert.equal(r.status, 2);
  assert.match(r.stderr, /not one e-mail address/);
  assert.equal(siteSql(dataDir, "SELECT count(*) FROM users WHERE handle = 'bademail'").stdout.trim(), '0');

  const c = new Client(srv.base);
  await c.login('mailer', 'mailer-password-1');
  for (const bad of ['nobody', 'a b@example.cn', 'x@y', 'a@example.cn\r\nBcc: evil@example.cn', 'a@b,c@example.cn']) {
    const csrf = await c.csrf('/studio/email');
    const res = await c.post('/studio/email', { csrf, email: bad });
    assert.equal(res.status, 422, bad);
  }
  assert.equal(siteSql(dataDir, "SELECT email FROM users WHERE handle = 'mailer'").stdout.trim(), '');
  const csrf = await c.csrf('/studio/email');
  assert.equal((await c.post('/studio/email', { csrf, email: 'writer@example.cn' })).status, 303);
  assert.match(await (await c.get('/studio/email')).text(), /value="writer@example.cn"/);
});

test('a takedown reaches the creator by mail; the counter-notice reaches the complainant', async () => {
  const token = await apiToken(srv.base, 'mailer', 'mailer-password-1');
  const h = { authorization: `Bearer ${token}` };
  const w = await (await fetch(srv.base + '/api/v1/articles', { method: 'POST', headers: h, body: JSON.stringify({ title: '会被投诉的作品', body: '正文。' }) })).json();
  assert.equal((await fetch(`${srv.base}/api/v1/articles/${w.id}/publish`, { method: 'POST', headers: h })).status, 200);
  const n = await (await fetch(srv.base + '/api/v1/notices', {
    method: 'POST', body: JSON.stringify({ name: '赵六', contact: 'zhao@example.cn', address: '广州', urls: [`http://${host}/a/${w.id}`],
      right: '著作权', original: '原作', good_faith: true, signature: '赵六' }),
  })).json();
  // Making the API token sends the account a security notice (issue 16);
  // this test reads the other mail, in order.
  const mail = { get length() { return others().length; } };
  const others = () => sink.messages.filter((m) => !/Security notice/.test(decode(m).subject));
  assert.ok(await waitFor(mail, 1), 'the creator got no mail');
  const m1 = decode(others()[0]);
  assert.equal(m1.to, 'writer@example.cn');
  assert.match(others()[0].rcpt[0], /writer@example\.cn/);
  assert.match(m1.subject, /Your work was removed/);
  assert.ok(m1.body.includes(w.id) && m1.body.includes(`notice ${n.id}`) && m1.body.includes('/studio/notices'), m1.body);

  const c = new Client(srv.base);
  await c.login('mailer', 'mailer-password-1');
  const html = await (await c.get('/studio/notices')).text();
  const td = html.match(new RegExp(`data-takedown="(\\d+)" data-work="${w.id}" data-status="active"`))[1];
  const csrf = await c.csrf(`/studio/notices/${td}/counter`);
  const res = await c.post(`/studio/notices/${td}/counter`, { csrf, name: '作者', contact: 'writer@example.cn', address: '上海',
    statement: '这是我的原创作品。', good_faith: '1', signature: '作者' });
  assert.equal(res.status, 303);
  assert.ok(await waitFor(mail, 2), 'the complainant got no mail');
  const m2 = decode(others()[1]);
  assert.equal(m2.to, 'zhao@example.cn');
  assert.match(m2.body, /这是我的原创作品/);
  // The sink has the message before the sender marks its row sent: wait for the row.
  const sent = () => siteSql(dataDir, "SELECT count(*) FROM outbox WHERE status = 'sent'").stdout.trim();
  for (let t0 = Date.now(); sent() !== String(sink.messages.length) && Date.now() - t0 < 10000;)
    await new Promise((r) => setTimeout(r, 100));
  assert.equal(sent(), String(sink.messages.length));
  assert.equal(others().length, 2);
});

test('a mail server that is down delays the mail, nothing else', async () => {
  assert.equal(hao(['set', 'smtp_url', 'smtp://127.0.0.1:9', '--data', dataDir]).status, 0);
  const token = await apiToken(srv.base, 'mailer', 'mailer-password-1');
  const h = { authorization: `Bearer ${token}` };
  const w = await (await fetch(srv.base + '/api/v1/articles', { method: 'POST', headers: h, body: JSON.stringify({ title: '另一篇', body: '正文二。' }) })).json();
  assert.equal((await fetch(`${srv.base}/api/v1/articles/${w.id}/publish`, { method: 'POST', headers: h })).status, 200);
  const res = await fetch(srv.base + '/api/v1/notices', {
    method: 'POST', body: JSON.stringify({ name: '钱七', contact: '电话 123', address: '深圳', urls: [`http://${host}/a/${w.id}`],
      right: '著作权', original: '原作', good_faith: true, signature: '钱七' }),
  });
  assert.equal(res.status, 201, 'the takedown itself goes through');
  assert.equal((await fetch(`${srv.base}/a/${w.id}`)).status, 451);
  let row = '';
  for (let i = 0; i < 100 && !/\|1\|/.test(row); i++) {
    await new Promise((r) => setTimeout(r, 50));
    row = siteSql(dataDir, "SELECT status, attempts, last_error FROM outbox WHERE status <> 'sent'").stdout.trim();
  }
  assert.match(row, /^queued\|1\|.+/, `retried later with the reason kept: ${row}`);
  assert.equal((await fetch(srv.base + '/healthz')).status, 200);
});
