// Passkeys in a real browser: Chromium's own WebAuthn code talks to its
// virtual authenticator (the DevTools protocol's WebAuthn domain: a CTAP2
// platform authenticator with resident keys and user verification), so the
// credentials, CBOR and signatures are Chromium's, not the test's.
//
// On the account's security pages a person turns on TOTP, adds a passkey
// (named), signs out and signs in with the passkey alone: no TOTP code is
// asked, the session works, and the signature counter hao keeps moves with
// the authenticator's. A device that cannot verify its user, a key added
// twice, a key removed from the site and a key gone from the device each
// give a clear message and no session. Renaming and removing the key.
//
// WebAuthn needs a secure context and a domain as RP ID (not an address),
// so the browser reaches the server as http://localhost:PORT; hao takes the
// origin and RP ID from the Host (no base_url is set).
// Chromium comes from the system (/usr/bin/chromium); nothing is downloaded.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chromium } from 'playwright-core';
import { startServer, addUser, siteSql } from '../http/harness.mjs';
import { assertAccessible, VIEWPORTS } from './a11y.mjs';

const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
  '--disable-component-update', '--no-first-run', '--disable-sync'];
// The page's words (zh-CN), from src/core/i18n.c.
const SAID = {
  added: '通行密钥已添加。',
  notAllowed: /^没有用上通行密钥:.*没有任何改变。$/,
  exists: '这台设备上已经有这个账号的通行密钥了。',
  unknown: /^本站没有这个通行密钥\(可能已经移除\)。/,
};

let srv, browser, base;

before(async () => {
  srv = await startServer();
  addUser(srv.dataDir, 'kim', 'creator', 'kim-password-1', '金');
  addUser(srv.dataDir, 'lee', 'creator', 'lee-password-1', '李');
  base = `http://localhost:${srv.port}`;
  browser = await chromium.launch({ executablePath: process.env.CHROMIUM || '/usr/bin/chromium', args: CHROMIUM_ARGS });
});
after(async () => {
  await browser?.close();
  await srv?.stop();
});

function sql(q) {
  const r = siteSql(srv.dataDir, q);
  assert.equal(r.status, 0, r.stderr);
  return r.stdout.trim();
}

