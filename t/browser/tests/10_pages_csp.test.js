'use strict';
// The CSP header of the demo's pages' host, and pages that run under it without a violation;
// the language switch and 下载专区 of issue 12 section C.
const { describe, test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const d = require('../lib/demo');
const { demo, url, launch, newContext, newPage, shot, cspViolations, passwordLogin } = d;

const CSP = "default-src 'self'; script-src 'self'; style-src 'self'; connect-src 'self' http://127.0.0.1:* http://localhost:*; img-src 'self' data:; frame-ancestors 'none'; base-uri 'none'; form-action 'self' https:";
// every file's tests share this process's Chromium; the last one closes it
after(() => d.closeBrowser());

describe('pages and CSP', () => {
    let browser;
    before(async () => { browser = await launch(); });

    async function settle(page) {
        await page.waitForLoadState('networkidle');
    }

    test('every page, script and style sheet comes with the CSP header', async () => {
        const ctx = await newContext(browser);
        const page = await newPage(ctx);
        const seen = new Map();
        page.on('response', (r) => {
            // what the browser renders or runs; redirects and API answers need no policy
            if (r.url().startsWith(demo.base) && r.status() === 200 && !r.url().includes('/ca/')) {
                seen.set(r.url(), r.headers()['content-security-policy']);
            }
        });
        const visit = async (p) => {
            const res = await page.goto(url(p));
            assert.equal(res.status(), 200, `${p} (after redirects: ${page.url()})`);
            await settle(page);
        };
        for (const p of ['/login.html', '/login.html?tab=ca', '/downloads.html']) await visit(p);
        await passwordLogin(page, 'zhangsan');
        for (const p of ['/app/', '/ca-admin.html']) await visit(p);
        assert.ok(page.url().endsWith('/ca-admin.html'), `CA管理 after login: ${page.url()}`);
        const urls = [...seen.keys()];
        assert.ok(urls.some((u) => u.endsWith('.js')), `the pages load their scripts: ${urls.join(' ')}`);
        assert.ok(urls.some((u) => u.endsWith('/app/')), `应用中心 itself: ${urls.join(' ')}`);
        for (const [u, csp] of seen) assert.equal(csp, CSP, `Content-Security-Policy of ${u}`);
        await ctx.close();
    });

    test('the pages load and work with no CSP violation in the console', async () => {
        const ctx = await newContext(browser);
        const page = await newPage(ctx);
        const report = [];
        const check = async (what) => {
            await settle(page);
            const v = await cspViolations(page);
            if (v.length || page.zc.errors.length) report.push(`${what}: ${[...v, ...page.zc.errors].join(' | ')}`);
            page.zc.csp.length = 0; page.zc.errors.length = 0;
        };
        await page.goto(url('/login.html'));
        await check('login.html (账号登录)');
        await page.getByRole('tab', { name: 'CA登录' }).click();
        await check('login.html (CA登录)');
        await shot(page, 'login-ca');
        await page.goto(url('/downloads.html'));
        await check('downloads.html');
        await passwordLogin(page, 'zhangsan');
        await check('app/ (应用中心)');
        await page.getByRole('link', { name: 'CA管理' }).click();
        await page.getByRole('heading', { name: 'CA绑定与解绑' }).waitFor();
        await check('ca-admin.html');
        await page.getByRole('button', { name: '绑定 CA' }).click();
        await page.getByRole('dialog', { name: 'CA绑定' }).waitFor();
        await check('ca-admin.html, dialog CA绑定');
        assert.deepEqual(report, [], 'CSP violations or page errors');
        await ctx.close();
    });

    test('English and 中文: the switch, kept across pages in localStorage', async () => {
        const ctx = await newContext(browser);
        const page = await newPage(ctx);
        await page.goto(url('/login.html'));
        await page.getByRole('tab', { name: '账号登录' }).waitFor();
        await page.getByRole('button', { name: 'English' }).click();
        await page.getByRole('button', { name: '中文' }).waitFor();
        const saved = await page.evaluate(() => JSON.stringify(Object.assign({}, localStorage)));
        assert.match(saved, /en/, `the choice is in localStorage: ${saved}`);
        await page.goto(url('/downloads.html'));
        await page.getByRole('button', { name: '中文' }).waitFor();
        await shot(page, 'downloads-en');
        await page.getByRole('button', { name: '中文' }).click();
        await page.getByRole('heading', { name: '下载专区' }).waitFor();
        await page.reload();
        await page.getByRole('heading', { name: '下载专区' }).waitFor();
        await page.getByRole('button', { name: 'English' }).waitFor();
        await ctx.close();
    });

    test('下载专区: one row per provider with 立即下载 to its driver', async () => {
        const ctx = await newContext(browser);
        const page = await newPage(ctx);
        await page.goto(url('/downloads.html'));
        await page.getByRole('heading', { name: '下载专区' }).waitFor();
        await page.getByText('客户端&驱动下载').first().waitFor();
        const providers = await page.evaluate(async () => (await (await fetch('/ca/providers', { headers: { Accept: 'application/json' } })).json()).providers);
        for (const p of providers.filter((x) => x.driver_url)) {
            // the innermost row-like element with the provider's name and a 立即下载 link
            const row = page.locator('tr, li, [role=row], div, section, p')
                .filter({ hasText: `${p.name}驱动` }).filter({ has: page.getByRole('link', { name: '立即下载' }) }).last();
            const link = row.getByRole('link', { name: '立即下载' });
            assert.equal(await link.count(), 1, `one 立即下载 in the row of ${p.name}驱动`);
            assert.equal(await link.getAttribute('href'), p.driver_url, `立即下载 of ${p.name}驱动`);
        }
        await shot(page, 'downloads');
        await ctx.close();
    });
});
