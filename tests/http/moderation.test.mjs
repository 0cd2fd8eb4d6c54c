// Reader reports, the moderator queue, decisions with reasons, internal
// complaints decided by another moderator, repeat-infringer suspension,
// rate limits per address, and the operator settings page with /about.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { startServer, addUser, apiToken, tmpDir, Client, BIN, siteSql } from './harness.mjs';
import { midQuarter } from './clock.mjs';

// The transparency report counts the current period and rate limits count
// a window: pin the deadline clock well inside one period.
const clock = { HAO_FAKE_NOW: String(midQuarter()) };

let srv, dataDir, token, host;

before(async () => {
  dataDir = path.join(tmpDir(), 'data');
  addUser(dataDir, 'writer', 'creator', 'writer-password-1');
  addUser(dataDir, 'repeat', 'creator', 'repeat-password-1');
  addUser(dataDir, 'judge', 'moderator', 'judge-password-1');
  addUser(dataDir, 'second', 'moderator', 'second-password-1');
  addUser(dataDir, 'boss', 'admin', 'boss-password-1');
  // notice_mode immediate chosen explicitly (the default without SMTP is review).
  for (const [k, v] of [['strike_limit', '2'], ['notice_rate', '4'], ['report_rate', '6'], ['notice_mode', 'immediate']])
    assert.equal(spawnSync(BIN, ['set', k, v, '--data', dataDir]).status, 0);
  srv = await startServer({ dataDir, env: clock });
  host = new URL(srv.base).host;
  token = await apiToken(srv.base, 'writer', 'writer-password-1');
});
after(async () => { await srv?.stop(); });

async function publish(tok, title) {
  const h = { authorization: `Bearer ${tok}`, 'content-type': 'application/json' };
  const w = await (await fetch(srv.base + '/api/v1/articles', { method: 'POST', headers: h, body: JSON.stringify({ title, body: `${title}。` }) })).json();
  assert.equal((await fetch(`${srv.base}/api/v1/articles/${w.id}/publish`, { method: 'POST', headers: h })).status, 200);
  return w.id;
}

