// Chinese by default, English on request.  The Chinese text in the HTML is the key:
// an element with data-i18n has its text translated, data-i18n-attr="aria-label title"
// translates those attributes.  The choice is kept in localStorage under zcyca.lang.

const STORE = 'zcyca.lang';

// UI strings.  {n}-style placeholders are filled by t(key, {n: 5}).
const EN = {
  // shared
  '政府采购平台': 'Government Procurement Platform',
  'CA证书登录服务': 'CA key login service',
  '跳到主要内容': 'Skip to main content',
  '应用中心': 'App centre',
  '下载专区': 'Downloads',
  '登录': 'Log in',
  '退出登录': 'Log out',
  '网站': 'Site',
  '© 政府采购平台 · CA登录由 mod_zcyca 提供': '© Government Procurement Platform · CA login by mod_zcyca',
  '网络连接失败，请检查网络后重试': 'Network error; check your connection and retry',
  '服务器错误（{status}）': 'Server error ({status})',
  '正在加载…': 'Loading…',
  '请先登录': 'Please log in first',
  '可能失败原因': 'Possible reasons',
  '可能失败原因：': 'Possible reasons:',
  '下载驱动': 'Download driver',
  '使用账号密码登录并绑定': 'Log in with password and bind the key',
  // login page
  '用户登录': 'Log in',
  '登录 · 政府采购平台': 'Log in · Government Procurement Platform',
  '欢迎登录': 'Welcome',
  '使用账号密码登录，或插入CA锁使用CA证书登录。': 'Log in with your account and password, or insert your CA key and log in with its certificate.',
  '安装CA服务商的驱动，插入CA锁；': 'Install your CA provider\'s driver and insert the CA key;',
  '选择CA服务商和证书，输入CA锁的口令；': 'Choose the CA provider and the certificate, enter the key\'s PIN;',
  '检测通过后，直接进入工作台。': 'Once the key is verified, you go straight to your workspace.',
  'PIN码只交给本机的CA驱动，不会发送到服务器。': 'The PIN goes only to the CA driver on this computer, never to the server.',
  '登录方式': 'Login method',
  '账号登录': 'Password login',
  'CA登录': 'CA login',
  '账号': 'Account',
  '密码': 'Password',
  'CA服务商': 'CA provider',
  '证书': 'Certificate',
  'PIN码': 'PIN',
  '检测 CA 并登录': 'Detect CA and log in',
  '使用浏览器证书登录': 'Log in with a browser certificate',
  '或': 'or',
  '重新检测': 'Detect again',
  '重新检测CA锁': 'Detect the CA key again',
  '请输入账号': 'Enter your account',
  '请输入密码': 'Enter your password',
  '请输入PIN码': 'Enter the PIN',
  '请选择CA服务商': 'Choose a CA provider',
  '请选择证书': 'Choose a certificate',
  '正在登录…': 'Logging in…',
  '正在检测CA锁…': 'Detecting the CA key…',
  '正在读取证书…': 'Reading the certificate…',
  '正在校验PIN码…': 'Checking the PIN…',
  '正在签名…': 'Signing…',
  '正在验证…': 'Verifying…',
  '登录成功，正在进入应用中心…': 'Logged in; opening the app centre…',
  '未检测到证书': 'No certificate detected',
  '未找到证书': 'No certificate found',
  '到期': 'expires',
  '浏览器将请您选择证书（RSA、ECDSA证书）。': 'The browser asks you to choose a certificate (RSA or ECDSA keys).',
  '暂无可用的CA服务商': 'No CA provider available',
  '无法加载CA服务商': 'Cannot load the CA providers',
  // driver errors (the agent sends its own msg/msg_en; these are the fallbacks)
  '未检测到CA驱动': 'No CA driver detected',
  'PIN码错误，还可以再试{n}次': 'Wrong PIN; {n} attempts left',
  'PIN码错误': 'Wrong PIN',
  'PIN码已被锁定，请联系CA机构解锁': 'The PIN is locked; ask your CA to unlock it',
  'CA驱动拒绝签名': 'The CA driver refused to sign',
  '未检测到CA证书，请插入CA锁': 'No certificate found; insert your CA key',
  'CA驱动出错': 'CA driver error',
  'CA驱动无响应': 'The CA driver does not answer',
  'CA驱动版本过旧，请更新驱动': 'The CA driver is outdated; update it',
  '该CA服务商未配置CA驱动': 'No CA driver is configured for this CA provider',
  // app centre
  '应用中心 · 政府采购平台': 'App centre · Government Procurement Platform',
  '当前用户': 'Current user',
  '姓名': 'Name',
  '账户': 'Account',
  '区划': 'Region',
  'CA服务商（登录）': 'CA provider (login)',
  '证书到期': 'Certificate expires',
  '会话到期': 'Session ends',
  'CA证书登录': 'CA certificate login',
  '账号密码登录': 'Account and password login',
  '我的应用': 'My applications',
  'CA管理': 'CA management',
  'CA绑定与解绑：把CA锁绑定到账号，或解除绑定。': 'Bind CA keys to accounts, or unbind them.',
  '驱动与客户端下载。': 'Drivers and clients.',
  '（无）': '(none)',
  // CA admin
  'CA管理 · 政府采购平台': 'CA management · Government Procurement Platform',
  '面包屑': 'Breadcrumb',
  '系统管理': 'System settings',
  'CA绑定与解绑': 'Bind and unbind CA keys',
  '绑定 CA': 'Bind CA',
  '已绑定的CA锁': 'Bound CA keys',
  '绑定账户': 'Bound account',
  'CA证书信息': 'CA certificate',
  '绑定人': 'Bound by',
  '绑定时间': 'Bound at',
  '操作': 'Actions',
  'CA锁ID': 'CA key ID',
  '到期时间': 'Expires',
  '解除绑定': 'Unbind',
  '暂无绑定记录': 'No bindings yet',
  '上一页': 'Previous page',
  '下一页': 'Next page',
  '分页': 'Pages',
  '第 {n} 页': 'Page {n}',
  '已过期': 'Expired',
  '{n}天后到期': 'Expires in {n} days',
  '即将到期': 'Expires soon',
  'CA绑定': 'Bind a CA key',
  '关闭': 'Close',
  '确定': 'OK',
  '取消': 'Cancel',
  '确认': 'Confirm',
  '确认要解除 CA 绑定吗': 'Unbind this CA key?',
  '解除后，该CA锁将不能再登录此账户。': 'The key can then no longer log in to this account.',
  '请选择姓名': 'Choose a name',
  '正在绑定…': 'Binding…',
  '绑定成功': 'Bound',
  '该CA锁已绑定到此账户': 'This key was already bound to this account',
  '已解除绑定': 'Unbound',
  '还没有安装驱动？': 'No driver installed yet?',
  // downloads
  '下载专区 · 政府采购平台': 'Downloads · Government Procurement Platform',
  '客户端&驱动下载': 'Clients & drivers',
  '名称': 'Name',
  '说明': 'Description',
  '下载': 'Download',
  '{name}驱动': '{name} driver',
  '立即下载': 'Download now',
  '暂未提供': 'Not available',
  '安装后插入CA锁，即可在登录页使用CA登录和在CA管理中绑定。': 'Install it, insert the CA key, then use CA login or bind the key under CA management.',
  '请联系CA服务商获取驱动。': 'Ask the CA provider for the driver.',
  '首页 · 政府采购平台': 'Home · Government Procurement Platform',
  '进入应用中心': 'Open the app centre',
};

