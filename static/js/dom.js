// Small DOM helpers shared by the panels.
import { t } from './i18n.js';

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

/** Shows a message in the page's notice area: kind 'error' stays until dismissed, 'ok' fades after a while. */
export function notify(message, kind = 'ok') {
  const box = $('#notice');
  const text = $('#notice-text');
  box.dataset.kind = kind;
  box.setAttribute('role', kind === 'error' ? 'alert' : 'status');
  text.textContent = message;
  box.hidden = false;
  clearTimeout(noticeTimer);
  if (kind !== 'error') noticeTimer = setTimeout(() => (box.hidden = true), 4000);
}

export function showError(err) {
  notify(err && err.message ? err.message : String(err), 'error');
}

export function hideNotice() {
  $('#notice').hidden = true;
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

export function formatTime(iso) {
  if (!iso) return '';
  const d = new Date(iso);
  const sameDay = d.toDateString() === new Date().toDateString();
  return sameDay
    ? d.toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit', second: '2-digit' })
    : d.toLocaleString(undefined, { dateStyle: 'short', timeStyle: 'short' });
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
