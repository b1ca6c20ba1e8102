// A secret's resource policy as JSON in a textarea, checked with Secrets
// Manager's ValidateResourcePolicy and its findings shown under the text:
// the wizard's permissions step (wizard_steps.js) and the secret page's
// resource permissions card (secret_policy.js). The editor's state
// {text, result} belongs to the caller (the wizard keeps it across steps).
import { call } from './api.js';
import { actionButton, errorBox, field, h, noSave } from './ui.js';

// ValidateResourcePolicy's answer for `text` (of the secret `secretId`, when
// there is one yet): {text, passed, findings} or {text, error}. Never throws.
export async function validatePolicy(text, secretId = '') {
  const input = { ResourcePolicy: text };
  if (secretId) input.SecretId = secretId;
  try {
    const out = await call('secretsmanager', 'ValidateResourcePolicy', input);
    return { text, passed: !!out.PolicyValidationPassed, findings: out.ValidationErrors || [] };
  } catch (error) {
    return { text, error };
  }
}

// True when a validation result has passed with no findings.
export function policyPassed(r) {
  return !!r && !r.error && r.passed && r.findings.length === 0;
}

// A validation result as the page shows it: AWS's error when the call
// failed, else passed / failed with each finding's check name and text.
export function policyFindings(r) {
  if (!r) return null;
  if (r.error) return errorBox(r.error, 'The policy could not be validated');
  const ok = policyPassed(r);
  return h('div', { class: `alert ${ok ? 'success' : 'error'}`, role: ok ? 'status' : 'alert',
    'aria-label': ok ? null : 'Policy validation findings' },
  h('strong', { text: ok ? 'Policy validation passed.' : 'Policy validation failed.' }),
  h('div', { class: 'type', text: `PolicyValidationPassed: ${r.passed}` }),
  r.findings.map((f) => h('div', { class: 'finding error' },
    h('strong', { text: f.CheckName || 'Finding' }), ' ', h('span', { text: f.ErrorMessage || '' }))));
}

// The editor of state `p` ({text, result}): the "Resource policy" textarea,
// a Validate button and the findings. Returns {node, validate, show}:
// validate() runs the check, shows and returns its result; show(node) puts
// another answer (e.g. PutResourcePolicy's error) where the findings go.
export function policyEditor(p, { secretId = '', hint = '', id = null, rows = 12 } = {}) {
  const box = h('div', { class: 'policy-result', 'data-testid': 'policy-findings' }, policyFindings(p.result));
  const text = h('textarea', { ...noSave, id, class: 'mono', rows, value: p.text,
    placeholder: '{\n  "Version": "2012-10-17",\n  "Statement": [ ... ]\n}',
    oninput: (e) => { p.text = e.target.value; } });
  const show = (node) => box.replaceChildren(...(node ? [node] : []));
  async function validate() {
    show(null);
    p.result = await validatePolicy(p.text, secretId);
    show(policyFindings(p.result));
    return p.result;
  }
  return {
    node: h('div', { class: 'policy-editor' },
      field('Resource policy', text, hint), h('div', { class: 'toolbar' }, actionButton('Validate', validate)), box),
    validate,
    show,
  };
}
