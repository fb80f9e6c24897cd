// ca-admin.html: 系统管理 › CA管理 › CA绑定与解绑 — the bindings table, 绑定 CA, 解除绑定.
import { initI18n, t, pick, onLang } from './i18n.js';
import * as api from './api.js';
import { caBind, failureReasons, FlowError } from './ca-flow.js';
import { certificatePicker } from './cert-picker.js';
import { $, el, fmtTime, shortId, failureBox, say, errorText, openModal, recall } from './ui.js';

initI18n();

const PAGE = 10;
const pageError = $('#page-error');
const pageStatus = $('#page-status');
const tbody = $('#bindings');

let providers = [];
let cursors = [null]; // cursors[i]: the `after` of page i (keyset paging)
let pageIndex = 0;
let rows = null;
let next = null;


function showPageError(err) {
  if (!err) { pageError.hidden = true; pageError.textContent = ''; return; }
  pageError.hidden = false;
  pageError.textContent = errorText(err);
}

/** 401 anywhere: back to the login page, returning here. */
function handle(err) {
  if (err && err.status === 401) { api.toLogin(); return true; }
  return false;
}

// ---- the table ------------------------------------------------------------------------------
const kv = (k, v, vProps = {}) => el('div', { class: 'kv' }, el('span', { class: 'k', text: `${t(k)}: ` }), el('span', { ...vProps, text: v }));

function expiryBadge(b) {
  const notAfter = b.cert && b.cert.not_after ? new Date(b.cert.not_after) : null;
  if (notAfter && notAfter.getTime() < Date.now()) return el('span', { class: 'badge badge-danger', text: t('已过期') });
  const w = (Array.isArray(b.warnings) ? b.warnings : []).find((x) => x && x.code === 'CERT_EXPIRING') ||
    (Array.isArray(b.warnings) && b.warnings[0]);
  if (!w) return null;
  const text = pick(w.message, w.message_en) ||
    (Number.isInteger(w.days_left) ? t('{n}天后到期', { n: w.days_left }) : t('即将到期'));
  return el('span', { class: 'badge badge-warn', text });
}

function row(b) {
  const acct = b.account || {};
  const prov = b.provider || {};
  const cert = b.cert || {};
  const acctId = `binding-${b.id}-account`;
  return el('tr', { dataset: { id: String(b.id) } },
    el('td', { 'data-th': t('绑定账户'), id: acctId },
      kv('姓名', acct.name || ''), kv('账户', acct.login || '')),
    el('td', { 'data-th': t('CA证书信息') },
      kv('CA服务商', prov.name || prov.id || ''),
      kv('CA锁ID', shortId(b.key_id), { class: 'mono', title: b.key_id || '' }),
      kv('到期时间', fmtTime(cert.not_after)),
      expiryBadge(b)),
    el('td', { 'data-th': t('绑定人'), text: (b.bound_by && (b.bound_by.name || b.bound_by.login)) || '' }),
    el('td', { 'data-th': t('绑定时间'), text: fmtTime(b.bound_at) }),
    el('td', { 'data-th': t('操作') },
      el('button', {
        type: 'button', class: 'btn-danger-link', 'aria-describedby': acctId, 'aria-haspopup': 'dialog',
        text: t('解除绑定'), onclick: (e) => askUnbind(b, e.currentTarget),
      })));
}

function paint() {
  if (rows === null) return;
  tbody.setAttribute('aria-busy', 'false');
  if (rows.length === 0) {
    tbody.replaceChildren(el('tr', {}, el('td', { colspan: 5, class: 'empty', text: t('暂无绑定记录') })));
  } else {
    tbody.replaceChildren(...rows.map(row));
  }
  $('#prev').disabled = pageIndex === 0;
  $('#next').disabled = !next;
  $('#page-no').textContent = t('第 {n} 页', { n: pageIndex + 1 });
}

async function loadPage(i) {
  tbody.setAttribute('aria-busy', 'true');
  try {
    const d = await api.listBindings(PAGE, cursors[i] === null ? undefined : cursors[i]);
    pageIndex = i;
    rows = Array.isArray(d && d.bindings) ? d.bindings : [];
    next = d && d.next !== undefined && d.next !== null ? d.next : null;
    cursors = cursors.slice(0, i + 1);
    if (next !== null) cursors[i + 1] = next;
    showPageError(null);
    paint();
  } catch (err) {
    if (handle(err)) return;
    tbody.setAttribute('aria-busy', 'false');
    showPageError(err);
  }
}

