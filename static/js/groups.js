// Groups of the selected session: the list, a group's participants and roles, and sending a text to it.
import { api, enc } from './api.js';
import { $, busy, displayJid, el, notify } from './dom.js';
import { t } from './i18n.js';

let session = () => null;
let groups = [];
let selected = null; // the group shown: its full view from GET .../groups/:id

function roleLabel(role) {
  return t(`groups.role.${role || 'member'}`);
}

function renderList() {
  const list = $('#groups-list');
  list.replaceChildren(
    ...groups.map((g) =>
      el(
        'li',
        { dataset: { group: g.id }, class: selected?.id === g.id ? 'selected' : undefined },
        el(
          'button',
          { type: 'button', class: 'link-button', 'data-testid': 'group-open', onclick: () => openGroup(g.id) },
          g.subject || g.id,
        ),
        el('span', { class: 'muted small' }, ` ${t('groups.size', { n: g.size })} · ${roleLabel(g.role)}`),
      ),
    ),
  );
  $('#groups-empty').hidden = groups.length > 0;
}

function renderDetail() {
  const box = $('#group-detail');
  box.hidden = !selected;
  if (!selected) return;
  $('#group-subject').textContent = selected.subject;
  $('#group-id').textContent = selected.id;
  $('#group-participants').replaceChildren(
    ...selected.participants.map((p) =>
      el(
        'li',
        { 'data-testid': 'group-participant', dataset: { phone: p.phone || '', role: p.role } },
        displayJid(p.jid),
        p.role !== 'member' ? el('span', { class: 'muted small' }, ` (${roleLabel(p.role)})`) : null,
      ),
    ),
  );
}

export function renderGroups() {
  renderList();
  renderDetail();
}

/** Loads the selected session's groups (it must be connected: WhatsApp holds them). */
export async function loadGroups() {
  const id = session();
  if (!id) return;
  const res = await api.get(`/api/sessions/${enc(id)}/groups`);
  groups = res.items;
  if (selected && !groups.some((g) => g.id === selected.id)) selected = null;
  renderGroups();
}

async function openGroup(groupId) {
  selected = await api.get(`/api/sessions/${enc(session())}/groups/${enc(groupId)}`);
  renderGroups();
}

export function bindGroups(currentSession) {
  session = currentSession;
  $('#groups-refresh').addEventListener('click', (e) => busy(e.currentTarget, loadGroups));
  $('#group-send-form').addEventListener('submit', (e) => {
    e.preventDefault();
    const form = e.currentTarget;
    const text = form.text.value.trim();
    if (!text || !selected) return;
    busy(
      form.querySelector('button[type=submit]'),
      async () => {
        await api.post(`/api/sessions/${enc(session())}/messages`, { to: selected.id, type: 'text', text });
        form.text.value = '';
        notify(t('groups.sent', { group: selected.subject }));
      },
      form,
    );
  });
}
