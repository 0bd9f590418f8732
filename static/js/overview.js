// The overview of every session: id, status, phone and reason at once; a row selects its session.
import { $, el } from './dom.js';
import { t } from './i18n.js';

function row(s, { current, reachable, onSelect }) {
  const status = reachable ? s.status : 'unknown';
  const reason = s.reason || (s.stopped ? t('overview.stopped') : '');
  const pick = el(
    'button',
    { type: 'button', class: 'link-button', 'aria-label': t('overview.select', { id: s.id }) },
    s.id,
  );
  const tr = el(
    'tr',
    {
      dataset: { session: s.id, status },
      'data-testid': 'overview-row',
      'aria-current': s.id === current ? 'true' : undefined,
    },
    el('td', { class: 'ov-id' }, pick),
    el(
      'td',
      { class: 'ov-status' },
      el('span', { class: 'dot', 'aria-hidden': 'true' }),
      ` ${t(`status.${status}`)}`,
    ),
    el('td', { class: 'ov-phone', dataset: { empty: String(!s.phone) } }, s.phone ? `+${s.phone}` : '—'),
    el('td', { class: 'ov-reason muted small', dataset: { empty: String(!reason) } }, reason || '—'),
  );
  tr.addEventListener('click', () => {
    if (s.id !== current) onSelect(s.id);
  });
  return tr;
}

/**
 * Draws the table: `sessions` (views from the API), the `current` id, whether the gateway is `reachable` (if
 * not, every status is unknown) and `onSelect(id)` for a click on a row.
 */
export function renderSessionOverview({ sessions, current, reachable, onSelect }) {
  const sorted = [...sessions].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  $('#overview-body').replaceChildren(...sorted.map((s) => row(s, { current, reachable, onSelect })));
  $('#overview-card').hidden = sorted.length === 0;
}
