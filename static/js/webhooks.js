// Webhook endpoints: list, add, enable/disable, remove; per endpoint the delivery log with retry.
import { api, enc } from './api.js';
import { $, busy, confirmClick, el, formatTime, notify, showError } from './dom.js';
import { t } from './i18n.js';

// The event types an endpoint can subscribe to, as GET /api/info (`webhookEvents`) names them.
let eventTypes = [];
let endpoints = [];
const openLogs = new Set();

function eventsLabel(events) {
  if (!Array.isArray(events) || events.includes('*')) return '*';
  return events.join(', ');
}

function parseHeaders(text) {
  const headers = {};
  for (const line of text.split('\n')) {
    if (!line.trim()) continue;
    const at = line.indexOf(':');
    if (at <= 0) throw new Error(`"${line.trim()}": write a header as "Name: value"`);
    headers[line.slice(0, at).trim()] = line.slice(at + 1).trim();
  }
  return headers;
}

function deliveryRow(d) {
  const result = [d.lastStatusCode ? `HTTP ${d.lastStatusCode}` : null, d.lastError]
    .filter(Boolean)
    .join(' — ');
  const retry = el(
    'button',
    {
      type: 'button',
      class: 'small-button',
      'data-testid': 'delivery-retry',
      disabled: d.status === 'delivering' || d.status === 'pending',
    },
    t('webhooks.retry'),
  );
  retry.addEventListener('click', () =>
    busy(retry, async () => {
      await api.post(`/api/webhook-deliveries/${enc(d.id)}/retry`);
      notify(t('webhooks.retried'));
      await loadDeliveries(d.endpointId);
    }),
  );
  const attempts = t('webhooks.attempts', { n: d.attempts ?? 0 });
  return el(
    'li',
    { dataset: { id: d.id, status: d.status }, 'data-testid': 'delivery' },
    el(
      'div',
      { class: 'delivery-main' },
      el('span', { class: `pill pill-${d.status}` }, t(`delivery.${d.status}`)),
      el('span', { class: 'small' }, d.eventType || ''),
      el('time', { class: 'muted small', datetime: d.createdAt }, formatTime(d.createdAt)),
      el('span', { class: 'muted small', 'data-testid': 'delivery-attempts' }, attempts),
      result ? el('span', { class: 'small' }, result) : null,
    ),
    retry,
  );
}

const polls = new Map();

/** While a shown delivery is still pending or being attempted, the log is read again every second. */
function pollWhileBusy(endpointId, items) {
  clearTimeout(polls.get(endpointId));
  polls.delete(endpointId);
  if (!openLogs.has(endpointId)) return;
  if (!items.some((d) => d.status === 'pending' || d.status === 'delivering')) return;
  polls.set(
    endpointId,
    setTimeout(() => loadDeliveries(endpointId), 1000),
  );
}

let lastSync = 0;

/**
 * The endpoint list says whether an endpoint is failing; its delivery log can know better (a delivery just
 * failed, or succeeded after failures): then the list is read again (at most every 2 s, so they cannot ping-pong).
 */
function syncFailing(endpointId, items) {
  const ep = endpoints.find((e) => e.id === endpointId);
  const settled = items
    .filter((d) => d.status === 'failed' || d.status === 'delivered')
    .sort((a, b) => (a.updatedAt < b.updatedAt ? 1 : -1))[0];
  if (!ep || !ep.enabled || !settled) return;
  if ((settled.status === 'failed') === !!ep.failingSince) return;
  if (Date.now() - lastSync < 2000) return;
  lastSync = Date.now();
  void loadWebhooks();
}

async function loadDeliveries(endpointId) {
  const box = document.querySelector(`[data-deliveries-for="${CSS.escape(endpointId)}"]`);
  if (!box) return;
  try {
    const res = await api.get(`/api/webhook-endpoints/${enc(endpointId)}/deliveries?limit=20`);
    const items = Array.isArray(res) ? res : res.items || [];
    pollWhileBusy(endpointId, items);
    syncFailing(endpointId, items);
    box.replaceChildren(
      items.length
        ? el('ul', { class: 'log' }, ...items.map((d) => deliveryRow({ endpointId, ...d })))
        : el('p', { class: 'muted small' }, t('webhooks.noDeliveries')),
    );
  } catch (err) {
    box.replaceChildren(el('p', { class: 'form-error' }, err.message));
  }
}

/** A badge for an endpoint that is not healthy: disabled (and why), or enabled with deliveries failing. */
function endpointState(ep) {
  if (!ep.enabled) {
    const reason = ep.disabledReason || 'manual';
    return el(
      'span',
      { class: `pill ${reason === 'manual' ? 'pill-muted' : 'pill-failed'}`, 'data-testid': 'webhook-state' },
      t(`webhooks.disabled.${reason}`),
    );
  }
  if (!ep.failingSince) return null;
  return el(
    'span',
    {
      class: 'pill pill-failed',
      'data-testid': 'webhook-state',
      dataset: { state: 'failing' },
      title: t('webhooks.failingTitle'),
    },
    t('webhooks.failing', { time: formatTime(ep.failingSince) }),
  );
}

