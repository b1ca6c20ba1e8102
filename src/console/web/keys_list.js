// The keys list (#/keys): every KMS key of the account and region (ListKeys
// read to the end, DescribeKey for each, ListAliases for their names), in
// two sections as the AWS console has them: AWS managed keys (KeyManager
// AWS, e.g. aws/secretsmanager) and customer managed keys.
import { call } from './api.js';
import { actionButton, clear, errorBox, h, when } from './ui.js';
import { go, isCurrent } from './router.js';
import { aliasesByKey, keyLink, listAll, mapLimit, shortAlias, stateBadge } from './keys_common.js';

export async function renderKeyList(view) {
  const body = h('div', {}, h('p', { class: 'muted', text: 'Loading keys…' }));
  clear(view,
    h('div', { class: 'toolbar keys-toolbar' },
      h('h1', { text: 'Encryption keys' }),
      h('span', { class: 'spacer' }),
      actionButton('Refresh', () => renderKeyList(view)),
      h('button', { type: 'button', class: 'primary', onclick: () => go('#/keys/new'), text: 'Create key' })),
    body);

  let keys; let aliases;
  try {
    [keys, aliases] = await Promise.all([
      listAll('ListKeys', {}, 'Keys'),
      listAll('ListAliases', {}, 'Aliases'),
    ]);
  } catch (e) {
    if (isCurrent(view)) clear(body, errorBox(e, 'The keys could not be listed'));
    return;
  }
  const described = await mapLimit(keys, 6, async (k) => {
    try {
      return (await call('kms', 'DescribeKey', { KeyId: k.KeyId })).KeyMetadata;
    } catch (e) {
      return { KeyId: k.KeyId, error: e };
    }
  });
  if (!isCurrent(view)) return;
  const names = aliasesByKey(aliases);
  const byCreated = (a, b) => (b.CreationDate || 0) - (a.CreationDate || 0);
  const awsKeys = described.filter((k) => k.KeyManager === 'AWS').sort(byCreated);
  const customerKeys = described.filter((k) => k.KeyManager !== 'AWS').sort(byCreated);
  clear(body,
    section('aws-keys', 'AWS managed keys', awsKeys, names,
      'No AWS managed keys yet. Coffer creates aws/secretsmanager the first time a secret uses the default key.'),
    section('customer-keys', 'Customer managed keys', customerKeys, names,
      'No customer managed keys. Choose Create key to make one.'));
}

function section(id, title, keys, names, empty) {
  const headingId = `${id}-heading`;
  const rows = keys.map((k) => row(k, names.get(k.KeyId) || []));
  return h('section', { class: 'card keys-section', 'aria-labelledby': headingId, 'data-testid': id },
    h('h2', { id: headingId }, title, ' ', h('span', { class: 'muted', text: `(${keys.length})` })),
    keys.length === 0
      ? h('p', { class: 'muted', text: empty })
      : h('table', { class: 'keys-table' },
        h('thead', {}, h('tr', {},
          ['Aliases', 'Key ID', 'Status', 'Description', 'Created'].map((c) => h('th', { scope: 'col', text: c })))),
        h('tbody', {}, rows)));
}

function row(key, aliases) {
  if (key.error) {
    return h('tr', { dataset: { keyId: key.KeyId } },
      h('td', { text: aliases.map(shortAlias).join(', ') || '—' }),
      h('td', {}, keyLink(key.KeyId)),
      h('td', { colspan: 3 }, errorBox(key.error, 'DescribeKey failed')));
  }
  return h('tr', { dataset: { keyId: key.KeyId } },
    h('td', { class: 'key-aliases' }, aliases.length
      ? aliases.map((a) => h('div', { text: shortAlias(a) }))
      : h('span', { class: 'muted', text: '—' })),
    h('td', {}, keyLink(key.KeyId)),
    h('td', {}, stateBadge(key.KeyState)),
    h('td', { class: 'key-description', text: key.Description || '—' }),
    h('td', { text: when(key.CreationDate) }));
}
