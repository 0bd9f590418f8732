// Session picker, status indicator, QR, pairing code, controls, test send and the sandbox controls.
import { api, enc } from './api.js';
import { $, busy, confirmClick, el, formatPairingCode, formError, notify, showError } from './dom.js';
import { t } from './i18n.js';
import { loadChats } from './chats.js';
import { addMessage, loadMonitor } from './monitor.js';
import { renderSessionOverview } from './overview.js';

const SELECTED_KEY = 'wa-gateway.session';

/** "+62 812-3456 7890" -> "6281234567890": people paste numbers in many shapes; the API wants digits. */
const digits = (value) => value.replace(/[\s+\-().]/g, '');
const state = {
  sandbox: false,
  sessions: new Map(),
  current: null,
  qr: new Map(), // session -> {qr, dataUrl}
  // Bumped by every event of a session, so a slower REST answer never overwrites a newer event.
  version: new Map(),
  // False while the gateway does not answer (live connection down, or a request got no answer): what the page
  // shows is then only the last known state.
  reachable: true,
};

/** The session selected in the panel (null before the first load). */
export function currentSession() {
  return state.current;
}

export function setSandbox(on) {
  state.sandbox = on;
  $('#sandbox-panel').hidden = !on;
  $('#sandbox-badge').hidden = !on;
  render();
}

function rememberSelection(id) {
  try {
    if (id) localStorage.setItem(SELECTED_KEY, id);
  } catch {
    // Not remembered; the first session is picked next time.
  }
}

function rememberedSelection() {
  try {
    return localStorage.getItem(SELECTED_KEY);
  } catch {
    return null;
  }
}

function bump(id) {
  const v = (state.version.get(id) ?? 0) + 1;
  state.version.set(id, v);
  return v;
}

function current() {
  return state.current ? state.sessions.get(state.current) : undefined;
}

/** Plain status key: the seed's three colours, with "starting" shown as waiting. */
function statusOf(s) {
  return s ? s.status : 'unknown';
}

/** Marks the gateway as reachable or not; the status card and overview show "unknown" while it is not. */
export function setReachable(on) {
  if (state.reachable === on) return;
  state.reachable = on;
  render();
}

function renderPicker() {
  const select = $('#session-select');
  const ids = [...state.sessions.keys()].sort();
  select.replaceChildren(
    ...ids.map((id) =>
      el(
        'option',
        { value: id, selected: id === state.current },
        `${id} · ${t(`status.${state.reachable ? statusOf(state.sessions.get(id)) : 'unknown'}`)}`,
      ),
    ),
  );
  select.disabled = ids.length === 0;
  // A long id can still be cut short in a narrow card: the whole text on hover.
  select.title = select.selectedOptions[0]?.textContent ?? '';
  $('#session-none').hidden = ids.length > 0;
  $('#session-delete').disabled = !state.current;
}

function renderStatus() {
  const s = current();
  const box = $('#status');
  if (s && !state.reachable) {
    box.dataset.status = 'unknown';
    $('#status-text').textContent = t('status.unreachable');
    $('#status-detail').textContent = t('status.lastKnown', { status: t(`status.${statusOf(s)}`) });
    return;
  }
  const status = statusOf(s);
  box.dataset.status = status;
  $('#status-text').textContent = t(`status.${status}`);
  const detail = [];
  if (s && s.status === 'connected' && (s.phone || s.name)) {
    detail.push(
      t('status.account', { who: [s.name, s.phone ? `+${s.phone}` : null].filter(Boolean).join(' · ') }),
    );
  }
  if (s && s.reason && s.status !== 'connected') detail.push(t('status.reason', { reason: s.reason }));
  // In a cluster, the node that runs the session (null on a single gateway).
  if (s && s.owner) detail.push(t('status.owner', { node: s.owner }));
  $('#status-detail').textContent = detail.join(' — ');
}

function renderQr() {
  const s = current();
  const linked = s && s.status === 'connected';
  const qr = s ? state.qr.get(s.id) : null;
  const showQr = !!s && !linked && s.status === 'qr_ready' && !!qr;
  const img = $('#qr-img');
  if (showQr) {
    if (img.getAttribute('src') !== qr.dataUrl) img.src = qr.dataUrl;
    img.alt = t('qr.alt', { id: s.id });
    img.dataset.qr = qr.qr;
  } else {
    img.removeAttribute('src');
    delete img.dataset.qr;
  }
  img.hidden = !showQr;
  $('#qr-placeholder').hidden = showQr;
  // A stopped session gives no QR until it is started (the status box says why it is not connected).
  $('#qr-box').hidden = !s || linked || !!s.stopped;
  // A pairing code belongs to one pairing attempt: once the session moves on, it is gone.
  if (!s || s.status !== 'qr_ready') $('#pair-code').hidden = true;
  $('#linked-note').hidden = !linked;
}