// The 可能失败原因 the pages add themselves (driver failures).  The server's own come with
// their English in reasons_en (mod_zcyca/errors.def is their one table): learnReason().
const REASONS_EN = {
  '驱动未安装或版本过旧': 'CA driver not installed or outdated',
  '未插入CA锁': 'CA key not inserted',
  'PIN码错误或已被锁定': 'Wrong or locked PIN',
  '驱动服务未启动': 'CA driver service not running',
  '浏览器禁止本网站访问本机CA驱动': 'The browser blocks this site from reaching the CA driver on this computer',
};

function stored() {
  try { return localStorage.getItem(STORE) === 'en' ? 'en' : 'zh'; } catch { return 'zh'; }
}

let current = stored();

export function lang() { return current; }

function fill(s, vars) {
  return vars ? s.replace(/\{(\w+)\}/g, (m, k) => (k in vars ? String(vars[k]) : m)) : s;
}

/** Translate a Chinese UI string (the key) into the current language. */
export function t(zh, vars) {
  return fill(current === 'en' && EN[zh] ? EN[zh] : zh, vars);
}

/** Pick the server's (or driver's) message in the current language. */
export function pick(zh, en) {
  return current === 'en' && en ? en : (zh || en || '');
}

/** Remember the English of a reason the server sent. */
export function learnReason(zh, en) {
  if (typeof zh === 'string' && typeof en === 'string' && en) REASONS_EN[zh] = en;
}

/** A 可能失败原因 in the current language (unknown ones stay Chinese). */
export function reason(zh) {
  return current === 'en' && REASONS_EN[zh] ? REASONS_EN[zh] : zh;
}

/** Translate every data-i18n element and data-i18n-attr attribute under root. */
export function apply(root = document) {
  const sel = '[data-i18n], [data-i18n-attr]';
  const nodes = root.matches && root.matches(sel) ? [root, ...root.querySelectorAll(sel)] : root.querySelectorAll(sel);
  for (const el of nodes) {
    if (el.hasAttribute('data-i18n')) {
      if (el.dataset.zh === undefined) el.dataset.zh = el.textContent.trim();
      el.textContent = t(el.dataset.zh);
    }
    const attrs = el.getAttribute('data-i18n-attr');
    if (attrs) {
      for (const a of attrs.split(/\s+/).filter(Boolean)) {
        const key = 'zh' + a.replace(/(^|-)(\w)/g, (m, d, c) => c.toUpperCase());
        if (el.dataset[key] === undefined) el.dataset[key] = el.getAttribute(a) || '';
        el.setAttribute(a, t(el.dataset[key]));
      }
    }
  }
}

function paintToggles() {
  for (const b of document.querySelectorAll('[data-lang-toggle]')) {
    // The button names the language it switches to, in that language.
    b.textContent = current === 'en' ? '中文' : 'English';
    b.lang = current === 'en' ? 'zh-CN' : 'en';
  }
  document.documentElement.lang = current === 'en' ? 'en' : 'zh-CN';
}

export function setLang(l) {
  current = l === 'en' ? 'en' : 'zh';
  try { localStorage.setItem(STORE, current); } catch { /* private mode: the page still switches */ }
  apply();
  paintToggles();
  document.dispatchEvent(new CustomEvent('zcyca:lang', { detail: { lang: current } }));
}

/** Call once per page: translate, wire the English/中文 buttons. */
export function initI18n() {
  apply();
  paintToggles();
  for (const b of document.querySelectorAll('[data-lang-toggle]')) {
    b.addEventListener('click', () => setLang(current === 'en' ? 'zh' : 'en'));
  }
  // Another tab switched: follow it.
  window.addEventListener('storage', (e) => { if (e.key === STORE && stored() !== current) setLang(stored()); });
}

/** Re-run fn now and whenever the language changes. */
export function onLang(fn) {
  document.addEventListener('zcyca:lang', fn);
}