/** Reload, and page forward until the binding with this id is on screen (new ones come last). */
async function showBinding(id) {
  await loadPage(pageIndex);
  for (let n = 0; n < 100 && id !== undefined && rows && !rows.some((b) => b.id === id) && next !== null; n++) {
    await loadPage(pageIndex + 1);
  }
  const tr = id === undefined ? null : tbody.querySelector(`tr[data-id="${CSS.escape(String(id))}"]`);
  if (tr) tr.classList.add('fresh');
}

$('#prev').addEventListener('click', () => { if (pageIndex > 0) loadPage(pageIndex - 1); });
$('#next').addEventListener('click', () => { if (next !== null) loadPage(pageIndex + 1); });

// ---- 解除绑定 -------------------------------------------------------------------------------
const unbindDialog = $('#unbind-dialog');
const unbindError = $('#unbind-error');
let unbindTarget = null;

function askUnbind(b, button) {
  unbindTarget = b;
  unbindError.hidden = true;
  unbindError.textContent = '';
  const acct = b.account || {};
  const prov = b.provider || {};
  $('#unbind-what').textContent = `${acct.name || ''}（${acct.login || ''}） · ${prov.name || prov.id || ''} · ${shortId(b.key_id)}`;
  // Where focus goes when the row is gone: the next row's button, else the previous one's.
  const tr = button.closest('tr');
  const near = (tr.nextElementSibling || tr.previousElementSibling);
  openModal(unbindDialog, {
    opener: button,
    first: $('#unbind-cancel'),
    fallback: (near && near.querySelector('button')) || $('#bind-open'),
  });
}

$('#unbind-cancel').addEventListener('click', () => unbindDialog.close());
$('#unbind-ok').addEventListener('click', async (e) => {
  const b = unbindTarget;
  if (!b) return;
  const ok = e.currentTarget;
  ok.disabled = true;
  try {
    await api.deleteBinding(b.id);
  } catch (err) {
    ok.disabled = false;
    if (handle(err)) return;
    if (err.status !== 404) { // 404: already gone, the row goes too
      unbindError.hidden = false;
      unbindError.textContent = errorText(err);
      return;
    }
  }
  ok.disabled = false;
  rows = rows.filter((x) => x.id !== b.id);
  const tr = tbody.querySelector(`tr[data-id="${CSS.escape(String(b.id))}"]`);
  if (tr) tr.remove();
  unbindTarget = null;
  unbindDialog.close();
  say(pageStatus, '已解除绑定');
  if (rows.length === 0) loadPage(pageIndex > 0 ? pageIndex - 1 : 0);
});

// ---- 绑定 CA ---------------------------------------------------------------------------------
const bindDialog = $('#bind-dialog');
const bindForm = $('#bind-form');
const bindFail = failureBox($('#bind-failure'));
const bindStatus = $('#bind-status');
const accountSel = $('#bind-account');
const providerSel = $('#bind-provider');
const certSel = $('#bind-cert');
const certHint = $('#bind-cert-hint');
const pinInput = $('#bind-pin');
let accounts = null;

const currentProvider = () => providers.find((p) => p.id === providerSel.value) || null;

async function loadAccounts(session) {
  const out = [];
  const own = session && session.account
    ? [{ login: session.account.login, name: session.account.name, region: session.account.region }] : [];
  try {
    let after;
    for (let i = 0; i < 10; i++) { // up to 1000 accounts of the organisation
      const d = await api.listAccounts(100, after);
      // An older module without /ca/bindings/accounts: only the caller's own account.
      if (!d || !Array.isArray(d.accounts)) return own;
      out.push(...d.accounts);
      if (d.next === null || d.next === undefined) break;
      after = d.next;
    }
  } catch (err) {
    if (handle(err)) return null;
    if (err.status === 404 || err.status === 405 || err.status === 400) return own;
    throw err;
  }
  return out.length ? out : own;
}

function paintAccounts() {
  if (!accounts) return;
  const keep = accountSel.value;
  accountSel.replaceChildren(...accounts.map((a) =>
    el('option', { value: a.login, text: `${a.name || a.login}（${a.login}）` })));
  if (keep && accounts.some((a) => a.login === keep)) accountSel.value = keep;
}

