// The secret page (#/secret/<name or ARN>): DescribeSecret's overview (name,
// ARN, description, key, dates, deletion), the actions (rotate now, delete
// with a recovery window, cancel a scheduled deletion), rotation, versions
// with their staging labels, and the cards other modules build: the value
// (secret_value.js), description and tags (secret_edit.js) and the resource
// policy (secret_policy.js). After an action the page is rendered again and
// the outcome flashed; a failed call shows AWS's error where it was made.
import { call } from './api.js';
import {
  actionButton, clear, confirmDialog, copyButton, day, details, errorBox, field, flash, h, info, table, when,
} from './ui.js';
import { go, isCurrent } from './router.js';
import { valueCard } from './secret_value.js';
import { descriptionEditor, tagsCard } from './secret_edit.js';
import { policyCard } from './secret_policy.js';

export async function renderSecret(view, id) {
  clear(view, h('p', { class: 'muted', text: 'Loading…' }));
  let secret;
  try {
    secret = await call('secretsmanager', 'DescribeSecret', { SecretId: id });
  } catch (e) {
    if (isCurrent(view)) {
      clear(view, h('p', {}, h('a', { href: '#/secrets', text: '← Secrets' })),
        h('h1', { text: id }), errorBox(e, 'The secret could not be described'));
    }
    return;
  }
  if (!isCurrent(view)) return;

  // Every change ends here: flash the outcome and draw the page again (the
  // router's clean-up drops a revealed value first).
  const page = `#/secret/${encodeURIComponent(id)}`;
  const ctx = {
    view, secret, id: secret.ARN,
    done(message) { flash(message); go(page); },
  };
  const status = h('div', { class: 'secret-status' });

  clear(view,
    h('p', { class: 'secret-crumbs' }, h('a', { href: '#/secrets', text: '← Secrets' })),
    h('div', { class: 'secrets-head' },
      h('h1', { text: secret.Name }),
      h('div', { class: 'toolbar' }, actions(ctx, status))),
    status,
    secret.DeletedDate ? deletionBanner(ctx, status) : null,
    overviewCard(ctx),
    valueCard(ctx),
    rotationCard(secret),
    tagsCard(ctx),
    versionsCard(ctx),
    policyCard(ctx));
}

function actions(ctx, status) {
  const { secret } = ctx;
  const rotate = actionButton('Rotate secret immediately', async () => {
    const ok = await confirmDialog('Rotate secret immediately',
      h('p', { text: 'Secrets Manager starts a rotation now with the rotation configured for this secret. ' +
        'Applications using the secret get the new value once rotation completes.' }), 'Rotate');
    if (!ok) return;
    clear(status);
    try {
      const out = await call('secretsmanager', 'RotateSecret',
        { SecretId: ctx.id, ClientRequestToken: crypto.randomUUID() });
      ctx.done(`Rotation of ${secret.Name} started${out.VersionId ? ` (version ${out.VersionId})` : ''}.`);
    } catch (e) {
      if (isCurrent(ctx.view)) clear(status, errorBox(e, 'The secret could not be rotated'));
    }
  });
  const remove = secret.DeletedDate ? null : actionButton('Delete secret', async () => {
    const days = h('input', { type: 'number', id: 'secret-recovery-days', name: 'recoveryWindow',
      min: '7', max: '30', step: '1', value: '30' });
    const ok = await confirmDialog(`Delete secret ${secret.Name}`,
      h('div', {},
        h('p', { text: 'The secret is scheduled for deletion after a waiting period. Until then it can\'t be ' +
          'retrieved or changed, and you can cancel the deletion.' }),
        field('Waiting period (days)', days, 'Between 7 and 30 days.')),
      'Schedule deletion');
    if (!ok) return;
    clear(status);
    try {
      const out = await call('secretsmanager', 'DeleteSecret',
        { SecretId: ctx.id, RecoveryWindowInDays: Number(days.value) });
      ctx.done(`The secret ${secret.Name} is scheduled for deletion on ${when(out.DeletionDate)}.`);
    } catch (e) {
      if (isCurrent(ctx.view)) clear(status, errorBox(e, 'The secret could not be deleted'));
    }
  }, { class: 'danger' });
  return [rotate, remove];
}

