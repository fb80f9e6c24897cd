// Small UI pieces shared by the pages: DOM building, the failure box with its
// 可能失败原因 tooltip, tabs, modal dialogs, and date formatting.

import { t, pick, reason, onLang } from './i18n.js';
import { DriverError } from './driver-error.js';
import { ApiError } from './api.js';

/** el('p', {class: 'x', text: '…'}, child, …) */
export function el(tag, props = {}, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(props)) {
    if (v === undefined || v === null || v === false) continue;
    if (k === 'text') e.textContent = v;
    else if (k === 'class') e.className = v;
    else if (k === 'dataset') Object.assign(e.dataset, v);
    else if (k.startsWith('on') && typeof v === 'function') e.addEventListener(k.slice(2), v);
    else e.setAttribute(k, v === true ? '' : v);
  }
  for (const c of children.flat()) if (c !== null && c !== undefined && c !== false) e.append(c);
  return e;
}

export const $ = (sel, root = document) => root.querySelector(sel);

// ---- times ----------------------------------------------------------------------------
const pad = (n) => String(n).padStart(2, '0');
/** RFC 3339 → "2026-11-24 16:00:00" in the browser's time zone (as the platform guides show). */
export function fmtTime(iso) {
  if (!iso) return '';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return String(iso);
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ` +
    `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
}
export const fmtDate = (iso) => fmtTime(iso).slice(0, 10);

/** "4ec75e25…1305": enough to tell keys apart, the full id in the title. */
export function shortId(id) {
  const s = String(id || '');
  return s.length > 16 ? `${s.slice(0, 8)}…${s.slice(-4)}` : s;
}

/** The CN of a DN in either "CN=x,O=y" or "/C=CN/CN=x" form, else the whole DN. */
export function commonName(dn) {
  const m = /(?:^|[,/]\s*)CN\s*=\s*((?:\\.|[^,/])+)/i.exec(String(dn || ''));
  return m ? m[1].replace(/\\(.)/g, '$1').trim() : String(dn || '');
}

// ---- messages ---------------------------------------------------------------------------
/** The text of any error in the page's language. */
export function errorText(err) {
  if (err instanceof ApiError) return err.text();
  if (err instanceof DriverError) return pick(err.message_zh, err.message_en);
  if (err && err.message_zh) return pick(err.message_zh, err.message_en);
  return t('网络连接失败，请检查网络后重试');
}

/** A polite status line (role=status): say(el, '正在登录…', 'busy'); say(el) clears it. */
export function say(node, zh, kind = 'ok', vars) {
  if (!zh) { node.hidden = true; node.textContent = ''; delete node.dataset.zh; return; }
  node.dataset.zh = zh;
  node.dataset.vars = vars ? JSON.stringify(vars) : '';
  node.classList.toggle('busy', kind === 'busy');
  node.hidden = false;
  node.textContent = t(zh, vars);
}
onLang(() => {
  for (const n of document.querySelectorAll('.status[data-zh]')) {
    n.textContent = t(n.dataset.zh, n.dataset.vars ? JSON.parse(n.dataset.vars) : undefined);
  }
});

/**
 * The failure box: a role=alert message, the focusable "可能失败原因" element whose tooltip
 * (role=tooltip, aria-describedby) lists the reasons on hover and on focus, and optionally
 * the "下载驱动" link.  The markup is in the page (see login.html); this wires it.
 */
export function failureBox(root) {
  const msg = $('[data-failure-message]', root);
  const extra = $('[data-failure-extra]', root);
  const wrap = $('.reasons', root);
  const trigger = $('.reasons-trigger', root);
  const tip = $('[role="tooltip"]', root);
  const link = $('.driver-link', root);
  const bindLink = $('.bind-link', root);
  let last = null;
  let hover = false;
  let focus = false;

  const sync = () => { tip.hidden = !(hover || focus); };
  wrap.addEventListener('mouseenter', () => { hover = true; sync(); });
  wrap.addEventListener('mouseleave', () => { hover = false; sync(); });
  trigger.addEventListener('focus', () => { focus = true; sync(); });
  trigger.addEventListener('blur', () => { focus = false; sync(); });
  // Escape dismisses the tooltip without moving focus (WCAG 1.4.13).
  trigger.addEventListener('keydown', (e) => {
    if (e.key === 'Escape' && !tip.hidden) { e.preventDefault(); e.stopPropagation(); tip.hidden = true; }
  });

  function render() {
    if (!last) return;
    msg.textContent = errorText(last.err);
    const reasons = last.reasons;
    // Only the list: the trigger already says 可能失败原因, and the tooltip is its description.
    tip.replaceChildren(el('ol', {}, reasons.map((r) => el('li', { text: reason(r) }))));
    wrap.hidden = reasons.length === 0;
    if (link) {
      link.hidden = !last.driverUrl;
      if (last.driverUrl) link.href = last.driverUrl;
    }
    // An unbound key: the way out is a password login, then CA管理.
    if (bindLink) bindLink.hidden = !(last.err && last.err.code === 'NOT_BOUND');
    extra.hidden = wrap.hidden && (!link || link.hidden) && (!bindLink || bindLink.hidden);
  }
  onLang(render);

  return {
    /** show(err, {reasons: [...], driverUrl}) */
    show(err, { reasons = [], driverUrl = null } = {}) {
      last = { err, reasons: [...new Set(reasons)], driverUrl };
      msg.hidden = false;
      render();
    },
    clear() {
      last = null;
      msg.hidden = true;
      msg.textContent = '';
      extra.hidden = true;
      tip.hidden = true;
      if (bindLink) bindLink.hidden = true;
    },
  };
}

