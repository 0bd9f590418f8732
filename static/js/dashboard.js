// The dashboard card: traffic per hour or day from GET /api/stats, drawn with Chart.js (served from
// /vendor/, loaded on first use), with rates, failure reasons, webhook health and queue depth per session.
import { api } from './api.js';
import { $, el, showError } from './dom.js';
import { currentLocale, t } from './i18n.js';

const RANGES = {
  '24h': { bucket: 'hour', spanMs: 24 * 3_600_000 },
  '7d': { bucket: 'hour', spanMs: 7 * 86_400_000 },
  '30d': { bucket: 'day', spanMs: 30 * 86_400_000 },
};
const REFRESH_MS = 60_000;

let stats = null;
let sessions = [];
let charts = { traffic: null, rates: null };
let timer = null;
let chartLib = null;

function loadChartLib() {
  chartLib ??= import(new URL('../vendor/chart.umd.min.js', import.meta.url).href).then(
    () => globalThis.Chart,
  );
  return chartLib;
}

const percent = (v) =>
  v == null
    ? '—'
    : new Intl.NumberFormat(currentLocale(), { style: 'percent', maximumFractionDigits: 1 }).format(v);
const number = (v) => new Intl.NumberFormat(currentLocale()).format(v);

function bucketLabel(iso, bucket) {
  const d = new Date(iso);
  return bucket === 'day'
    ? d.toLocaleDateString(currentLocale(), { day: 'numeric', month: 'short', timeZone: 'UTC' })
    : d.toLocaleTimeString(currentLocale(), { hour: '2-digit', minute: '2-digit' });
}

function tile(key, value, testid, hint) {
  return el(
    'div',
    { class: 'dash-tile', 'data-testid': testid },
    el('div', { class: 'dash-tile-label muted small' }, t(key)),
    el('div', { class: 'dash-tile-value' }, value),
    hint ? el('div', { class: 'dash-tile-hint muted small' }, hint) : null,
  );
}

function renderTiles() {
  const m = stats.totals.messages;
  const w = stats.totals.webhooks;
  const depth = stats.queue.reduce((a, q) => a + q.depth, 0);
  const latency = w.p50Ms == null ? '—' : `${number(w.p50Ms)} / ${number(w.p95Ms)} ms`;
  $('#dash-tiles').replaceChildren(
    tile('dash.in', number(m.in), 'dash-in'),
    tile('dash.out', number(m.out), 'dash-out'),
    tile('dash.deliveryRate', percent(m.deliveryRate), 'dash-delivery-rate'),
    tile('dash.readRate', percent(m.readRate), 'dash-read-rate'),
    tile('dash.failed', number(m.failed), 'dash-failed'),
    tile(
      'dash.webhookSuccess',
      percent(w.successRate),
      'dash-webhook-success',
      t('dash.attempts', { n: number(w.attempts) }),
    ),
    tile('dash.latency', latency, 'dash-latency', t('dash.latencyHint')),
    tile('dash.queue', number(depth), 'dash-queue'),
  );
}

function renderTables() {
  const reasons = stats.totals.failureReasons;
  $('#dash-reasons').replaceChildren(
    ...reasons.map((r) =>
      el(
        'tr',
        { 'data-testid': 'dash-reason' },
        el('td', {}, r.reason),
        el('td', { class: 'num' }, number(r.count)),
      ),
    ),
  );
  $('#dash-reasons-empty').hidden = reasons.length > 0;
  $('#dash-queue-rows').replaceChildren(
    ...stats.queue.map((q) =>
      el(
        'tr',
        { 'data-testid': 'dash-queue-row' },
        el('td', {}, q.session),
        el('td', { class: 'num' }, number(q.depth)),
      ),
    ),
  );
  $('#dash-queue-empty').hidden = stats.queue.length > 0;
}

function chartOptions(max) {
  return {
    animation: false,
    responsive: true,
    maintainAspectRatio: false,
    interaction: { mode: 'index', intersect: false },
    scales: {
      y: { beginAtZero: true, ...(max ? { max } : { ticks: { precision: 0 } }) },
      x: { ticks: { maxRotation: 0, autoSkip: true } },
    },
    plugins: { legend: { position: 'bottom', labels: { boxWidth: 12 } } },
  };
}

