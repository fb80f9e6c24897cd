'use strict';
// CA登录 through the agent with each key of the CA lock (RSA and P-256 on the SoftHSM2 token, the
// SM2 key file): each lands in 应用中心, which shows the account.  During one login every request
// the page makes is recorded, with its body: the PIN goes to the agent's origin only.
const { describe, test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const d = require('../lib/demo');
const { demo } = d;

const skip = demo.agent ? false : 'the demo has no agent (scripts/mktoken or agent/zcyca-agent missing)';
const cases = demo.token ? [
    { kind: 'rsa', key: demo.token.rsa, account: 'zhangsan' },
    { kind: 'ec', key: demo.token.ec, account: 'zhaoliu' },
    { kind: 'sm2', key: demo.token.sm2, account: 'zhaoliu' },
] : [];
// every file's tests share this process's Chromium; the last one closes it
after(() => d.closeBrowser());

describe('CA login through the agent', () => {
    let browser;
    before(async () => { browser = await d.launch(); });
    after(async () => {
        // back to the demo's start: only the SM2 key is bound
        if (!skip) {
            await d.setBound(browser, demo.token.rsa, null);
            await d.setBound(browser, demo.token.ec, null);
        }
    });

    for (const c of cases) {
        test(`CA登录 with the ${c.kind} key (${c.key.provider}) lands in 应用中心 as ${c.account}`, { skip }, async () => {
            await d.setBound(browser, c.key, c.account);
            const ctx = await d.newContext(browser);
            const page = await d.newPage(ctx);
            await d.caLogin(page, { provider: c.key.provider, key: c.key });
            await d.expectAppCentre(page, c.account);
            await page.getByText('CA证书登录').first().waitFor();
            await d.shot(page, `app-ca-${c.kind}`);
            const s = await page.evaluate(async () => (await fetch('/ca/session', { headers: { Accept: 'application/json' } })).json());
            assert.equal(s.account.login, c.account);
            assert.equal(s.method, 'ca');
            assert.equal(s.provider, c.key.provider);
            assert.equal(s.key_id, c.key.key_id);
            await ctx.close();
        });
    }

    test('the PIN never reaches the server: every request of a CA login, with its body', { skip }, async () => {
        const key = demo.token.sm2;
        await d.setBound(browser, key, 'zhaoliu');
        const ctx = await d.newContext(browser);
        const page = await d.newPage(ctx);
        const seen = d.recordRequests(page);
        await d.caLogin(page, { provider: key.provider, key });
        await d.expectAppCentre(page, 'zhaoliu');
        await page.waitForLoadState('networkidle');

        const pin = demo.pin;
        const carries = (r) => [r.url, r.postData, ...Object.values(r.headers)].some((v) => String(v).includes(pin));
        const toAgent = seen.filter((r) => r.origin === demo.agent);
        const toServer = seen.filter(d.isServer);
        const elsewhere = seen.filter((r) => r.origin !== demo.agent && !d.isServer(r) && !/^(data|blob|about):/.test(r.url));
        // the recording saw the whole login: the agent's calls and the server's challenge and login
        assert.ok(toAgent.some((r) => /SOF_Login/.test(r.postData) && r.postData.includes(pin)), 'SOF_Login carries the PIN to the agent');
        assert.ok(toAgent.some((r) => /SOF_SignData/.test(r.postData)), 'the agent signed');
        assert.ok(toServer.some((r) => r.url === d.url('/ca/challenge') && r.method === 'POST'), 'POST /ca/challenge was recorded');
        const login = toServer.find((r) => r.url === d.url('/ca/login') && r.method === 'POST');
        assert.ok(login && /"signature"/.test(login.postData), 'POST /ca/login with the signature was recorded');
        assert.deepEqual(toServer.filter(carries).map((r) => `${r.method} ${r.url} ${r.postData}`), [], 'no server request carries the PIN');
        assert.deepEqual(toAgent.filter(carries).map((r) => JSON.parse(r.postData).function), ['SOF_Login'], 'only SOF_Login carries it');
        assert.deepEqual(elsewhere.map((r) => r.url), [], 'no request to any third origin');
        await ctx.close();
    });
});
