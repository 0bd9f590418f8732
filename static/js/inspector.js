// Sandbox mode only: the webhook inspector card. The sandbox gateway receives webhooks itself at
// /api/sandbox/webhook-inspector/console; this card offers that URL as an endpoint and shows every request it got:
// time, event type, the signature check, headers and the pretty-printed body. Self-contained (its own strings and
// stylesheet): index.html only loads it, and it appears once the console is shown for a sandbox gateway.
import { api, enc } from './api.js';
import { $, el, notify, showError } from './dom.js';
import { currentLang, onLangChange } from './i18n.js';
import { loadWebhooks } from './webhooks.js';

const BIN = 'console';
const PATH = `/api/sandbox/webhook-inspector/${enc(BIN)}`;
const POLL_MS = 2000;

const STRINGS = {
  en: {
    title: 'Webhook inspector',
    help: 'The sandbox receives webhooks itself at this URL. Add it as an endpoint, then watch each delivery here with its signature check.',
    add: 'Add as webhook endpoint',
    added: 'Endpoint added: the inspector now receives every event.',
    registered: 'Receiving from endpoint {ids}',
    refresh: 'Refresh',
    clear: 'Clear',
    empty: 'Nothing received yet.',
    noType: 'no event type',
    'sig.valid': 'Signature valid',
    'sig.invalid': 'Signature invalid',
    'sig.unsigned': 'Not signed',
    'sig.no_endpoint': 'No endpoint secret to check with',
    headers: 'Headers ({n})',
    body: 'Body ({bytes} bytes)',
    truncated: 'Body (first 64 KiB of {bytes} bytes)',
  },
  id: {
    title: 'Inspektur webhook',
    help: 'Sandbox menerima webhook sendiri di URL ini. Tambahkan sebagai endpoint, lalu lihat setiap pengiriman di sini beserta pemeriksaan tanda tangannya.',
    add: 'Tambahkan sebagai endpoint webhook',
    added: 'Endpoint ditambahkan: inspektur kini menerima semua event.',
    registered: 'Menerima dari endpoint {ids}',
    refresh: 'Muat ulang',
    clear: 'Kosongkan',
    empty: 'Belum ada yang diterima.',
    noType: 'tanpa tipe event',
    'sig.valid': 'Tanda tangan valid',
    'sig.invalid': 'Tanda tangan tidak valid',
    'sig.unsigned': 'Tidak ditandatangani',
    'sig.no_endpoint': 'Tidak ada secret endpoint untuk memeriksa',
    headers: 'Header ({n})',
    body: 'Isi ({bytes} byte)',
    truncated: 'Isi (64 KiB pertama dari {bytes} byte)',
  },
};

function tr(key, vars = {}) {
  const text = STRINGS[currentLang()]?.[key] ?? STRINGS.en[key] ?? key;
  return text.replace(/\{(\w+)\}/g, (_, name) => (name in vars ? String(vars[name]) : `{${name}}`));
}

let card = null;
let data = null;
let timer = null;
let shownKey = '';
/** Requests whose headers or body the user opened stay open across refreshes. */
const open = new Set();

function addStylesheet() {
  if ($('link[href="css/inspector.css"]')) return;
  document.head.append(el('link', { rel: 'stylesheet', href: 'css/inspector.css' }));
}

function buildCard() {
  addStylesheet();
  card = el(
    'section',
    { class: 'card inspector-card', 'aria-labelledby': 'inspector-title', 'data-testid': 'inspector-card' },
    el('h2', { id: 'inspector-title' }),
    el('p', { class: 'muted small', id: 'inspector-help' }),
    el('code', { class: 'inspector-url', id: 'inspector-url', 'data-testid': 'inspector-url' }),
    el('p', { class: 'small', id: 'inspector-registered', 'data-testid': 'inspector-registered', hidden: true }),
    el(
      'div',
      { class: 'row' },
      el('button', { type: 'button', id: 'inspector-add', 'data-testid': 'inspector-add', onclick: addEndpoint }),
      el('button', { type: 'button', class: 'subtle', id: 'inspector-refresh', onclick: () => load() }),
      el('button', { type: 'button', class: 'subtle', id: 'inspector-clear', onclick: clear }),
    ),
    el('ol', { class: 'inspector-list', id: 'inspector-list', 'data-testid': 'inspector-list' }),
    el('p', { class: 'muted', id: 'inspector-empty' }),
  );
  $('#console').append(card);
}