function renderControls() {
  const s = current();
  const connected = !!s && s.status === 'connected';
  const waiting = !!s && s.status === 'qr_ready';
  $('#refresh-btn').disabled = !s;
  // Stop keeps the link and holds the queue; the same button starts a stopped session again.
  const stopBtn = $('#stop-btn');
  const key = s && s.stopped ? 'controls.start' : 'controls.stop';
  if (stopBtn.dataset.i18n !== key) {
    stopBtn.dataset.i18n = key;
    stopBtn.textContent = t(key);
  }
  stopBtn.disabled = !s || (!s.stopped && s.status === 'logged_out');
  $('#logout-btn').disabled = !s || !(connected || (s.phone && s.status === 'disconnected'));
  $('#pair-submit').disabled = !waiting;
  $('#send-btn').disabled = !connected;
  $('#send-hint').hidden = connected;
  $('#sim-scan-btn').disabled = !state.sandbox || !waiting;
  $('#sim-send-btn').disabled = !state.sandbox || !connected;
}

function renderOverview() {
  renderSessionOverview({
    sessions: [...state.sessions.values()],
    current: state.current,
    reachable: state.reachable,
    onSelect: (id) => void select(id),
  });
}

export function render() {
  renderOverview();
  renderPicker();
  renderStatus();
  renderQr();
  renderControls();
}

/** An unlinked session that is not connected: asking for its QR (re)starts pairing, as the seed's refresh did. */
function wantsQr(s) {
  return !!s && !s.phone && !s.stopped && s.status !== 'connected';
}

const qrInFlight = new Set();

/**
 * Reads the session's QR. For a resting unlinked session the gateway starts a pairing attempt and answers
 * once a code exists, so this is also how the console asks for a new QR (on selection, refresh and logout).
 */
async function loadQr(id) {
  if (qrInFlight.has(id)) return;
  qrInFlight.add(id);
  try {
    const qr = await api.get(`/api/sessions/${enc(id)}/qr`);
    // The answer proves a code exists now; only a link that happened meanwhile makes it moot.
    const known = state.sessions.get(id);
    if (known && known.status !== 'connected') {
      state.sessions.set(id, { ...known, status: 'qr_ready', connected: false, qr: qr.qr });
      state.qr.set(id, qr);
    }
  } catch (err) {
    // 404 "QR code not available": the session moved on (linked, or a new code is coming); not a failure.
    if (err.status !== 404 && err.status !== 409) showError(err);
    state.qr.delete(id);
  } finally {
    qrInFlight.delete(id);
  }
  if (id === state.current) render();
}

async function loadSession(id) {
  const v = state.version.get(id) ?? 0;
  let view;
  try {
    view = await api.get(`/api/sessions/${enc(id)}`);
  } catch (err) {
    // A late event about a session deleted meanwhile (here or elsewhere) must not bring it back.
    if (err.status === 404) forget(id);
    throw err;
  }
  if ((state.version.get(id) ?? 0) === v) state.sessions.set(id, view);
  if (state.sessions.get(id)?.status === 'qr_ready') await loadQr(id);
  render();
}

function forget(id) {
  if (!state.sessions.delete(id)) return;
  state.qr.delete(id);
  if (state.current === id) void reloadAll().catch(() => undefined);
  else render();
}

/** Reads every session and the selected one's QR and messages (at start and after each reconnection). */
export async function reloadAll() {
  const list = await api.get('/api/sessions');
  state.sessions = new Map(list.map((s) => [s.id, s]));
  const wanted = state.current || rememberedSelection();
  const pick =
    wanted && state.sessions.has(wanted)
      ? wanted
      : state.sessions.has('default')
        ? 'default'
        : (list[0]?.id ?? null);
  await select(pick);
}

/** Shows session `id` in the session card and the monitor. */
async function select(id) {
  state.current = id;
  rememberSelection(id);
  render();
  await Promise.all([
    id && wantsQr(state.sessions.get(id)) ? loadQr(id) : null,
    loadMonitor(id),
    loadChats(id),
  ]);
}

/** session.status / session.qr from Socket.IO. */
export function onSessionEvent(name, event) {
  const id = event && event.session;
  if (!id) return;
  bump(id);
  const known = state.sessions.get(id);
  if (name === 'session.status') {
    const d = event.data || {};
    const next = {
      ...(known || { id, name: null, qr: null, queueDepth: 0, owner: null }),
      status: d.status,
      connected: d.status === 'connected',
      reason: d.reason ?? null,
    };
    if (d.phone !== undefined) next.phone = d.phone;
    state.sessions.set(id, next);
    if (d.status !== 'qr_ready') state.qr.delete(id);
    render();
    // The view has more than the event (name, queue depth); read it without letting it undo a newer event.
    loadSession(id).catch(() => undefined);
  } else if (name === 'session.qr') {
    if (known)
      state.sessions.set(id, { ...known, status: 'qr_ready', connected: false, qr: event.data?.qr ?? null });
    if (id === state.current) loadQr(id);
    else render();
  }
}

