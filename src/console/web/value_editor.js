// A secret value as key/value rows or as plaintext, with AWS's conversions
// between the two: the one parser of a flat JSON object (parsePairs), the
// one "Key/value" / "Plaintext" switch (formatTabs) and the one editor
// (valueEditor) that the wizard's first step and the secret page's "Edit
// secret value" both use. The secret page's read-only view uses the parser
// and the switch. The editor's state {tab, rows, plaintext} belongs to the
// caller: the wizard keeps it across its steps, and both drop it with
// dropEditor() when the page is left.
import { field, h, noSave } from './ui.js';
import { emptyRow, filledRows, keyValueRows } from './kv_rows.js';

// AWS's console text when a value can't be shown or edited as pairs.
export const NOT_KEY_VALUE = "The secret value can't be converted to key name and value pairs.";

// The [key, value] pairs of a JSON object whose members are all scalars, or
// null when `text` is not one. Scalars other than strings are shown as text;
// `strict` refuses them (the editor writes strings only, so it would change them).
export function parsePairs(text, strict = false) {
  let obj;
  try { obj = JSON.parse(text); } catch (e) { return null; }
  if (!obj || typeof obj !== 'object' || Array.isArray(obj)) return null;
  const pairs = [];
  for (const [key, value] of Object.entries(obj)) {
    if (value !== null && typeof value === 'object') return null;
    if (strict && typeof value !== 'string') return null;
    pairs.push([key, value === null ? 'null' : String(value)]);
  }
  return pairs;
}

// Key/value rows as the JSON object text AWS stores ('' when there are none).
export function rowsToJson(rows) {
  const kept = filledRows(rows);
  if (!kept.length) return '';
  const obj = {};
  for (const r of kept) obj[r.key] = r.value;
  return JSON.stringify(obj);
}

// Plaintext as editor rows (empty text: one empty row), or null when it is
// not a flat JSON object of strings.
function textToRows(text) {
  if (text.trim() === '') return [emptyRow()];
  const pairs = parsePairs(text, true);
  if (!pairs) return null;
  return pairs.length ? pairs.map(([key, value]) => ({ key, value })) : [emptyRow()];
}

// An editor state for `text`: on the Key/value tab when `tab` is 'kv' and
// the text converts, else on the Plaintext tab.
export function editorState(text = '', tab = 'kv') {
  const rows = tab === 'kv' ? textToRows(text) : null;
  return rows ? { tab: 'kv', rows, plaintext: '' } : { tab: 'plain', rows: [emptyRow()], plaintext: text };
}

// The SecretString the editor holds.
export function editorValue(v) {
  return v.tab === 'kv' ? rowsToJson(v.rows) : v.plaintext;
}

// Forgets everything typed (when the page is left or the edit ends).
export function dropEditor(v) {
  if (!v) return;
  for (const r of v.rows || []) { r.key = ''; r.value = ''; }
  v.rows = [];
  v.plaintext = '';
}

// The "Key/value" / "Plaintext" switch; select('kv' | 'plain') on a click.
// Tabs (role tab, aria-selected) in the editor; with {pressed: true}, toggle
// buttons (aria-pressed), as the secret page's read-only view has them (the
// console's contract names those buttons).
export function formatTabs(current, select, { pressed = false } = {}) {
  return h('div', { class: 'tabs', role: pressed ? 'group' : 'tablist', 'aria-label': 'Secret value format' },
    [['kv', 'Key/value'], ['plain', 'Plaintext']].map(([id, label]) => h('button', {
      type: 'button', text: label, role: pressed ? null : 'tab',
      'aria-pressed': pressed ? String(id === current) : null,
      'aria-selected': pressed ? null : String(id === current),
      onclick: () => select(id),
    })));
}

// The editor of state `v`: rows "Key N" / "Value N" with Add row and
// Remove, or a monospace textarea that keeps line breaks, labelled
// `plainLabel`. Plaintext that can't become rows stays on its tab with
// AWS's text.
export function valueEditor(v, { plainLabel = 'Plaintext secret value' } = {}) {
  const box = h('div', { class: 'value-editor' });
  const status = h('div');

  function select(id) {
    if (id === v.tab) return;
    if (id === 'plain') {
      v.plaintext = rowsToJson(v.rows);
    } else {
      const rows = textToRows(v.plaintext);
      if (!rows) {
        status.replaceChildren(h('div', { class: 'alert error', role: 'alert', text: NOT_KEY_VALUE }));
        return;
      }
      v.rows = rows;
    }
    v.tab = id;
    draw();
  }

  function draw() {
    status.replaceChildren();
    const panel = v.tab === 'kv'
      ? keyValueRows(v.rows, { keepOne: true })
      : field(plainLabel, h('textarea', { ...noSave, class: 'mono value-plaintext', rows: 12, wrap: 'off',
        value: v.plaintext, oninput: (e) => { v.plaintext = e.target.value; } }),
      'Stored exactly as typed, line breaks included.');
    box.replaceChildren(formatTabs(v.tab, select), status, panel);
  }

  draw();
  return box;
}
