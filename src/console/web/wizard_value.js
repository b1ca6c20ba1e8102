// The "Store a new secret" wizard, step 1: the secret's value. "Credentials
// for a database" (stored in the JSON shape AWS's console writes) or "Other
// type of secret" in the shared key/value ⇄ plaintext editor
// (value_editor.js). The value lives only in the wizard's state object, so
// it is still there when the user comes back to this step; dropValue()
// empties it when the wizard is left.
import { field, h, noSave } from './ui.js';
import { filledRows } from './kv_rows.js';
import { dropEditor, editorState, editorValue, valueEditor } from './value_editor.js';

// [engine, label, default port]
export const ENGINES = [
  ['postgres', 'PostgreSQL', 5432],
  ['mysql', 'MySQL', 3306],
  ['mariadb', 'MariaDB', 3306],
  ['oracle', 'Oracle', 1521],
  ['sqlserver', 'Microsoft SQL Server', 1433],
  ['other', 'Other', ''],
];

const defaultPort = (engine) => String((ENGINES.find(([id]) => id === engine) || [])[2] ?? '');

export function newValue() {
  return {
    type: 'other', ...editorState(),
    db: { engine: 'postgres', host: '', port: defaultPort('postgres'), dbname: '', username: '', password: '' },
  };
}

// Forgets everything typed (onLeave).
export function dropValue(v) {
  if (!v) return;
  dropEditor(v);
  for (const k of Object.keys(v.db)) v.db[k] = '';
}

// The SecretString the wizard stores.
export function secretString(v) {
  if (v.type === 'db') {
    const d = v.db;
    const out = { engine: d.engine, host: d.host, username: d.username, password: d.password };
    if (d.dbname !== '') out.dbname = d.dbname;
    if (d.port !== '') out.port = Number(d.port);
    return JSON.stringify(out);
  }
  return editorValue(v);
}

// A light check before Next: a sentence, or '' when the value can be sent.
export function checkValue(v) {
  if (v.type === 'db') {
    const d = v.db;
    if (!d.username) return 'Enter the user name.';
    if (!d.password) return 'Enter the password.';
    if (!d.host.trim()) return 'Enter the host (the database server\'s address).';
    if (d.port !== '' && !(/^\d+$/.test(d.port) && Number(d.port) >= 1 && Number(d.port) <= 65535)) {
      return 'The port must be a number from 1 to 65535.';
    }
    return '';
  }
  if (v.tab === 'plain') return v.plaintext === '' ? 'Enter a secret value.' : '';
  const rows = filledRows(v.rows);
  if (!rows.length) return 'Enter at least one key and its value.';
  if (rows.some((r) => r.key === '')) return 'Every value needs a key.';
  const keys = rows.map((r) => r.key);
  const twice = keys.find((k, i) => keys.indexOf(k) !== i);
  if (twice !== undefined) return `The key "${twice}" is used more than once; each key can appear once.`;
  return '';
}

// A short description for the review (never the value itself).
export function describeValue(v) {
  if (v.type === 'db') {
    const [, label] = ENGINES.find(([id]) => id === v.db.engine) || [null, v.db.engine];
    return [['Secret type', 'Credentials for a database'], ['Database engine', label]];
  }
  if (v.tab === 'kv') {
    const n = filledRows(v.rows).length;
    return [['Secret type', 'Other type of secret'], ['Format', `Key/value (${n} ${n === 1 ? 'key' : 'keys'})`]];
  }
  const bytes = new TextEncoder().encode(v.plaintext).length;
  return [['Secret type', 'Other type of secret'], ['Format', `Plaintext (${bytes} bytes)`]];
}

function choice(v, value, label, hint, refresh) {
  const id = `secret-type-${value}-hint`;
  return h('div', { class: 'choice' },
    h('label', { class: 'check' },
      h('input', { type: 'radio', name: 'secret-type', value, checked: v.type === value,
        'aria-describedby': id, onchange: () => { v.type = value; refresh(); } }),
      label),
    h('small', { class: 'hint', id, text: hint }));
}

function databaseFields(d) {
  const input = (key, attrs = {}) => h('input', { ...noSave, ...attrs, value: d[key],
    oninput: (e) => { d[key] = e.target.value; } });
  const port = input('port', { inputmode: 'numeric' });
  const engine = h('select', {
    onchange: (e) => {
      const before = defaultPort(d.engine);
      d.engine = e.target.value;
      if (d.port === '' || d.port === before) { d.port = defaultPort(d.engine); port.value = d.port; }
    },
  }, ENGINES.map(([id, label]) => h('option', { value: id, text: label })));
  engine.value = d.engine;
  return h('div', { class: 'wizard-db' },
    field('User name', input('username')),
    field('Password', input('password', { type: 'password', autocomplete: 'new-password' })),
    field('Database engine', engine),
    field('Host', input('host'), 'The database server\'s address, such as db.example.internal.'),
    field('Port', port),
    field('Database name', input('dbname'), 'Optional.'));
}

export function renderValueStep(v, refresh) {
  return h('div', {},
    h('fieldset', { class: 'wizard-types' }, h('legend', { text: 'Secret type' }),
      choice(v, 'db', 'Credentials for a database',
        'User name, password and connection details, stored as AWS\'s JSON for database secrets.', refresh),
      choice(v, 'other', 'Other type of secret', 'Key/value pairs or plaintext: API keys, tokens, certificates.',
        refresh)),
    h('h3', { text: 'Secret value' }),
    v.type === 'db' ? databaseFields(v.db) : valueEditor(v));
}