function report(body) {
  return fetch(srv.base + '/api/v1/reports', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
}

async function login(handle) {
  const c = new Client(srv.base);
  assert.equal((await c.login(handle, `${handle}-password-1`)).status, 303);
  return c;
}

async function decide(c, p, fields) {
  const csrf = await c.csrf(p);
  return c.post(p, { csrf, ...fields });
}

let wSpam, wIllegal, repSpam, repIllegal;
test('reports: bad input refused; receipts; the queue puts the most severe first', async () => {
  wSpam = await publish(token, '广告很多的一篇');
  wIllegal = await publish(token, '有问题的一篇');
  for (const [body, field] of [
    [{ ground: 'spam', explanation: 'x' }, 'work'],
    [{ work: wSpam, ground: 'boring', explanation: 'x' }, 'ground'],
    [{ work: wSpam, ground: 'spam', explanation: '  ' }, 'explanation'],
    [{ work: wSpam, ground: 'spam', explanation: 7 }, 'explanation'],
  ]) {
    const res = await report(body);
    assert.equal(res.status, 422, JSON.stringify(body));
    assert.equal((await res.json()).error.field, field);
  }
  assert.equal((await report({ work: '0123456789abcdef', ground: 'spam', explanation: 'x' })).status, 422);

  let res = await report({ work: wSpam, ground: 'spam', explanation: '全是广告链接' });
  assert.equal(res.status, 201);
  repSpam = await res.json();
  // The form way, with CSRF.
  const reader = new Client(srv.base);
  const page = await reader.get(`/report?work=${wIllegal}`);
  assert.equal(page.status, 200);
  let csrf = await reader.csrf(`/report?work=${wIllegal}`);
  res = await reader.post('/report', { csrf: 'b'.repeat(32), work: wIllegal, ground: 'illegal', explanation: '违法' });
  assert.equal(res.status, 403);
  res = await reader.post('/report', { csrf, work: wIllegal, ground: 'illegal', explanation: '宣传违法内容' });
  assert.equal(res.status, 303);
  const loc = res.headers.get('location');
  repIllegal = { id: Number(loc.match(/\/report\/(\d+)/)[1]), receipt: loc };
  const receipt = await (await reader.get(loc)).text();
  assert.match(receipt, /data-status="open"/);

  const mod = await login('judge');
  const q = await (await mod.get('/mod')).text();
  const iIllegal = q.indexOf(`data-report="${repIllegal.id}"`), iSpam = q.indexOf(`data-report="${repSpam.id}"`);
  assert.ok(iIllegal > 0 && iSpam > 0 && iIllegal < iSpam, 'illegal (newer) before spam (older)');
  // Anonymous and creators cannot see the queue.
  assert.equal((await fetch(`${srv.base}/mod`, { redirect: 'manual' })).status, 303);
  assert.equal((await (await login('writer')).get('/mod')).status, 403);
});

test('decisions carry a written reason; the reporter learns the outcome', async () => {
  const mod = await login('judge');
  const view = await (await mod.get(`/mod/reports/${repIllegal.id}`)).text();
  assert.ok(view.includes('有问题的一篇'), 'the work is shown');
  assert.ok(view.includes('earlier-reports'), 'earlier reports listed');
  let res = await decide(mod, `/mod/reports/${repIllegal.id}`, { decision: 'uphold' });
  assert.equal(res.status, 422);
  res = await decide(mod, `/mod/reports/${repIllegal.id}`, { decision: 'maybe', reason: 'x' });
  assert.equal(res.status, 422);
  res = await decide(mod, `/mod/reports/${repIllegal.id}`, { decision: 'uphold', reason: '含有违法信息。' });
  assert.equal(res.status, 303);
  assert.equal((await fetch(`${srv.base}/a/${wIllegal}`)).status, 451);
  res = await decide(mod, `/mod/reports/${repSpam.id}`, { decision: 'reject', reason: '没有发现广告。' });
  assert.equal(res.status, 303);
  assert.equal((await fetch(`${srv.base}/a/${wSpam}`)).status, 200);
  const r1 = await (await fetch(srv.base + repIllegal.receipt)).text();
  assert.match(r1, /data-status="upheld"/);
  assert.ok(r1.includes('含有违法信息。'));
  const r2 = await (await fetch(srv.base + repSpam.receipt)).text();
  assert.match(r2, /data-status="dismissed"/);
  // Reporting a removed work is answered, not queued.
  assert.equal((await report({ work: wIllegal, ground: 'spam', explanation: 'x' })).status, 409);
});

test('an internal complaint is decided by a different moderator', async () => {
  const writer = await login('writer');
  const list = await (await writer.get('/studio/notices')).text();
  const td = list.match(new RegExp(`data-takedown="(\\d+)" data-work="${wIllegal}" data-status="active"`))[1];
  assert.ok(!list.includes(`/studio/notices/${td}/counter`), 'no counter-notice for a report removal');
  let res = await decide(writer, `/studio/notices/${td}/complaint`, { text: '' });
  assert.equal(res.status, 422);
  res = await decide(writer, `/studio/notices/${td}/complaint`, { text: '这篇只是新闻转述,并不违法。' });
  assert.equal(res.status, 303);
  res = await decide(writer, `/studio/notices/${td}/complaint`, { text: '再来一次' });
  assert.equal(res.status, 409, 'once');

  const judge = await login('judge');
  const q = await (await judge.get('/mod')).text();
  const cid = q.match(/data-complaint="(\d+)"/)[1];
  res = await decide(judge, `/mod/complaints/${cid}`, { decision: 'uphold', reason: '我自己改判' });
  assert.equal(res.status, 403, 'the deciding moderator may not judge the complaint');
  assert.ok((await res.text()).includes('我自己改判'), 'the refusal keeps the typed reason');
  assert.equal((await fetch(`${srv.base}/a/${wIllegal}`)).status, 451);
  const second = await login('second');
  res = await decide(second, `/mod/complaints/${cid}`, { decision: 'uphold', reason: '确属新闻转述。' });
  assert.equal(res.status, 303);
  assert.equal((await fetch(`${srv.base}/a/${wIllegal}`)).status, 200);
  const after = await (await writer.get('/studio/notices')).text();
  assert.ok(after.includes('确属新闻转述。'), 'the creator sees the outcome');
});

test('repeat infringer: strike_limit upheld notices suspend the account', async () => {
  const rtoken = await apiToken(srv.base, 'repeat', 'repeat-password-1');
  const a = await publish(rtoken, '抄来的一');
  const b = await publish(rtoken, '抄来的二');
  const send = (id, contact) => fetch(srv.base + '/api/v1/notices', {
    method: 'POST', headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ name: 'R', contact, address: 'A', urls: [`/a/${id}`], right: '著作权', original: 'O', good_faith: true, signature: 'R' }),
  });
  assert.equal((await send(a, 'r1@example.cn')).status, 201);
  assert.equal((await fetch(`${srv.base}/api/v1/articles?author=repeat`, { headers: { authorization: `Bearer ${rtoken}` } })).status, 200);
  assert.equal((await send(b, 'r2@example.cn')).status, 201);
  // Suspended: told why, but only with the right password; the token no longer works.
  let res = await fetch(srv.base + '/api/v1/tokens', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ handle: 'repeat', password: 'repeat-password-1' }) });
  assert.equal(res.status, 403);
  const j = await res.json();
  assert.equal(j.error.code, 'suspended');
  assert.match(j.error.message, /repeat infringer: 2 upheld notices/);
  res = await fetch(srv.base + '/api/v1/tokens', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ handle: 'repeat', password: 'wrong-password-1' }) });
  assert.equal(res.status, 401);
  assert.doesNotMatch(await res.text(), /suspend/);
  assert.equal((await fetch(`${srv.base}/api/v1/articles`, { method: 'POST', headers: { authorization: `Bearer ${rtoken}`, 'content-type': 'application/json' }, body: '{}' })).status, 401);
  const html = await (await fetch(`${srv.base}/transparency`)).text();
  assert.match(html, /data-key="suspensions"><th[^>]*>[^<]*<\/th><td class="num">1</);
});

