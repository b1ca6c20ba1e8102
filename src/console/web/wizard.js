// "Store a new secret" (#/secrets/new): AWS's console flow in six steps
// (value, encryption key, name and tags, resource permissions, rotation,
// review), then CreateSecret, PutResourcePolicy and RotateSecret. A server
// error from CreateSecret brings the user back to the step that owns the
// field. The value is kept only in this page's memory and dropped on leave.
import { call } from './api.js';
import { clear, details, errorBox, flash, h } from './ui.js';
import { go, isCurrent, onLeave } from './router.js';
import { checkValue, describeValue, dropValue, newValue, renderValueStep, secretString } from './wizard_value.js';
import {
  describeSchedule, encryptionStep, nameStep, permissionsStep, rotationArn, rotationRules, rotationStep,
} from './wizard_steps.js';
import { rowsToTags } from './kv_rows.js';
import { shortAlias } from './keys_common.js';

const VALUE = 0; const ENCRYPTION = 1; const NAME = 2; const PERMISSIONS = 3; const ROTATION = 4; const REVIEW = 5;

const valueStep = {
  title: 'Secret type',
  render: (s, refresh) => renderValueStep(s.value, refresh),
  check: (s) => checkValue(s.value) || null,
};

function section(title, index, show, rows) {
  return h('section', { class: 'card wizard-review' },
    h('div', { class: 'toolbar' }, h('h3', { text: title }), h('span', { class: 'spacer' }),
      h('button', { type: 'button', class: 'small', 'aria-label': `Edit ${title}`, text: 'Edit',
        onclick: () => show(index) })),
    details(rows));
}

const reviewStep = {
  title: 'Review',
  render(s, refresh, show) {
    const tags = rowsToTags(s.tags);
    const r = s.rotation;
    return h('div', { 'data-testid': 'wizard-review' },
      section('Secret type', VALUE, show, describeValue(s.value)),
      section('Encryption key', ENCRYPTION, show, [['Encryption key',
        s.kmsKeyId ? `${shortAlias(s.kmsAlias)} (${s.kmsKeyId})` : 'aws/secretsmanager']]),
      section('Name and tags', NAME, show, [
        ['Secret name', s.name],
        ['Description', s.description || '—'],
        ['Tags', tags.length ? tags.map((t) => h('span', { class: 'tag', text: `${t.Key}: ${t.Value}` })) : 'None'],
      ]),
      section('Resource permissions', PERMISSIONS, show, [['Resource policy',
        s.policy.text.trim() ? h('pre', { class: 'value', text: s.policy.text }) : 'None']]),
      section('Rotation', ROTATION, show, r.on
        ? [['Automatic rotation', 'Enabled'], ['Schedule', describeSchedule(r)],
          ['Rotation function', rotationArn(r.fn)], ['Rotate immediately', r.immediately ? 'Yes' : 'No']]
        : [['Automatic rotation', 'Disabled']]));
  },
};

const STEPS = [valueStep, encryptionStep, nameStep, permissionsStep, rotationStep, reviewStep];

// The step that owns the field a CreateSecret error is about.
export function stepForError(err) {
  const text = `${err.type || ''} ${err.message || ''}`;
  if (/AccessDenied/.test(err.type || '')) return REVIEW;
  if (/secretString|SecretBinary|secret value|65536/i.test(text)) return VALUE;
  if (/ResourceExists|\bname\b|\btags?\b|description/i.test(text)) return NAME;
  if (/KMS|Encryption|DecryptionFailure|alias|key/i.test(text)) return ENCRYPTION;
  return REVIEW;
}

function newState() {
  return {
    step: VALUE, value: newValue(), kmsKeyId: '', kmsAlias: '', aliases: null, aliasError: null,
    name: '', description: '', tags: [], policy: { text: '', result: null },
    rotation: { on: false, mode: 'days', days: '30', expression: '', fn: '', immediately: true },
  };
}

