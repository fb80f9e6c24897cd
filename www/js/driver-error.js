// DriverError: what every driver adapter throws (see docs/drivers.md).
// Kept apart from bridge.js so that adapters can import it without an import cycle.

export const DRIVER_CODES = Object.freeze([
  'DRIVER_NOT_FOUND', // no local service answers (not installed, not running, blocked by the browser)
  'PIN_INCORRECT',    // .retriesLeft says how many tries remain
  'PIN_LOCKED',       // no tries left: the CA must unlock the key
  'REFUSED',          // the driver will not sign this text (its signing guard)
  'NO_CERTIFICATE',   // no key inserted, or the chosen certificate is gone
  'DRIVER_ERROR',     // anything else: bad answer, token error, outdated driver
]);

// Fallback texts when the driver sends none.
const TEXT = {
  DRIVER_NOT_FOUND: ['未检测到CA驱动', 'No CA driver detected'],
  PIN_INCORRECT: ['PIN码错误', 'Wrong PIN'],
  PIN_LOCKED: ['PIN码已被锁定，请联系CA机构解锁', 'The PIN is locked; ask your CA to unlock it'],
  REFUSED: ['CA驱动拒绝签名', 'The CA driver refused to sign'],
  NO_CERTIFICATE: ['未检测到CA证书，请插入CA锁', 'No certificate found; insert your CA key'],
  DRIVER_ERROR: ['CA驱动出错', 'CA driver error'],
};

export class DriverError extends Error {
  /**
   * @param {string} code one of DRIVER_CODES
   * @param {{message?: string, message_en?: string, retriesLeft?: number, detail?: any, cause?: any}} [o]
   */
  constructor(code, o = {}) {
    if (!DRIVER_CODES.includes(code)) code = 'DRIVER_ERROR';
    let zh = o.message || TEXT[code][0];
    let en = o.message_en || TEXT[code][1];
    if (code === 'PIN_INCORRECT' && Number.isInteger(o.retriesLeft) && !o.message) {
      zh = `PIN码错误，还可以再试${o.retriesLeft}次`;
      en = o.message_en || `Wrong PIN; ${o.retriesLeft} attempts left`;
    }
    super(zh, o.cause ? { cause: o.cause } : undefined);
    this.name = 'DriverError';
    this.code = code;
    this.message_zh = zh;
    this.message_en = en;
    if (Number.isInteger(o.retriesLeft)) this.retriesLeft = o.retriesLeft;
    if (o.detail !== undefined) this.detail = o.detail;
  }
}
