'use strict';
// Shared helpers of the browser tests: the running demo (scripts/demo --serve FILE, named by
// $ZCYCA_DEMO_SERVE), headless Chromium from Debian through playwright-core, screenshots, and the
// user's steps on the pages, found by their visible labels (docs/pages.md, issue 12 section C).
const fs = require('node:fs');
const path = require('node:path');
const assert = require('node:assert/strict');
const { chromium } = require('playwright-core');

const serveFile = process.env.ZCYCA_DEMO_SERVE;
if (!serveFile) throw new Error('ZCYCA_DEMO_SERVE is not set: start `scripts/demo --serve FILE` (or use t/browser/run)');
const demo = JSON.parse(fs.readFileSync(serveFile, 'utf8'));
const shotDir = path.join(__dirname, '..', 'screenshots');
fs.mkdirSync(shotDir, { recursive: true });
const CHROMIUM = process.env.ZCYCA_CHROMIUM || '/usr/lib/chromium/chromium';

// Waits are short: everything runs on loopback, and a stuck page should fail fast.
const TIMEOUT = 10000;

// One Chromium per test process (t/browser/all.js runs every file in one process): a launch
// and a logged-in API context cost seconds on a busy machine.  closeBrowser() at the very end.
let shared = null;
function launch() {
    shared ||= chromium.launch({
        executablePath: CHROMIUM,
        headless: true,
        args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'],
    });
    return shared;
}

async function closeBrowser() {
    if (!shared) return;
    const b = await shared;
    shared = null;
    await b.close();
}

// A fresh profile (cookies, localStorage) per context; every page in it records its console
// errors and CSP violations (page.zc.csp, page.zc.console) for the tests to check.
async function newContext(browser, options = {}) {
    const ctx = await browser.newContext({
        ignoreHTTPSErrors: true,
        locale: 'zh-CN',
        timezoneId: 'Asia/Shanghai',
        viewport: { width: 1280, height: 1000 },
        ...options,
    });
    ctx.setDefaultTimeout(TIMEOUT);
    ctx.setDefaultNavigationTimeout(TIMEOUT);
    await ctx.addInitScript(() => {
        window.__zcCsp = [];
        document.addEventListener('securitypolicyviolation', (e) => {
            window.__zcCsp.push(`${e.violatedDirective} blocked ${e.blockedURI || 'inline'} (${e.sourceFile || ''}:${e.lineNumber || ''})`);
        });
    });
    ctx.on('page', watchPage);
    return ctx;
}

function watchPage(page) {
    page.zc = { console: [], csp: [], errors: [] };
    page.on('console', (m) => {
        const t = m.text();
        if (m.type() === 'error') page.zc.console.push(t);
        if (/Content Security Policy/i.test(t)) page.zc.csp.push(t);
    });
    page.on('pageerror', (e) => page.zc.errors.push(String(e)));
}

async function newPage(ctx) {
    const page = await ctx.newPage();
    if (!page.zc) watchPage(page);
    return page;
}

// CSP violations seen by the page itself (the event) and by the console.
async function cspViolations(page) {
    let fromEvent = [];
    try { fromEvent = await page.evaluate(() => window.__zcCsp || []); } catch { /* navigating */ }
    return [...new Set([...fromEvent, ...page.zc.csp])];
}

// The viewport only (a full-page capture costs twice the time); the pages fit in 1280x1000.
async function shot(page, name) {
    await page.screenshot({ path: path.join(shotDir, `${name}.png`), animations: 'disabled', caret: 'hide' });
}

// ---- what a user does on the pages --------------------------------------------------------------

const url = (p) => demo.base + p;

async function gotoLogin(page, tab) {
    await page.goto(url('/login.html'));
    await page.getByRole('tab', { name: tab }).click();
    await assert.doesNotReject(page.getByRole('tab', { name: tab, selected: true }).waitFor());
}

async function passwordLogin(page, login, password = demo.password) {
    await gotoLogin(page, '账号登录');
    await page.getByLabel('账号', { exact: true }).fill(login);
    await page.getByLabel('密码', { exact: true }).fill(password);
    await page.getByRole('button', { name: '登录', exact: true }).click();
    await page.waitForURL(/\/app\/(index\.html)?$/);
    await page.getByRole('heading', { name: '应用中心' }).waitFor();
}

// The option of a 证书 select that stands for this key of the CA lock (its label, CN or id).
async function certOption(select, key) {
    const want = [key.label, key.cn, key.cert_id].filter(Boolean);
    let texts = [];
    const deadline = Date.now() + TIMEOUT;
    while (Date.now() < deadline) {
        texts = await select.locator('option').allTextContents();
        const hit = texts.find((t) => want.some((w) => t.includes(w)));
        if (hit) return hit;
        await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`no 证书 option for ${want.join(' / ')}; options: ${JSON.stringify(texts)}`);
}

