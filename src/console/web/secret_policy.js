// The secret page's resource permissions: the resource policy
// (GetResourcePolicy), edited in the shared policy editor (policy_editor.js:
// JSON, ValidateResourcePolicy's findings under the text), attached with
// PutResourcePolicy once it passes, removed with DeleteResourcePolicy.
import { call } from './api.js';
import { actionButton, clear, confirmDialog, errorBox, h } from './ui.js';
import { isCurrent } from './router.js';
import { policyEditor, policyPassed } from './policy_editor.js';

function pretty(text) {
  try { return JSON.stringify(JSON.parse(text), null, 2); } catch (e) { return text; }
}

function template(account) {
  return JSON.stringify({
    Version: '2012-10-17',
    Statement: [{
      Effect: 'Allow',
      Principal: { AWS: `arn:aws:iam::${account}:root` },
      Action: 'secretsmanager:GetSecretValue',
      Resource: '*',
    }],
  }, null, 2);
}

export function policyCard(ctx) {
  const body = h('div', {}, h('p', { class: 'muted', text: 'Loading…' }));
  const status = h('div');
  let policy = null;

  function view() {
    clear(status);
    clear(body,
      policy ? h('pre', { class: 'value secret-policy', 'data-testid': 'secret-policy', text: pretty(policy) })
        : h('p', { class: 'muted', text: 'No resource policy is attached to this secret.' }),
      h('div', { class: 'actions' },
        policy ? actionButton('Delete permissions', remove, { class: 'danger' }) : null,
        h('button', { type: 'button', text: 'Edit permissions', onclick: edit })));
  }

  async function remove() {
    const ok = await confirmDialog('Delete resource policy',
      h('p', { text: `The resource policy of ${ctx.secret.Name} is removed. Access is then decided by identity ` +
        'policies alone.' }), 'Delete');
    if (!ok) return;
    clear(status);
    try {
      await call('secretsmanager', 'DeleteResourcePolicy', { SecretId: ctx.id });
    } catch (e) {
      if (isCurrent(ctx.view)) clear(status, errorBox(e, 'The resource policy could not be deleted'));
      return;
    }
    ctx.done(`The resource policy of ${ctx.secret.Name} was deleted.`);
  }

  function edit() {
    const account = (ctx.secret.ARN.split(':')[4]) || '123456789012';
    const p = { text: policy ? pretty(policy) : template(account), result: null };
    const editor = policyEditor(p, { secretId: ctx.id, id: 'secret-policy-text', rows: 14,
      hint: 'A JSON policy document. It is validated before it is saved.' });
    async function save() {
      if (!policyPassed(await editor.validate())) return;
      try {
        await call('secretsmanager', 'PutResourcePolicy', { SecretId: ctx.id, ResourcePolicy: p.text });
      } catch (e) {
        if (isCurrent(ctx.view)) editor.show(errorBox(e, 'The resource policy could not be saved'));
        return;
      }
      ctx.done(`The resource policy of ${ctx.secret.Name} was saved.`);
    }
    clear(status);
    clear(body, editor.node,
      h('div', { class: 'actions' },
        h('button', { type: 'button', text: 'Cancel', onclick: view }),
        actionButton('Save permissions', save, { class: 'primary' })));
  }

  (async () => {
    try {
      const out = await call('secretsmanager', 'GetResourcePolicy', { SecretId: ctx.id });
      policy = out.ResourcePolicy || null;
    } catch (e) {
      if (isCurrent(ctx.view)) {
        clear(body, errorBox(e, 'The resource policy could not be read'),
          h('div', { class: 'actions' }, h('button', { type: 'button', text: 'Edit permissions', onclick: edit })));
      }
      return;
    }
    if (isCurrent(ctx.view)) view();
  })();
  return h('section', { class: 'card secret-card', 'aria-labelledby': 'secret-policy-h' },
    h('h2', { id: 'secret-policy-h', text: 'Resource permissions' }), status, body);
}
