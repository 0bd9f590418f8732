// Boots the console: asks for the API key, then loads every panel and keeps them live over Socket.IO.
import { api, currentKey, onReachability, onUnauthorized, setKey, storeKey, storedKey } from './api.js';
import { bindChats, onChatMessageEvent, renderChats } from './chats.js';
import { bindDashboard, loadDashboard, refreshDashboardPeriodically, renderDashboard } from './dashboard.js';
import { $, busy, clearNotice, formError, hideNotice, setAfterBusy, showError } from './dom.js';
import { applyStatic, currentLang, onLangChange, setLang, t } from './i18n.js';
import { connectLive, disconnectLive, liveConnected, renderLiveState } from './live.js';
import { bindMonitor, onMessageEvent, renderMonitor } from './monitor.js';
import { bindGroups, renderGroups } from './groups.js';
import { bindRules, loadRules, renderRules } from './rules.js';
import {
  bindSessionPanel,
  currentSession,
  onSessionEvent,
  reloadAll,
  render as renderSessions,
  setReachable,
  setSandbox,
} from './sessions.js';
import {
  bindWebhooks,
  loadWebhooks,
  onWebhookEvent,
  refreshWebhooksPeriodically,
  renderWebhooks,
  setEventTypes,
} from './webhooks.js';

/** The gateway answers again: what the page shows is live again, and "cannot reach the gateway" is old news. */
function recovered() {
  setReachable(true);
  clearNotice('unreachable');
}

function showKeyPrompt(message) {
  disconnectLive();
  refreshWebhooksPeriodically(false);
  refreshDashboardPeriodically(false);
  hideNotice();
  $('#live-state').hidden = true;
  $('#console').hidden = true;
  $('#change-key').hidden = true;
  $('#key-panel').hidden = false;
  const form = $('#key-form');
  form.key.value = '';
  const out = form.querySelector('.form-error');
  out.textContent = message || '';
  out.hidden = !message;
  form.key.focus();
}

function renderCurl() {
  const origin = window.location.origin;
  $('#curl-example').textContent =
    `curl -H "X-API-Key: $KEY" ${origin}/api/sessions/default\n` +
    `curl -X POST -H "X-API-Key: $KEY" -H "Content-Type: application/json" \\\n` +
    `  -d '{"to":"6281234567890","type":"text","text":"Halo"}' ${origin}/api/sessions/default/messages`;
}

async function enterConsole(info) {
  $('#key-panel').hidden = true;
  $('#console').hidden = false;
  $('#change-key').hidden = false;
  $('#live-state').hidden = false;
  hideNotice();
  setSandbox(!!info.sandbox);
  setEventTypes(info.webhookEvents);
  renderCurl();
  await Promise.all([
    reloadAll().catch(showError),
    loadWebhooks(),
    loadRules(),
    loadDashboard().catch(showError),
  ]);
  refreshWebhooksPeriodically(true);
  refreshDashboardPeriodically(true);
  connectLive(currentKey(), {
    onConnect: () => {
      // Anything that happened while the socket was down is read again.
      reloadAll().then(recovered, showError);
    },
    // Without the live connection the statuses on the page may be stale: shown as unknown until it is back.
    onDisconnect: () => setReachable(false),
    onEvent: (name, event) => {
      if (name === 'session.status' || name === 'session.qr') onSessionEvent(name, event);
      else if (name.startsWith('message.')) {
        onMessageEvent(name, event);
        onChatMessageEvent(event);
      }
      else if (name === 'events.dropped') reloadAll().catch(showError);
      onWebhookEvent(name);
    },
    onUnauthorized: () => showKeyPrompt(t('key.rejected')),
    onError: (message) => showError(new Error(message)),
  });
}

async function start() {
  applyStatic(document);
  renderLiveState();
  $('#lang-toggle').addEventListener('click', () => setLang(currentLang() === 'en' ? 'id' : 'en'));
  onLangChange(() => {
    renderLiveState();
    renderSessions();
    renderMonitor();
    renderChats();
    renderWebhooks();
    renderRules();
    renderGroups();
    renderDashboard();
  });
  $('#notice-close').addEventListener('click', hideNotice);
  $('#change-key').addEventListener('click', () => showKeyPrompt(''));
  setAfterBusy(renderSessions);
  onUnauthorized(() => showKeyPrompt(t('key.rejected')));
  onReachability((ok) => {
    if (!ok) setReachable(false);
    else if (liveConnected()) recovered();
  });
  bindSessionPanel();
  bindMonitor();
  bindChats();
  bindWebhooks();
  bindRules(currentSession);
  bindGroups(currentSession);
  bindDashboard();

  $('#key-form').addEventListener('submit', (e) => {
    e.preventDefault();
    const form = e.currentTarget;
    const key = form.key.value.trim();
    if (!key) {
      form.key.focus();
      return;
    }
    busy(
      $('#key-submit'),
      async () => {
        let info;
        try {
          info = await api.get('/api/info', { key });
        } catch (err) {
          throw err.status === 401 ? new Error(t('key.rejected')) : err;
        }
        setKey(key);
        storeKey(key);
        await enterConsole(info);
      },
      form,
    );
  });

  // A stored key (or a gateway with auth disabled) goes straight in.
  const key = storedKey();
  try {
    const info = await api.get('/api/info', { key });
    setKey(key);
    await enterConsole(info);
  } catch (err) {
    if (err.status === 401) {
      storeKey('');
      showKeyPrompt(key ? t('key.rejected') : '');
    } else {
      showKeyPrompt('');
      formError($('#key-form'), err);
    }
  }
}

start();
