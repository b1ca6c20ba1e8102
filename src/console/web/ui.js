// DOM helpers shared by the console's pages. Pages build nodes with h();
// no HTML strings (the Content-Security-Policy and the unit test forbid
// inline script, and text set as text can't become markup).

// h('div', {class: 'x', onclick: fn, dataset: {...}}, child, ...): an
// element. Attributes named on* become listeners; `text` sets textContent;
// false/null attributes and children are left out; strings become text.
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs || {})) {
    if (value === false || value === null || value === undefined) continue;
    if (name.startsWith('on') && typeof value === 'function') el.addEventListener(name.slice(2), value);
    else if (name === 'text') el.textContent = value;
    else if (name === 'dataset') Object.assign(el.dataset, value);
    else if (name === 'value' || name === 'checked' || name === 'selected' || name === 'disabled') el[name] = value;
    else el.setAttribute(name, value === true ? '' : value);
  }
  append(el, children);
  return el;
}

function append(el, children) {
  for (const c of children.flat(Infinity)) {
    if (c === false || c === null || c === undefined) continue;
    el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
}

// Attributes of an input whose text must not be remembered, corrected or
// capitalised by the browser (names, keys, values, policies).
export const noSave = { autocomplete: 'off', spellcheck: 'false', autocapitalize: 'off' };

export function clear(el, ...children) {
  el.replaceChildren();
  append(el, children);
  return el;
}

// A labelled form field: <label>Label <input> <small>hint</small></label>.
export function field(label, input, hint = '') {
  return h('label', { class: 'field' }, h('span', { class: 'label', text: label }), input,
    hint ? h('small', { class: 'hint', text: hint }) : null);
}

// An API error as a person can act on it: what failed, AWS's type and text.
export function errorBox(error, what = '') {
  const denied = error && /AccessDenied/.test(error.type || '');
  const title = denied
    ? `Access denied${error.action ? `: you are not allowed to call ${error.action}` : ''}`
    : (what || (error && error.type) || 'Error');
  return h('div', { class: 'alert error', role: 'alert' },
    h('strong', { text: title }),
    h('div', { class: 'type', text: error && error.type ? error.type : '' }),
    // Some AWS errors have no message (KMS's NotAuthorizedException for an
    // alias/aws/ name): then the type says it all.
    error && error.message && error.message !== error.type
      ? h('div', { class: 'message', text: error.message })
      : (error && error.type ? null : h('div', { class: 'message', text: String(error) })));
}

export function info(text) {
  return h('div', { class: 'alert info', role: 'note', text });
}

// A message at the top of the page (the outcome of an action). By default
// it stays through the next navigation (an action that moves to another
// page, e.g. "stored" → the secret's page) and goes at the one after; with
// {here: true} (an action whose page stays on screen) it goes at the next.
export function flash(text, kind = 'success', { here = false } = {}) {
  const box = document.getElementById('flash');
  box.dataset.fresh = here ? '0' : '1';
  clear(box, h('div', { class: `alert ${kind}`, text }));
}

export function clearFlash() {
  const box = document.getElementById('flash');
  if (box.dataset.fresh === '1') box.dataset.fresh = '0';
  else clear(box);
}

// A button that copies `text` to the clipboard.
export function copyButton(text, label = 'Copy') {
  const b = h('button', { type: 'button', class: 'small', 'aria-label': `${label}`, text: label });
  b.addEventListener('click', async () => {
    try {
      await navigator.clipboard.writeText(text);
      b.textContent = 'Copied';
    } catch (e) {
      b.textContent = 'Copy failed';
    }
    setTimeout(() => { b.textContent = label; }, 1500);
  });
  return b;
}

// Epoch seconds (as the JSON APIs answer) or a Date, as local date and time.
export function when(value) {
  if (value === undefined || value === null || value === '') return '—';
  const d = value instanceof Date ? value : new Date(Number(value) * 1000);
  return Number.isNaN(d.getTime()) ? String(value) : d.toLocaleString();
}

// The date only (AWS's console shows last accessed as a day); '—' when
// there is none (never accessed).
export function day(value) {
  if (!value) return '—';
  return new Date(Number(value) * 1000).toLocaleDateString();
}

// A two-column table of [term, value] rows.
export function details(rows) {
  return h('dl', { class: 'details' },
    rows.filter(Boolean).map(([term, value]) => [h('dt', { text: term }), h('dd', {}, value)]));
}

// A table: a header row of `columns`, then a row of cells per item of
// `rows` (each cell text or nodes).
export function table(columns, rows, attrs = {}) {
  return h('table', attrs,
    h('thead', {}, h('tr', {}, columns.map((c) => h('th', { scope: 'col', text: c })))),
    h('tbody', {}, rows.map((cells) => h('tr', {}, cells.map((c) => h('td', {}, c))))));
}

// A button that runs an async action, disabled while it runs.
export function actionButton(label, run, attrs = {}) {
  const b = h('button', { type: 'button', ...attrs, text: label });
  b.addEventListener('click', async () => {
    b.disabled = true;
    try { await run(); } finally { b.disabled = false; }
  });
  return b;
}

// A modal confirmation with an optional body; resolves true when confirmed.
export function confirmDialog(title, body, confirmLabel = 'Confirm') {
  return new Promise((resolve) => {
    const dialog = h('dialog', { class: 'dialog' },
      h('h3', { text: title }), body || null,
      h('div', { class: 'actions' },
        h('button', { type: 'button', onclick: () => { dialog.close(); resolve(false); }, text: 'Cancel' }),
        h('button', { type: 'button', class: 'primary', onclick: () => { dialog.close(); resolve(true); },
          text: confirmLabel })));
    dialog.addEventListener('close', () => { dialog.remove(); resolve(false); });
    document.body.append(dialog);
    dialog.showModal();
  });
}
