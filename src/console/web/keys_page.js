// A key's page (#/key/<key id, ARN or alias>): DescribeKey's details, the
// key's aliases (ListAliases) and tags (ListResourceTags), and the key
// actions of a customer managed key: disable / enable (DisableKey,
// EnableKey), schedule deletion in 7–30 days (ScheduleKeyDeletion) and
// cancel it (CancelKeyDeletion, which leaves the key Disabled, as AWS).
// AWS managed keys are read-only here, as in the AWS console.
import { call } from './api.js';
import { actionButton, clear, confirmDialog, copyButton, details, errorBox, field, flash, h, table, when }
  from './ui.js';
import { isCurrent } from './router.js';
import { listAll, shortAlias, stateBadge } from './keys_common.js';

export async function renderKey(view, keyId) {
  const crumbs = h('nav', { class: 'key-crumbs' }, h('a', { href: '#/keys', text: 'Encryption keys' }), ` › ${keyId}`);
  clear(view, crumbs, h('h1', { text: keyId }), h('p', { class: 'muted', text: 'Loading…' }));
  let key;
  try {
    key = (await call('kms', 'DescribeKey', { KeyId: keyId })).KeyMetadata;
  } catch (e) {
    if (isCurrent(view)) clear(view, crumbs, h('h1', { text: keyId }), errorBox(e, 'The key could not be described'));
    return;
  }
  // Aliases and tags are shown when they can be read; a refusal is shown in
  // their place.
  const [aliases, tags] = await Promise.all([
    listAll('ListAliases', { KeyId: key.KeyId }, 'Aliases').catch((e) => e),
    listAll('ListResourceTags', { KeyId: key.KeyId }, 'Tags').catch((e) => e),
  ]);
  if (!isCurrent(view)) return;
  const aliasNames = Array.isArray(aliases) ? aliases.map((a) => a.AliasName).sort() : [];
  const title = aliasNames.length ? shortAlias(aliasNames[0]) : key.KeyId;
  const status = h('div', { class: 'key-status' });
  const rerender = async (message) => {
    if (!isCurrent(view)) return;
    flash(message, 'success', { here: true });
    await renderKey(view, keyId);
  };

  clear(view,
    h('nav', { class: 'key-crumbs' }, h('a', { href: '#/keys', text: 'Encryption keys' }), ` › ${title}`),
    h('div', { class: 'toolbar key-header' },
      h('h1', { text: title }), stateBadge(key.KeyState)),
    status,
    key.KeyManager === 'AWS'
      ? h('div', { class: 'alert info', role: 'note', text: 'This is an AWS managed key: AWS services create and ' +
        'manage it for you. It cannot be disabled, scheduled for deletion, or given other aliases.' })
      : keyActions(key, status, rerender),
    key.KeyState === 'PendingDeletion'
      ? h('div', { class: 'alert warning', role: 'note', text: `This key is scheduled for deletion on ` +
        `${when(key.DeletionDate)}. Until then it cannot be used; cancel the deletion to keep it. After that date ` +
        'it and everything encrypted under it can never be recovered.' })
      : null,
    h('section', { class: 'card key-card', 'aria-labelledby': 'key-general' },
      h('h2', { id: 'key-general', text: 'General configuration' }),
      details([
        ['ARN', h('span', { class: 'key-arn' },
          h('span', { class: 'mono', 'data-testid': 'key-arn', text: key.Arn }), ' ', copyButton(key.Arn, 'Copy'))],
        ['Key ID', h('span', { class: 'mono', 'data-testid': 'key-id', text: key.KeyId })],
        ['Aliases', aliasCell(aliases)],
        ['Status', h('span', { 'data-testid': 'key-state' }, stateBadge(key.KeyState))],
        key.KeyState === 'PendingDeletion'
          ? ['Deletion date', h('span', { 'data-testid': 'key-deletion-date', text: `${when(key.DeletionDate)}` +
            (key.PendingDeletionWindowInDays ? ` (waiting period ${key.PendingDeletionWindowInDays} days)` : '') })]
          : null,
        ['Description', h('span', { 'data-testid': 'key-description', text: key.Description || '—' })],
        ['Created', when(key.CreationDate)],
        ['Key manager', h('span', { 'data-testid': 'key-manager',
          text: key.KeyManager === 'AWS' ? 'AWS (AWS managed key)' : 'Customer (customer managed key)' })],
        ['Account', key.AWSAccountId || '—'],
      ])),
    h('section', { class: 'card key-card', 'aria-labelledby': 'key-crypto' },
      h('h2', { id: 'key-crypto', text: 'Cryptographic configuration' }),
      details([
        ['Key type', key.KeySpec === 'SYMMETRIC_DEFAULT' ? 'Symmetric' : key.KeySpec],
        ['Key spec', key.KeySpec || key.CustomerMasterKeySpec || '—'],
        ['Key usage', key.KeyUsage || '—'],
        ['Encryption algorithms', (key.EncryptionAlgorithms || []).join(', ') || '—'],
        ['Origin', key.Origin || '—'],
        ['Regionality', key.MultiRegion ? 'Multi-Region' : 'Single-Region'],
      ])),
    h('section', { class: 'card key-card', 'aria-labelledby': 'key-tags' },
      h('h2', { id: 'key-tags', text: 'Tags' }), tagTable(tags)));
}