export async function renderWizard(view) {
  let s = newState();
  onLeave(() => {
    if (s) dropValue(s.value);
    s = null;
    for (const el of view.querySelectorAll('input, textarea')) el.value = '';
    view.replaceChildren();
  });

  // Shows step `index`; `problem` is a client check's sentence or an API error.
  async function show(index, problem = null, moved = true) {
    if (!s || !isCurrent(view)) return;
    const step = STEPS[index];
    s.step = index;
    if (step.prepare) await step.prepare(s);
    if (!s || !isCurrent(view)) return;
    const refresh = () => show(index, null, false);
    const heading = h('h2', { tabindex: '-1', text: `Step ${index + 1}: ${step.title}` });
    const alert = problem === null ? null
      : typeof problem === 'string' ? h('div', { class: 'alert error', role: 'alert', text: problem })
        : errorBox(problem);
    const last = index === STEPS.length - 1;
    const next = h('button', { type: 'button', class: 'primary', text: last ? 'Store' : 'Next' });
    next.addEventListener('click', async () => {
      next.disabled = true;
      try {
        if (last) { await store(); return; }
        const found = step.check ? await step.check(s) : null;
        if (found) await show(index, found); else await show(index + 1);
      } finally { next.disabled = false; }
    });
    clear(view,
      h('h1', { text: 'Store a new secret' }),
      h('ol', { class: 'steps', 'aria-label': 'Steps' }, STEPS.map((st, i) => h('li',
        { 'aria-current': i === index ? 'step' : null }, `Step ${i + 1}: ${st.title}`))),
      h('div', { class: 'card wizard-step', 'data-step': String(index + 1) },
        heading, alert, step.render(s, refresh, show)),
      h('div', { class: 'actions wizard-actions' },
        h('button', { type: 'button', class: 'link', text: 'Cancel', onclick: () => go('#/secrets') }),
        index > 0 ? h('button', { type: 'button', text: 'Previous', onclick: () => show(index - 1) }) : null,
        next));
    if (moved || problem) heading.focus();
  }

  // CreateSecret, then the resource policy and rotation. Once the secret
  // exists, a failed follow-up is reported on the secret's page.
  async function store() {
    const name = s.name;
    const input = { Name: name, ClientRequestToken: crypto.randomUUID(), SecretString: secretString(s.value) };
    if (s.description !== '') input.Description = s.description;
    if (s.kmsKeyId) input.KmsKeyId = s.kmsKeyId;
    const tags = rowsToTags(s.tags);
    if (tags.length) input.Tags = tags;
    const policy = s.policy.text.trim() ? s.policy.text : '';
    const r = s.rotation;
    const rotation = r.on ? {
      RotationLambdaARN: rotationArn(r.fn), RotationRules: rotationRules(r), RotateImmediately: r.immediately,
    } : null;
    let created;
    try {
      created = await call('secretsmanager', 'CreateSecret', input);
    } catch (err) {
      await show(stepForError(err), err);
      return;
    } finally {
      input.SecretString = null;
    }
    const failed = [];
    if (policy) {
      try {
        await call('secretsmanager', 'PutResourcePolicy',
          { SecretId: created.ARN, ResourcePolicy: policy, BlockPublicPolicy: true });
      } catch (err) {
        failed.push(`The resource policy was not attached (${err.type}: ${err.message})`);
      }
    }
    if (rotation) {
      try {
        await call('secretsmanager', 'RotateSecret',
          { SecretId: created.ARN, ClientRequestToken: crypto.randomUUID(), ...rotation });
      } catch (err) {
        failed.push(`Rotation was not turned on (${err.type}: ${err.message})`);
      }
    }
    if (failed.length) flash(`The secret ${name} was stored, but: ${failed.join('; ')}`, 'error');
    else flash(`The secret ${name} was stored.`);
    if (isCurrent(view)) go(`#/secret/${encodeURIComponent(created.ARN)}`);
  }

  await show(VALUE);
}
