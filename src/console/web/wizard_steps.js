// The "Store a new secret" wizard, steps 2–5: encryption key (KMS aliases of
// customer managed keys), name/description/tags, resource permissions (with
// ValidateResourcePolicy's findings) and rotation (RotateSecret's ARN and
// rules). Each step is {title, prepare?, render(state, refresh), check?}:
// check answers a sentence (a client check), an ApiError, or null to go on.
import { currentSession } from './api.js';
import { errorBox, field, h, noSave } from './ui.js';
import { listAll, shortAlias } from './keys_common.js';
import { TAG_ROWS, keyValueRows } from './kv_rows.js';
import { policyEditor, policyPassed, validatePolicy } from './policy_editor.js';

// ---- encryption key ----

// Customer managed keys, by alias: ListAliases without AWS managed aliases
// (alias/aws/...) and aliases that point at no key.
async function loadAliases(s) {
  if (s.aliases) return;
  let found = [];
  try {
    found = (await listAll('ListAliases', {}, 'Aliases'))
      .filter((a) => a.TargetKeyId && !String(a.AliasName).startsWith('alias/aws/'));
    s.aliasError = null;
  } catch (err) {
    s.aliasError = err;
  }
  found.sort((a, b) => a.AliasName.localeCompare(b.AliasName));
  s.aliases = found;
}

export const encryptionStep = {
  title: 'Encryption key',
  prepare: loadAliases,
  render(s) {
    const hint = h('small', { class: 'hint', 'data-testid': 'kms-key-id' });
    const showKey = () => {
      hint.textContent = s.kmsKeyId ? `Key ID: ${s.kmsKeyId}` : 'The AWS managed key for Secrets Manager (aws/secretsmanager).';
    };
    const select = h('select', {
      onchange: (e) => {
        s.kmsKeyId = e.target.value;
        const chosen = s.aliases.find((a) => a.TargetKeyId === s.kmsKeyId);
        s.kmsAlias = chosen ? chosen.AliasName : '';
        showKey();
      },
    }, h('option', { value: '', text: 'aws/secretsmanager' }),
    s.aliases.map((a) => h('option', { value: a.TargetKeyId, text: shortAlias(a.AliasName) })));
    select.value = s.kmsKeyId;
    showKey();
    return h('div', {},
      h('p', { class: 'muted', text: 'Secrets Manager encrypts the secret value with this KMS key. ' +
        'A customer managed key lets you control who can decrypt it with the key\'s policy.' }),
      s.aliasError ? errorBox(s.aliasError, 'Customer managed keys could not be listed') : null,
      h('label', { class: 'field' }, h('span', { class: 'label', text: 'Encryption key' }), select, hint),
      !s.aliasError && !s.aliases.length
        ? h('p', { class: 'muted', text: 'No customer managed key has an alias yet; create one under Encryption keys.' })
        : null);
  },
};

// ---- name, description, tags ----

export const NAME_HINT = 'Secret name must contain only alphanumeric characters and the characters /_+=.@-';

export const nameStep = {
  title: 'Name and tags',
  render(s) {
    return h('div', {},
      field('Secret name', h('input', { ...noSave, value: s.name, placeholder: 'prod/app/db',
        oninput: (e) => { s.name = e.target.value; } }), NAME_HINT),
      field('Description - optional', h('textarea', { rows: 2, value: s.description,
        oninput: (e) => { s.description = e.target.value; } })),
      h('h3', { text: 'Tags - optional' }),
      keyValueRows(s.tags, TAG_ROWS));
  },
  check(s) {
    if (s.name === '') return 'Enter a name for the secret.';
    if (s.tags.some((t) => t.key === '' && t.value !== '')) return 'Every tag needs a key.';
    return null;
  },
};

// ---- resource permissions ----