export function bindSessionPanel() {
  $('#session-select').addEventListener('change', (e) => select(e.target.value));

  confirmClick($('#session-delete'), 'session.delete', 'session.deleteConfirm', () =>
    busy($('#session-delete'), async () => {
      const id = state.current;
      await api.del(`/api/sessions/${enc(id)}`);
      state.sessions.delete(id);
      state.current = null;
      notify(t('session.deleted', { id }));
      await reloadAll();
    }),
  );

  $('#create-session-form').addEventListener('submit', (e) => {
    e.preventDefault();
    const form = e.currentTarget;
    const id = form.id.value.trim();
    if (!form.reportValidity()) return;
    busy(
      $('#create-session-btn'),
      async () => {
        const view = await api.post('/api/sessions', { id });
        state.sessions.set(view.id, view);
        form.reset();
        notify(t('session.created', { id: view.id }));
        await select(view.id);
      },
      form,
    );
  });

  $('#refresh-btn').addEventListener('click', () =>
    busy($('#refresh-btn'), async () => {
      await reloadAll();
    }),
  );

  $('#stop-btn').addEventListener('click', () =>
    busy($('#stop-btn'), async () => {
      const id = state.current;
      const known = state.sessions.get(id);
      if (!known) return;
      const starting = !!known.stopped;
      bump(id);
      const view = await api.post(`/api/sessions/${enc(id)}/${starting ? 'start' : 'stop'}`);
      if (view && view.id) state.sessions.set(id, view);
      notify(t(starting ? 'controls.started' : 'controls.stopped'));
      render();
    }),
  );

  // Logging out unlinks the phone (it has to scan again): ask first, like the delete buttons.
  confirmClick($('#logout-btn'), 'controls.logout', 'controls.logoutConfirm', () =>
    busy($('#logout-btn'), async () => {
      const id = state.current;
      bump(id);
      const view = await api.post(`/api/sessions/${enc(id)}/logout`);
      if (view && view.id) state.sessions.set(id, view);
      state.qr.delete(id);
      notify(t('controls.loggedOut'));
      render();
      // Logging out is usually followed by linking again: ask for a fresh QR right away.
      void loadQr(id);
    }),
  );

  $('#pair-form').addEventListener('submit', (e) => {
    e.preventDefault();
    const form = e.currentTarget;
    if (!form.reportValidity()) return;
    const out = $('#pair-code');
    out.hidden = true;
    busy(
      $('#pair-submit'),
      async () => {
        const { code } = await api.post(`/api/sessions/${enc(state.current)}/pairing-code`, {
          phone: digits(form.phone.value),
        });
        out.textContent = t('pair.code', { code: formatPairingCode(code) });
        out.hidden = false;
      },
      form,
    );
  });

  $('#send-form').addEventListener('submit', (e) => {
    e.preventDefault();
    const form = e.currentTarget;
    if (!form.reportValidity()) return;
    busy(
      $('#send-btn'),
      async () => {
        const message = await api.post(`/api/sessions/${enc(state.current)}/messages`, {
          to: digits(form.to.value),
          type: 'text',
          text: form.text.value,
        });
        addMessage(message);
        form.text.value = '';
        notify(t('send.queued'));
      },
      form,
    );
  });

  $('#sim-scan-btn').addEventListener('click', () =>
    busy($('#sim-scan-btn'), async () => {
      await api.post(`/api/sandbox/sessions/${enc(state.current)}/scan`);
      notify(t('sim.scanDone'));
    }),
  );

  $('#sim-form').addEventListener('submit', (e) => {
    e.preventDefault();
    const form = e.currentTarget;
    if (!form.reportValidity()) return;
    busy(
      $('#sim-send-btn'),
      async () => {
        const group = form.group.value.trim();
        // With a group, the contact writes there as a member (sender-key encrypted, as WhatsApp does).
        if (group)
          await api.post(`/api/sandbox/groups/${enc(group)}/messages`, {
            from: digits(form.phone.value),
            text: form.text.value,
          });
        else
          await api.post(`/api/sandbox/contacts/${enc(digits(form.phone.value))}/messages`, {
            text: form.text.value,
            session: state.current,
          });
        form.text.value = '';
        notify(t('sim.sent'));
      },
      form,
    );
  });

  for (const form of document.querySelectorAll('form')) {
    form.addEventListener('input', () => formError(form, null));
  }
}
