// The 证书 select of the CA登录 tab and of the CA绑定 dialog: the certificates that the chosen
// provider's driver lists, the last choice remembered per provider, and a quiet hint (not an
// alert) when the driver cannot be reached.
import { t } from './i18n.js';
import { el, errorText, fmtDate, commonName, remember, recall } from './ui.js';
import { detectCertificates } from './ca-flow.js';

function certText(c) {
  const who = commonName(c.subject) || c.label || c.id;
  const parts = [c.label && c.label !== who ? c.label : null, commonName(c.issuer) || null,
    c.notAfter ? `${t('到期')} ${fmtDate(c.notAfter)}` : null].filter(Boolean);
  return parts.length ? `${who}（${parts.join('，')}）` : who;
}

/**
 * certificatePicker({providerSel, certSel, certHint, detectButton, currentProvider,
 *                    clearFailure, onProviderChange}) → {paint, refresh, show}
 * paint(): draw the select for the current provider; refresh(): ask the driver again;
 * show(providerId, list): a list learnt elsewhere (a flow that detected the key itself).
 */
export function certificatePicker(o) {
  let certs = { provider: null, list: null, error: null };
  let detecting = null;

  function paint() {
    const p = o.currentProvider();
    const list = certs.provider === (p && p.id) ? certs.list : null;
    const keep = o.certSel.value;
    if (!list || list.length === 0) {
      o.certSel.replaceChildren(el('option', { value: '', text: t(list ? '未找到证书' : '未检测到证书') }));
    } else {
      o.certSel.replaceChildren(...list.map((c) => el('option', { value: c.id, text: certText(c) })));
      const want = keep && list.some((c) => c.id === keep) ? keep : recall(`zcyca.cert.${p.id}`);
      if (want && list.some((c) => c.id === want)) o.certSel.value = want;
    }
    o.certHint.textContent = certs.error && certs.provider === (p && p.id) ? errorText(certs.error) : '';
  }

  async function refresh() {
    const p = o.currentProvider();
    if (!p) return;
    const run = (async () => {
      try {
        const { certificates } = await detectCertificates(p);
        certs = { provider: p.id, list: certificates, error: null };
      } catch (err) {
        certs = { provider: p.id, list: null, error: err };
      }
    })();
    detecting = run;
    await run;
    if (detecting === run) paint();   // a later refresh wins
  }

  function show(providerId, list) {
    certs = { provider: providerId, list, error: null };
    paint();
  }

  o.providerSel.addEventListener('change', () => {
    remember('zcyca.provider', o.providerSel.value);
    o.clearFailure();
    certs = { provider: null, list: null, error: null };
    if (o.onProviderChange) o.onProviderChange();
    paint();
    refresh();
  });
  o.certSel.addEventListener('change', () => {
    const p = o.currentProvider();
    if (p && o.certSel.value) remember(`zcyca.cert.${p.id}`, o.certSel.value);
  });
  o.detectButton.addEventListener('click', () => { o.clearFailure(); refresh(); });
  return { paint, refresh, show };
}
