// app/index.html: 应用中心 — who is logged in and how; 退出登录.
import { initI18n, t, pick, onLang } from './i18n.js';
import * as api from './api.js';
import { $, el, fmtTime } from './ui.js';

initI18n();

let session = null;
let providerNames = {};

function paint() {
  if (!session) return;
  const a = session.account || {};
  $('#who-name').textContent = a.name || '';
  $('#who-login').textContent = a.login || '';
  $('#who-region').textContent = a.region || t('（无）');
  $('#who-method').textContent = t(session.method === 'ca' ? 'CA证书登录' : '账号密码登录');
  const ca = session.method === 'ca';
  for (const n of document.querySelectorAll('[data-ca]')) n.hidden = !ca;
  if (ca) {
    $('#who-provider').textContent = providerNames[session.provider] || session.provider || '';
    $('#who-cert').textContent = fmtTime(session.cert_not_after);
  }
  $('#who-expires').textContent = fmtTime(session.idle_expires_at || session.expires_at);
  const warnings = Array.isArray(session.warnings) ? session.warnings : [];
  $('#who-warnings').replaceChildren(...warnings.map((w) =>
    el('p', { class: 'badge badge-warn', text: pick(w.message, w.message_en) })));
  $('#who').setAttribute('aria-busy', 'false');
}

async function load() {
  try {
    session = await api.getSession();
  } catch (err) {
    if (err.status === 401) { api.toLogin(); return; }
    const box = $('#app-error');
    box.hidden = false;
    box.textContent = err.text ? err.text() : String(err);
    return;
  }
  paint();
  if (session.method === 'ca') {
    try {
      const d = await api.getProviders();
      for (const p of (d && d.providers) || []) providerNames[p.id] = p.name;
      paint();
    } catch { /* the id is shown instead */ }
  }
}

$('#logout').addEventListener('click', async (e) => {
  const b = e.currentTarget;
  b.disabled = true;
  try {
    await api.logout();
  } catch (err) {
    if (err.status !== 401) { // 401: already logged out, go on
      b.disabled = false;
      const box = $('#app-error');
      box.hidden = false;
      box.textContent = err.text();
      return;
    }
  }
  location.assign(api.pageUrl('login.html').pathname);
});

onLang(paint);
load();
