'use strict';
// The seed flow of issue 12: password login → CA管理 → 绑定 CA through the agent with the token's
// RSA key → the row with every column → 解除绑定 → "确认要解除 CA 绑定吗" → the row is gone; then
// CA login with that key is refused with NOT_BOUND, and 可能失败原因 shows its reasons on hover
// and on focus.
const { describe, test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const d = require('../lib/demo');
const { demo } = d;

const key = demo.token?.rsa;
const skip = demo.agent ? false : 'the demo has no agent (scripts/mktoken or agent/zcyca-agent missing)';
// every file's tests share this process's Chromium; the last one closes it
after(() => d.closeBrowser());

describe('seed flow: bind and unbind', () => {
    let browser;
    before(async () => {
        browser = await d.launch();
        if (!skip) await d.setBound(browser, key, null);
    });

    // "CA锁ID: 1a2b3c…9f0e": every visible piece of the shortened id is part of the key id
    function lockIdPieces(text) {
        const m = text.match(/CA锁ID[:：]\s*([0-9A-Fa-f.…]+)/);
        return m ? m[1].split(/[.…]+/).filter(Boolean) : null;
    }

    test('password login → CA管理 → 绑定 CA (RSA key of the CA lock) → the row → 解除绑定', { skip }, async () => {
        const ctx = await d.newContext(browser, { timezoneId: 'Asia/Shanghai' });
        const page = await d.newPage(ctx);
        await d.passwordLogin(page, 'zhangsan');
        await d.shot(page, 'app-password-login');
        await d.openCaAdmin(page);
        await page.getByText('系统管理').first().waitFor();
        assert.deepEqual(
            (await page.getByRole('columnheader').allInnerTexts()).map((t) => t.trim()),
            ['绑定账户', 'CA证书信息', '绑定人', '绑定时间', '操作'],
            'the columns of CA管理');
        const before = await d.rowTexts(page);

        const dialog = await d.fillBindDialog(page, { account: 'zhangsan', provider: 'jlca', key });
        await dialog.getByRole('link', { name: '下载驱动' }).waitFor();
        await d.shot(page, 'bind-dialog');
        const { row, text: added, cells } = await d.confirmBind(page, dialog, before);
        assert.equal(cells.length, 5, `five cells: ${JSON.stringify(cells)}`);

        // what the server stored, to compare the row with
        const api = await d.adminApi(browser);
        const bound = (await d.apiBindings(api)).filter((b) => b.key_id === key.key_id);
        assert.equal(bound.length, 1, 'the binding is on the server');
        const b = bound[0];
        assert.equal(b.account.login, 'zhangsan');
        assert.equal(b.bound_by.login, 'zhangsan');

        assert.match(cells[0], /姓名[:：]\s*张三/, '绑定账户: 姓名');
        assert.match(cells[0], /账户[:：]\s*zhangsan/, '绑定账户: 账户');
        assert.match(cells[1], /CA服务商[:：]\s*吉林安信CA/, 'CA证书信息: CA服务商');
        const pieces = lockIdPieces(cells[1]);
        assert.ok(pieces && pieces.length, `CA证书信息: CA锁ID in ${cells[1]}`);
        for (const p of pieces) assert.ok(b.key_id.toLowerCase().includes(p.toLowerCase()), `CA锁ID piece ${p} is part of ${b.key_id}`);
        const local = (iso, tz) => new Date(iso).toLocaleDateString('sv-SE', { timeZone: tz });
        const expiry = [local(b.cert.not_after, 'Asia/Shanghai'), local(b.cert.not_after, 'UTC')];
        assert.ok(expiry.some((day) => cells[1].includes(day)), `到期时间 ${expiry.join(' or ')} in ${cells[1]}`);
        assert.match(cells[1], /到期时间/);
        assert.match(cells[2], /张三/, '绑定人');
        const boundDay = [local(b.bound_at, 'Asia/Shanghai'), local(b.bound_at, 'UTC')];
        assert.ok(boundDay.some((day) => cells[3].includes(day)), `绑定时间 ${boundDay.join(' or ')} in ${cells[3]}`);
        await row.getByRole('button', { name: '解除绑定' }).waitFor();
        await d.shot(page, 'ca-admin');

        await row.getByRole('button', { name: '解除绑定' }).click();
        const confirm = page.getByRole('dialog').or(page.getByRole('alertdialog')).filter({ hasText: '确认要解除 CA 绑定吗' });
        await confirm.waitFor();
        await d.shot(page, 'unbind-confirm');
        await confirm.getByRole('button', { name: '确认' }).click();
        await confirm.waitFor({ state: 'hidden' });
        const after = await d.waitRows(page, before.length);
        assert.ok(!after.includes(added), 'the row is gone');
        await d.shot(page, 'ca-admin-unbound');
        assert.equal((await d.apiBindings(api)).filter((b2) => b2.key_id === key.key_id).length, 0, 'unbound on the server');
        await ctx.close();
    });

    test('CA login with the unbound key: NOT_BOUND, and 可能失败原因 on hover and on focus', { skip }, async () => {
        const ctx = await d.newContext(browser);
        const page = await d.newPage(ctx);
        const answers = [];
        page.on('response', async (r) => {
            if (r.url() === d.url('/ca/login') && r.request().method() === 'POST') answers.push(await r.json().catch(() => null));
        });
        await d.caLogin(page, { provider: 'jlca', key });
        const alert = page.getByRole('alert').filter({ hasText: '该CA锁未绑定账号' });
        await alert.waitFor();
        assert.match(await alert.innerText(), /该CA锁未绑定账号，请先用账号密码登录并绑定/);
        assert.equal(answers.length, 1, 'one POST /ca/login');
        const err = answers[0]?.error;
        assert.equal(err?.code, 'NOT_BOUND');
        assert.ok(err.reasons.length > 0, 'the server names reasons');

        const why = page.getByText('可能失败原因', { exact: false }).first();
        assert.equal(await why.getAttribute('tabindex'), '0', '可能失败原因 is focusable');
        const tip = page.getByRole('tooltip');
        const tipId = await why.evaluate((el) => (el.closest('[aria-describedby]') || el).getAttribute('aria-describedby'));
        assert.ok(tipId, '可能失败原因 has aria-describedby');

        await why.hover();
        await tip.waitFor({ state: 'visible' });
        assert.equal(await tip.getAttribute('id'), tipId, 'the tooltip is the element aria-describedby names');
        for (const reason of err.reasons) assert.ok((await tip.innerText()).includes(reason), `hover shows "${reason}"`);
        await d.shot(page, 'not-bound-reasons-hover');

        await page.mouse.move(1, 1);
        await page.locator('body').click({ position: { x: 1, y: 1 } });
        await tip.waitFor({ state: 'hidden' });
        await why.focus();
        await tip.waitFor({ state: 'visible' });
        for (const reason of err.reasons) assert.ok((await tip.innerText()).includes(reason), `focus shows "${reason}"`);
        await d.shot(page, 'not-bound-reasons-focus');
        await ctx.close();
    });
});
