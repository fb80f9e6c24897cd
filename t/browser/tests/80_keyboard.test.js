'use strict';
// Keyboard only (Tab, Shift+Tab, Enter, Space, Escape, arrow keys; no mouse): log in with the
// password, open CA管理, unbind a key through the confirm dialog, whose focus stays inside it and
// returns to the button that opened it.
const { describe, test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const d = require('../lib/demo');
const { demo } = d;

const skip = demo.agent ? false : 'the demo has no agent (scripts/mktoken or agent/zcyca-agent missing)';
const key = demo.token?.ec;
// every file's tests share this process's Chromium; the last one closes it
after(() => d.closeBrowser());

describe('keyboard only', () => {
    let browser;
    before(async () => {
        browser = await d.launch();
        if (!skip) await d.setBound(browser, key, 'zhaoliu');   // the row to unbind
    });
    after(async () => {
        if (!skip) await d.setBound(browser, key, null);
    });

    const focused = (loc) => loc.evaluate((el) => el === document.activeElement || el.contains(document.activeElement)).catch(() => false);
    const focusName = (page) => page.evaluate(() => {
        const el = document.activeElement;
        return el ? `${el.tagName.toLowerCase()} "${(el.getAttribute('aria-label') || el.innerText || el.value || '').trim().slice(0, 30)}"` : 'none';
    });

    // Tab (or Shift+Tab) until the locator has the focus: one round trip per key press.
    async function tabTo(page, loc, { back = false, max = 60 } = {}) {
        const handle = await loc.elementHandle();
        const path = [];
        for (let i = 0; i <= max; i++) {
            const [inside, name] = await handle.evaluate((el) => {
                const a = document.activeElement;
                return [el === a || el.contains(a), a ? `${a.tagName.toLowerCase()} "${(a.getAttribute('aria-label') || a.innerText || a.value || '').trim().slice(0, 30)}"` : 'none'];
            });
            if (inside) return;
            path.push(name);
            if (i < max) await page.keyboard.press(back ? 'Shift+Tab' : 'Tab');
        }
        throw new Error(`could not reach the control by keyboard; focus went: ${path.join(' → ')}`);
    }

    test('keyboard only: password login, CA管理, 解除绑定 › 确认', { skip }, async () => {
        const ctx = await d.newContext(browser);
        const page = await d.newPage(ctx);
        await page.goto(d.url('/login.html'));

        // the tabs: reach the selected one, move with the arrow keys to 账号登录, activate it
        const selected = page.getByRole('tab', { selected: true });
        await selected.waitFor();
        await tabTo(page, selected);
        const pwTab = page.getByRole('tab', { name: '账号登录' });
        for (let i = 0; i < 4 && !(await focused(pwTab)); i++) await page.keyboard.press('ArrowLeft');
        assert.ok(await focused(pwTab), `the arrow keys reach 账号登录 (focus: ${await focusName(page)})`);
        await page.keyboard.press('Enter');
        await page.getByRole('tab', { name: '账号登录', selected: true }).waitFor();

        await tabTo(page, page.getByLabel('账号', { exact: true }));
        await page.keyboard.type('zhangsan');
        await tabTo(page, page.getByLabel('密码', { exact: true }));
        await page.keyboard.type(demo.password);
        await d.shot(page, 'keyboard-login');
        await page.keyboard.press('Enter');
        await page.waitForURL(/\/app\/(index\.html)?$/);
        await page.getByRole('heading', { name: '应用中心' }).waitFor();

        await tabTo(page, page.getByRole('link', { name: 'CA管理' }));
        await page.keyboard.press('Enter');
        await page.getByRole('heading', { name: 'CA绑定与解绑' }).waitFor();
        await d.tableLoaded(page);

        const row = d.dataRows(page).filter({ hasText: 'zhaoliu' }).filter({ hasText: demo.providers.sxca });
        assert.equal(await row.count(), 1, '赵六\'s 山西CA互认平台 row');
        const before = await d.dataRows(page).count();
        const unbind = row.getByRole('button', { name: '解除绑定' });
        await tabTo(page, unbind);
        await page.keyboard.press('Space');
        const confirm = page.getByRole('dialog').or(page.getByRole('alertdialog')).filter({ hasText: '确认要解除 CA 绑定吗' });
        await confirm.waitFor();
        assert.ok(await focused(confirm), `the focus moves into the dialog (focus: ${await focusName(page)})`);

        // Escape closes it and gives the focus back to 解除绑定
        await page.keyboard.press('Escape');
        await confirm.waitFor({ state: 'hidden' });
        assert.ok(await focused(unbind), `Escape returns the focus to 解除绑定 (focus: ${await focusName(page)})`);
        assert.equal(await d.dataRows(page).count(), before, 'Escape unbinds nothing');

        // again with Enter; Tab and Shift+Tab stay inside the dialog; 确认 with Enter
        await page.keyboard.press('Enter');
        await confirm.waitFor();
        for (const k of ['Tab', 'Tab', 'Tab', 'Tab', 'Shift+Tab', 'Shift+Tab', 'Shift+Tab', 'Shift+Tab', 'Shift+Tab']) {
            await page.keyboard.press(k);
            assert.ok(await focused(confirm), `${k}: the focus stays in the dialog (focus: ${await focusName(page)})`);
        }
        await d.shot(page, 'keyboard-confirm');
        await tabTo(page, confirm.getByRole('button', { name: '确认' }), { max: 8 });
        await page.keyboard.press('Enter');
        await confirm.waitFor({ state: 'hidden' });
        await d.waitRows(page, before - 1);
        assert.equal(await row.count(), 0, 'the row is gone');
        await d.shot(page, 'keyboard-unbound');
        await ctx.close();
    });
});
