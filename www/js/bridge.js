// The driver bridge: one interface over the local signing services of the CA providers.
//
//   import { openDriver } from './bridge.js';
//   const driver = openDriver(provider);      // provider: an object of GET /ca/providers
//   await driver.detect();                    // {version, agent}
//   const certs = await driver.listCertificates();   // [{id, label, subject, issuer, serial, notAfter, keyType}]
//   const der = await driver.exportCertificate(certs[0].id);   // base64 DER
//   await driver.login(certs[0].id, pin);     // {retriesLeft}; the PIN goes to the driver only
//   const { signature, algorithm } = await driver.sign(certs[0].id, text);
//
// Every failure is a DriverError (driver-error.js) with .code DRIVER_NOT_FOUND, PIN_INCORRECT
// (.retriesLeft), PIN_LOCKED, REFUSED, NO_CERTIFICATE or DRIVER_ERROR, and the driver's message.
// Adapters register by name; `ZcyCAProviderDriver <id> <adapter> <url>` picks one per provider.
// docs/drivers.md describes the interface and how to write an adapter.

import { DriverError, DRIVER_CODES } from './driver-error.js';
import { createSofJsonDriver } from './adapters/sof-json.js';

export { DriverError, DRIVER_CODES };

const adapters = new Map();

/** Register an adapter: factory({url, provider}) returns an object with the driver methods. */
export function registerAdapter(name, factory) {
  if (!/^[a-z0-9-]{1,32}$/.test(name)) throw new TypeError(`bad adapter name: ${name}`);
  if (typeof factory !== 'function') throw new TypeError('adapter factory must be a function');
  adapters.set(name, factory);
}

export function hasAdapter(name) { return adapters.has(name); }

const METHODS = ['detect', 'listCertificates', 'exportCertificate', 'login', 'sign'];
const OPTIONAL = ['logout', 'pinRetries'];

// Only loopback services: the bridge never talks to another host, whatever the config says.
function loopback(url) {
  try {
    const u = new URL(url);
    return (u.protocol === 'http:' || u.protocol === 'https:') &&
      ['127.0.0.1', 'localhost', '[::1]'].includes(u.hostname);
  } catch { return false; }
}

function unavailable(provider, why) {
  const fail = async () => { throw new DriverError('DRIVER_NOT_FOUND', { detail: why }); };
  const d = { provider, adapter: null, url: null, available: false };
  for (const m of [...METHODS, ...OPTIONAL]) d[m] = fail;
  return Object.freeze(d);
}

/**
 * Chromium's Local Network Access: a page from a public (or LAN) address needs the user's
 * permission to reach a loopback service.  When it was refused, fetch fails just like a missing
 * driver, so ask the Permissions API which one it was.  (Loopback pages are never asked.)
 */
export async function localAccessDenied() {
  if (!navigator.permissions || !navigator.permissions.query) return false;
  for (const name of ['loopback-network', 'local-network-access']) {
    try {
      return (await navigator.permissions.query({ name })).state === 'denied';
    } catch { /* this browser does not know the name */ }
  }
  return false;
}

// Anything an adapter throws that is not a DriverError becomes DRIVER_ERROR.
function guard(fn) {
  return async (...args) => {
    try {
      return await fn(...args);
    } catch (err) {
      if (err instanceof DriverError) {
        if (err.code === 'DRIVER_NOT_FOUND' && err.detail !== 'lna-denied' && await localAccessDenied()) {
          throw new DriverError('DRIVER_NOT_FOUND', {
            message: '未检测到CA驱动：浏览器禁止本网站访问本机的CA驱动，请在浏览器的网站设置中允许本网站访问本地网络后重试',
            message_en: 'No CA driver detected: the browser blocks this site from reaching the CA driver on this computer; allow local network access in the site settings and retry',
            detail: 'lna-denied',
            cause: err,
          });
        }
        throw err;
      }
      throw new DriverError('DRIVER_ERROR', { cause: err, detail: String(err && err.message || err) });
    }
  };
}

/** The driver of a provider (an object of GET /ca/providers: {id, name, driver: {adapter, url}}). */
export function openDriver(provider) {
  const cfg = provider && provider.driver;
  if (!cfg || typeof cfg !== 'object' || !cfg.adapter || !cfg.url) return unavailable(provider, 'no driver configured');
  if (!loopback(cfg.url)) return unavailable(provider, 'driver url is not a loopback address');
  const factory = adapters.get(cfg.adapter);
  if (!factory) return unavailable(provider, `unknown adapter ${cfg.adapter}`);
  const impl = factory({ url: cfg.url, provider });
  const d = { provider, adapter: cfg.adapter, url: cfg.url, available: true };
  for (const m of METHODS) {
    if (typeof impl[m] !== 'function') throw new TypeError(`adapter ${cfg.adapter} lacks ${m}()`);
    d[m] = guard(impl[m].bind(impl));
  }
  for (const m of OPTIONAL) d[m] = typeof impl[m] === 'function' ? guard(impl[m].bind(impl)) : async () => undefined;
  return Object.freeze(d);
}

registerAdapter('sof-json', createSofJsonDriver);
