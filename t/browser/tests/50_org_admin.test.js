'use strict';
// An org admin (张三, org 1) binds a colleague's key (赵六's P-256 key of the CA lock, 山西CA互认平台):
// the row is 赵六's, and 绑定人 shows the admin.
const { describe, test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const d = require('../lib/demo');
const { demo } = d;

const skip = demo.agent ? false : 'the demo has no agent (scripts/mktoken or agent/zcyca-agent missing)';
const key = demo.token?.ec;
// every file's tests share this process's Chromium; the last one closes it
after(() => d.closeBrowser());

describe('org admin', () => {
    let browser;
    before(async () => {
        browser = await d.launch();
        if (!skip) await d.setBound(browser, key, null);
    });
    after(async () => {
        if (!skip) await d.setBound(browser, key, null);
    });

    test('张三 (org admin) binds 赵六\'s key: the row is 赵六\'s and 绑定人 is 张三', { skip }, async () => {
        const ctx = await d.newContext(browser);
        const page = await d.newPage(ctx);
        await d.passwordLogin(page, 'zhangsan');
        await d.openCaAdmin(page);
        const before = await d.rowTexts(page);
        const dialog = await d.fillBindDialog(page, { account: 'zhaoliu', provider: 'sxca', key });
        // the 姓名 choices: the admin first, then his organisation
        const names = (await dialog.getByLabel('姓名').locator('option').allInnerTexts()).map((t) => t.trim()).filter(Boolean);
        assert.ok(names.includes('张三（zhangsan）') && names.includes('赵六（zhaoliu）'), `姓名 options: ${names}`);
        assert.ok(!names.some((n) => /lisi|wangwu/.test(n)), `only org 1 in 姓名: ${names}`);
        const { cells } = await d.confirmBind(page, dialog, before);
        assert.match(cells[0], /姓名[:：]\s*赵六/);
        assert.match(cells[0], /账户[:：]\s*zhaoliu/);
        assert.match(cells[1], /CA服务商[:：]\s*山西CA互认平台/);
        assert.match(cells[2], /张三/, '绑定人 is the admin');
        assert.doesNotMatch(cells[2], /赵六/, '绑定人 is not the account holder');
        await d.shot(page, 'org-admin-bound-colleague');

        // 赵六 himself sees it as his, bound by 张三
        const api = await d.apiSession(await d.newContext(browser), 'zhaoliu');
        const mine = (await d.apiBindings(api)).filter((b) => b.key_id === key.key_id);
        assert.equal(mine.length, 1, '赵六 sees the binding');
        assert.equal(mine[0].account.login, 'zhaoliu');
        assert.equal(mine[0].bound_by.login, 'zhangsan');
        await ctx.close();
    });
});
