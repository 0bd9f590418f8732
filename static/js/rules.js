// Auto-reply rules: list in evaluation order, add, edit, enable/disable, delete.
import { api, enc } from './api.js';
import { $, busy, confirmClick, el, notify, showError } from './dom.js';
import { t } from './i18n.js';

let rules = [];

function fillForm(rule) {
  const form = $('#rule-form');
  form.id.value = rule ? rule.id : '';
  form.name.value = rule ? rule.name : '';
  form.match.value = rule ? rule.match : 'exact';
  form.pattern.value = rule ? rule.pattern : '';
  form.reply.value = rule ? rule.reply : '';
  form.priority.value = rule ? rule.priority : 100;
  form.cooldownSeconds.value = rule ? rule.cooldownSeconds : 0;
  form.caseSensitive.checked = rule ? rule.caseSensitive : false;
  form.enabled.checked = rule ? rule.enabled : true;
  $('#rule-submit').textContent = t(rule ? 'rules.save' : 'rules.add');
  $('#rule-submit').dataset.i18n = rule ? 'rules.save' : 'rules.add';
  $('#rule-cancel').hidden = !rule;
  form.dataset.editing = rule ? rule.id : '';
  if (rule) form.name.focus();
}

function ruleItem(rule) {
  const toggle = el('input', {
    type: 'checkbox',
    checked: rule.enabled,
    'aria-label': `${t('rules.enabled')}: ${rule.name}`,
    'data-testid': 'rule-toggle',
  });
  toggle.addEventListener('change', () =>
    busy(toggle, async () => {
      try {
        await api.patch(`/api/auto-reply-rules/${enc(rule.id)}`, { enabled: toggle.checked });
      } finally {
        await loadRules();
      }
    }),
  );
  const edit = el(
    'button',
    { type: 'button', class: 'small-button', 'data-testid': 'rule-edit' },
    t('rules.edit'),
  );
  edit.addEventListener('click', () => fillForm(rule));
  const remove = el('button', { type: 'button', class: 'small-button danger subtle' }, t('rules.delete'));
  confirmClick(remove, 'rules.delete', 'session.deleteConfirm', () =>
    busy(remove, async () => {
      await api.del(`/api/auto-reply-rules/${enc(rule.id)}`);
      notify(t('rules.deleted'));
      await loadRules();
    }),
  );
  return el(
    'li',
    { dataset: { id: rule.id, enabled: String(rule.enabled) }, 'data-testid': 'rule-item' },
    el(
      'div',
      { class: 'item-main' },
      el('strong', {}, rule.name),
      el(
        'span',
        { class: 'small' },
        `${t(`rules.match.${rule.match}`)} `,
        el('code', {}, rule.pattern),
        ' → ',
        el('q', {}, rule.reply),
      ),
      el('span', { class: 'muted small' }, `${t('rules.priority')}: ${rule.priority}`),
    ),
    el(
      'div',
      { class: 'item-actions' },
      el('label', { class: 'check' }, toggle, ` ${t('rules.enabled')}`),
      edit,
      remove,
    ),
  );
}

function render() {
  $('#rule-list').replaceChildren(...rules.map(ruleItem));
  $('#rule-empty').hidden = rules.length > 0;
}

export async function loadRules() {
  try {
    rules = await api.get('/api/auto-reply-rules');
    render();
  } catch (err) {
    showError(err);
  }
}

export function renderRules() {
  render();
}

/** The dry run: which enabled rule would answer this text on the selected session, and with what. */
function bindTryForm(currentSession) {
  const form = $('#rule-try-form');
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    if (!form.reportValidity()) return;
    const result = $('#rule-try-result');
    busy(
      $('#rule-try-button'),
      async () => {
        const r = await api.post('/api/auto-reply-rules/test', {
          text: form.text.value,
          session: currentSession() ?? 'default',
        });
        result.textContent = r.matched
          ? t('rules.tryMatched', { rule: r.rule.name, reply: r.reply })
          : t('rules.tryNone');
        result.dataset.matched = String(r.matched);
        result.hidden = false;
      },
      form,
    );
  });
}

export function bindRules(currentSession) {
  bindTryForm(currentSession);
  const form = $('#rule-form');
  $('#rule-cancel').addEventListener('click', () => fillForm(null));
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    if (!form.reportValidity()) return;
    const body = {
      name: form.name.value.trim(),
      match: form.match.value,
      pattern: form.pattern.value,
      reply: form.reply.value,
      priority: Number(form.priority.value || 0),
      cooldownSeconds: Number(form.cooldownSeconds.value || 0),
      caseSensitive: form.caseSensitive.checked,
      enabled: form.enabled.checked,
    };
    const id = form.dataset.editing;
    busy(
      $('#rule-submit'),
      async () => {
        if (id) await api.patch(`/api/auto-reply-rules/${enc(id)}`, body);
        else await api.post('/api/auto-reply-rules', body);
        fillForm(null);
        notify(t('rules.saved'));
        await loadRules();
      },
      form,
    );
  });
}
