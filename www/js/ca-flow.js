// The two CA flows of the pages, on top of the bridge and the API:
//
//   CA login: detect → list certificates → export the certificate → PIN to the key (SOF_Login)
//             → POST /ca/challenge {purpose:"login"} → sign the challenge's tbs
//             → POST /ca/login {provider, challenge_id, nonce, certificate, signature, algorithm}
//   bind:     the same with purpose "bind" and the account, then POST /ca/bindings.
//
// The key is unlocked with the PIN before the server is asked for anything, so a wrong PIN
// (or a missing driver or key) makes no request to the server at all.  The PIN goes only to
// the driver.  A platform with its own front end can use these functions as they are.

import { openDriver, DriverError } from './bridge.js';
import * as api from './api.js';

/** A failure of the page's own checks (no driver or server involved), e.g. PIN_REQUIRED. */
export class FlowError extends Error {
  constructor(code, zh, en) {
    super(zh);
    this.name = 'FlowError';
    this.code = code;
    this.message_zh = zh;
    this.message_en = en;
  }
}

/** Detect the provider's driver and list its certificates. Returns {driver, info, certificates}. */
export async function detectCertificates(provider) {
  const driver = openDriver(provider);
  const info = await driver.detect();
  const certificates = await driver.listCertificates();
  return { driver, info, certificates };
}

/**
 * Prove possession of a key: the proof fields of POST /ca/login and POST /ca/bindings.
 * @param {object} o
 * @param {object} o.provider   an object of GET /ca/providers
 * @param {string} [o.certId]   the chosen certificate (default: the only one, else the first)
 * @param {string} o.pin
 * @param {'login'|'bind'} o.purpose
 * @param {string} [o.account]  bind: the target account's login
 * @param {(step: string) => void} [o.onStep]  progress: detect, certificate, pin, challenge, sign, submit
 * @param {(certs: object[]) => void} [o.onCertificates]  the certificates the driver lists now
 */
export async function proveKey({ provider, certId, pin, purpose, account, onStep = () => {}, onCertificates }) {
  onStep('detect');
  const { driver, certificates } = await detectCertificates(provider);
  if (onCertificates) onCertificates(certificates);
  if (certificates.length === 0) throw new DriverError('NO_CERTIFICATE');
  const cert = certId ? certificates.find((c) => c.id === certId) : certificates[0];
  if (!cert) throw new DriverError('NO_CERTIFICATE', { detail: 'the chosen certificate is gone' });
  // Checked only now, so that a missing driver or key is reported first.
  if (!pin) throw new FlowError('PIN_REQUIRED', '请输入PIN码', 'Enter the PIN');

  onStep('certificate');
  const certificate = await driver.exportCertificate(cert.id);

  onStep('pin');
  await driver.login(cert.id, pin); // wrong PIN: DriverError here, before any server request

  let challenge;
  try {
    onStep('challenge');
    challenge = await api.newChallenge(purpose, provider.id, purpose === 'bind' ? account : undefined);
  } catch (err) {
    driver.logout(cert.id).catch(() => {}); // close the key's session; the error is the server's
    throw err;
  }

  onStep('sign');
  // tbs is the ZCYCA-AUTH-V1 text, or the bare nonce for providers in nonce mode.
  const signed = await driver.sign(cert.id, challenge.tbs);

  const proof = {
    provider: provider.id,
    challenge_id: challenge.challenge_id,
    nonce: challenge.nonce,
    certificate,
    signature: signed.signature,
  };
  if (signed.algorithm) proof.algorithm = signed.algorithm;
  return { proof, certificate: cert };
}

/** CA login. Resolves to the answer of POST /ca/login ({account, method, redirect}). */
export async function caLogin({ provider, certId, pin, onStep, onCertificates }) {
  const { proof } = await proveKey({ provider, certId, pin, purpose: 'login', onStep, onCertificates });
  if (onStep) onStep('submit');
  return api.caLogin(proof);
}

/** Bind a key to an account. Resolves to {binding, created} (201: created; 200: already bound there). */
export async function caBind({ provider, certId, pin, account, onStep, onCertificates }) {
  const { proof } = await proveKey({ provider, certId, pin, purpose: 'bind', account, onStep, onCertificates });
  if (onStep) onStep('submit');
  const { status, data } = await api.createBinding({ account, ...proof });
  return { binding: data, created: status === 201 };
}

/** The 可能失败原因 of a driver failure, in the server's (Chinese) wording. */
export function driverReasons(err) {
  switch (err && err.code) {
    case 'DRIVER_NOT_FOUND':
      return err.detail === 'lna-denied' ? ['浏览器禁止本网站访问本机CA驱动'] : ['驱动未安装或版本过旧', '驱动服务未启动'];
    case 'NO_CERTIFICATE': return ['未插入CA锁', '驱动未安装或版本过旧'];
    case 'PIN_INCORRECT':
    case 'PIN_LOCKED': return ['PIN码错误或已被锁定'];
    case 'REFUSED': return ['驱动未安装或版本过旧'];
    default: return ['驱动未安装或版本过旧', '未插入CA锁'];
  }
}

/** The general list of DESIGN §7, for a CA failure whose answer carries no reasons. */
export const LOGIN_REASONS = Object.freeze([
  '驱动未安装或版本过旧', '未插入CA锁', 'PIN码错误或已被锁定', '证书已过期',
  'CA锁未绑定账号', '选择的CA服务商不正确', '所在区划未开通CA业务', '电脑时间不正确',
]);

/** The 可能失败原因 to show for any failure of a CA flow (the server's, or the driver's). */
export function failureReasons(err) {
  if (err instanceof DriverError) return driverReasons(err);
  if (err instanceof api.ApiError) return err.reasons;
  return [];
}
