// Rows of a key and a value, with Add and Remove: the one editor of pairs in
// the console. It serves the secret value's key/value tab (value_editor.js)
// and every tag editor: a new secret's (wizard_steps.js), a secret's
// (secret_edit.js) and a new KMS key's (keys_create.js). The rows are an
// array of {key, value} that the caller owns (so a page can keep it while
// the widget is off screen); the widget edits it in place and redraws
// itself. Labels: "<keyLabel> N", "<valueLabel> N", "Remove <noun> <key or N>".
import { h, noSave } from './ui.js';

export const emptyRow = () => ({ key: '', value: '' });

// The options of a tag editor (AWS's limits: 128 characters of key, 256 of value).
export const TAG_ROWS = {
  keyLabel: 'Tag key', valueLabel: 'Tag value', noun: 'tag', add: 'Add tag',
  keyMax: 128, valueMax: 256, valuePlaceholder: 'Enter value (optional)',
};

// The rows that have a key or a value (blank rows are left out).
export function filledRows(rows) {
  return rows.filter((r) => r.key !== '' || r.value !== '');
}

// The filled rows as AWS tags: [{Key, Value}] for Secrets Manager, or with
// names ['TagKey', 'TagValue'] for KMS.
export function rowsToTags(rows, [keyName, valueName] = ['Key', 'Value']) {
  return filledRows(rows).map((r) => ({ [keyName]: r.key, [valueName]: r.value }));
}

// The editor of `rows`. Options: keyLabel, valueLabel, noun, add (the add
// button's text), keyPlaceholder, valuePlaceholder, keyMax, valueMax, and
// keepOne (removing the last row leaves an empty one).
export function keyValueRows(rows, options = {}) {
  const o = {
    keyLabel: 'Key', valueLabel: 'Value', noun: 'row', add: 'Add row',
    keyPlaceholder: 'Enter key', valuePlaceholder: 'Enter value', keepOne: false, ...options,
  };
  const box = h('div', { class: 'kv-rows' });
  const removeLabel = (r, n) => `Remove ${o.noun} ${r.key || n}`;

  function row(r, i) {
    const n = i + 1;
    const remove = h('button', { type: 'button', class: 'small', 'aria-label': removeLabel(r, n), text: 'Remove',
      onclick: () => {
        rows.splice(i, 1);
        if (o.keepOne && !rows.length) rows.push(emptyRow());
        draw();
      } });
    return h('div', { class: 'kv-row' },
      h('input', { ...noSave, 'aria-label': `${o.keyLabel} ${n}`, placeholder: o.keyPlaceholder, maxlength: o.keyMax,
        value: r.key, oninput: (e) => { r.key = e.target.value; remove.setAttribute('aria-label', removeLabel(r, n)); } }),
      h('input', { ...noSave, 'aria-label': `${o.valueLabel} ${n}`, placeholder: o.valuePlaceholder,
        maxlength: o.valueMax, value: r.value, oninput: (e) => { r.value = e.target.value; } }),
      remove);
  }

  // Draws the rows; `focus` is the index of a row whose key gets the focus.
  function draw(focus = -1) {
    box.replaceChildren(...rows.map(row),
      h('button', { type: 'button', class: 'small', text: o.add,
        onclick: () => { rows.push(emptyRow()); draw(rows.length - 1); } }));
    if (focus >= 0) box.children[focus].querySelector('input').focus();
  }

  draw();
  return box;
}
