// The KMS key pages (issue 22): the keys list in its two sections (AWS
// managed, customer managed), Create key (CreateKey + CreateAlias, the
// server's error for a refused alias), and a key's page with disable /
// enable, schedule deletion (7–30 days) and cancel deletion, each checked
// against the AWS CLI: a disabled key makes its secrets unreadable, and a
// cancelled deletion leaves the key Disabled, as AWS.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { aws, openConsole, shot, signIn, startCoffer } from './harness.mjs';

let coffer; let ui; let page; let keyId;
before(async () => {
  coffer = await startCoffer();
  ui = await openConsole(coffer);
  page = ui.page;
  await signIn(page, coffer.creds);
});
after(async () => { await ui?.close(); await coffer?.stop(); });

// Moves within the single-page console (a reload would sign out).
async function visit(hash) {
  await page.evaluate((h) => { location.hash = h; }, hash);
}

async function openKeyList() {
  await visit('#/keys');
  await page.getByRole('region', { name: /Customer managed keys/ }).locator('table, p').first().waitFor();
}

const keyState = () => page.getByTestId('key-state');
const customerSection = () => page.getByRole('region', { name: /Customer managed keys/ });
const awsSection = () => page.getByRole('region', { name: /AWS managed keys/ });
const keyCount = () => aws(coffer, ['kms', 'list-keys']).Keys.length;

test('a key created in the console is visible to the CLI and listed as customer managed', async () => {
  await openKeyList();
  await page.getByRole('button', { name: 'Create key' }).click();
  await page.getByRole('heading', { name: 'Create key' }).waitFor();
  await page.getByLabel('Alias').fill('alias/console-test');
  await page.getByLabel('Description').fill('Key made by the console test');
  await page.getByRole('button', { name: 'Add tag' }).click();
  await page.getByLabel('Tag key').fill('team');
  await page.getByLabel('Tag value').fill('console');
  await shot(page, 'keys-create');
  await page.getByRole('button', { name: 'Create key' }).click();

  await page.getByTestId('key-id').waitFor();
  keyId = (await page.getByTestId('key-id').textContent()).trim();
  const cli = aws(coffer, ['kms', 'describe-key', '--key-id', 'alias/console-test']).KeyMetadata;
  assert.equal(cli.KeyId, keyId);
  assert.equal(cli.Description, 'Key made by the console test');
  assert.equal(cli.KeyManager, 'CUSTOMER');
  assert.equal(cli.KeySpec, 'SYMMETRIC_DEFAULT');
  assert.equal(cli.KeyState, 'Enabled');
  assert.deepEqual(aws(coffer, ['kms', 'list-resource-tags', '--key-id', keyId]).Tags,
    [{ TagKey: 'team', TagValue: 'console' }]);

  assert.match(await page.locator('#flash').textContent(), new RegExp(`created with alias console-test and key ID ${keyId}`));
  assert.equal(await page.getByTestId('key-arn').textContent(), cli.Arn);
  assert.equal(await keyState().textContent(), 'Enabled');
  assert.match(await page.getByTestId('key-aliases').textContent(), /console-test/);
  assert.equal(await page.getByTestId('key-description').textContent(), 'Key made by the console test');
  assert.match(await page.getByTestId('key-manager').textContent(), /^Customer/);
  assert.match(await page.getByTestId('key-tags').textContent(), /team\s*console/);
  await page.getByRole('button', { name: 'Copy' }).click();
  assert.equal(await page.evaluate(() => navigator.clipboard.readText()), cli.Arn);
  await shot(page, 'keys-page');

  await openKeyList();
  const row = customerSection().locator(`tr[data-key-id="${keyId}"]`);
  await row.waitFor();
  assert.match(await row.textContent(), /console-test/);
  assert.match(await row.textContent(), /Enabled/);
  assert.match(await row.textContent(), /Key made by the console test/);
  assert.equal(await awsSection().locator(`tr[data-key-id="${keyId}"]`).count(), 0);
  assert.equal(await row.getByRole('link', { name: keyId }).getAttribute('href'), `#/key/${encodeURIComponent(keyId)}`);
});