test('rate limits per address: notices and reports answer 429 past the setting', async () => {
  const [id1, id2, id3] = [await publish(token, '被投诉一'), await publish(token, '被投诉二'), await publish(token, '被投诉三')];
  const send = (id, contact) => fetch(srv.base + '/api/v1/notices', {
    method: 'POST', headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ name: 'N', contact, address: 'A', urls: [`/a/${id}`], right: 'R', original: 'O', good_faith: true, signature: 'N' }),
  });
  // Two notices were stored from this address already (strike test); the limit is 4.
  // Refused notices are not counted.
  assert.equal((await send(id1, 'n1@example.cn')).status, 201);
  assert.equal((await send(id1, 'n2@example.cn')).status, 409);
  assert.equal((await send(id2, 'n3@example.cn')).status, 201);
  const limited = await send(id3, 'n4@example.cn');
  assert.equal(limited.status, 429);
  assert.equal((await limited.json()).error.code, 'rate_limited');
  assert.ok(limited.headers.get('retry-after'));
  assert.equal((await fetch(`${srv.base}/a/${id3}`)).status, 200, 'not acted on');
  // Reports: 2 stored so far from this address, limit 6.
  const codes = [];
  for (let i = 0; i < 5; i++) codes.push((await report({ work: id3, ground: 'spam', explanation: `第${i}次` })).status);
  assert.deepEqual(codes, [201, 201, 201, 201, 429]);
});

