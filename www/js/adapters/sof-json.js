// Adapter "sof-json": SOF-style JSON over HTTP, as the reference agent (agent/zcyca-agent)
// and many vendors' local services speak it.  Every call is
//   POST <url>   {"function":"SOF_…", …fields}
// answered by {"code":0,"msg":"成功","msg_en":"OK","data":…} or {"code":N,"msg","msg_en","data"}.
// It is the template for a vendor adapter: change call() and the two tables below.

import { DriverError } from '../driver-error.js';

// The agent's error numbers → DriverError codes.
const CODES = {
  1: 'DRIVER_ERROR',   // bad request
  2: 'DRIVER_ERROR',   // unknown function (an older driver)
  3: 'NO_CERTIFICATE', // no such certificate
  4: 'PIN_INCORRECT',  // data.retries_left
  5: 'PIN_LOCKED',
  6: 'DRIVER_ERROR',   // not logged in
  7: 'REFUSED',        // signing guard
  8: 'DRIVER_ERROR',   // token or internal error
  9: 'DRIVER_ERROR',   // origin not allowed (browsers hide this as a CORS failure)
  10: 'DRIVER_ERROR',  // body too large
};

// How long to wait.  A service that does not answer within DETECT_MS is taken as absent.
const DETECT_MS = 4000;
const CALL_MS = 30000;

export function createSofJsonDriver({ url }) {
  async function call(fn, fields = {}, { timeout = CALL_MS, absentIsNotFound = true } = {}) {
    const ctl = new AbortController();
    const timer = setTimeout(() => ctl.abort(), timeout);
    let res;
    try {
      res = await fetch(url, {
        method: 'POST',
        mode: 'cors',              // the agent answers CORS for the configured origins only
        credentials: 'omit',       // no cookies to the local service
        cache: 'no-store',
        referrerPolicy: 'no-referrer',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ function: fn, ...fields }),
        signal: ctl.signal,
      });
    } catch (err) {
      // TypeError: nothing listens, CORS refused (origin not configured), or the browser blocked
      // the local request.  AbortError: the service hangs.  The page cannot tell these apart.
      if (err && err.name === 'AbortError' && !absentIsNotFound) {
        throw new DriverError('DRIVER_ERROR', { message: 'CA驱动无响应', message_en: 'The CA driver does not answer', cause: err });
      }
      throw new DriverError('DRIVER_NOT_FOUND', { cause: err });
    } finally {
      clearTimeout(timer);
    }
    let body;
    try {
      body = await res.json();
    } catch (err) {
      throw new DriverError('DRIVER_ERROR', { detail: `HTTP ${res.status}, not JSON`, cause: err });
    }
    if (!body || typeof body !== 'object' || typeof body.code !== 'number') {
      throw new DriverError('DRIVER_ERROR', { detail: 'answer without a code' });
    }
    if (body.code === 0) return body.data;
    const code = CODES[body.code] || 'DRIVER_ERROR';
    const data = body.data && typeof body.data === 'object' ? body.data : {};
    const o = { message: body.msg || undefined, message_en: body.msg_en || undefined, detail: { code: body.code, function: fn } };
    if (code === 'PIN_INCORRECT' && Number.isInteger(data.retries_left)) o.retriesLeft = data.retries_left;
    if (code === 'PIN_LOCKED') o.retriesLeft = 0;
    if (body.code === 2 && !body.msg) {
      o.message = 'CA驱动版本过旧，请更新驱动';
      o.message_en = 'The CA driver is outdated; update it';
    }
    throw new DriverError(code, o);
  }

  const str = (v) => (typeof v === 'string' ? v : '');

  return {
    async detect() {
      const d = await call('SOF_GetVersion', {}, { timeout: DETECT_MS });
      return { version: str(d && d.version), agent: str(d && d.agent) };
    },
    async listCertificates() {
      const d = await call('SOF_GetUserList', {}, { timeout: DETECT_MS + 4000 });
      if (!Array.isArray(d)) throw new DriverError('DRIVER_ERROR', { detail: 'SOF_GetUserList: not a list' });
      return d.filter((c) => c && typeof c.cert_id === 'string').map((c) => ({
        id: c.cert_id,
        label: str(c.label),
        subject: str(c.subject),
        issuer: str(c.issuer),
        serial: str(c.serial),
        notAfter: str(c.not_after),
        keyType: str(c.key_type),
      }));
    },
    async exportCertificate(certId) {
      const d = await call('SOF_ExportUserCert', { cert_id: certId }, { absentIsNotFound: false });
      if (!d || typeof d.certificate !== 'string' || !d.certificate) {
        throw new DriverError('NO_CERTIFICATE', { detail: 'SOF_ExportUserCert: no certificate' });
      }
      return d.certificate;
    },
    async pinRetries(certId) {
      const d = await call('SOF_GetPinRetryCount', { cert_id: certId }, { absentIsNotFound: false });
      return d && Number.isInteger(d.retries_left) ? d.retries_left : undefined;
    },
    async login(certId, pin) {
      const d = await call('SOF_Login', { cert_id: certId, pin }, { absentIsNotFound: false });
      return { retriesLeft: d && Number.isInteger(d.retries_left) ? d.retries_left : undefined };
    },
    async sign(certId, text) {
      const d = await call('SOF_SignData', { cert_id: certId, data: text }, { absentIsNotFound: false });
      if (!d || typeof d.signature !== 'string' || !d.signature) {
        throw new DriverError('DRIVER_ERROR', { detail: 'SOF_SignData: no signature' });
      }
      return { signature: d.signature, algorithm: typeof d.algorithm === 'string' ? d.algorithm : undefined };
    },
    async logout(certId) {
      await call('SOF_Logout', { cert_id: certId }, { absentIsNotFound: false });
    },
  };
}
