'use strict';
// The reference agent serves the configured origins only, and signs only a login text: a page on
// another origin (a tiny page served from another loopback port, and about:blank) gets nothing,
// and the pages' own origin gets code 7 for anything that is not a ZCYCA-AUTH-V1 text of its own.
const { describe, test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const http = require('node:http');
const d = require('../lib/demo');
const { demo } = d;

const skip = demo.agent ? false : 'the demo has no agent (scripts/mktoken or agent/zcyca-agent missing)';
// every file's tests share this process's Chromium; the last one closes it
after(() => d.closeBrowser());

describe('agent guard', () => {
    let browser, other, otherUrl;
    before(async () => {
        browser = await d.launch();
        // another origin on loopback: a page that calls the agent the way the demo's pages do
        other = http.createServer((req, res) => {
            res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' });
            res.end('<!doctype html><title>other origin</title><p>another site</p>');
        });
        await new Promise((r) => other.listen(0, '127.0.0.1', r));
        otherUrl = `http://127.0.0.1:${other.address().port}`;
    });
    after(async () => {
        await new Promise((r) => (other ? other.close(r) : r()));
    });

    // From node: full control of Origin and Host (a browser sets those itself).
    function agentRaw(body, headers) {
        const u = new URL(demo.agent);
        return new Promise((resolve, reject) => {
            const req = http.request({ host: u.hostname, port: u.port, path: '/', method: 'POST', headers: { 'Content-Type': 'application/json', ...headers } }, (res) => {
                let data = '';
                res.setEncoding('utf8');
                res.on('data', (c) => { data += c; });
                res.on('end', () => {
                    let json = null;
                    try { json = JSON.parse(data); } catch { /* not JSON */ }
                    resolve({ status: res.statusCode, headers: res.headers, json, text: data });
                });
            });
            req.on('error', reject);
            req.end(JSON.stringify(body));
        });
    }

    // From a page: what the page's script can read of the agent's answer.
    function agentFromPage(page, body) {
        return page.evaluate(async ({ agent, body }) => {
            try {
                const r = await fetch(agent, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
                return { status: r.status, json: await r.json() };
            } catch (e) {
                return { error: String(e) };
            }
        }, { agent: demo.agent, body });
    }

    test('a page on another origin gets nothing from the agent', { skip }, async () => {
        const ctx = await d.newContext(browser);
        const page = await d.newPage(ctx);
        const answers = [];
        page.on('response', (r) => { if (new URL(r.url()).origin === demo.agent) answers.push(r.status()); });
        await page.goto(otherUrl);
        for (const fn of ['SOF_GetVersion', 'SOF_GetUserList']) {
            const r = await agentFromPage(page, { function: fn });
            assert.ok(r.error, `${fn} from ${otherUrl}: the page cannot read an answer (${JSON.stringify(r)})`);
        }
        await page.goto('about:blank');
        const blank = await agentFromPage(page, { function: 'SOF_GetUserList' });
        assert.ok(blank.error, `from about:blank: ${JSON.stringify(blank)}`);
        // the pages' own origin, for contrast: the same call works there
        await page.goto(d.url('/login.html'));
        const own = await agentFromPage(page, { function: 'SOF_GetUserList' });
        assert.equal(own.json?.code, 0, `from the pages' origin: ${JSON.stringify(own)}`);
        assert.ok(own.json.data.some((c) => c.cert_id === demo.token.rsa.cert_id), 'the RSA key is listed');
        await ctx.close();

        // what the agent answered those origins (the browser hides it from the page)
        const version = { function: 'SOF_GetVersion' };
        for (const origin of [otherUrl, 'null', 'https://127.0.0.1.evil.example', `https://127.0.0.1:${demo.ports.tls}`, 'http://127.0.0.1:' + demo.ports.pages]) {
            const r = await agentRaw(version, { Origin: origin });
            assert.equal(r.status, 403, `Origin ${origin}: ${r.status} ${r.text}`);
            assert.equal(r.json?.code, 9, `Origin ${origin}: code 9`);
            assert.equal(r.headers['access-control-allow-origin'], undefined, `no CORS grant for ${origin}`);
        }
        const none = await agentRaw(version, {});
        assert.deepEqual([none.status, none.json?.code], [403, 9], 'no Origin at all');
        const rebound = await agentRaw(version, { Origin: demo.base, Host: `evil.example:${demo.ports.agent}` });
        assert.deepEqual([rebound.status, rebound.json?.code], [403, 9], 'a Host that is not the agent\'s (DNS rebinding)');
        const good = await agentRaw(version, { Origin: demo.base });
        assert.deepEqual([good.status, good.json?.code], [200, 0], 'the pages\' origin');
        assert.equal(good.headers['access-control-allow-origin'], demo.base);
    });

    test('after login, the pages\' origin cannot have other texts signed (code 7)', { skip }, async () => {
        const key = demo.token.sm2;
        await d.setBound(browser, key, 'zhaoliu');
        const ctx = await d.newContext(browser);
        const page = await d.newPage(ctx);
        await d.caLogin(page, { provider: key.provider, key });
        await d.expectAppCentre(page, 'zhaoliu');
        const origin = demo.base;
        const iat = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
        const nonce = 'A'.repeat(43);
        const text = (o, extra = '') => `ZCYCA-AUTH-V1\npurpose=login\norigin=${o}\nprovider=${key.provider}\nnonce=${nonce}\niat=${iat}${extra}`;
        const sign = async (data) => {
            const li = await agentFromPage(page, { function: 'SOF_Login', cert_id: key.cert_id, pin: demo.pin });
            assert.equal(li.json?.code, 0, `SOF_Login: ${JSON.stringify(li)}`);
            return agentFromPage(page, { function: 'SOF_SignData', cert_id: key.cert_id, data });
        };
        const refused = {
            'arbitrary data': 'hello, please sign this contract',
            'a login text for another origin': text('https://evil.example'),
            'a login text with a trailing LF': text(origin, '\n'),
            'a bare nonce (allow-nonce is off)': nonce,
        };
        for (const [what, data] of Object.entries(refused)) {
            const r = await sign(data);
            assert.equal(r.json?.code, 7, `${what}: ${JSON.stringify(r)}`);
            assert.equal(r.json?.data?.signature, undefined, `${what}: no signature`);
        }
        // the guard is not a blanket refusal: a login text of this origin is signed
        const ok = await sign(text(origin));
        assert.equal(ok.json?.code, 0, `a login text of the pages' origin: ${JSON.stringify(ok)}`);
        assert.ok(ok.json.data.signature);
        await ctx.close();
    });
});
