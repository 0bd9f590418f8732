// The live message monitor: the latest messages of the selected session, in and out, with delivery ticks.
import { api, enc } from './api.js';
import { $, el, displayJid, formatTime, showError } from './dom.js';
import { t } from './i18n.js';

const LIMIT = 30;
const RANK = { queued: 0, sending: 1, sent: 2, delivered: 3, read: 4, played: 5, received: 0, failed: 9 };
const TICKS = {
  queued: '🕓',
  sending: '🕓',
  sent: '✓',
  delivered: '✓✓',
  read: '✓✓',
  played: '✓✓',
  failed: '!',
  received: '',
};

const messages = new Map();
let session = null;
let generation = 0;

/** Later steps win: a late "queued" (the send's own response) never hides "sent" or "read". */
function merge(old, next) {
  if (!old) return next;
  const keepStatus = (RANK[old.status] ?? 0) > (RANK[next.status] ?? 0) && next.status !== 'failed';
  return { ...old, ...next, status: keepStatus ? old.status : next.status };
}

function who(m) {
  if (m.direction === 'in') {
    const name = m.from && m.from.pushName;
    const phone =
      m.from && m.from.phone ? `+${m.from.phone}` : displayJid(m.from && m.from.jid) || displayJid(m.chat);
    return name ? `${name} (${phone})` : phone;
  }
  return displayJid(m.chat);
}

function describeContent(m) {
  if (m.text) return m.text;
  return `[${m.type}]`;
}

function renderItem(m) {
  const label = t(`tick.${m.status}`);
  return el(
    'li',
    {
      class: `msg msg-${m.direction}`,
      dataset: { id: m.id, direction: m.direction, status: m.status },
      'data-testid': 'message',
    },
    el(
      'div',
      { class: 'msg-head' },
      el(
        'span',
        { class: 'msg-who' },
        t(m.direction === 'in' ? 'monitor.in' : 'monitor.out', { who: who(m) }),
      ),
      el('time', { datetime: m.createdAt, class: 'muted small' }, formatTime(m.createdAt)),
    ),
    el('p', { class: 'msg-text' }, describeContent(m)),
    m.direction === 'out'
      ? el(
          'span',
          {
            class: 'tick',
            dataset: { status: m.status },
            'data-testid': 'ticks',
            title: label,
            'aria-label': label,
            role: 'img',
          },
          TICKS[m.status] ?? '',
        )
      : null,
    m.error ? el('p', { class: 'msg-error small' }, m.error) : null,
  );
}

export function renderMonitor() {
  const list = $('#monitor');
  const sorted = [...messages.values()].sort((a, b) =>
    a.createdAt < b.createdAt ? 1 : a.createdAt > b.createdAt ? -1 : 0,
  );
  for (const m of sorted.slice(LIMIT)) messages.delete(m.id);
  list.replaceChildren(...sorted.slice(0, LIMIT).map(renderItem));
  $('#monitor-empty').hidden = messages.size > 0;
}

/** Loads the latest messages of `id` (or clears the monitor when there is no session). */
export async function loadMonitor(id) {
  const mine = ++generation;
  session = id;
  messages.clear();
  renderMonitor();
  if (!id) return;
  try {
    const page = await api.get(`/api/sessions/${enc(id)}/messages?limit=${LIMIT}`);
    if (mine !== generation) return;
    for (const m of page.items || []) messages.set(m.id, merge(messages.get(m.id), m));
    renderMonitor();
  } catch (err) {
    if (mine === generation) showError(err);
  }
}

/** A message the console itself just sent (the 202 response). */
export function addMessage(m) {
  if (m.session !== session) return;
  messages.set(m.id, merge(messages.get(m.id), m));
  renderMonitor();
}

/** message.received / message.sent / message.status from Socket.IO. */
export function onMessageEvent(name, event) {
  if (!event || event.session !== session || !event.data) return;
  const data = event.data;
  if (name === 'message.status') {
    const old = messages.get(data.id);
    if (!old) return;
    const stamp = { delivered: 'deliveredAt', read: 'readAt', failed: 'failedAt' }[data.status];
    messages.set(
      data.id,
      merge(old, {
        status: data.status,
        error: data.error ?? old.error,
        ...(stamp ? { [stamp]: data.at } : {}),
      }),
    );
  } else {
    messages.set(data.id, merge(messages.get(data.id), data));
  }
  renderMonitor();
}