function time(iso) {
  return new Date(iso).toLocaleTimeString(currentLang() === 'id' ? 'id-ID' : 'en-GB');
}

function prettyBody(body) {
  try {
    return JSON.stringify(JSON.parse(body), null, 2);
  } catch {
    return body;
  }
}

function section(req, part, summary, text) {
  const details = el('details', { open: open.has(`${req.id}:${part}`) }, el('summary', {}, summary), el('pre', {}, text));
  details.addEventListener('toggle', () => {
    if (details.open) open.add(`${req.id}:${part}`);
    else open.delete(`${req.id}:${part}`);
  });
  return details;
}

function item(req) {
  const sig = req.signature;
  const headers = Object.entries(req.headers).map(([name, value]) => `${name}: ${value}`);
  return el(
    'li',
    { class: 'inspector-item', 'data-testid': 'inspector-item', dataset: { id: req.id } },
    el(
      'div',
      { class: 'inspector-line' },
      el('time', { datetime: req.receivedAt }, time(req.receivedAt)),
      el('strong', { class: req.eventType ? '' : 'muted' }, req.eventType ?? tr('noType')),
      el(
        'span',
        { class: `sig ${sig.valid ? 'ok' : 'bad'}`, title: sig.detail, 'data-testid': 'inspector-signature' },
        `${sig.valid ? '✓' : '✗'} ${tr(`sig.${sig.status}`)}`,
      ),
    ),
    section(req, 'headers', tr('headers', { n: headers.length }), headers.join('\n')),
    section(
      req,
      'body',
      tr(req.truncated ? 'truncated' : 'body', { bytes: req.bodyBytes }),
      prettyBody(req.body),
    ),
  );
}

function render() {
  if (!card) return;
  $('#inspector-title').textContent = tr('title');
  $('#inspector-help').textContent = tr('help');
  $('#inspector-add').textContent = tr('add');
  $('#inspector-refresh').textContent = tr('refresh');
  $('#inspector-clear').textContent = tr('clear');
  $('#inspector-empty').textContent = tr('empty');
  const requests = data?.requests ?? [];
  $('#inspector-url').textContent = data?.url ?? `${window.location.origin}${PATH}`;
  const ids = data?.endpointIds ?? [];
  const registered = $('#inspector-registered');
  registered.hidden = !ids.length;
  registered.textContent = ids.length ? tr('registered', { ids: ids.join(', ') }) : '';
  $('#inspector-add').hidden = ids.length > 0;
  $('#inspector-list').replaceChildren(...requests.map(item));
  $('#inspector-empty').hidden = requests.length > 0;
}

async function load() {
  try {
    const next = await api.get(PATH);
    const key = JSON.stringify([next.endpointIds, next.requests.map((r) => r.id)]);
    data = next;
    // Polling re-renders only when something changed, so a selection or an open section is left alone.
    if (key !== shownKey) {
      shownKey = key;
      render();
    }
  } catch (err) {
    stop();
    if (err.status !== 401) showError(err);
  }
}

async function addEndpoint() {
  try {
    await api.post('/api/webhook-endpoints', {
      url: data?.url ?? `${window.location.origin}${PATH}`,
      events: ['*'],
      description: 'Webhook inspector',
    });
    notify(tr('added'));
    await Promise.all([load(), loadWebhooks()]);
  } catch (err) {
    showError(err);
  }
}

async function clear() {
  try {
    await api.del(PATH);
    open.clear();
    await load();
  } catch (err) {
    showError(err);
  }
}

function stop() {
  clearInterval(timer);
  timer = null;
}

async function show() {
  let info;
  try {
    info = await api.get('/api/info');
  } catch {
    return;
  }
  if (!info?.sandbox) return;
  if (!card) buildCard();
  card.hidden = false;
  render();
  await load();
  stop();
  timer = setInterval(() => {
    if (!document.hidden) load();
  }, POLL_MS);
}

function hide() {
  stop();
  if (card) card.hidden = true;
}

const consoleEl = $('#console');
if (consoleEl) {
  new MutationObserver(() => (consoleEl.hidden ? hide() : show())).observe(consoleEl, {
    attributes: true,
    attributeFilter: ['hidden'],
  });
  if (!consoleEl.hidden) show();
}
onLangChange(() => {
  shownKey = '';
  render();
});