async function renderCharts() {
  const Chart = await loadChartLib();
  if (!stats) return;
  const labels = stats.buckets.map((b) => bucketLabel(b.start, stats.bucket));
  const traffic = {
    labels,
    datasets: [
      { label: t('dash.in'), data: stats.buckets.map((b) => b.messages.in), backgroundColor: '#2b7fd9' },
      { label: t('dash.out'), data: stats.buckets.map((b) => b.messages.out), backgroundColor: '#1fa463' },
      {
        label: t('dash.failed'),
        data: stats.buckets.map((b) => b.messages.failed),
        backgroundColor: '#d93b3b',
      },
    ],
  };
  const pct = (v) => (v == null ? null : Math.round(v * 1000) / 10);
  const rates = {
    labels,
    datasets: [
      {
        label: t('dash.deliveryRate'),
        data: stats.buckets.map((b) => pct(b.messages.deliveryRate)),
        borderColor: '#1fa463',
      },
      {
        label: t('dash.readRate'),
        data: stats.buckets.map((b) => pct(b.messages.readRate)),
        borderColor: '#2b7fd9',
      },
      {
        label: t('dash.webhookSuccess'),
        data: stats.buckets.map((b) => pct(b.webhooks.successRate)),
        borderColor: '#e0a400',
      },
    ].map((d) => ({ ...d, backgroundColor: d.borderColor, spanGaps: true, pointRadius: 2 })),
  };
  for (const [name, type, data, max] of [
    ['traffic', 'bar', traffic, 0],
    ['rates', 'line', rates, 100],
  ]) {
    if (charts[name]) {
      charts[name].data = data;
      charts[name].update();
    } else {
      charts[name] = new Chart($(`#dash-chart-${name}`), { type, data, options: chartOptions(max) });
    }
  }
  $('#dashboard-card').dataset.state = 'ready';
}

function renderSessionOptions() {
  const select = $('#dash-session');
  const chosen = select.value;
  const ids = [...new Set([...sessions, ...(stats?.queue ?? []).map((q) => q.session)])].sort();
  select.replaceChildren(
    el('option', { value: '' }, t('dash.allSessions')),
    ...ids.map((id) => el('option', { value: id }, id)),
  );
  select.value = ids.includes(chosen) ? chosen : '';
}

function renderRangeOptions() {
  const select = $('#dash-range');
  const chosen = select.value || '24h';
  select.replaceChildren(...Object.keys(RANGES).map((k) => el('option', { value: k }, t(`dash.range.${k}`))));
  select.value = chosen;
}

/** Redraws from the last answer (after a language change). */
export function renderDashboard() {
  renderRangeOptions();
  renderSessionOptions();
  if (!stats) return;
  Object.assign($('#dashboard-card').dataset, { bucket: stats.bucket, session: stats.session ?? '' });
  $('#dash-window').textContent = t('dash.window', {
    from: new Date(stats.from).toLocaleString(currentLocale(), {
      timeZone: 'UTC',
      dateStyle: 'medium',
      timeStyle: 'short',
    }),
    to: new Date(stats.to).toLocaleString(currentLocale(), {
      timeZone: 'UTC',
      dateStyle: 'medium',
      timeStyle: 'short',
    }),
  });
  renderTiles();
  renderTables();
  renderCharts().catch(showError);
}

/** Reads the stats for the chosen range and session and draws them. */
export async function loadDashboard() {
  const range = RANGES[$('#dash-range').value] ?? RANGES['24h'];
  const session = $('#dash-session').value;
  const to = new Date();
  const params = new URLSearchParams({
    bucket: range.bucket,
    from: new Date(to.getTime() - range.spanMs).toISOString(),
    to: to.toISOString(),
  });
  if (session) params.set('session', session);
  const [answer, list] = await Promise.all([api.get(`/api/stats?${params}`), api.get('/api/sessions')]);
  stats = answer;
  sessions = list.map((s) => s.id);
  renderDashboard();
}

/** Wires the controls; the card refreshes itself every minute while `on`. */
export function bindDashboard() {
  renderRangeOptions();
  renderSessionOptions();
  const reload = () => loadDashboard().catch(showError);
  $('#dash-range').addEventListener('change', reload);
  $('#dash-session').addEventListener('change', reload);
  $('#dash-refresh').addEventListener('click', reload);
}

export function refreshDashboardPeriodically(on) {
  clearInterval(timer);
  timer = on ? setInterval(() => loadDashboard().catch(() => undefined), REFRESH_MS) : null;
}