test('disabling the key in the console makes its secret unreadable; enabling restores it', async () => {
  aws(coffer, ['secretsmanager', 'create-secret', '--name', 'keys-console-secret',
    '--secret-string', 'keys-console-value', '--kms-key-id', 'alias/console-test']);
  await visit(`#/key/${encodeURIComponent(keyId)}`);
  await page.getByRole('button', { name: 'Disable key' }).click();
  await page.locator('dialog').getByRole('button', { name: 'Disable key' }).click();
  await keyState().filter({ hasText: 'Disabled' }).waitFor();
  assert.match(await page.locator('#flash').textContent(), /was disabled/);
  assert.equal(aws(coffer, ['kms', 'describe-key', '--key-id', keyId]).KeyMetadata.KeyState, 'Disabled');
  const failed = aws(coffer, ['secretsmanager', 'get-secret-value', '--secret-id', 'keys-console-secret'],
    { allowFail: true });
  assert.match(failed.error || '', /DecryptionFailure/);

  await page.getByRole('button', { name: 'Enable key' }).click();
  await keyState().filter({ hasText: 'Enabled' }).waitFor();
  assert.match(await page.locator('#flash').textContent(), /was enabled/);
  const value = aws(coffer, ['secretsmanager', 'get-secret-value', '--secret-id', 'keys-console-secret']);
  assert.equal(value.SecretString, 'keys-console-value');
  // The outcome was shown on the page it happened on; it goes at the next navigation.
  await openKeyList();
  assert.doesNotMatch(await page.locator('#flash').textContent(), /was enabled/);
});

test('scheduling deletion for 7 days shows PendingDeletion; cancelling leaves the key Disabled', async () => {
  await visit(`#/key/${encodeURIComponent(keyId)}`);
  await page.getByRole('button', { name: 'Schedule key deletion' }).click();
  let days = page.locator('dialog').getByLabel('Waiting period (in days)');
  assert.equal(await days.inputValue(), '30');
  // Out of range: the server's ValidationException, shown in place; nothing changes.
  await days.fill('6');
  await page.locator('dialog').getByRole('button', { name: 'Schedule deletion' }).click();
  const refused = page.getByRole('alert').filter({ hasText: 'ValidationException' });
  await refused.waitFor();
  assert.match(await refused.textContent(), /ScheduleKeyDeletion failed/);
  assert.equal(await keyState().textContent(), 'Enabled');
  assert.equal(aws(coffer, ['kms', 'describe-key', '--key-id', keyId]).KeyMetadata.KeyState, 'Enabled');

  await page.getByRole('button', { name: 'Schedule key deletion' }).click();
  days = page.locator('dialog').getByLabel('Waiting period (in days)');
  await days.fill('7');
  const before = Date.now() / 1000;
  await page.locator('dialog').getByRole('button', { name: 'Schedule deletion' }).click();
  await keyState().filter({ hasText: 'PendingDeletion' }).waitFor();
  assert.match(await page.getByTestId('key-deletion-date').textContent(), /waiting period 7 days/);
  const cli = aws(coffer, ['kms', 'describe-key', '--key-id', keyId]).KeyMetadata;
  assert.equal(cli.KeyState, 'PendingDeletion');
  assert.equal(cli.PendingDeletionWindowInDays, 7);
  const deletion = Date.parse(cli.DeletionDate) / 1000;  // the CLI prints timestamps as ISO 8601
  assert.ok(Math.abs(deletion - (before + 7 * 86400)) < 120, `deletion date ${cli.DeletionDate}`);
  assert.equal(await page.getByRole('button', { name: 'Disable key' }).count(), 0);
  assert.equal(await page.getByRole('button', { name: 'Enable key' }).count(), 0);
  await shot(page, 'keys-page-pending-deletion');

  await openKeyList();
  assert.match(await customerSection().locator(`tr[data-key-id="${keyId}"]`).textContent(), /PendingDeletion/);

  await visit(`#/key/${encodeURIComponent(keyId)}`);
  await page.getByRole('button', { name: 'Cancel key deletion' }).click();
  await keyState().filter({ hasText: 'Disabled' }).waitFor();
  assert.equal(aws(coffer, ['kms', 'describe-key', '--key-id', keyId]).KeyMetadata.KeyState, 'Disabled');
  assert.equal(await page.getByTestId('key-deletion-date').count(), 0);
  await page.getByRole('button', { name: 'Enable key' }).click();
  await keyState().filter({ hasText: 'Enabled' }).waitFor();
});