test('review before publish: drafts wait in /mod until a moderator publishes them', async () => {
  addUser(dataDir, 'newbie', 'creator', 'newbie-password-1');
  const boss = await login('boss');
  assert.equal((await decide(boss, '/admin/settings', { review_before_publish: 'on' })).status, 303);
  const tok = await apiToken(srv.base, 'newbie', 'newbie-password-1');
  const h = { authorization: `Bearer ${tok}`, 'content-type': 'application/json' };
  const mk = async (title) => (await (await fetch(srv.base + '/api/v1/articles', { method: 'POST', headers: h, body: JSON.stringify({ title, body: `${title}。` }) })).json()).id;
  const good = await mk('等待审核的一篇'), bad = await mk('不会通过的一篇');
  for (const id of [good, bad]) {
    const res = await fetch(`${srv.base}/api/v1/articles/${id}/publish`, { method: 'POST', headers: h });
    assert.equal(res.status, 202);
    assert.equal((await res.json()).status, 'draft');
    assert.equal((await fetch(`${srv.base}/a/${id}`)).status, 404, 'not public yet');
  }
  // The studio form path is held too.
  const newbie = await login('newbie');
  const csrf = await newbie.csrf(`/studio/${good}`);
  let res = await newbie.post(`/studio/${good}`, { csrf, title: '等待审核的一篇', body: '等待审核的一篇。', declaration: 'none', tags: '', action: 'publish' });
  assert.equal(res.status, 303);
  assert.equal(res.headers.get('location'), '/studio/notices?review=1');
  const mod = await login('judge');
  const q = await (await mod.get('/mod')).text();
  assert.ok(q.includes(`data-review="${good}"`) && q.includes(`data-review="${bad}"`));
  res = await decide(mod, `/mod/reviews/${good}`, { decision: 'uphold', reason: '没有问题。' });
  assert.equal(res.status, 303);
  assert.equal((await fetch(`${srv.base}/a/${good}`)).status, 200);
  res = await decide(mod, `/mod/reviews/${bad}`, { decision: 'reject', reason: '标题党。' });
  assert.equal(res.status, 303);
  assert.equal((await fetch(`${srv.base}/a/${bad}`)).status, 404);
  const mine = await (await newbie.get('/studio/notices')).text();
  assert.match(mine, new RegExp(`data-review="${bad}" data-status="rejected"`));
  assert.ok(mine.includes('标题党。'));
  // Approving a work that cannot be published (its body was emptied meanwhile) publishes nothing
  // and leaves the review pending, not "approved" for a draft.
  const empty = await mk('后来被清空的一篇');
  assert.equal((await fetch(`${srv.base}/api/v1/articles/${empty}/publish`, { method: 'POST', headers: h })).status, 202);
  assert.equal((await fetch(`${srv.base}/api/v1/articles/${empty}`, { method: 'PUT', headers: h, body: JSON.stringify({ body: '' }) })).status, 200);
  res = await decide(mod, `/mod/reviews/${empty}`, { decision: 'uphold', reason: '没有问题。' });
  assert.equal(res.status, 422);
  assert.equal((await fetch(`${srv.base}/a/${empty}`)).status, 404);
  assert.ok((await (await mod.get('/mod')).text()).includes(`data-review="${empty}"`), 'still waiting');
  assert.equal((await decide(boss, '/admin/settings', { review_before_publish: 'off' })).status, 303);
});

test('operator settings: admin only, validated, audited, shown on /about and in the footer', async () => {
  assert.equal((await (await login('judge')).get('/admin/settings')).status, 403);
  const boss = await login('boss');
  const page = await boss.get('/admin/settings');
  assert.equal(page.status, 200);
  let res = await decide(boss, '/admin/settings', { notice_mode: 'whenever', operator_name: '好运营有限公司' });
  assert.equal(res.status, 422);
  assert.ok(!(await (await fetch(`${srv.base}/about`)).text()).includes('好运营有限公司'), 'nothing saved');
  res = await boss.post('/admin/settings', { csrf: 'c'.repeat(32), operator_name: 'x' });
  assert.equal(res.status, 403, 'forged token');
  // Warm the cache, then change: the about page must follow at once.
  await fetch(`${srv.base}/about`);
  res = await decide(boss, '/admin/settings', {
    operator_name: '好运营有限公司', operator_contact: 'legal@example.cn', operator_address: '杭州市西湖区',
    notice_contact: '法务部 notices@example.cn', site_name: '好号',
  });
  assert.equal(res.status, 303);
  const about = await (await fetch(`${srv.base}/about`)).text();
  for (const s of ['好运营有限公司', 'legal@example.cn', '杭州市西湖区', 'notices@example.cn']) assert.ok(about.includes(s), s);
  assert.match(about, /<title>[^<]*好号<\/title>/, 'site name changes without a restart');
  assert.ok((await (await fetch(`${srv.base}/notice`)).text()).includes('notices@example.cn'), 'the notice form names the designated contact');
  const audit = await boss.get('/admin/audit');
  assert.equal(audit.status, 200);
  const at = await audit.text();
  assert.ok(at.includes('data-action="setting.set"') && at.includes('@boss') && at.includes('修改站点设置'),
    'the admin can read the audit log, in words');
  assert.equal((await (await login('judge')).get('/admin/audit')).status, 403);
  const home = await (await fetch(`${srv.base}/`)).text();
  assert.ok(home.includes('href="/about"') && home.includes('href="/notice"'), 'footer links');
  await srv.stop();
  const r = spawnSync(BIN, ['check', '--data', dataDir], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  const log = siteSql(dataDir, "SELECT actor || ' ' || subject FROM audit_log WHERE action = 'setting.set'").stdout;
  assert.match(log, /user:boss operator_name/);
  assert.match(log, /cli strike_limit/);
  srv = await startServer({ dataDir, env: clock });
  assert.doesNotMatch(srv.stdout, /operator identity on \/about is incomplete/);
});