function paintProviders() {
  const keep = providerSel.value || recall('zcyca.provider');
  if (providers.length === 0) {
    providerSel.replaceChildren(el('option', { value: '', text: t('暂无可用的CA服务商') }));
  } else {
    providerSel.replaceChildren(...providers.map((p) => el('option', { value: p.id, text: p.name || p.id })));
    if (keep && providers.some((p) => p.id === keep)) providerSel.value = keep;
  }
  const p = currentProvider();
  $('#bind-driver').href = (p && p.driver_url) || api.pageUrl('downloads.html').pathname;
}

const picker = certificatePicker({
  providerSel, certSel, certHint, detectButton: $('#bind-detect'), currentProvider,
  clearFailure: () => bindFail.clear(), onProviderChange: paintProviders,
});
for (const b of bindDialog.querySelectorAll('[data-close]')) b.addEventListener('click', () => bindDialog.close());

function busy(on) {
  for (const c of bindForm.querySelectorAll('button, input, select')) {
    if (!c.hasAttribute('data-close')) c.disabled = on;
  }
  bindForm.setAttribute('aria-busy', String(on));
}

let session = null;

$('#bind-open').addEventListener('click', async (e) => {
  const opener = e.currentTarget;
  bindFail.clear(); say(bindStatus);
  pinInput.value = '';
  pinInput.removeAttribute('aria-invalid');
  paintProviders();
  picker.paint();
  openModal(bindDialog, { opener, first: accountSel, fallback: opener });
  if (!accounts) {
    accountSel.replaceChildren(el('option', { value: '', text: t('正在加载…') }));
    try {
      accounts = await loadAccounts(session);
    } catch (err) {
      bindFail.show(err, { reasons: failureReasons(err) });
      accountSel.replaceChildren();
    }
  }
  paintAccounts();
  picker.refresh();
});

const STEPS = {
  detect: '正在检测CA锁…', certificate: '正在读取证书…', pin: '正在校验PIN码…',
  challenge: '正在签名…', sign: '正在签名…', submit: '正在绑定…',
};

bindForm.addEventListener('submit', async (e) => {
  e.preventDefault();
  bindFail.clear(); say(bindStatus); pinInput.removeAttribute('aria-invalid');
  const account = accountSel.value;
  const provider = currentProvider();
  if (!account) { bindFail.show(new FlowError('ACCOUNT_REQUIRED', '请选择姓名', 'Choose a name')); accountSel.focus(); return; }
  if (!provider) { bindFail.show(new FlowError('PROVIDER_REQUIRED', '请选择CA服务商', 'Choose a CA provider')); providerSel.focus(); return; }
  busy(true);
  try {
    const { binding, created } = await caBind({
      provider, account, certId: certSel.value || undefined, pin: pinInput.value,
      onStep: (s) => say(bindStatus, STEPS[s] || '正在绑定…', 'busy'),
      onCertificates: (list) => picker.show(provider.id, list),
    });
    pinInput.value = '';
    busy(false);
    say(bindStatus);
    bindDialog.close();
    say(pageStatus, created ? '绑定成功' : '该CA锁已绑定到此账户');
    await showBinding(binding && binding.id);
  } catch (err) {
    busy(false);
    say(bindStatus);
    if (handle(err)) return;
    const pinProblem = ['PIN_REQUIRED', 'PIN_INCORRECT', 'PIN_LOCKED'].includes(err.code);
    if (err.code !== 'PIN_REQUIRED') pinInput.value = '';
    if (pinProblem) pinInput.setAttribute('aria-invalid', 'true');
    // The dialog has its own 下载驱动 link, so the failure box shows none.
    bindFail.show(err, { reasons: failureReasons(err) });
    (pinProblem ? pinInput : $('#bind-submit')).focus();
  }
});

// ---- start ------------------------------------------------------------------------------------
onLang(() => { paint(); paintAccounts(); if (providers.length) { paintProviders(); picker.paint(); } });

async function start() {
  try {
    session = await api.getSession();
  } catch (err) {
    if (handle(err)) return;
    showPageError(err);
    return;
  }
  const a = session.account || {};
  $('#who').textContent = a.name ? `${a.name}（${a.login}）` : (a.login || '');
  try {
    const d = await api.getProviders();
    providers = (d && d.providers) || [];
  } catch (err) {
    showPageError(err);
  }
  await loadPage(0);
}
start();