test('the AWS managed key aws/secretsmanager is listed apart and offers no key actions', async () => {
  aws(coffer, ['secretsmanager', 'create-secret', '--name', 'keys-console-default', '--secret-string', 'x']);
  const managed = aws(coffer, ['kms', 'describe-key', '--key-id', 'alias/aws/secretsmanager']).KeyMetadata;
  await openKeyList();
  const row = awsSection().locator(`tr[data-key-id="${managed.KeyId}"]`);
  await row.waitFor();
  assert.match(await row.textContent(), /aws\/secretsmanager/);
  assert.match(await row.textContent(), /Enabled/);
  assert.equal(await customerSection().locator(`tr[data-key-id="${managed.KeyId}"]`).count(), 0);
  await shot(page, 'keys-list');

  await row.getByRole('link', { name: managed.KeyId }).click();
  await page.getByTestId('key-id').filter({ hasText: managed.KeyId }).waitFor();
  assert.match(await page.getByTestId('key-manager').textContent(), /^AWS/);
  assert.match(await page.getByTestId('key-aliases').textContent(), /aws\/secretsmanager/);
  for (const name of ['Disable key', 'Enable key', 'Schedule key deletion', 'Cancel key deletion']) {
    assert.equal(await page.getByRole('button', { name }).count(), 0, name);
  }
  await shot(page, 'keys-page-aws-managed');
});

test('a refused alias shows the server\'s error; fixing it gives the same key its alias', async () => {
  const count = keyCount();
  await visit('#/keys/new');
  await page.getByRole('heading', { name: 'Create key' }).waitFor();
  // Caught before any call: no alias at all.
  await page.getByRole('button', { name: 'Create key' }).click();
  await page.getByRole('alert').filter({ hasText: 'Enter an alias' }).waitFor();
  assert.equal(keyCount(), count);

  await page.getByLabel('Alias').fill('alias/aws/mine');
  await page.getByRole('button', { name: 'Create key' }).click();
  const refused = page.getByRole('alert').filter({ hasText: 'NotAuthorizedException' });
  await refused.waitFor();
  assert.match(await refused.textContent(), /The alias could not be created/);
  await shot(page, 'keys-create-refused-alias');
  assert.equal(keyCount(), count + 1, 'the key itself was made');

  // The name taken by the first test: the server's AlreadyExistsException text.
  await page.getByLabel('Alias').fill('console-test');
  await page.getByRole('button', { name: 'Create alias' }).click();
  const exists = page.getByRole('alert').filter({ hasText: 'AlreadyExistsException' });
  await exists.waitFor();
  assert.match(await exists.textContent(), /alias\/console-test already exists/);

  await page.getByLabel('Alias').fill('console-fixed');
  await page.getByRole('button', { name: 'Create alias' }).click();
  await page.getByTestId('key-id').waitFor();
  const fixed = aws(coffer, ['kms', 'describe-key', '--key-id', 'alias/console-fixed']).KeyMetadata;
  assert.equal((await page.getByTestId('key-id').textContent()).trim(), fixed.KeyId);
  assert.equal(keyCount(), count + 1, 'no second key was made');
  assert.deepEqual(ui.errors, []);
});