async function chooseCert(select, key) {
    await select.selectOption({ label: await certOption(select, key) });
}

// CA登录 through the driver: provider, certificate, PIN, "检测 CA 并登录".
async function fillCaLogin(page, { provider, key, pin = demo.pin }) {
    await gotoLogin(page, 'CA登录');
    await page.getByLabel('CA服务商').selectOption({ label: demo.providers[provider] });
    if (key) await chooseCert(page.getByLabel('证书', { exact: true }), key);
    await page.getByLabel('PIN码').fill(pin);
}

async function caLogin(page, opts) {
    await fillCaLogin(page, opts);
    await page.getByRole('button', { name: '检测 CA 并登录' }).click();
}

async function expectAppCentre(page, login) {
    await page.waitForURL(/\/app\/(index\.html)?$/);
    await page.getByRole('heading', { name: '应用中心' }).waitFor();
    const acct = demo.accounts[login];
    await page.getByText(login).first().waitFor();
    await page.getByText(acct.name).first().waitFor();
}

// Polls fn() until it returns a truthy value (or throws the last reason after `ms`).
async function until(fn, what, ms = TIMEOUT) {
    const deadline = Date.now() + ms;
    let last;
    for (;;) {
        try { last = await fn(); if (last) return last; } catch (e) { last = e; }
        if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}${last ? `: ${last}` : ''}`);
        await new Promise((r) => setTimeout(r, 100));
    }
}

// CA管理: the table's binding rows (each has its 解除绑定), and their texts.
function dataRows(page) {
    return page.getByRole('table').getByRole('row').filter({ has: page.getByRole('button', { name: '解除绑定' }) });
}

// The table has loaded: no 正在加载… row, and bindings or the empty note.
async function tableLoaded(page) {
    const table = page.getByRole('table');
    await until(async () => (await table.getByText('正在加载…').count()) === 0
        && ((await dataRows(page).count()) > 0 || (await table.getByText('暂无绑定记录').count()) > 0), 'the CA管理 table');
}

async function rowTexts(page) {
    return (await dataRows(page).allInnerTexts()).map((t) => t.replace(/\s+/g, ' ').trim());
}

async function openCaAdmin(page) {
    await page.getByRole('link', { name: 'CA管理' }).click();
    await page.waitForURL(/\/ca-admin\.html/);
    await page.getByRole('heading', { name: 'CA绑定与解绑' }).waitFor();
    await tableLoaded(page);
}

// 绑定 CA › dialog CA绑定: 姓名, CA服务商, 证书, PIN码, 确定.  Returns the dialog.
async function fillBindDialog(page, { account, provider, key, pin = demo.pin }) {
    await page.getByRole('button', { name: '绑定 CA' }).click();
    const dialog = page.getByRole('dialog', { name: 'CA绑定' });
    await dialog.waitFor();
    const name = demo.accounts[account].name;
    await dialog.getByLabel('姓名').selectOption({ label: `${name}（${account}）` });
    await dialog.getByLabel('CA服务商').selectOption({ label: demo.providers[provider] });
    await chooseCert(dialog.getByLabel('证书', { exact: true }), key);
    await dialog.getByLabel('PIN码').fill(pin);
    return dialog;
}

// Waits until the table has `count` data rows; returns their texts.
async function waitRows(page, count) {
    let texts = [];
    const deadline = Date.now() + TIMEOUT;
    while (Date.now() < deadline) {
        texts = await rowTexts(page);
        if (texts.length === count) return texts;
        await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`CA管理 shows ${texts.length} rows, expected ${count}: ${JSON.stringify(texts)}`);
}

// ---- state set-up through the real API (not what the tests check) -------------------------------
// These run inside a page of the demo's origin, so the browser sends Origin and cookies as the
// pages do, and they reach the agent the way the pages' adapter does (protocol B).

async function apiSession(ctx, login) {
    const page = await newPage(ctx);
    await page.goto(url('/login.html'));
    const r = await page.evaluate(async ({ login, password }) => {
        const res = await fetch('/ca/password-login', {
            method: 'POST',
            headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
            body: JSON.stringify({ login, password }),
        });
        return { status: res.status, body: await res.text() };
    }, { login, password: demo.password });
    assert.equal(r.status, 200, `password login ${login}: ${r.body}`);
    return page;
}

async function apiBindings(page) {
    return page.evaluate(async () => {
        const all = [];
        let after = null;
        for (;;) {
            const res = await fetch(`/ca/bindings?limit=100${after ? `&after=${after}` : ''}`, { headers: { Accept: 'application/json' } });
            if (res.status !== 200) throw new Error(`GET /ca/bindings: ${res.status} ${await res.text()}`);
            const b = await res.json();
            all.push(...b.bindings);
            if (!b.next) return all;
            after = b.next;
        }
    });
}

async function apiBind(page, account, key) {
    return page.evaluate(async ({ agent, account, key, pin }) => {
        const post = async (u, body) => {
            const res = await fetch(u, {
                method: 'POST',
                headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
                body: JSON.stringify(body),
            });
            return { status: res.status, body: await res.json() };
        };
        const ag = async (body) => (await fetch(agent, {
            method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body),
        })).json();
        const ch = await post('/ca/challenge', { purpose: 'bind', provider: key.provider, account });
        if (ch.status !== 200) return ch;
        const cert = await ag({ function: 'SOF_ExportUserCert', cert_id: key.cert_id });
        const li = await ag({ function: 'SOF_Login', cert_id: key.cert_id, pin });
        if (li.code !== 0) return { status: 0, body: li };
        const sig = await ag({ function: 'SOF_SignData', cert_id: key.cert_id, data: ch.body.tbs });
        if (sig.code !== 0) return { status: 0, body: sig };
        return post('/ca/bindings', {
            account, provider: key.provider, challenge_id: ch.body.challenge_id, nonce: ch.body.nonce,
            certificate: cert.data.certificate, signature: sig.data.signature, algorithm: sig.data.algorithm,
        });
    }, { agent: demo.agent, account, key, pin: demo.pin });
}

async function apiUnbindKey(page, key) {
    const gone = [];
    for (const b of await apiBindings(page)) {
        if (b.key_id !== key.key_id || b.provider.id !== key.provider) continue;
        const st = await page.evaluate(async (id) => (await fetch(`/ca/bindings/${id}`, {
            method: 'DELETE', headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
        })).status, b.id);
        assert.equal(st, 204, `DELETE /ca/bindings/${b.id}`);
        gone.push(b.id);
    }
    return gone;
}

// One API session per test process for set-up and checks: zhangsan, the org admin of org 1,
// which holds every account the token's keys are for.
const adminPages = new WeakMap();
async function adminApi(browser) {
    if (!adminPages.has(browser)) adminPages.set(browser, apiSession(await newContext(browser), 'zhangsan'));
    return adminPages.get(browser);
}

// Make the key of the CA lock bound to the account, or to nobody (account null).
async function setBound(browser, key, account) {
    {
        const page = await adminApi(browser);
        const now = (await apiBindings(page)).filter((b) => b.key_id === key.key_id && b.provider.id === key.provider);
        if (account && now.length === 1 && now[0].account.login === account) return;
        if (now.length) await apiUnbindKey(page, key);
        if (account) {
            const r = await apiBind(page, account, key);
            assert.ok(r.status === 201 || r.status === 200, `bind ${key.label} to ${account}: ${JSON.stringify(r)}`);
        }
    }
}

// Requests the page makes, with their bodies: [{method, url, origin, postData}]
function recordRequests(page) {
    const seen = [];
    page.on('request', (req) => {
        let origin = '';
        try { origin = new URL(req.url()).origin; } catch { /* data: etc. */ }
        seen.push({ method: req.method(), url: req.url(), origin, postData: req.postData() || '', headers: req.headers() });
    });
    return seen;
}

const serverOrigins = [demo.base, demo.tls_base];
const isServer = (r) => serverOrigins.includes(r.origin);

// 确定 in the CA绑定 dialog, then the one row it added to the table (before: the rows' texts
// before the bind): { row, text, cells } with the five cells' texts.
async function confirmBind(page, dialog, before) {
    await dialog.getByRole('button', { name: '确定' }).click();
    await dialog.waitFor({ state: 'hidden' });
    const rows = await waitRows(page, before.length + 1);
    const added = rows.filter((t) => !before.includes(t));
    assert.equal(added.length, 1, `one new row: ${JSON.stringify(rows)}`);
    const row = dataRows(page).nth(rows.indexOf(added[0]));
    const cells = (await row.getByRole('cell').allInnerTexts()).map((t) => t.replace(/\s+/g, ' ').trim());
    return { row, text: added[0], cells };
}

module.exports = {
    demo, url, launch, closeBrowser, newContext, newPage, shot, cspViolations,
    gotoLogin, passwordLogin, fillCaLogin, caLogin, chooseCert, certOption, expectAppCentre,
    until, dataRows, tableLoaded, rowTexts, openCaAdmin, fillBindDialog, waitRows, confirmBind,
    apiSession, adminApi, apiBindings, apiBind, apiUnbindKey, setBound, recordRequests, isServer, TIMEOUT,
};
