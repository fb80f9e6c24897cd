// login.html: 账号登录 and CA登录 tabs.
import { initI18n, t, onLang } from './i18n.js';
import * as api from './api.js';
import { caLogin, failureReasons, FlowError } from './ca-flow.js';
import { certificatePicker } from './cert-picker.js';
import { DriverError } from './bridge.js';
import { $, el, initTabs, failureBox, say, recall } from './ui.js';

initI18n();

const params = new URLSearchParams(location.search);
const back = api.safeReturn(params.get('return'));
{
  // 使用账号密码登录并绑定: this page's password tab, then CA管理 (both wherever the pages are mounted).
  const u = api.pageUrl('login.html');
  const bindLink = $('.bind-link');
  bindLink.href = `${u.pathname}?tab=password&return=${api.pageUrl('ca-admin.html').pathname}`;
}

// One message area serves both tabs.
const pwFail = failureBox($('#login-failure'));
const caFail = pwFail;
const pwStatus = $('#login-status');
const caStatus = pwStatus;
const providerSel = $('#ca-provider');
const certSel = $('#ca-cert');
const certHint = $('#ca-cert-hint');
const pinInput = $('#ca-pin');

let providers = [];
let tlsLoginUrl = null;


function go(answer) {
  location.assign(back || (answer && answer.redirect) || api.pageUrl('app/').pathname);
}

function busy(form, on) {
  for (const c of form.querySelectorAll('button, input, select')) c.disabled = on;
  form.setAttribute('aria-busy', String(on));
}

function invalid(input, on) {
  if (on) input.setAttribute('aria-invalid', 'true'); else input.removeAttribute('aria-invalid');
}

// ---- tabs ---------------------------------------------------------------------------------
const tabs = initTabs($('#login-tabs'), {
  onChange(tab) {
    pwFail.clear(); say(pwStatus);
    if (tab.dataset.tab === 'ca') picker.refresh();
  },
});
const caVisible = () => !$('#panel-ca').hidden;

// ---- 账号登录 ----------------------------------------------------------------------------
$('#password-form').addEventListener('submit', async (e) => {
  e.preventDefault();
  const form = e.currentTarget;
  pwFail.clear(); say(pwStatus);
  const loginInput = $('#login-name');
  const pwInput = $('#login-password');
  const login = loginInput.value.trim();
  const password = pwInput.value;
  invalid(loginInput, !login); invalid(pwInput, !password);
  if (!login || !password) {
    pwFail.show(!login ? new FlowError('LOGIN_REQUIRED', '请输入账号', 'Enter your account')
      : new FlowError('PASSWORD_REQUIRED', '请输入密码', 'Enter your password'));
    (!login ? loginInput : pwInput).focus();
    return;
  }
  busy(form, true);
  say(pwStatus, '正在登录…', 'busy');
  try {
    const answer = await api.passwordLogin(login, password);
    say(pwStatus, '登录成功，正在进入应用中心…');
    go(answer);
  } catch (err) {
    say(pwStatus);
    pwInput.value = '';
    pwFail.show(err, { reasons: failureReasons(err) });
    busy(form, false);
    pwInput.focus();
  }
});

// ---- CA登录 -------------------------------------------------------------------------------
const currentProvider = () => providers.find((p) => p.id === providerSel.value) || null;

async function loadProviders() {
  providerSel.replaceChildren(el('option', { value: '', text: t('正在加载…') }));
  try {
    const d = await api.getProviders();
    providers = Array.isArray(d && d.providers) ? d.providers : [];
    tlsLoginUrl = (d && d.tls_login_url) || null;
  } catch (err) {
    providers = [];
    providerSel.replaceChildren(el('option', { value: '', text: t('无法加载CA服务商') }));
    caFail.show(err, { reasons: failureReasons(err) });
    return;
  }
  if (providers.length === 0) {
    providerSel.replaceChildren(el('option', { value: '', text: t('暂无可用的CA服务商') }));
    return;
  }
  providerSel.replaceChildren(...providers.map((p) => el('option', { value: p.id, text: p.name || p.id })));
  const last = recall('zcyca.provider');
  if (last && providers.some((p) => p.id === last)) providerSel.value = last;
  if (caVisible()) picker.refresh();
}

const picker = certificatePicker({
  providerSel, certSel, certHint, detectButton: $('#ca-detect'), currentProvider,
  clearFailure: () => caFail.clear(),
});

const STEPS = {
  detect: '正在检测CA锁…', certificate: '正在读取证书…', pin: '正在校验PIN码…',
  challenge: '正在签名…', sign: '正在签名…', submit: '正在验证…',
};

$('#ca-form').addEventListener('submit', async (e) => {
  e.preventDefault();
  const form = e.currentTarget;
  caFail.clear(); say(caStatus); invalid(pinInput, false);
  const provider = currentProvider();
  if (!provider) {
    caFail.show(new FlowError('PROVIDER_REQUIRED', '请选择CA服务商', 'Choose a CA provider'));
    providerSel.focus();
    return;
  }
  const pin = pinInput.value;
  busy(form, true);
  try {
    const answer = await caLogin({
      provider,
      certId: certSel.value || undefined,
      pin,
      onStep: (s) => say(caStatus, STEPS[s] || '正在登录…', 'busy'),
      onCertificates: (list) => picker.show(provider.id, list),
    });
    pinInput.value = '';
    say(caStatus, '登录成功，正在进入应用中心…');
    go(answer);
  } catch (err) {
    say(caStatus);
    if (err instanceof DriverError && err.code === 'DRIVER_NOT_FOUND') {
      picker.show(provider.id, null);
    }
    busy(form, false);
    const pinProblem = err.code === 'PIN_REQUIRED' || err.code === 'PIN_INCORRECT' || err.code === 'PIN_LOCKED';
    if (err.code !== 'PIN_REQUIRED') pinInput.value = '';
    invalid(pinInput, pinProblem);
    caFail.show(err, { reasons: failureReasons(err), driverUrl: provider.driver_url || null });
    (pinProblem ? pinInput : $('#ca-submit')).focus();
  }
});

// The mutual-TLS form: only provider (and return) are posted, to the login host.
$('#tls-form').addEventListener('submit', (e) => {
  const form = e.currentTarget;
  const p = currentProvider();
  if (!p) { e.preventDefault(); caFail.show(new FlowError('PROVIDER_REQUIRED', '请选择CA服务商', 'Choose a CA provider')); return; }
  form.action = tlsLoginUrl || api.apiUrl('/login');
  $('#tls-provider').value = p.id;
  // The module redirects to `return` on its own host.  When the login host is another origin
  // (its own port), a local path would land there, so only ZcyCAAfterLogin applies then.
  const sameOrigin = new URL(form.action, location.href).origin === location.origin;
  const r = $('#tls-return');
  r.disabled = !back || !sameOrigin;
  r.value = back && sameOrigin ? back : '';
});

onLang(() => { if (providers.length === 0) return; picker.paint(); });

if (params.get('tab') === 'ca') tabs.select($('#tab-ca'));
loadProviders();