function aliasCell(aliases) {
  if (!Array.isArray(aliases)) return errorBox(aliases, 'The aliases could not be listed');
  if (!aliases.length) return h('span', { class: 'muted', text: 'No aliases' });
  return h('ul', { class: 'key-alias-list', 'data-testid': 'key-aliases' },
    aliases.map((a) => h('li', {}, h('span', { text: shortAlias(a.AliasName) }), ' ',
      h('span', { class: 'muted mono', text: a.AliasArn || '' }))));
}

function tagTable(tags) {
  if (!Array.isArray(tags)) return errorBox(tags, 'The tags could not be listed');
  if (!tags.length) return h('p', { class: 'muted', text: 'This key has no tags.' });
  return table(['Tag key', 'Tag value'], tags.map((t) => [t.TagKey, t.TagValue || '']), { 'data-testid': 'key-tags' });
}

// The buttons of a customer managed key. Each calls KMS; the outcome is a
// flash on the re-rendered page, a refusal an errorBox in `status`.
function keyActions(key, status, rerender) {
  const run = (operation, input, message) => async () => {
    clear(status);
    try {
      await call('kms', operation, input);
    } catch (e) {
      clear(status, errorBox(e, `${operation} failed`));
      return;
    }
    await rerender(message);
  };
  const id = key.KeyId;
  const buttons = [];
  if (key.KeyState === 'Enabled') {
    buttons.push(actionButton('Disable key', async () => {
      const ok = await confirmDialog('Disable key',
        h('p', { text: `While ${id} is disabled it cannot encrypt or decrypt: secrets protected by it cannot ` +
          'be read or changed until the key is enabled again.' }), 'Disable key');
      if (ok) await run('DisableKey', { KeyId: id }, `The key ${id} was disabled.`)();
    }, { class: 'danger' }));
  }
  if (key.KeyState === 'Disabled') {
    buttons.push(actionButton('Enable key', run('EnableKey', { KeyId: id }, `The key ${id} was enabled.`)));
  }
  if (key.KeyState === 'PendingDeletion') {
    buttons.push(actionButton('Cancel key deletion',
      run('CancelKeyDeletion', { KeyId: id }, `The deletion of ${id} was cancelled. The key is disabled; ` +
        'enable it to use it again.')));
  } else {
    buttons.push(actionButton('Schedule key deletion', () => scheduleDeletion(id, status, rerender),
      { class: 'danger' }));
  }
  return h('div', { class: 'toolbar key-actions', role: 'group', 'aria-label': 'Key actions' }, buttons);
}

async function scheduleDeletion(id, status, rerender) {
  const days = h('input', { type: 'number', id: 'key-pending-window', name: 'pendingWindow', min: 7, max: 30,
    step: 1, value: '30', required: true });
  const body = h('div', {},
    h('p', { text: `After the waiting period, KMS deletes ${id} and its key material for good. Everything ` +
      'encrypted under it, including the secrets it protects, can then never be decrypted again. During the ' +
      'waiting period the key cannot be used, and you can cancel the deletion.' }),
    field('Waiting period (in days)', days, 'Between 7 and 30 days.'));
  if (!(await confirmDialog('Schedule key deletion', body, 'Schedule deletion'))) return;
  const text = days.value.trim();
  const input = { KeyId: id };
  if (/^\d+$/.test(text)) input.PendingWindowInDays = Number(text);
  else if (text) {
    clear(status, errorBox({ type: 'InvalidWaitingPeriod', message: 'Enter a whole number of days.' },
      'Check the waiting period'));
    return;
  }
  clear(status);
  let out;
  try {
    out = await call('kms', 'ScheduleKeyDeletion', input);
  } catch (e) {
    clear(status, errorBox(e, 'ScheduleKeyDeletion failed'));
    return;
  }
  await rerender(`The key ${id} is scheduled for deletion on ${when(out.DeletionDate)}.`);
}
