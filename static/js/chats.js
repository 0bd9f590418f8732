// The chat list of the selected session: newest activity first, with the last message, its time and the unread
// count; a click opens the chat's messages (drawn as the message monitor draws them), newest first.
import { api, enc } from './api.js';
import { $, el, displayJid, formatTime, showError } from './dom.js';
import { t } from './i18n.js';
import { renderMessage } from './monitor.js';

const PAGE = 30;
const MESSAGES_PAGE = 30;

let session = null;
let generation = 0;
/** The chats shown, in order, and the cursor of the next page (undefined before the first, null at the end). */
let chats = [];
let chatCursor;
/** The open chat: its row, its messages (newest first) and their cursor. */
let open = null;
let messages = [];
let messageCursor;
let reloadTimer = null;

function chatName(c) {
  return c.name ? `${c.name} (${displayJid(c.chat)})` : displayJid(c.chat);
}

function previewOf(c) {
  const m = c.lastMessage;
  const text = m.preview ?? `[${m.type}]`;
  return m.direction === 'out' ? t('chats.you', { text }) : text;
}

function renderChat(c) {
  const button = el(
    'button',
    {
      type: 'button',
      class: 'chat-row',
      'data-testid': 'chat-row',
      dataset: { chat: c.chat, unread: String(c.unreadCount) },
      'aria-current': open && open.chat === c.chat ? 'true' : null,
    },
    el(
      'span',
      { class: 'chat-top' },
      el('span', { class: 'chat-name', 'data-testid': 'chat-name' }, chatName(c)),
      el('time', { datetime: c.lastActivityAt, class: 'muted small' }, formatTime(c.lastActivityAt)),
    ),
    el(
      'span',
      { class: 'chat-bottom' },
      el('span', { class: 'chat-preview muted', 'data-testid': 'chat-preview' }, previewOf(c)),
      c.unreadCount > 0
        ? el(
            'span',
            {
              class: 'unread-badge',
              'data-testid': 'unread-badge',
              title: t('chats.unread', { n: c.unreadCount }),
              'aria-label': t('chats.unread', { n: c.unreadCount }),
            },
            String(c.unreadCount),
          )
        : null,
    ),
  );
  button.addEventListener('click', () => void openChat(c));
  return el('li', {}, button);
}

export function renderChats() {
  $('#chat-list').replaceChildren(...chats.map(renderChat));
  const empty = $('#chats-empty');
  empty.hidden = chats.length > 0;
  empty.textContent = t('chats.empty');
  $('#chats-more').hidden = !session || !chatCursor;
  const view = $('#chat-view');
  view.hidden = !open;
  if (!open) return;
  $('#chat-title').textContent = chatName(open);
  $('#chat-messages').replaceChildren(...messages.map(renderMessage));
  $('#chat-older').hidden = !messageCursor;
}

async function readChats(mine, cursor) {
  const params = new URLSearchParams({ limit: String(PAGE) });
  if (cursor) params.set('cursor', cursor);
  const page = await api.get(`/api/sessions/${enc(session)}/chats?${params}`);
  if (mine !== generation) return;
  const seen = new Set(chats.map((c) => c.chat));
  chats = cursor ? [...chats, ...page.items.filter((c) => !seen.has(c.chat))] : page.items;
  chatCursor = page.nextCursor ?? null;
  if (open) open = chats.find((c) => c.chat === open.chat) ?? open;
  renderChats();
}

async function readMessages(mine, cursor) {
  const params = new URLSearchParams({ limit: String(MESSAGES_PAGE) });
  if (cursor) params.set('cursor', cursor);
  const page = await api.get(`/api/sessions/${enc(session)}/chats/${enc(open.chat)}/messages?${params}`);
  if (mine !== generation) return;
  const seen = new Set(messages.map((m) => m.id));
  messages = cursor ? [...messages, ...page.items.filter((m) => !seen.has(m.id))] : page.items;
  messageCursor = page.nextCursor ?? null;
  renderChats();
}

async function guarded(work) {
  const mine = generation;
  try {
    await work(mine);
  } catch (err) {
    if (mine === generation) showError(err);
  }
}

/** The open chat's newest page again, merged with the older pages already shown. */
async function refreshOpen(mine) {
  if (!open) return;
  const page = await api.get(
    `/api/sessions/${enc(session)}/chats/${enc(open.chat)}/messages?limit=${MESSAGES_PAGE}`,
  );
  if (mine !== generation) return;
  const fresh = new Set(page.items.map((m) => m.id));
  messages = [...page.items, ...messages.filter((m) => !fresh.has(m.id))];
  renderChats();
}

/**
 * Loads the chats of session `id` (or clears the list when there is none). The same session again (the live
 * connection came back, say) keeps what is shown until the new list is in.
 */
export async function loadChats(id) {
  const mine = ++generation;
  const same = id === session;
  session = id;
  if (!same) {
    chats = [];
    chatCursor = undefined;
    open = null;
    messages = [];
    renderChats();
  }
  if (!id) return;
  await guarded(async () => {
    await readChats(mine);
    if (same) await refreshOpen(mine);
  });
}

async function openChat(c) {
  const mine = ++generation;
  open = c;
  messages = [];
  messageCursor = undefined;
  renderChats();
  await guarded(() => readMessages(mine));
}

/** A message event: the list (and the open chat) are read again, at most every half second. */
export function onChatMessageEvent(event) {
  if (!session || !event || event.session !== session || reloadTimer) return;
  reloadTimer = setTimeout(() => {
    reloadTimer = null;
    // The first page of chats again, and the open chat's newest messages (older pages stay as they are).
    void guarded(async (mine) => {
      await readChats(mine);
      await refreshOpen(mine);
    });
  }, 500);
}

export function bindChats() {
  $('#chats-more').addEventListener('click', () => void guarded((mine) => readChats(mine, chatCursor)));
  $('#chat-older').addEventListener('click', () => void guarded((mine) => readMessages(mine, messageCursor)));
  $('#chat-close').addEventListener('click', () => {
    open = null;
    messages = [];
    renderChats();
  });
}
