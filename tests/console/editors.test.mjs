// The console's shared editors (kv_rows.js, value_editor.js,
// policy_editor.js) where each is used: the wizard keeps the value, tags and
// policy across its steps; the secret page's "Edit secret value" converts
// between the tabs as the wizard does (AWS's text when it can't) and keeps
// line breaks; the KMS Create key page's tag rows add and remove.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { aws, openConsole, shot, signIn, startCoffer } from './harness.mjs';

const NOT_KEY_VALUE = "The secret value can't be converted to key name and value pairs.";

let coffer; let ui; let page;
before(async () => {
  coffer = await startCoffer();
  ui = await openConsole(coffer);
  page = ui.page;
  await signIn(page, coffer.creds);
});
after(async () => { await ui?.close(); await coffer?.stop(); });

const button = (name) => page.getByRole('button', { name, exact: true });
const tab = (name) => page.getByRole('tab', { name });
const label = (name) => page.getByLabel(name, { exact: true });

async function onStep(n) {
  await page.locator('ol.steps li[aria-current="step"]', { hasText: `Step ${n}:` }).waitFor();
}

test('the wizard keeps the value, the tags and the policy when the user moves between steps', async () => {
  await page.evaluate(() => { location.hash = '#/secrets/new'; });
  await onStep(1);
  await label('Key 1').fill('user');
  await label('Value 1').fill('ed-kept-1');
  await button('Add row').click();
  await label('Key 2').fill('pass');
  await label('Value 2').fill('ed-kept-2');
  await button('Next').click();
  await onStep(2);
  await button('Previous').click();
  await onStep(1);
  assert.equal(await label('Value 2').inputValue(), 'ed-kept-2');
  await tab('Plaintext').click();
  assert.equal(await page.getByLabel('Plaintext secret value').inputValue(), '{"user":"ed-kept-1","pass":"ed-kept-2"}');
  await button('Next').click();
  await onStep(2);
  await button('Next').click();
  await onStep(3);
  await page.getByLabel('Secret name').fill('ed/kept');
  await button('Add tag').click();
  await label('Tag key 1').fill('team');
  await button('Add tag').click();
  await label('Tag key 2').fill('gone');
  await button('Remove tag gone').click();
  await button('Next').click();
  await onStep(4);
  await page.getByLabel('Resource policy').fill('{"Version": "2012-10-17", "Statement": [');
  await button('Validate').click();
  await page.getByTestId('policy-findings').filter({ hasText: 'MalformedPolicyDocumentException' }).waitFor();
  await button('Previous').click();
  await onStep(3);
  assert.equal(await label('Tag key 1').inputValue(), 'team');
  assert.equal(await label('Tag key 2').count(), 0);
  await button('Next').click();
  await onStep(4);
  assert.match(await page.getByLabel('Resource policy').inputValue(), /"Statement": \[$/);
  assert.match(await page.getByTestId('policy-findings').textContent(), /MalformedPolicyDocumentException/);
  for (let n = 3; n >= 1; n -= 1) { await button('Previous').click(); await onStep(n); }
  assert.equal(await tab('Plaintext').getAttribute('aria-selected'), 'true');
  assert.equal(await page.getByLabel('Plaintext secret value').inputValue(), '{"user":"ed-kept-1","pass":"ed-kept-2"}');
  await shot(page, 'editors-wizard-kept');
  await button('Cancel').click();
  await page.waitForFunction(() => location.hash === '#/secrets');
  assert.ok(!(await page.content()).includes('ed-kept-2'));
});

test('the secret page\'s value editor converts as the wizard does and keeps line breaks', async () => {
  const arn = aws(coffer, ['secretsmanager', 'create-secret', '--name', 'ed/value', '--secret-string', 'ed not json'])
    .ARN;
  await page.evaluate((h) => { location.hash = h; }, `#/secret/${encodeURIComponent(arn)}`);
  await button('Retrieve secret value').click();
  await page.getByTestId('secret-plaintext').waitFor();
  await button('Edit secret value').click();
  const text = page.getByLabel('Secret value (plaintext)');
  assert.equal(await text.inputValue(), 'ed not json');
  await tab('Key/value').click();
  const alert = page.getByTestId('secret-value').getByRole('alert');
  await alert.waitFor();
  assert.equal((await alert.textContent()).trim(), NOT_KEY_VALUE);
  assert.equal(await tab('Plaintext').getAttribute('aria-selected'), 'true');
  assert.equal(await text.inputValue(), 'ed not json', 'the text is left untouched');

  await text.fill('{"a":"1","b":"2"}');
  await tab('Key/value').click();
  assert.equal(await label('Key 2').inputValue(), 'b');
  await button('Remove row a').click();
  await button('Remove row b').click();
  assert.equal(await label('Key 1').inputValue(), '', 'one empty row is left');
  await label('Key 1').fill('c');
  await label('Value 1').fill('3');
  await shot(page, 'editors-secret-value');
  await button('Save').click();
  await page.locator('#flash').getByText('The secret value of ed/value was updated.').waitFor();
  assert.equal(aws(coffer, ['secretsmanager', 'get-secret-value', '--secret-id', 'ed/value']).SecretString,
    '{"c":"3"}');

  const pem = '-----BEGIN CERTIFICATE-----\nMIIB\n  indented\n-----END CERTIFICATE-----\n';
  await button('Retrieve secret value').click();
  await button('Edit secret value').click();
  await tab('Plaintext').click();
  await page.getByLabel('Secret value (plaintext)').fill(pem);
  await button('Save').click();
  await page.locator('#flash').getByText('The secret value of ed/value was updated.').waitFor();
  await page.getByRole('button', { name: 'Retrieve secret value' }).waitFor();
  assert.equal(aws(coffer, ['secretsmanager', 'get-secret-value', '--secret-id', 'ed/value']).SecretString, pem);
  assert.deepEqual(ui.errors, []);
});

test('Create key\'s tag rows: add two, remove one, the key has the other', async () => {
  await page.evaluate(() => { location.hash = '#/keys/new'; });
  await page.getByRole('heading', { name: 'Create key' }).waitFor();
  await page.getByLabel('Alias').fill('alias/ed-tags');
  await button('Add tag').click();
  await label('Tag key 1').fill('drop-me');
  await button('Add tag').click();
  await label('Tag key 2').fill('keep');
  await label('Tag value 2').fill('yes');
  await button('Remove tag drop-me').click();
  assert.equal(await label('Tag key 1').inputValue(), 'keep');
  await button('Create key').click();
  await page.getByTestId('key-id').waitFor();
  const keyId = (await page.getByTestId('key-id').textContent()).trim();
  assert.deepEqual(aws(coffer, ['kms', 'list-resource-tags', '--key-id', keyId]).Tags,
    [{ TagKey: 'keep', TagValue: 'yes' }]);
});
