'use strict';
// What the user sees when the driver says no: a wrong PIN (the agent's message with the retries
// left) and no driver at all ("未检测到CA驱动" with 下载驱动); in both cases the page sends nothing
// to the server's login endpoints.
const { describe, test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const d = require('../lib/demo');
const { demo } = d;

const skip = demo.agent ? false : 'the demo has no agent (scripts/mktoken or agent/zcyca-agent missing)';
// every file's tests share this process's Chromium; the last one closes it
after(() => d.closeBrowser());

describe('driver errors', () => {
    let browser;
    before(async () => { browser = await d.launch(); });

    const loginCalls = (seen) => seen.filter((r) => d.isServer(r) && /\/ca\/(challenge|login)$/.test(new URL(r.url).pathname));

    test('wrong PIN: the agent\'s message with the retries left, and no request to /ca/challenge or /ca/login', { skip }, async () => {
        const key = demo.token.sm2;
        await d.setBound(browser, key, 'zhaoliu');
        const ctx = await d.newContext(browser);
        const page = await d.newPage(ctx);
        const seen = d.recordRequests(page);
        const agentAnswers = [];
        page.on('response', async (r) => {
            if (new URL(r.url()).origin === demo.agent && /SOF_Login/.test(r.request().postData() || '')) agentAnswers.push(await r.json().catch(() => null));
        });
        await d.caLogin(page, { provider: key.provider, key, pin: '000000' });
        const alert = page.getByRole('alert').filter({ hasText: 'PIN码错误' });
        await alert.waitFor();
        const text = await alert.innerText();
        const m = text.match(/PIN码错误，还可以再试(\d+)次/);
        assert.ok(m, `the agent's message: ${text}`);
        const answer = agentAnswers.find((a) => a && a.code === 4);
        assert.ok(answer, `the agent answered code 4: ${JSON.stringify(agentAnswers)}`);
        assert.equal(Number(m[1]), answer.data.retries_left, 'the retries left are the agent\'s');
        assert.ok(text.includes(answer.msg), `the page shows the agent's msg "${answer.msg}"`);
        await d.shot(page, 'wrong-pin');
        await page.waitForLoadState('networkidle');
        assert.deepEqual(loginCalls(seen).map((r) => r.url), [], 'no challenge or login request');

        // the right PIN then logs in (and a success resets the agent's count)
        await page.getByLabel('PIN码').fill(demo.pin);
        await page.getByRole('button', { name: '检测 CA 并登录' }).click();
        await d.expectAppCentre(page, 'zhaoliu');
        await ctx.close();
    });

    test('no driver (the provider\'s driver URL is a closed port): "未检测到CA驱动" and 下载驱动, no login request', async () => {
        const ctx = await d.newContext(browser);
        const page = await d.newPage(ctx);
        const seen = d.recordRequests(page);
        const providers = await (async () => {
            await page.goto(d.url('/login.html'));
            return page.evaluate(async () => (await (await fetch('/ca/providers', { headers: { Accept: 'application/json' } })).json()).providers);
        })();
        const hb = providers.find((p) => p.id === 'hbca');
        assert.equal(hb?.driver?.url, demo.no_driver, '/ca/providers names the (closed) driver URL');
        await d.fillCaLogin(page, { provider: 'hbca' });
        await page.getByRole('button', { name: '检测 CA 并登录' }).click();
        const alert = page.getByRole('alert').filter({ hasText: '未检测到CA驱动' });
        await alert.waitFor();
        const link = page.getByRole('link', { name: '下载驱动' });
        await link.first().waitFor();
        assert.equal(await link.first().getAttribute('href'), hb.driver_url);
        await d.shot(page, 'no-driver');
        await page.waitForLoadState('networkidle');
        assert.ok(seen.some((r) => r.origin === demo.no_driver), 'the page tried the provider\'s driver URL');
        assert.deepEqual(loginCalls(seen).map((r) => r.url), [], 'no challenge or login request');
        await ctx.close();
    });

    test('no agent running (its port refuses): "未检测到CA驱动" and 下载驱动 for 吉林安信CA', { skip }, async () => {
        const ctx = await d.newContext(browser);
        await ctx.route((u) => u.origin === demo.agent, (route) => route.abort('connectionrefused'));
        const page = await d.newPage(ctx);
        const seen = d.recordRequests(page);
        await d.fillCaLogin(page, { provider: 'jlca' });
        await page.getByRole('button', { name: '检测 CA 并登录' }).click();
        await page.getByRole('alert').filter({ hasText: '未检测到CA驱动' }).waitFor();
        const link = page.getByRole('link', { name: '下载驱动' }).first();
        assert.equal(await link.getAttribute('href'), 'https://drivers.example.cn/jlca-setup.exe');
        await page.waitForLoadState('networkidle');
        assert.ok(seen.some((r) => r.origin === demo.agent), 'the page tried the agent');
        assert.deepEqual(loginCalls(seen).map((r) => r.url), [], 'no challenge or login request');
        await ctx.close();
    });
});
