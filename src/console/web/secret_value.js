// The secret page's value card: the value is fetched (GetSecretValue) only
// when "Retrieve secret value" is clicked, shown as a key/value table or as
// the exact plaintext, hidden again by "Hide", and dropped (variable and DOM)
// when the page is left. It is never put in the URL or in storage, and never
// logged. "Edit secret value" writes a new version with PutSecretValue.
import { call } from './api.js';
import { actionButton, clear, errorBox, h, info, table } from './ui.js';
import { isCurrent, onLeave } from './router.js';
import { NOT_KEY_VALUE, dropEditor, editorState, editorValue, formatTabs, parsePairs, valueEditor }
  from './value_editor.js';

export function valueCard(ctx) {
  let value = null;  // {text} or {binary}, only while shown
  let editing = null;  // the editor's state while "Edit secret value" is open
  const status = h('div');
  const body = h('div', { class: 'secret-value-body' });

  function forget() {
    value = null;
    dropEditor(editing);
    editing = null;
    clear(status);
    clear(body);
  }
  onLeave(forget);

  function hidden() {
    forget();
    clear(body,
      h('p', { class: 'muted', text: 'The value is retrieved from Secrets Manager only when you ask for it.' }),
      actionButton('Retrieve secret value', retrieve, { class: 'primary' }));
  }

  async function retrieve() {
    clear(status);
    let out;
    try {
      out = await call('secretsmanager', 'GetSecretValue', { SecretId: ctx.id });
    } catch (e) {
      if (isCurrent(ctx.view)) clear(status, errorBox(e, 'The secret value could not be retrieved'));
      return;
    }
    if (!isCurrent(ctx.view)) return;
    value = out.SecretString !== undefined ? { text: out.SecretString } : { binary: out.SecretBinary || '' };
    out = null;
    show(value.text !== undefined && parsePairs(value.text) ? 'kv' : 'plain');
  }

  function show(tab) {
    if (!value) { hidden(); return; }
    let content;
    if (value.binary !== undefined) {
      content = [info('This secret value is binary (SecretBinary); it is shown base64-encoded.'),
        h('pre', { class: 'value', 'data-testid': 'secret-plaintext', text: value.binary })];
    } else if (tab === 'plain') {
      content = h('pre', { class: 'value', 'data-testid': 'secret-plaintext', text: value.text });
    } else {
      const pairs = parsePairs(value.text);
      content = pairs ? pairsTable(pairs) : info(NOT_KEY_VALUE);
    }
    clear(body,
      value.binary !== undefined ? null : formatTabs(tab, show, { pressed: true }),
      content,
      h('div', { class: 'actions' },
        h('button', { type: 'button', text: 'Hide', onclick: hidden }),
        value.binary !== undefined ? null
          : h('button', { type: 'button', text: 'Edit secret value', onclick: () => edit(tab) })));
  }

  // The shared editor (value_editor.js), on the tab the value was shown on
  // when the value converts; Save writes a new version.
  function edit(tab) {
    editing = editorState(value.text, tab);
    const editStatus = h('div');
    async function save() {
      clear(editStatus);
      try {
        await call('secretsmanager', 'PutSecretValue',
          { SecretId: ctx.id, SecretString: editorValue(editing), ClientRequestToken: crypto.randomUUID() });
      } catch (e) {
        if (isCurrent(ctx.view)) clear(editStatus, errorBox(e, 'The secret value could not be saved'));
        return;
      }
      forget();
      ctx.done(`The secret value of ${ctx.secret.Name} was updated.`);
    }
    clear(body, h('h3', { text: 'Edit secret value' }),
      valueEditor(editing, { plainLabel: 'Secret value (plaintext)' }), editStatus,
      h('div', { class: 'actions' },
        h('button', { type: 'button', text: 'Cancel',
          onclick: () => { dropEditor(editing); editing = null; show(tab); } }),
        actionButton('Save', save, { class: 'primary' })));
  }

  hidden();
  return h('section', { class: 'card secret-card', 'aria-labelledby': 'secret-value-h', 'data-testid': 'secret-value' },
    h('h2', { id: 'secret-value-h', text: 'Secret value' }), status, body);
}

function pairsTable(pairs) {
  return table(['Secret key', 'Secret value'], pairs, { class: 'kv', 'data-testid': 'secret-kv' });
}