// The current TOTP code for a base32 secret, from oathtool (not hao's code).
function totp(secret) {
  const r = spawnSync('oathtool', ['--totp', '-b', secret], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  return r.stdout.trim();
}

for (const [size, vp] of Object.entries(VIEWPORTS)) {
  const who = size === 'desktop' ? 'kim' : 'lee';
  const keyName = size === 'desktop' ? '书房的笔记本' : '我的手机';
  test(`a passkey through the pages (${size}): add, sign in alone with TOTP on, refusals, rename, remove`, async () => {
    const ctx = await browser.newContext({ locale: 'zh-CN', ...vp });
    const page = await ctx.newPage();
    const problems = [], asked = [];
    page.on('response', (r) => { if (r.status() >= 500) problems.push(`${r.status()} ${r.url()}`); });
    page.on('pageerror', (e) => problems.push(String(e)));
    page.on('request', (r) => asked.push(new URL(r.url()).pathname));

    const cdp = await ctx.newCDPSession(page);
    await cdp.send('WebAuthn.enable', { enableUI: false });
    const { authenticatorId } = await cdp.send('WebAuthn.addVirtualAuthenticator', {
      options: { protocol: 'ctap2', transport: 'internal', hasResidentKey: true, hasUserVerification: true, isUserVerified: true },
    });
    const deviceCount = async () => {
      const { credentials } = await cdp.send('WebAuthn.getCredentials', { authenticatorId });
      assert.equal(credentials.length, 1);
      return credentials[0].signCount;
    };
    const serverCount = () => Number(sql(`SELECT p.sign_count FROM passkeys p JOIN users u ON u.id = p.user_id WHERE u.handle = '${who}'`));
    const signedIn = async () => (await ctx.cookies(base)).some((c) => c.name === 'hao_session' && c.value);
    // axe on every page and state shown, once each (a page seen again in
    // the same state is not checked again: the file stays fast).
    const checked = new Set();
    const check = async (what) => {
      if (checked.has(what)) return;
      checked.add(what);
      await assertAccessible(page, `${what} (${size})`);
    };
    const visit = async (path, what) => {
      const res = await page.goto(base + path);
      assert.equal(res.status(), 200, path);
      await check(what);
    };
    const status = page.locator('#passkey-status');
    const signOut = async () => {
      await Promise.all([page.waitForURL((u) => u.pathname === '/'), page.locator('header.site form[action="/logout"] button').click()]);
      assert.equal(await signedIn(), false);
    };
    // From the sign-in page's link to the passkey page, and its button.
    const passkeySignIn = async () => {
      await visit('/login', 'the sign-in page');
      await Promise.all([page.waitForURL(/\/login\/passkey/), page.getByRole('link', { name: '用通行密钥登录' }).click()]);
      await check('the passkey sign-in page');
      await page.getByRole('button', { name: '用通行密钥登录' }).click();
    };

    // Password sign-in, then TOTP on through the 2FA page.
    await visit('/login', 'the sign-in page');
    await page.getByLabel('用户名', { exact: true }).fill(who);
    await page.getByLabel('密码', { exact: true }).fill(`${who}-password-1`);
    await Promise.all([page.waitForURL((u) => !u.pathname.startsWith('/login')), page.locator('main form button[type=submit]').first().click()]);
    await visit('/account/security/2fa', 'the two-factor page');
    await Promise.all([page.waitForLoadState('load'), page.getByRole('button', { name: '开始设置' }).click()]);
    await check('the two-factor set-up');
    const secret = (await page.locator('#totp-secret').innerText()).trim();
    await page.getByLabel('验证码(6 位数字)').fill(totp(secret));
    await Promise.all([page.waitForLoadState('load'), page.getByRole('button', { name: '确认并开启' }).click()]);
    assert.equal(await page.locator('#recovery-codes li').count(), 10, 'TOTP is on');
    await check('the two-factor page with recovery codes');

    // Add a passkey with a name: the browser makes it, hao lists it.
    await visit('/account/security/passkeys', 'the passkeys page');
    assert.equal(await page.locator('main table tbody tr').count(), 0);
    const add = page.locator('form#passkey-add');
    await add.getByLabel('名称').fill(keyName);
    await Promise.all([page.waitForURL(/\/account\/security\/passkeys\?added=1$/), add.getByRole('button', { name: '添加通行密钥' }).click()]);
    assert.equal(await page.locator('main .notice-ok').innerText(), SAID.added);
    const rows = page.locator('main table tbody tr');
    assert.equal(await rows.count(), 1);
    assert.equal(await rows.first().locator('input[name=name]').inputValue(), keyName);
    await check('the passkeys page with a key');
    assert.equal(serverCount(), await deviceCount(), 'hao keeps the counter the device reported');

    // The same device again: the browser refuses (excludeCredentials), the page says so, nothing is added.
    await add.getByLabel('名称').fill('再来一次');
    await add.getByRole('button', { name: '添加通行密钥' }).click();
    await assert.doesNotReject(status.filter({ hasText: SAID.exists }).waitFor({ timeout: 10000 }), 'a clear message');
    assert.equal(sql(`SELECT count(*) FROM passkeys p JOIN users u ON u.id = p.user_id WHERE u.handle = '${who}'`), '1');
    await check('the passkeys page with a key and a message');

    // A security key that keeps no discoverable credential and cannot verify
    // its user could never sign in alone: hao asks the browser for both, the
    // browser refuses such a key, the page says so, nothing is added. (Its
    // own tab: a virtual authenticator belongs to one.)
    if (size === 'desktop') {
      const tab = await ctx.newPage();
      const tabCdp = await ctx.newCDPSession(tab);
      await tabCdp.send('WebAuthn.enable', { enableUI: false });
      await tabCdp.send('WebAuthn.addVirtualAuthenticator', {
        options: { protocol: 'ctap2', transport: 'usb', hasResidentKey: false, hasUserVerification: false },
      });
      await tab.goto(`${base}/account/security/passkeys`);
      await tab.locator('form#passkey-add').getByLabel('名称').fill('旧的安全密钥');
      await tab.locator('form#passkey-add').getByRole('button', { name: '添加通行密钥' }).click();
      await assert.doesNotReject(tab.locator('#passkey-status').filter({ hasText: SAID.notAllowed }).waitFor({ timeout: 10000 }), 'a clear message');
      assert.equal(sql(`SELECT count(*) FROM passkeys p JOIN users u ON u.id = p.user_id WHERE u.handle = '${who}'`), '1');
      await tab.close();
    }

    // Sign out; the passkey alone signs in: no password, no TOTP code.
    await signOut();
    // Signed in by the passkey alone, with the counter hao keeps moving
    // forward with the device's (the button's page is already open).
    const signedInByPasskey = async (before) => {
      await page.waitForURL((u) => u.pathname === '/studio');
      assert.ok(!asked.includes('/login/2fa'), 'no TOTP asked');
      assert.ok(await signedIn());
      const after = serverCount();
      assert.ok(after > before, `the counter moves forward (${before} -> ${after})`);
      assert.equal(after, await deviceCount());
    };
    asked.length = 0;
    let counted = serverCount();
    await passkeySignIn();
    await signedInByPasskey(counted);
    await check('the studio after a passkey sign-in');
    // The session works: an account page that needs it, listing itself.
    await visit('/account/security/sessions', 'the sessions page');
    assert.equal(await page.locator('main table tbody tr').count(), 1, 'this session (signing out ended the other)');
    await signOut();

    // The device cannot verify its user: the browser gives nothing, the page says so, no session, counter unchanged.
    await cdp.send('WebAuthn.setUserVerified', { authenticatorId, isUserVerified: false });
    counted = serverCount();
    await passkeySignIn();
    await assert.doesNotReject(status.filter({ hasText: SAID.notAllowed }).waitFor({ timeout: 10000 }), 'a clear message');
    assert.equal(new URL(page.url()).pathname, '/login/passkey');
    assert.equal(await signedIn(), false);
    assert.equal(serverCount(), counted);
    await check('the passkey sign-in page with a message');
    await cdp.send('WebAuthn.setUserVerified', { authenticatorId, isUserVerified: true });

    // Verified, the same button signs in (again no TOTP; the counter moves
    // again); rename the key, then remove it.
    asked.length = 0;
    await page.getByRole('button', { name: '用通行密钥登录' }).click();
    await signedInByPasskey(counted);
    await visit('/account/security/passkeys', 'the passkeys page with a key');
    const renamed = `${keyName}(旧)`;
    const name = page.locator('main table tbody tr input[name=name]');
    await name.fill(renamed);
    await Promise.all([page.waitForLoadState('load'), page.locator('main table tbody tr').getByRole('button', { name: '改名' }).click()]);
    assert.equal(await page.locator('main .notice-ok').innerText(), '已保存。');
    assert.equal(await page.locator('main table tbody tr input[name=name]').inputValue(), renamed);
    await check('the passkeys page with a key');
    await Promise.all([page.waitForLoadState('load'), page.locator('main table tbody tr').getByRole('button', { name: '移除' }).click()]);
    assert.equal(await page.locator('main .notice-ok').innerText(), '通行密钥已移除。');
    assert.equal(await page.locator('main table tbody tr').count(), 0);
    await check('the passkeys page, emptied');
    await signOut();

    // The device still holds the key, the site does not: a clear message, no session.
    await passkeySignIn();
    await assert.doesNotReject(status.filter({ hasText: SAID.unknown }).waitFor({ timeout: 10000 }), 'a clear message');
    assert.equal(await signedIn(), false);
    await check('the passkey sign-in page with a message');

    // And once the device has lost it too: the browser finds no passkey for this site.
    const { credentials } = await cdp.send('WebAuthn.getCredentials', { authenticatorId });
    await cdp.send('WebAuthn.removeCredential', { authenticatorId, credentialId: credentials[0].credentialId });
    await page.reload();
    await page.getByRole('button', { name: '用通行密钥登录' }).click();
    await assert.doesNotReject(status.filter({ hasText: SAID.notAllowed }).waitFor({ timeout: 10000 }), 'a clear message');
    assert.equal(await signedIn(), false);

    assert.deepEqual(problems, []);
    await ctx.close();
  });
}