function endpointItem(ep) {
  const toggle = el('input', {
    type: 'checkbox',
    checked: ep.enabled,
    'aria-label': `${t('webhooks.enabled')}: ${ep.url}`,
  });
  toggle.addEventListener('change', () =>
    busy(toggle, async () => {
      try {
        await api.patch(`/api/webhook-endpoints/${enc(ep.id)}`, { enabled: toggle.checked });
      } finally {
        await loadWebhooks();
      }
    }),
  );
  const logButton = el(
    'button',
    { type: 'button', class: 'small-button', 'aria-expanded': String(openLogs.has(ep.id)) },
    t(openLogs.has(ep.id) ? 'webhooks.hideDeliveries' : 'webhooks.deliveries'),
  );
  logButton.addEventListener('click', () => {
    if (openLogs.has(ep.id)) openLogs.delete(ep.id);
    else openLogs.add(ep.id);
    render();
  });
  const remove = el('button', { type: 'button', class: 'small-button danger subtle' }, t('webhooks.remove'));
  confirmClick(remove, 'webhooks.remove', 'session.deleteConfirm', () =>
    busy(remove, async () => {
      await api.del(`/api/webhook-endpoints/${enc(ep.id)}`);
      openLogs.delete(ep.id);
      notify(t('webhooks.removed'));
      await loadWebhooks();
    }),
  );
  const rotate = el(
    'button',
    { type: 'button', class: 'small-button subtle', 'data-testid': 'webhook-rotate' },
    t('webhooks.rotate'),
  );
  confirmClick(rotate, 'webhooks.rotate', 'webhooks.rotateConfirm', () =>
    busy(rotate, async () => {
      const { secret, previousSecretExpiresAt } = await api.post(
        `/api/webhook-endpoints/${enc(ep.id)}/rotate-secret`,
      );
      const hours = previousSecretExpiresAt
        ? Math.max(0, Math.round((Date.parse(previousSecretExpiresAt) - Date.now()) / 3600_000))
        : 0;
      showSecret(t('webhooks.rotated', { url: ep.url, hours }), secret);
    }),
  );
  const item = el(
    'li',
    {
      dataset: { id: ep.id, enabled: String(ep.enabled), failing: String(!!ep.failingSince) },
      'data-testid': 'webhook-item',
    },
    el(
      'div',
      { class: 'item-main' },
      el('code', { class: 'url' }, ep.url),
      ep.description ? el('span', { class: 'muted small' }, ep.description) : null,
      el('span', { class: 'muted small' }, `${t('webhooks.events')}: ${eventsLabel(ep.events)}`),
      endpointState(ep),
    ),
    el(
      'div',
      { class: 'item-actions' },
      el('label', { class: 'check' }, toggle, ` ${t('webhooks.enabled')}`),
      logButton,
      rotate,
      remove,
    ),
  );
  if (openLogs.has(ep.id)) {
    item.append(
      el(
        'div',
        { class: 'deliveries', dataset: { deliveriesFor: ep.id } },
        el('p', { class: 'muted small' }, '…'),
      ),
    );
  }
  return item;
}

/** Shows a secret once, with what it is for (after creating an endpoint or rotating its secret). */
function showSecret(text, secret) {
  $('#webhook-secret-text').textContent = text;
  $('#webhook-secret-value').value = secret;
  $('#webhook-secret').hidden = false;
}

function render() {
  $('#webhook-list').replaceChildren(...endpoints.map(endpointItem));
  $('#webhook-empty').hidden = endpoints.length > 0;
  for (const id of openLogs) loadDeliveries(id);
}

/** `quiet`: a background refresh; a failure is left to the reachability indicator instead of a notice. */
export async function loadWebhooks({ quiet = false } = {}) {
  try {
    const res = await api.get('/api/webhook-endpoints');
    endpoints = Array.isArray(res) ? res : res.items || [];
    render();
  } catch (err) {
    if (!quiet) showError(err);
  }
}

const REFRESH_MS = 15_000;
let refreshTimer = null;

/** Reads the endpoint list again every 15 s while the page is shown, so a failing endpoint is flagged. */
export function refreshWebhooksPeriodically(on) {
  clearInterval(refreshTimer);
  refreshTimer = on
    ? setInterval(() => {
        if (document.visibilityState === 'visible') void loadWebhooks({ quiet: true });
      }, REFRESH_MS)
    : null;
}

export function renderWebhooks() {
  render();
}

/** The event types the endpoint form offers, as the gateway lists them. */
export function setEventTypes(types) {
  eventTypes = Array.isArray(types) ? types.filter((type) => type !== '*') : [];
  renderEventChoices();
}

function renderEventChoices() {
  $('#webhook-events').replaceChildren(
    ...eventTypes.map((type) =>
      el(
        'label',
        { class: 'check' },
        el('input', { type: 'checkbox', name: 'events', value: type, checked: true }),
        ` ${type}`,
      ),
    ),
  );
}

export function bindWebhooks() {
  renderEventChoices();
  $('#webhook-form').addEventListener('submit', (e) => {
    e.preventDefault();
    const form = e.currentTarget;
    if (!form.reportValidity()) return;
    busy(
      $('#webhook-add'),
      async () => {
        const events = [...form.querySelectorAll('input[name=events]:checked')].map((i) => i.value);
        const body = {
          url: form.url.value.trim(),
          events: events.length === eventTypes.length ? ['*'] : events,
        };
        if (form.description.value.trim()) body.description = form.description.value.trim();
        const headers = parseHeaders(form.headers.value);
        if (Object.keys(headers).length) body.headers = headers;
        const created = await api.post('/api/webhook-endpoints', body);
        form.reset();
        if (created && created.secret) {
          showSecret(t('webhooks.secret', { url: created.url }), created.secret);
        }
        notify(t('webhooks.added'));
        await loadWebhooks();
      },
      form,
    );
  });
}

/** Keeps an open delivery log current while events flow. */
export function onWebhookEvent(name) {
  if (name === 'webhook.endpoint_disabled') loadWebhooks();
  else if (openLogs.size && name.startsWith('message.')) for (const id of openLogs) loadDeliveries(id);
}
