// The message monitor: the selected session's messages, in and out, with delivery ticks; newest first, older
// pages on request, filtered by phone and status on the server.
import { api, enc, fetchBlob } from './api.js';
import { $, el, displayJid, formatTime, showError } from './dom.js';
import { t } from './i18n.js';

const PAGE = 30;
const STATUSES = ['queued', 'sending', 'sent', 'delivered', 'read', 'played', 'failed', 'received'];
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
/** nextCursor of the last page read: undefined before the first, null at the end of the history. */
let cursor;
/** Pages read since the last (re)load: "no older messages" is said only after paging back. */
let pages = 0;
let filter = { phone: '', status: '' };

/** Later steps win: a late "queued" (the send's own response) never hides "sent" or "read". */
function merge(old, next) {
  if (!old) return next;
  const keepStatus = (RANK[old.status] ?? 0) > (RANK[next.status] ?? 0) && next.status !== 'failed';
  return { ...old, ...next, status: keepStatus ? old.status : next.status };
}

/** "+62 812-3456" -> "628123456". */
const digits = (value) => value.replace(/[\s+\-().]/g, '');

/** Whether a live message belongs in the filtered list (the server applies the same filter to pages). */
function matches(m) {
  if (filter.status && m.status !== filter.status) return false;
  if (filter.phone) {
    const chat = String(m.chat || '');
    const wanted = filter.phone.includes('@') ? filter.phone : `${filter.phone}@s.whatsapp.net`;
    if (chat !== wanted) return false;
  }
  return true;
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

/** Object URLs (promised) of fetched thumbnails by message id: the file route needs the API key, an <img src> cannot send it. */
const thumbs = new Map();

function formatSize(bytes) {
  if (bytes == null) return '';
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${Math.round(bytes / 1024)} KB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

function mediaName(m, media) {
  return media.fileName || `${m.type} ${formatSize(media.size)}`.trim();
}

async function loadThumb(m, img) {
  try {
    let url = thumbs.get(m.id);
    if (!url) {
      url = fetchBlob(m.details.media.url).then((blob) => URL.createObjectURL(blob));
      thumbs.set(m.id, url);
      url.catch(() => thumbs.delete(m.id));
    }
    img.src = await url;
  } catch {
    img.replaceWith(
      el('span', { class: 'muted small' }, t('media.unavailable', { type: m.type, reason: '?' })),
    );
  }
}

async function openFile(m, name) {
  try {
    const blob = await fetchBlob(m.details.media.url);
    const url = URL.createObjectURL(blob);
    const a = el('a', { href: url, download: name });
    document.body.append(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(url), 60_000);
  } catch (err) {
    showError(err);
  }
}

/** An incoming file: a thumbnail for images and stickers, a link for the rest, or why there is none. */
function renderMedia(m) {
  const media = m.details && m.details.media;
  if (!media || !media.url || !media.status) return null;
  if (media.status !== 'available') {
    const key = media.status === 'pending' ? 'media.pending' : `media.${media.status}`;
    return el(
      'p',
      { class: 'msg-media muted small', 'data-testid': 'media-state', dataset: { status: media.status } },
      t(key, { type: m.type, reason: media.reason || '' }),
    );
  }
  if (m.type === 'image' || m.type === 'sticker') {
    const img = el('img', {
      class: 'msg-thumb',
      alt: media.caption || t('media.image'),
      'data-testid': 'media-thumb',
    });
    void loadThumb(m, img);
    return el('div', { class: 'msg-media' }, img);
  }
  const name = mediaName(m, media);
  const link = el(
    'a',
    { href: '#', class: 'msg-file', 'data-testid': 'media-link', dataset: { url: media.url } },
    `${t('media.open', { name })} ${media.fileName ? formatSize(media.size) : ''}`.trim(),
  );
  link.addEventListener('click', (e) => {
    e.preventDefault();
    void openFile(m, media.fileName || name);
  });
  return el('p', { class: 'msg-media' }, link);
}

/** One message as the monitor draws it (the chat view draws its messages the same way). */
export function renderMessage(m) {
  const label = t(`tick.${m.status}`);
  const failed = m.status === 'failed';
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
    renderMedia(m),
    // A file shown above needs no "[document]" line.
    m.text || !(m.details && m.details.media && m.details.media.url)
      ? el('p', { class: 'msg-text' }, describeContent(m))
      : null,
    failed || m.error
      ? el(
          'p',
          { class: 'msg-error small', 'data-testid': 'message-error' },
          failed ? t('monitor.failedReason', { reason: m.error || t('tick.failed') }) : m.error,
        )
      : null,
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
  );
}

function sorted() {
  return [...messages.values()].sort((a, b) =>
    a.createdAt < b.createdAt ? 1 : a.createdAt > b.createdAt ? -1 : 0,
  );
}

export function renderMonitor() {
  $('#monitor').replaceChildren(...sorted().map(renderMessage));
  const filtered = !!(filter.phone || filter.status);
  const empty = $('#monitor-empty');
  empty.hidden = messages.size > 0;
  empty.textContent = t(filtered ? 'monitor.noMatch' : 'monitor.empty');
  const older = $('#monitor-older');
  older.hidden = !session || !cursor;
  $('#monitor-end').hidden = !session || cursor !== null || pages < 2;
  for (const option of $('#monitor-status').options) {
    option.textContent = option.value ? t(`tick.${option.value}`) : t('monitor.anyStatus');
  }
}

function query(before) {
  const params = new URLSearchParams({ limit: String(PAGE) });
  if (filter.phone) params.set('chat', filter.phone);
  if (filter.status) params.set('status', filter.status);
  if (before) params.set('cursor', before);
  return params.toString();
}

async function readPage(mine, before) {
  const page = await api.get(`/api/sessions/${enc(session)}/messages?${query(before)}`);
  if (mine !== generation) return;
  for (const m of page.items || []) messages.set(m.id, merge(messages.get(m.id), m));
  cursor = page.nextCursor ?? null;
  pages += 1;
  renderMonitor();
}

/** Loads the latest messages of `id` (or clears the monitor when there is no session). */
export async function loadMonitor(id) {
  const mine = ++generation;
  session = id;
  cursor = undefined;
  pages = 0;
  messages.clear();
  renderMonitor();
  if (!id) return;
  try {
    await readPage(mine);
  } catch (err) {
    if (mine === generation) showError(err);
  }
}

async function loadOlder() {
  if (!session || !cursor) return;
  const mine = generation;
  try {
    await readPage(mine, cursor);
  } catch (err) {
    if (mine === generation) showError(err);
  }
}

/** A message the console itself just sent (the 202 response). */
export function addMessage(m) {
  if (m.session !== session || !matches(m)) return;
  messages.set(m.id, merge(messages.get(m.id), m));
  renderMonitor();
}

/** A status change of a message not on the page (sent by another client, or outside the loaded pages). */
async function fetchMissing(id) {
  const mine = generation;
  try {
    const m = await api.get(`/api/sessions/${enc(session)}/messages/${enc(id)}`);
    if (mine !== generation || !matches(m)) return;
    const oldest = sorted().at(-1);
    // Older than everything loaded: it shows up when the user pages back to it.
    if (cursor && oldest && m.createdAt < oldest.createdAt) return;
    messages.set(m.id, merge(messages.get(m.id), m));
    renderMonitor();
  } catch {
    // Deleted with its session meanwhile, or the gateway went away: the next load shows what there is.
  }
}

/** message.received / message.sent / message.status / message.media from Socket.IO. */
export function onMessageEvent(name, event) {
  if (!event || event.session !== session || !event.data) return;
  const data = event.data;
  if (name === 'message.media') {
    const old = messages.get(data.id);
    if (!old) return;
    messages.set(data.id, { ...old, details: { ...(old.details || {}), media: data.media } });
  } else if (name === 'message.status') {
    const old = messages.get(data.id);
    if (!old) {
      if (!filter.status || filter.status === data.status) void fetchMissing(data.id);
      return;
    }
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
    if (!matches(data)) return;
    messages.set(data.id, merge(messages.get(data.id), data));
  }
  renderMonitor();
}

export function bindMonitor() {
  $('#monitor-status').replaceChildren(
    el('option', { value: '' }, t('monitor.anyStatus')),
    ...STATUSES.map((s) => el('option', { value: s }, t(`tick.${s}`))),
  );
  $('#monitor-filter').addEventListener('submit', (e) => {
    e.preventDefault();
    const form = e.currentTarget;
    filter = { phone: digits(form.phone.value.trim()), status: form.status.value };
    void loadMonitor(session);
  });
  $('#monitor-filter').addEventListener('reset', () => {
    filter = { phone: '', status: '' };
    void loadMonitor(session);
  });
  $('#monitor-older').addEventListener('click', async (e) => {
    const button = e.currentTarget;
    button.disabled = true;
    button.setAttribute('aria-busy', 'true');
    try {
      await loadOlder();
    } finally {
      button.disabled = false;
      button.removeAttribute('aria-busy');
    }
  });
}
