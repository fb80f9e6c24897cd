// The module's JSON API, as the pages call it.
// Every call sends Accept and Content-Type application/json (so the module answers JSON,
// never its HTML error page, and state changes pass its CSRF check) and the cookies of
// this origin only.  Error bodies {"error":{code,message,message_en,reasons}} become ApiError.
//
// The handlers' base path is /ca unless the page says otherwise:
//   <meta name="zcyca-api" content="/sso/ca">

import { t, pick, learnReason } from './i18n.js';

export class ApiError extends Error {
  constructor(status, e = {}) {
    super(e.message || e.message_en || `HTTP ${status}`);
    this.name = 'ApiError';
    this.status = status;
    this.code = e.code || (status ? `HTTP_${status}` : 'NETWORK');
    this.message_zh = e.message || '';
    this.message_en = e.message_en || '';
    this.reasons = Array.isArray(e.reasons) ? e.reasons.filter((r) => typeof r === 'string') : [];
    // The server sends each reason in English too (reasons_en, same order).
    if (Array.isArray(e.reasons_en) && Array.isArray(e.reasons) && e.reasons_en.length === e.reasons.length) {
      e.reasons.forEach((zh, i) => learnReason(zh, e.reasons_en[i]));
    }
  }
  /** The message in the page's language. */
  text() { return pick(this.message_zh, this.message_en); }
}

function base() {
  const m = document.querySelector('meta[name="zcyca-api"]');
  return ((m && m.content) || '/ca').replace(/\/+$/, '');
}

export function apiUrl(path) { return base() + path; }

export async function api(path, { method = 'GET', body, signal, full = false } = {}) {
  let res;
  try {
    res = await fetch(apiUrl(path), {
      method,
      credentials: 'same-origin',
      cache: 'no-store',
      headers: { Accept: 'application/json', 'Content-Type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal,
    });
  } catch (err) {
    if (err && err.name === 'AbortError') throw err;
    throw new ApiError(0, {
      code: 'NETWORK', message: t('网络连接失败，请检查网络后重试'),
      message_en: 'Network error; check your connection and retry',
    });
  }
  if (res.status === 204) return full ? { status: 204, data: null } : null;
  let data = null;
  if ((res.headers.get('Content-Type') || '').includes('json')) {
    try { data = await res.json(); } catch { data = null; }
  }
  if (!res.ok) {
    const e = data && data.error && typeof data.error === 'object' ? data.error : {
      code: `HTTP_${res.status}`,
      message: `服务器错误（${res.status}）`,
      message_en: `Server error (${res.status})`,
    };
    throw new ApiError(res.status, e);
  }
  return full ? { status: res.status, data } : data;
}

const q = (params) => {
  const s = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== null && v !== '') s.set(k, String(v));
  const str = s.toString();
  return str ? `?${str}` : '';
};

// One function per endpoint the pages use (docs/http-api.md).
export const getProviders = () => api('/providers');
export const getSession = () => api('/session');
export const passwordLogin = (login, password) => api('/password-login', { method: 'POST', body: { login, password } });
export const newChallenge = (purpose, provider, account) =>
  api('/challenge', { method: 'POST', body: account ? { purpose, provider, account } : { purpose, provider } });
export const caLogin = (proof) => api('/login', { method: 'POST', body: proof });
export const logout = () => api('/logout', { method: 'POST', body: {} });
export const listBindings = (limit, after) => api('/bindings' + q({ limit, after }));
export const listAccounts = (limit, after) => api('/bindings/accounts' + q({ limit, after }));
// → {status: 201 (bound now) or 200 (already bound to that account), data: binding}
export const createBinding = (body) => api('/bindings', { method: 'POST', body, full: true });
export const deleteBinding = (id) => api('/bindings/' + encodeURIComponent(id), { method: 'DELETE' });

// ---- page paths -------------------------------------------------------------------------
// The pages live in one directory (this file is in its js/ folder), wherever it is mounted.
export const pageUrl = (name) => new URL('../' + name, import.meta.url);

/** A return path is followed only when it is local: /path, not //host or /\host, no controls. */
export function safeReturn(value) {
  if (typeof value !== 'string' || value.length > 2048) return null;
  // An error page of a login host on another origin names this page's CA管理 with an absolute
  // URL (ZcyCAManageURL): follow it only when it is this very origin, as a local path.
  if (/^https?:\/\//i.test(value)) {
    let u;
    try { u = new URL(value); } catch { return null; }
    if (u.origin !== location.origin || u.username || u.password) return null;
    value = u.pathname + u.search + u.hash;
  }
  if (!value.startsWith('/') || value.startsWith('//') || value.startsWith('/\\')) return null;
  if (/[\u0000-\u001f\u007f\\]/.test(value)) return null;
  return value;
}

/** Send the browser to the login page, coming back here afterwards. */
export function toLogin() {
  const back = encodeURIComponent(location.pathname + location.search).replace(/%2F/g, '/');
  location.assign(pageUrl('login.html').pathname + '?return=' + back);
}
