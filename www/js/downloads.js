// downloads.html: 下载专区 › 客户端&驱动下载 — one row per provider, "<name>驱动" · 立即下载.
import { initI18n, t, onLang } from './i18n.js';
import * as api from './api.js';
import { $, el } from './ui.js';

initI18n();

let providers = null;

function paint() {
  const body = $('#drivers');
  if (!providers) return;
  if (providers.length === 0) {
    body.replaceChildren(el('tr', {}, el('td', { colspan: 3, class: 'empty', text: t('暂无可用的CA服务商') })));
    return;
  }
  body.replaceChildren(...providers.map((p) => {
    const nameId = `driver-${p.id}`;
    const name = t('{name}驱动', { name: p.name || p.id });
    return el('tr', {},
      el('th', { scope: 'row', id: nameId, text: name }),
      el('td', { text: p.driver_url ? t('安装后插入CA锁，即可在登录页使用CA登录和在CA管理中绑定。') : t('请联系CA服务商获取驱动。') }),
      el('td', {}, p.driver_url
        // The link's name stays "立即下载"; the row's name is its description.
        ? el('a', { class: 'btn btn-sm', href: p.driver_url, 'aria-describedby': nameId, rel: 'noopener', text: t('立即下载') })
        : el('span', { text: t('暂未提供') })));
  }));
  body.setAttribute('aria-busy', 'false');
}

async function load() {
  try {
    const d = await api.getProviders();
    providers = (d && d.providers) || [];
    paint();
  } catch (err) {
    const box = $('#downloads-error');
    box.hidden = false;
    box.textContent = err.text ? err.text() : String(err);
    $('#drivers').replaceChildren();
  }
}

onLang(paint);
load();
