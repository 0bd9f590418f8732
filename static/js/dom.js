// Small DOM helpers shared by the panels.
import { currentLocale, t } from './i18n.js';

export const $ = (selector, root = document) => root.querySelector(selector);

/** el('li', {class: 'x', dataset: {id: 1}}, 'text', child) */
export function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (value === undefined || value === null || value === false) continue;
    if (name === 'class') node.className = value;
    else if (name === 'dataset') Object.assign(node.dataset, value);
    else if (name.startsWith('on') && typeof value === 'function')
      node.addEventListener(name.slice(2), value);
    else if (value === true) node.setAttribute(name, '');
    else node.setAttribute(name, String(value));
  }
  for (const child of children.flat()) {
    if (child === undefined || child === null || child === false) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

let noticeTimer = null;
let afterBusy = () => undefined;

/** Runs after every busy() action, so the page can recompute which buttons can work now. */
export function setAfterBusy(fn) {
  afterBusy = fn;
}

/**
 * Shows a message in the page's notice area: kind 'error' stays until dismissed, 'ok' fades after a while.
 * `cause` 'unreachable' marks an error that the gateway coming back resolves (see clearNotice).
 */
export function notify(message, kind = 'ok', cause = '') {
  const box = $('#notice');
  const text = $('#notice-text');
  box.dataset.kind = kind;
  if (cause) box.dataset.cause = cause;
  else delete box.dataset.cause;
  box.setAttribute('role', kind === 'error' ? 'alert' : 'status');
  text.textContent = message;
  box.hidden = false;
  clearTimeout(noticeTimer);
  if (kind !== 'error') noticeTimer = setTimeout(() => (box.hidden = true), 4000);
}

export function showError(err) {
  // status 0: no answer at all (the gateway is down or out of reach), as opposed to an answer that says no.
  const unreachable = !!err && err.name === 'ApiError' && err.status === 0;
  notify(err && err.message ? err.message : String(err), 'error', unreachable ? 'unreachable' : '');
}

export function hideNotice() {
  $('#notice').hidden = true;
}

/** Hides the notice if it is showing an error of this cause (e.g. 'unreachable' once the gateway answers again). */
export function clearNotice(cause) {
  const box = $('#notice');
  if (!box.hidden && box.dataset.cause === cause) box.hidden = true;
}

/** Writes an error next to a form (and in the notice area), or clears it when `err` is null. */
export function formError(form, err) {
  const out = form.querySelector('.form-error');
  if (out) {
    out.textContent = err ? err.message : '';
    out.hidden = !err;
  }
  // Forms marked data-inline-errors (the key prompt) are the whole page: the message next to them is enough.
  if (err && form.dataset.inlineErrors === undefined) showError(err);
}

/**
 * Runs `work` while `button` is busy (disabled, aria-busy) and reports a failure in plain words. Returns the
 * result, or undefined after a failure.
 */
export async function busy(button, work, form) {
  const wasDisabled = button ? button.disabled : false;
  if (button) {
    button.disabled = true;
    button.setAttribute('aria-busy', 'true');
  }
  try {
    const result = await work();
    if (form) formError(form, null);
    return result;
  } catch (err) {
    if (form) formError(form, err);
    else showError(err);
    return undefined;
  } finally {
    if (button) {
      button.removeAttribute('aria-busy');
      button.disabled = wasDisabled;
    }
    afterBusy();
  }
}

const formats = new Map();

function formatter(locale, options) {
  const key = `${locale} ${JSON.stringify(options)}`;
  if (!formats.has(key)) formats.set(key, new Intl.DateTimeFormat(locale, options));
  return formats.get(key);
}

/** A time in the console's language (id-ID: 24-hour "14.05.09"); today's as a time, older ones with the date. */
export function formatTime(iso) {
  if (!iso) return '';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return '';
  const sameDay = d.toDateString() === new Date().toDateString();
  return formatter(
    currentLocale(),
    sameDay
      ? { hour: '2-digit', minute: '2-digit', second: '2-digit' }
      : { dateStyle: 'short', timeStyle: 'short' },
  ).format(d);
}

/** "R3DHCPGS" -> "R3DH-CPGS", the way WhatsApp shows a pairing code on the phone. */
export function formatPairingCode(code) {
  const plain = String(code || '').replace(/[^A-Za-z0-9]/g, '');
  return plain.length === 8 ? `${plain.slice(0, 4)}-${plain.slice(4)}` : String(code || '');
}

/** "6281234567890@s.whatsapp.net" -> "+6281234567890"; groups and others as they are. */
export function displayJid(jid) {
  if (!jid) return '';
  const m = /^(\d+)(?::\d+)?@s\.whatsapp\.net$/.exec(jid);
  return m ? `+${m[1]}` : jid;
}

/** A two-step destructive button: first click asks, second (within 5 s) confirms. */
export function confirmClick(button, labelKey, confirmKey, action) {
  let armed = false;
  let timer = null;
  button.addEventListener('click', async () => {
    if (!armed) {
      armed = true;
      button.dataset.armed = 'true';
      button.textContent = t(confirmKey);
      timer = setTimeout(disarm, 5000);
      return;
    }
    disarm();
    await action();
  });
  function disarm() {
    armed = false;
    clearTimeout(timer);
    delete button.dataset.armed;
    button.textContent = t(labelKey);
  }
}