export const permissionsStep = {
  title: 'Resource permissions',
  render(s) {
    return h('div', {},
      h('p', { class: 'muted', text: 'Optional. A resource policy says who else can use this secret. ' +
        'Leave it empty to rely on identity policies alone.' }),
      policyEditor(s.policy, { hint: 'Validate runs Secrets Manager\'s checks: syntax, broad access and lock-out.' })
        .node);
  },
  // A policy that does not pass is not attached after creation, so Next
  // stops here with the findings.
  // (A caller who may not validate can still go on: PutResourcePolicy decides.)
  async check(s) {
    const p = s.policy;
    if (p.text.trim() === '') { p.result = null; return null; }
    if (!p.result || p.result.text !== p.text || p.result.error) p.result = await validatePolicy(p.text);
    const r = p.result;
    if (r.error ? !r.error.denied : !policyPassed(r)) {
      return 'The resource policy did not pass validation; fix it (see below) or clear it.';
    }
    return null;
  },
};

// ---- rotation ----

// RotationLambdaARN for the function name (a full ARN is taken as it is).
export function rotationArn(fn) {
  const name = fn.trim();
  if (name.startsWith('arn:')) return name;
  const session = currentSession() || {};
  return `arn:aws:lambda:${session.region || 'us-east-1'}:${session.account || ''}:function:${name}`;
}

export function rotationRules(r) {
  return r.mode === 'days' ? { AutomaticallyAfterDays: Number(r.days) } : { ScheduleExpression: r.expression.trim() };
}

export function describeSchedule(r) {
  return r.mode === 'days' ? `Every ${r.days} ${Number(r.days) === 1 ? 'day' : 'days'}` : r.expression.trim();
}

export const rotationStep = {
  title: 'Rotation',
  render(s, refresh) {
    const r = s.rotation;
    const toggle = h('input', { type: 'checkbox', checked: r.on, onchange: (e) => { r.on = e.target.checked; refresh(); } });
    const parts = [h('label', { class: 'check' }, toggle, 'Automatic rotation'),
      h('small', { class: 'hint', text: 'Off by default. When on, Secrets Manager rotates the secret with your ' +
        'rotation function (bound in Coffer\'s configuration as [functions.NAME]).' })];
    if (r.on) {
      const arn = h('code', { 'data-testid': 'rotation-arn', text: rotationArn(r.fn) });
      const mode = (value, label) => h('label', { class: 'check' },
        h('input', { type: 'radio', name: 'rotation-mode', value, checked: r.mode === value,
          onchange: () => { r.mode = value; refresh(); } }), label);
      parts.push(
        h('fieldset', {}, h('legend', { text: 'Rotation schedule' }),
          mode('days', 'Every number of days'),
          field('Days between rotations', h('input', { type: 'number', min: 1, max: 1000, value: r.days,
            disabled: r.mode !== 'days', oninput: (e) => { r.days = e.target.value; } })),
          mode('expression', 'Schedule expression'),
          field('Schedule expression', h('input', { ...noSave, class: 'mono', value: r.expression,
            placeholder: 'rate(10 days)', disabled: r.mode !== 'expression',
            oninput: (e) => { r.expression = e.target.value; } }),
          'rate(N days), rate(N hours) or cron(0 4 ? * MON *), in UTC.')),
        field('Rotation function name', h('input', { ...noSave, value: r.fn, placeholder: 'pg-rotator',
          oninput: (e) => { r.fn = e.target.value; arn.textContent = rotationArn(r.fn); } }),
        'The name of a function bound in Coffer\'s configuration; its Lambda ARN is built from your region and account.'),
        h('p', { class: 'muted' }, 'RotationLambdaARN: ', arn),
        h('label', { class: 'check' }, h('input', { type: 'checkbox', checked: r.immediately,
          onchange: (e) => { r.immediately = e.target.checked; } }), 'Rotate immediately when the secret is stored'));
    }
    return h('div', {}, parts);
  },
  check(s) {
    const r = s.rotation;
    if (!r.on) return null;
    if (r.mode === 'days' && !(/^\d+$/.test(String(r.days)) && Number(r.days) >= 1 && Number(r.days) <= 1000)) {
      return 'Enter a number of days from 1 to 1000.';
    }
    if (r.mode === 'expression' && !/^(rate|cron)\(.*\)$/.test(r.expression.trim())) {
      return 'Enter a schedule expression such as rate(10 days) or cron(0 4 ? * MON *).';
    }
    if (!r.fn.trim()) return 'Enter the name of the rotation function.';
    return null;
  },
};
