// Create key (#/keys/new): a symmetric encryption key (SYMMETRIC_DEFAULT,
// ENCRYPT_DECRYPT, the only kind Coffer's KMS serves) with an alias, a
// description and tags: CreateKey, then CreateAlias. When the server refuses
// the alias after the key was made, the page says so and keeps that key, so
// that fixing the alias and choosing Create alias only adds the alias.
import { call, currentSession } from './api.js';
import { clear, details, errorBox, field, flash, h, info } from './ui.js';
import { go } from './router.js';
import { keyHash, keyLink, shortAlias } from './keys_common.js';
import { TAG_ROWS, keyValueRows, rowsToTags } from './kv_rows.js';

// The AWS alias rule (1–256 characters of A–Z a–z 0–9 / _ -, "alias/"
// first). "alias/aws/" is reserved, which the server enforces: its answer
// is shown as it is.
const ALIAS_CHARS = /^[a-zA-Z0-9/_-]+$/;

export function normalizeAlias(text) {
  const name = String(text || '').trim();
  return name.startsWith('alias/') ? name : `alias/${name}`;
}

// A problem with the alias the console can tell before asking the server.
function aliasProblem(text) {
  if (!String(text || '').trim()) return 'Enter an alias for the key.';
  const name = normalizeAlias(text);
  if (name.length > 256) return 'The alias must be at most 256 characters, "alias/" included.';
  if (name === 'alias/' || !ALIAS_CHARS.test(name.slice('alias/'.length))) {
    return 'The alias can contain only alphanumeric characters, forward slashes (/), underscores (_) and dashes (-).';
  }
  return '';
}

export async function renderCreateKey(view) {
  const account = currentSession()?.account || 'ACCOUNT';
  let created = null;  // the KeyMetadata of a key made by this page whose alias failed
  const alias = h('input', { id: 'key-alias', name: 'alias', autocomplete: 'off', spellcheck: 'false',
    placeholder: 'alias/my-key' });
  const description = h('textarea', { id: 'key-description', name: 'description', rows: 3, maxlength: 8192 });
  const tags = [];  // {key, value} rows of the tag editor
  const tagRows = keyValueRows(tags, TAG_ROWS);
  const status = h('div', { class: 'key-create-status' });
  const submit = h('button', { type: 'submit', class: 'primary', text: 'Create key' });

  const form = h('form', { class: 'card key-card key-create', novalidate: true },
    h('h2', { text: 'Key configuration' }),
    details([
      ['Key type', 'Symmetric'],
      ['Key spec', 'SYMMETRIC_DEFAULT'],
      ['Key usage', 'Encrypt and decrypt (ENCRYPT_DECRYPT)'],
      ['Key material origin', 'KMS (AWS_KMS)'],
    ]),
    h('p', { class: 'muted', text: 'Coffer serves symmetric encryption keys only; asymmetric, HMAC, imported and ' +
      'multi-Region keys are not available.' }),
    h('h2', { text: 'Labels' }),
    field('Alias', alias, 'Required. "alias/" is added if you leave it out. 1–256 characters: letters, digits, ' +
      '/ _ and -. Names beginning with alias/aws/ are reserved for AWS managed keys.'),
    field('Description', description, 'Optional.'),
    h('fieldset', { class: 'key-tags-fieldset' }, h('legend', { text: 'Tags (optional)' }), tagRows),
    status,
    h('div', { class: 'actions' },
      h('button', { type: 'button', onclick: () => go('#/keys'), text: 'Cancel' }),
      submit));

  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    clear(status);
    const problem = aliasProblem(alias.value);
    if (problem) {
      clear(status, errorBox({ type: 'InvalidAlias', message: problem }, 'Check the alias'));
      alias.focus();
      return;
    }
    const aliasName = normalizeAlias(alias.value);
    alias.value = aliasName;
    submit.disabled = true;
    try {
      if (!created) {
        const input = { KeySpec: 'SYMMETRIC_DEFAULT', KeyUsage: 'ENCRYPT_DECRYPT' };
        if (description.value.trim()) input.Description = description.value;
        const kmsTags = rowsToTags(tags, ['TagKey', 'TagValue']);
        if (kmsTags.length) input.Tags = kmsTags;
        try {
          created = (await call('kms', 'CreateKey', input)).KeyMetadata;
        } catch (e) {
          clear(status, errorBox(e, 'The key could not be created'));
          return;
        }
      }
      try {
        await call('kms', 'CreateAlias', { AliasName: aliasName, TargetKeyId: created.KeyId });
      } catch (e) {
        description.disabled = true;
        for (const input of tagRows.querySelectorAll('input, button')) input.disabled = true;
        clear(status, errorBox(e, 'The alias could not be created'),
          h('div', { class: 'alert warning', role: 'note' },
            'The key ', keyLink(created.KeyId), ' was created without an alias. Correct the alias and choose ' +
            'Create alias to give it to this key, or open the key.'));
        submit.textContent = 'Create alias';
        return;
      }
      flash(`Your KMS key was created with alias ${shortAlias(aliasName)} and key ID ${created.KeyId}.`);
      go(keyHash(created.KeyId));
    } finally {
      submit.disabled = false;
    }
  });

  clear(view,
    h('nav', { class: 'key-crumbs' }, h('a', { href: '#/keys', text: 'Encryption keys' }), ' › Create key'),
    h('h1', { text: 'Create key' }),
    info(`The key is created with AWS's default key policy: the account (arn:aws:iam::${account}:root) may use ` +
      'and manage it, and IAM policies decide for its users and roles.'),
    form);
  alias.focus();
}
