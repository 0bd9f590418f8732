// The Socket.IO connection: the gateway serves its own client at /socket.io/ (no CDN).
import { t } from './i18n.js';
import { $ } from './dom.js';

const EVENTS = [
  'session.status',
  'session.qr',
  'message.received',
  'message.sent',
  'message.status',
  'message.media',
  'webhook.endpoint_disabled',
  'webhook.inbound',
  'events.dropped',
];

let socket = null;
let liveState = 'connecting';

function renderLiveState() {
  const badge = $('#live-state');
  badge.dataset.state = liveState;
  badge.textContent = t(`live.${liveState}`);
}

function setLiveState(state) {
  liveState = state;
  renderLiveState();
}

export { renderLiveState };

/**
 * Connects with the key; `handlers.onEvent(name, envelope)` gets every event, `onConnect` runs after each
 * (re)connection so the page can re-read what it may have missed, `onDisconnect` when it drops or a retry fails,
 * `onUnauthorized(message)` when refused.
 */
export async function connectLive(key, handlers) {
  disconnectLive();
  setLiveState('connecting');
  let io;
  try {
    ({ io } = await import('/socket.io/socket.io.esm.min.js'));
  } catch {
    setLiveState('offline');
    handlers.onError(t('err.socket', { reason: t('err.network') }));
    return;
  }
  const s = io({ auth: { token: key }, transports: ['websocket', 'polling'] });
  socket = s;
  s.on('connect', () => {
    setLiveState('connected');
    handlers.onConnect();
  });
  s.on('disconnect', () => {
    setLiveState('offline');
    handlers.onDisconnect?.();
  });
  let lastRefusal = '';
  s.on('connect', () => (lastRefusal = ''));
  s.on('connect_error', (err) => {
    setLiveState('offline');
    handlers.onDisconnect?.();
    if (err && err.message === 'Unauthorized') {
      s.disconnect();
      handlers.onUnauthorized(err.data && err.data.details ? err.data.details : err.message);
      return;
    }
    // A refusal with a reason (e.g. too many wrong keys from this address) is shown once; the client retries.
    const reason = err && err.data && err.data.details;
    if (reason && reason !== lastRefusal) {
      lastRefusal = reason;
      handlers.onError(t('err.socket', { reason }));
    }
  });
  for (const name of EVENTS) s.on(name, (payload) => handlers.onEvent(name, payload));
}

/** Whether the live connection is up now. */
export function liveConnected() {
  return !!socket && socket.connected;
}

export function disconnectLive() {
  if (socket) {
    socket.removeAllListeners();
    socket.disconnect();
    socket = null;
  }
}
