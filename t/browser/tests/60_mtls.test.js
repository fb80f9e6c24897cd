'use strict';
// "使用浏览器证书登录": the form posts to the mutual-TLS login host (P+1), where the browser
// presents the key's certificate (Playwright clientCertificates stand in for the certificate
// store), and lands in 应用中心 on the pages' host.
const { describe, test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const d = require('../lib/demo');
const { demo } = d;

// every file's tests share this process's Chromium; the last one closes it
after(() => d.closeBrowser());

describe('mutual TLS', () => {
    let browser;
    before(async () => { browser = await d.launch(); });

    async function tlsContext(file) {
        return d.newContext(browser, {
            clientCertificates: [{ origin: demo.tls_base, certPath: file.chain, keyPath: file.key }],
        });
    }

    // Clicks 使用浏览器证书登录 and waits for the form's POST to the login host and its answer.
    // The POST must carry the pages' origin: the login host refuses anything else (CSRF_REJECTED), and
    // a Referrer-Policy of same-origin or no-referrer makes Chromium send "Origin: null" to another origin.
    async function postTlsForm(page) {
        const policy = await page.evaluate(() => document.querySelector('meta[name=referrer]')?.content || '(none)');
        const [req] = await Promise.all([
            page.waitForRequest((r) => r.method() === 'POST' && r.url() === `${demo.tls_base}/ca/login`),
            tlsButton(page).click(),
        ]);
        const res = await req.response();
        const origin = (await req.allHeaders()).origin;
        assert.equal(origin, demo.base, `the form's POST to the login host carries Origin ${origin}`
            + ` (answer ${res?.status()}; the login page's <meta name=referrer> is ${policy})`);
        return res;
    }

    function tlsButton(page) {
        const name = '使用浏览器证书登录';
        return page.getByRole('button', { name }).or(page.getByRole('link', { name }));
    }

    test('使用浏览器证书登录 with 张三\'s bound key → 应用中心', async () => {
        const ctx = await tlsContext(demo.files.zhangsan);
        const page = await d.newPage(ctx);
        const posts = [];
        page.on('request', (r) => { if (r.method() === 'POST') posts.push(r.url()); });
        await d.gotoLogin(page, 'CA登录');
        await page.getByLabel('CA服务商').selectOption({ label: demo.providers.jlca });
        await d.shot(page, 'login-tls');
        const res = await postTlsForm(page);
        assert.equal(res.status(), 303, 'the login host answers 303 to 应用中心');
        await d.expectAppCentre(page, 'zhangsan');
        assert.ok(page.url().startsWith(demo.base), `back on the pages' host: ${page.url()}`);
        assert.ok(posts.includes(`${demo.tls_base}/ca/login`), `the form went to the login host: ${posts}`);
        await page.getByText('CA证书登录').first().waitFor();
        await d.shot(page, 'app-tls');
        await ctx.close();
    });

    test('使用浏览器证书登录 with an unbound key: the error page leads back (返回登录页; 使用账号密码登录并绑定 → CA管理)', async () => {
        const ctx = await tlsContext(demo.files.stranger);
        const page = await d.newPage(ctx);
        await d.gotoLogin(page, 'CA登录');
        await page.getByLabel('CA服务商').selectOption({ label: demo.providers.jlca });
        const res = await postTlsForm(page);
        assert.equal(res.status(), 401);
        await page.getByText('该CA锁未绑定账号').first().waitFor();
        await d.shot(page, 'tls-not-bound');
        const back = page.getByRole('link', { name: '返回登录页' });
        assert.equal(await back.getAttribute('href'), `${demo.base}/login.html`);
        const bind = page.getByRole('link', { name: '使用账号密码登录并绑定' });
        const href = new URL(await bind.getAttribute('href'), page.url());
        assert.equal(href.origin + href.pathname, `${demo.base}/login.html`);
        assert.equal(href.searchParams.get('tab'), 'password');
        assert.equal(new URL(href.searchParams.get('return') || '', demo.base).pathname, '/ca-admin.html', `return= of ${href}`);
        await bind.click();
        // …and the password login there goes on to CA管理, where the key can be bound
        await page.getByRole('tab', { name: '账号登录', selected: true }).waitFor();
        await page.getByLabel('账号', { exact: true }).fill('zhangsan');
        await page.getByLabel('密码', { exact: true }).fill(demo.password);
        await page.getByRole('button', { name: '登录', exact: true }).click();
        await page.waitForURL((u) => !u.pathname.endsWith('/login.html'));
        await page.waitForLoadState();
        assert.equal(new URL(page.url()).pathname, '/ca-admin.html',
            `after the password login the page goes to CA管理 (return=${href.searchParams.get('return')}), not ${page.url()}`);
        await page.getByRole('heading', { name: 'CA绑定与解绑' }).waitFor();
        await ctx.close();
    });
});