function deletionBanner(ctx, status) {
  const restore = actionButton('Cancel deletion', async () => {
    clear(status);
    try {
      await call('secretsmanager', 'RestoreSecret', { SecretId: ctx.id });
      ctx.done(`The deletion of ${ctx.secret.Name} was canceled.`);
    } catch (e) {
      if (isCurrent(ctx.view)) clear(status, errorBox(e, 'The deletion could not be canceled'));
    }
  });
  return h('div', { class: 'alert warning deletion', role: 'note', 'data-testid': 'secret-deletion' },
    h('strong', { text: `This secret was marked for deletion on ${when(ctx.secret.DeletedDate)}.` }),
    h('p', { text: 'It is deleted when its recovery window ends. Until then it can\'t be retrieved or changed; ' +
      'to use it again, cancel the deletion.' }),
    restore);
}

function overviewCard(ctx) {
  const { secret } = ctx;
  const key = secret.KmsKeyId
    ? h('a', { href: `#/key/${encodeURIComponent(secret.KmsKeyId)}`, class: 'mono', text: secret.KmsKeyId })
    : h('span', { class: 'mono', text: 'aws/secretsmanager' });
  return h('section', { class: 'card secret-card', 'aria-labelledby': 'secret-details-h' },
    h('h2', { id: 'secret-details-h', text: 'Secret details' }),
    details([
      ['Secret name', secret.Name],
      ['Secret ARN', h('span', { class: 'arn' },
        h('span', { class: 'mono', 'data-testid': 'secret-arn', text: secret.ARN }), ' ',
        copyButton(secret.ARN, 'Copy ARN'))],
      ['Description', descriptionEditor(ctx)],
      ['Encryption key', key],
      secret.Type ? ['Type', secret.Type] : null,
      secret.OwningService ? ['Managed by', secret.OwningService] : null,
      secret.PrimaryRegion ? ['Primary region', secret.PrimaryRegion] : null,
      ['Last retrieved', day(secret.LastAccessedDate)],
      ['Last changed', when(secret.LastChangedDate)],
      ['Created', when(secret.CreatedDate)],
      secret.DeletedDate
        ? ['Marked for deletion', h('span', { class: 'badge bad', text: when(secret.DeletedDate) })] : null,
    ]));
}

function schedule(rules) {
  if (!rules) return '—';
  const parts = [];
  if (rules.ScheduleExpression) parts.push(rules.ScheduleExpression);
  else if (rules.AutomaticallyAfterDays) parts.push(`Every ${rules.AutomaticallyAfterDays} days`);
  if (rules.Duration) parts.push(`window ${rules.Duration}`);
  return parts.join(', ') || '—';
}

function rotationCard(secret) {
  const enabled = !!secret.RotationEnabled;
  return h('section', { class: 'card secret-card', 'aria-labelledby': 'secret-rotation-h', 'data-testid': 'secret-rotation' },
    h('h2', { id: 'secret-rotation-h', text: 'Rotation' }),
    details([
      ['Rotation status', h('span', { class: `badge ${enabled ? 'ok' : ''}`, text: enabled ? 'Enabled' : 'Disabled' })],
      ['Rotation schedule', schedule(secret.RotationRules)],
      ['Rotation function', secret.RotationLambdaARN ? h('span', { class: 'mono', text: secret.RotationLambdaARN }) : '—'],
      ['Last rotated', when(secret.LastRotatedDate)],
      ['Next rotation', when(secret.NextRotationDate)],
    ]));
}

function versionsCard(ctx) {
  const body = h('div', {}, h('p', { class: 'muted', text: 'Loading…' }));
  (async () => {
    let out;
    try {
      out = await call('secretsmanager', 'ListSecretVersionIds', { SecretId: ctx.id, IncludeDeprecated: true });
    } catch (e) {
      if (isCurrent(ctx.view)) clear(body, errorBox(e, 'The versions could not be listed'));
      return;
    }
    if (!isCurrent(ctx.view)) return;
    const versions = out.Versions || [];
    versions.sort((a, b) => (b.CreatedDate || 0) - (a.CreatedDate || 0));
    clear(body, versions.length === 0 ? info('This secret has no versions.') :
      table(['Version ID', 'Staging labels', 'Created', 'Last retrieved'], versions.map((v) => [
        h('span', { class: 'mono', text: v.VersionId }),
        (v.VersionStages || []).length
          ? v.VersionStages.map((s) => h('span', { class: 'tag', text: s }))
          : h('span', { class: 'muted', text: 'deprecated' }),
        when(v.CreatedDate),
        day(v.LastAccessedDate),
      ]), { 'data-testid': 'secret-versions' }));
  })();
  return h('section', { class: 'card secret-card', 'aria-labelledby': 'secret-versions-h' },
    h('h2', { id: 'secret-versions-h', text: 'Versions' }), body);
}