// ---- tabs ---------------------------------------------------------------------------------
/** A WAI-ARIA tablist with automatic activation: arrows, Home and End move between tabs. */
export function initTabs(tablist, { onChange } = {}) {
  const tabs = [...tablist.querySelectorAll('[role="tab"]')];
  const panel = (tab) => document.getElementById(tab.getAttribute('aria-controls'));
  function select(tab, { focus = false } = {}) {
    for (const x of tabs) {
      const on = x === tab;
      x.setAttribute('aria-selected', String(on));
      x.tabIndex = on ? 0 : -1;
      panel(x).hidden = !on;
    }
    if (focus) tab.focus();
    if (onChange) onChange(tab);
  }
  tablist.addEventListener('click', (e) => {
    const tab = e.target.closest('[role="tab"]');
    if (tab) select(tab);
  });
  tablist.addEventListener('keydown', (e) => {
    const i = tabs.indexOf(document.activeElement);
    if (i < 0) return;
    let j = null;
    if (e.key === 'ArrowRight' || e.key === 'ArrowDown') j = (i + 1) % tabs.length;
    else if (e.key === 'ArrowLeft' || e.key === 'ArrowUp') j = (i - 1 + tabs.length) % tabs.length;
    else if (e.key === 'Home') j = 0;
    else if (e.key === 'End') j = tabs.length - 1;
    if (j === null) return;
    e.preventDefault();
    select(tabs[j], { focus: true });
  });
  return { select, tabs };
}

// ---- dialogs ------------------------------------------------------------------------------
const FOCUSABLE = 'a[href], button, input, select, textarea, [tabindex]:not([tabindex="-1"])';

function focusables(root) {
  return [...root.querySelectorAll(FOCUSABLE)].filter((n) =>
    !n.disabled && !n.closest('[hidden]') && n.getClientRects().length > 0);
}

/**
 * Open a <dialog class="modal"> modally.  Focus goes to `first` (or the first field), Tab and
 * Shift+Tab stay inside, Escape closes, and focus returns to the opener (or `fallback` when
 * the opener is gone, e.g. the row it was in was removed).
 */
export function openModal(dialog, { opener = document.activeElement, first, fallback } = {}) {
  if (!dialog.dataset.wired) {
    dialog.dataset.wired = '1';
    dialog.addEventListener('keydown', (e) => {
      if (e.key !== 'Tab') return;
      const f = focusables(dialog);
      if (f.length === 0) { e.preventDefault(); return; }
      const a = f[0];
      const z = f[f.length - 1];
      if (e.shiftKey && (document.activeElement === a || !dialog.contains(document.activeElement))) {
        e.preventDefault(); z.focus();
      } else if (!e.shiftKey && (document.activeElement === z || !dialog.contains(document.activeElement))) {
        e.preventDefault(); a.focus();
      }
    });
    dialog.addEventListener('close', () => {
      const back = dialog._zcOpener;
      const target = back && back.isConnected && !back.disabled ? back : dialog._zcFallback;
      dialog._zcOpener = null;
      if (target) target.focus();
    });
  }
  dialog._zcOpener = opener;
  dialog._zcFallback = fallback;
  dialog.showModal();
  const target = first || focusables(dialog).find((n) => !n.classList.contains('modal-close')) || dialog;
  target.focus();
}

/** localStorage that never throws (private modes, disabled storage). */
export const remember = (k, v) => { try { localStorage.setItem(k, v); } catch { /* ignore */ } };
export const recall = (k) => { try { return localStorage.getItem(k); } catch { return null; } };
