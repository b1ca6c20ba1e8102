// The secrets list and the secret page (issue 22 items 3-5): ListSecrets with
// a filter, sorting, paging and the planned-deletion toggle; the secret page
// (ARN, value on demand as key/value or exact plaintext, gone from the page
// and storage after leaving); its edits (value, description, tags, resource
// policy with validation findings), deletion with a 7-day window and its
// cancellation; and a user denied GetSecretValue sees which action was denied.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { aws, openConsole, shot, signIn, startCoffer, storageDump } from './harness.mjs';

const NOT_PAIRS = 'The secret value can\'t be converted to key name and value pairs.';
const KV_VALUE = { username: 'sl-user-4711', password: 'sl-pass-Zq83kw' };
const PLAIN_VALUE = 'sl plain secret 90qj\n  second line, kept exactly ';

let coffer; let ui; let arns = {};

function create(name, args) {
  const out = aws(coffer, ['secretsmanager', 'create-secret', '--name', name, ...args]);
  arns[name] = out.ARN;
  return out;
}

function describe(name) {
  return aws(coffer, ['secretsmanager', 'describe-secret', '--secret-id', name]);
}

// Polls fn until check(result) holds (10 s), returning the last result.
async function eventually(fn, check, what = 'condition') {
  const end = Date.now() + 10000;
  let last;
  for (;;) {
    last = await fn();
    if (check(last)) return last;
    if (Date.now() > end) assert.fail(`timed out waiting for ${what}; last: ${JSON.stringify(last)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

// The names in the list once it has loaded.
async function listed(page) {
  await page.locator('[data-testid="secrets-results"][data-state="ready"]').waitFor();
  return page.locator('[data-testid="secrets-table"] tbody tr').evaluateAll((rows) => rows.map((r) => r.dataset.name));
}

async function expectListed(page, names, what) {
  return eventually(() => listed(page), (got) => JSON.stringify(got) === JSON.stringify(names), what);
}

async function openSecret(page, name) {
  await page.evaluate((hash) => { location.hash = hash; }, `#/secret/${encodeURIComponent(arns[name])}`);
  await page.getByRole('heading', { name, exact: true }).waitFor();
}

before(async () => {
  coffer = await startCoffer();
  create('sl-alpha', ['--description', 'first of the list', '--secret-string', JSON.stringify(KV_VALUE)]);
  create('sl-bravo', ['--description', 'second', '--secret-string', '{"user":"bob","pass":"pw-bravo-1"}',
    '--tags', 'Key=team,Value=red']);
  create('sl-charlie', ['--secret-string', 'charlie-value']);
  create('sl-delta', ['--secret-string', PLAIN_VALUE]);
  create('sl-gone', ['--secret-string', 'gone-value']);
  aws(coffer, ['secretsmanager', 'delete-secret', '--secret-id', 'sl-gone', '--recovery-window-in-days', '7']);
  ui = await openConsole(coffer);
  await signIn(ui.page, coffer.creds);
});
after(async () => { await ui?.close(); await coffer?.stop(); });

test('the list shows the secrets; a name filter narrows it; sorting by name', async () => {
  const { page } = ui;
  await page.getByRole('heading', { name: 'Secrets', exact: true }).waitFor();
  await expectListed(page, ['sl-alpha', 'sl-bravo', 'sl-charlie', 'sl-delta'], 'all (created order)');
  const row = page.locator('tr[data-name="sl-alpha"]');
  assert.match(await row.textContent(), /first of the list/);
  assert.equal(await row.getByRole('link').getAttribute('href'), `#/secret/${encodeURIComponent(arns['sl-alpha'])}`);
  assert.ok(await page.getByRole('button', { name: 'Store a new secret' }).isVisible());
  await shot(page, 'secrets-list');

  await page.getByLabel('Filter by').selectOption('name');
  await page.getByLabel('Search secrets').fill('sl-br');
  await page.getByRole('button', { name: 'Search', exact: true }).click();
  await expectListed(page, ['sl-bravo'], 'name filter');
  await page.getByLabel('Filter by').selectOption('description');
  await page.getByLabel('Search secrets').fill('list');
  await page.getByRole('button', { name: 'Search', exact: true }).click();
  await expectListed(page, ['sl-alpha'], 'description filter');
  await page.getByRole('button', { name: 'Clear filter' }).click();
  await expectListed(page, ['sl-alpha', 'sl-bravo', 'sl-charlie', 'sl-delta'], 'filter cleared');

  await page.getByRole('button', { name: 'Sort by Secret name' }).click();
  await expectListed(page, ['sl-alpha', 'sl-bravo', 'sl-charlie', 'sl-delta'], 'name asc');
  assert.equal(await page.locator('th[aria-sort="ascending"]').textContent(), 'Secret name ▲');
  await page.getByRole('button', { name: 'Sort by Secret name' }).click();
  await expectListed(page, ['sl-delta', 'sl-charlie', 'sl-bravo', 'sl-alpha'], 'name desc');
  assert.deepEqual(ui.errors, []);
});

test('paging with 2 per page: Next and Previous', async () => {
  const { page } = ui;
  await page.getByRole('button', { name: 'Sort by Secret name' }).click();  // back to ascending
  await expectListed(page, ['sl-alpha', 'sl-bravo', 'sl-charlie', 'sl-delta'], 'name asc');
  await page.getByLabel('Secrets per page').fill('2');
  await page.getByLabel('Secrets per page').dispatchEvent('change');
  await expectListed(page, ['sl-alpha', 'sl-bravo'], 'page 1');
  const previous = page.getByRole('button', { name: 'Previous' });
  const next = page.getByRole('button', { name: 'Next' });
  assert.ok(await previous.isDisabled());
  await next.click();
  await expectListed(page, ['sl-charlie', 'sl-delta'], 'page 2');
  assert.match(await page.locator('.pager').textContent(), /Page 2/);
  await previous.click();
  await expectListed(page, ['sl-alpha', 'sl-bravo'], 'page 1 again');
  await next.click();
  await expectListed(page, ['sl-charlie', 'sl-delta'], 'page 2 again');
  await page.getByLabel('Secrets per page').fill('25');
  await page.getByLabel('Secrets per page').dispatchEvent('change');
  await expectListed(page, ['sl-alpha', 'sl-bravo', 'sl-charlie', 'sl-delta'], 'one page');
});

test('"Show secrets scheduled for deletion" lists a deleted secret with its deletion date', async () => {
  const { page } = ui;
  await page.getByLabel('Show secrets scheduled for deletion').check();
  await expectListed(page, ['sl-alpha', 'sl-bravo', 'sl-charlie', 'sl-delta', 'sl-gone'], 'with deleted');
  const cells = await page.locator('tr[data-name="sl-gone"] td').allTextContents();
  assert.match(cells[0], /Scheduled for deletion/);
  assert.notEqual(cells[cells.length - 1].trim(), '');
  assert.equal((await page.locator('tr[data-name="sl-alpha"] td').allTextContents()).at(-1), '');
  await shot(page, 'secrets-list-deleted');
  await page.getByLabel('Show secrets scheduled for deletion').uncheck();
  await expectListed(page, ['sl-alpha', 'sl-bravo', 'sl-charlie', 'sl-delta'], 'without deleted');
});

test('the secret page shows the ARN and reveals a key/value secret on demand', async () => {
  const { page } = ui;
  await page.locator('tr[data-name="sl-alpha"]').getByRole('link').click();
  await page.getByRole('heading', { name: 'sl-alpha', exact: true }).waitFor();
  const described = describe('sl-alpha');
  assert.equal(await page.getByTestId('secret-arn').textContent(), described.ARN);
  assert.ok(await page.getByRole('button', { name: 'Copy ARN' }).isVisible());
  assert.match(await page.getByTestId('secret-rotation').textContent(), /Disabled/);
  await page.getByTestId('secret-versions').waitFor();
  assert.match(await page.getByTestId('secret-versions').textContent(), /AWSCURRENT/);
  assert.ok(!(await page.content()).includes(KV_VALUE.password), 'not shown before the click');
  await shot(page, 'secret-page');

  await page.getByRole('button', { name: 'Retrieve secret value' }).click();
  const kv = page.getByTestId('secret-kv');
  await kv.waitFor();
  const rows = await kv.locator('tbody tr').evaluateAll((trs) => trs.map((tr) => [...tr.cells].map((c) => c.textContent)));
  assert.deepEqual(rows, Object.entries(KV_VALUE));
  await shot(page, 'secret-value-kv');
  await page.getByRole('button', { name: 'Plaintext' }).click();
  assert.equal(await page.getByTestId('secret-plaintext').textContent(), JSON.stringify(KV_VALUE));
  await page.getByRole('button', { name: 'Key/value' }).click();
  await kv.waitFor();
  await page.getByRole('button', { name: 'Hide' }).click();
  await page.getByRole('button', { name: 'Retrieve secret value' }).waitFor();
  assert.ok(!(await page.content()).includes(KV_VALUE.password), 'hidden');
  assert.deepEqual(ui.errors, []);
});

test('a plaintext secret as Key/value shows AWS\'s text; the value is gone after leaving', async () => {
  const { page } = ui;
  await openSecret(page, 'sl-delta');
  await page.getByRole('button', { name: 'Retrieve secret value' }).click();
  const pre = page.getByTestId('secret-plaintext');
  await pre.waitFor();
  assert.equal(await pre.textContent(), PLAIN_VALUE);
  await page.getByRole('button', { name: 'Key/value' }).click();
  await page.getByText(NOT_PAIRS, { exact: true }).waitFor();
  assert.equal(await page.getByTestId('secret-kv').count(), 0);
  await page.getByRole('button', { name: 'Plaintext' }).click();
  assert.equal(await pre.textContent(), PLAIN_VALUE);
  await shot(page, 'secret-value-plaintext');

  await page.getByRole('link', { name: '← Secrets' }).click();
  await page.getByRole('heading', { name: 'Secrets', exact: true }).waitFor();
  await listed(page);
  const html = await page.content();
  assert.ok(!html.includes('90qj'), 'the value is not in the page');
  assert.ok(!html.includes(KV_VALUE.password));
  const dump = await storageDump(page);
  assert.ok(!dump.includes('90qj') && !dump.includes(KV_VALUE.password), 'nor in storage');
  assert.ok(!page.url().includes('90qj'));
});

test('edit the value, the description and the tags', async () => {
  const { page } = ui;
  await openSecret(page, 'sl-bravo');
  await page.getByRole('button', { name: 'Retrieve secret value' }).click();
  await page.getByTestId('secret-kv').waitFor();
  await page.getByRole('button', { name: 'Edit secret value' }).click();
  assert.equal(await page.getByLabel('Key 2').inputValue(), 'pass');
  await page.getByLabel('Value 2').fill('pw-bravo-2');
  await page.getByRole('button', { name: 'Add row' }).click();
  await page.getByLabel('Key 3').fill('host');
  await page.getByLabel('Value 3').fill('db.local');
  await shot(page, 'secret-value-edit');
  await page.getByRole('button', { name: 'Save', exact: true }).click();
  await page.locator('#flash').getByText('The secret value of sl-bravo was updated.').waitFor();
  const got = aws(coffer, ['secretsmanager', 'get-secret-value', '--secret-id', 'sl-bravo']);
  assert.deepEqual(JSON.parse(got.SecretString), { user: 'bob', pass: 'pw-bravo-2', host: 'db.local' });
  assert.equal(await page.getByTestId('secret-kv').count(), 0, 'hidden again after the save');

  // The plaintext editor writes the text exactly.
  await page.getByRole('button', { name: 'Retrieve secret value' }).click();
  await page.getByRole('button', { name: 'Plaintext' }).click();
  await page.getByRole('button', { name: 'Edit secret value' }).click();
  await page.getByLabel('Secret value (plaintext)').fill('{"user":"bob", "pass":"pw-bravo-3"}');
  await page.getByRole('button', { name: 'Save', exact: true }).click();
  await page.locator('#flash').getByText('The secret value of sl-bravo was updated.').waitFor();
  await eventually(() => aws(coffer, ['secretsmanager', 'get-secret-value', '--secret-id', 'sl-bravo']).SecretString,
    (s) => s === '{"user":"bob", "pass":"pw-bravo-3"}', 'plaintext saved');

  await page.getByRole('button', { name: 'Edit description' }).click();
  await page.getByLabel('Description').fill('second, edited in the console');
  await page.getByRole('button', { name: 'Save description' }).click();
  await page.getByTestId('secret-description').getByText('second, edited in the console').waitFor();
  assert.equal(describe('sl-bravo').Description, 'second, edited in the console');

  await page.getByRole('button', { name: 'Edit tags' }).click();
  await page.getByRole('button', { name: 'Add tag' }).click();
  await page.getByLabel('Tag key 2').fill('env');
  await page.getByLabel('Tag value 2').fill('prod');
  await page.getByRole('button', { name: 'Save tags' }).click();
  await page.getByTestId('secret-tags').getByText('prod').waitFor();
  const tags = (t) => Object.fromEntries((t || []).map(({ Key, Value }) => [Key, Value]));
  assert.deepEqual(tags(describe('sl-bravo').Tags), { team: 'red', env: 'prod' });
  await page.getByRole('button', { name: 'Edit tags' }).click();
  await page.getByRole('button', { name: 'Remove tag team' }).click();
  await page.getByRole('button', { name: 'Save tags' }).click();
  await page.locator('#flash').getByText('The tags of sl-bravo were updated.').waitFor();
  await eventually(() => tags(describe('sl-bravo').Tags), (t) => JSON.stringify(t) === '{"env":"prod"}', 'tag removed');
  assert.deepEqual(ui.errors, []);
});

test('resource permissions: a bad policy shows a finding; a good one is attached and deleted', async () => {
  const { page } = ui;
  await openSecret(page, 'sl-bravo');
  const account = arns['sl-bravo'].split(':')[4];
  await page.getByRole('button', { name: 'Edit permissions' }).click();
  const broad = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: '*',
    Action: 'secretsmanager:GetSecretValue', Resource: '*' }] };
  await page.getByLabel('Resource policy').fill(JSON.stringify(broad));
  await page.getByRole('button', { name: 'Validate' }).click();
  const findings = page.getByRole('alert', { name: 'Policy validation findings' });
  await findings.waitFor();
  assert.match(await findings.textContent(), /BROAD_ACCESS_CHECK/);
  await page.getByRole('button', { name: 'Save permissions' }).click();
  await findings.waitFor();
  assert.equal(aws(coffer, ['secretsmanager', 'get-resource-policy', '--secret-id', 'sl-bravo']).ResourcePolicy,
    undefined, 'a policy with findings is not saved');
  await shot(page, 'secret-policy-finding');

  const good = { Version: '2012-10-17', Statement: [{ Effect: 'Allow',
    Principal: { AWS: `arn:aws:iam::${account}:root` }, Action: 'secretsmanager:GetSecretValue', Resource: '*' }] };
  await page.getByLabel('Resource policy').fill(JSON.stringify(good));
  await page.getByRole('button', { name: 'Save permissions' }).click();
  await page.locator('#flash').getByText('The resource policy of sl-bravo was saved.').waitFor();
  const attached = aws(coffer, ['secretsmanager', 'get-resource-policy', '--secret-id', 'sl-bravo']);
  assert.equal(JSON.parse(attached.ResourcePolicy).Statement[0].Action, 'secretsmanager:GetSecretValue');
  await page.getByTestId('secret-policy').waitFor();

  await page.getByRole('button', { name: 'Delete permissions' }).click();
  await page.getByRole('dialog').getByRole('button', { name: 'Delete' }).click();
  await page.locator('#flash').getByText('The resource policy of sl-bravo was deleted.').waitFor();
  await eventually(() => aws(coffer, ['secretsmanager', 'get-resource-policy', '--secret-id', 'sl-bravo']).ResourcePolicy,
    (p) => p === undefined, 'policy deleted');
});

test('delete with a 7-day window, then cancel the deletion', async () => {
  const { page } = ui;
  await openSecret(page, 'sl-charlie');
  await page.getByRole('button', { name: 'Delete secret' }).click();
  const dialog = page.getByRole('dialog');
  assert.equal(await dialog.getByLabel('Waiting period (days)').inputValue(), '30');
  assert.equal(await dialog.getByText(/force|without recovery/i).count(), 0);
  await dialog.getByLabel('Waiting period (days)').fill('7');
  const answer = page.waitForResponse((r) => r.request().headers()['x-amz-target'] === 'secretsmanager.DeleteSecret');
  await dialog.getByRole('button', { name: 'Schedule deletion' }).click();
  const sent = JSON.parse((await answer).request().postData());
  assert.equal(sent.RecoveryWindowInDays, 7);
  assert.equal(sent.ForceDeleteWithoutRecovery, undefined);
  await page.getByTestId('secret-deletion').waitFor();
  await page.locator('#flash').getByText('The secret sl-charlie is scheduled for deletion on').waitFor();
  const deleted = describe('sl-charlie');
  assert.ok(deleted.DeletedDate, 'DeletedDate is set');
  const days = (JSON.parse(await (await answer).text()).DeletionDate * 1000 - Date.now()) / 86400000;
  assert.ok(days > 6.9 && days < 7.1, `deleted in ${days} days`);
  assert.equal(await page.getByRole('button', { name: 'Delete secret' }).count(), 0);
  await shot(page, 'secret-scheduled-deletion');

  await page.getByRole('button', { name: 'Cancel deletion' }).click();
  await page.locator('#flash').getByText('The deletion of sl-charlie was canceled.').waitFor();
  await page.getByRole('button', { name: 'Delete secret' }).waitFor();
  assert.equal(await page.getByTestId('secret-deletion').count(), 0);
  assert.equal(describe('sl-charlie').DeletedDate, undefined);
});

test('rotate now without rotation configured shows the server\'s error', async () => {
  const { page } = ui;
  await openSecret(page, 'sl-charlie');
  await page.getByRole('button', { name: 'Rotate secret immediately' }).click();
  await page.getByRole('dialog').getByRole('button', { name: 'Rotate' }).click();
  const expected = aws(coffer, ['secretsmanager', 'rotate-secret', '--secret-id', 'sl-charlie'], { allowFail: true });
  const alert = page.locator('.secret-status').getByRole('alert');
  await alert.waitFor();
  const text = await alert.textContent();
  const message = expected.error.split(': ').slice(1).join(': ').trim();
  assert.ok(text.includes(message), `${text} shows ${message}`);
});

test('a user denied GetSecretValue sees which action was denied and no value', async () => {
  aws(coffer, ['iam', 'create-user', '--user-name', 'console-reader']);
  const policy = { Version: '2012-10-17', Statement: [
    { Effect: 'Allow', Action: ['secretsmanager:ListSecrets', 'secretsmanager:DescribeSecret',
      'secretsmanager:ListSecretVersionIds'], Resource: '*' },
    { Effect: 'Deny', Action: 'secretsmanager:GetSecretValue', Resource: '*' }] };
  aws(coffer, ['iam', 'put-user-policy', '--user-name', 'console-reader', '--policy-name', 'read-metadata',
    '--policy-document', JSON.stringify(policy)]);
  const key = aws(coffer, ['iam', 'create-access-key', '--user-name', 'console-reader']).AccessKey;
  const reader = await openConsole(coffer);
  try {
    const { page } = reader;
    await signIn(page, { accessKeyId: key.AccessKeyId, secretAccessKey: key.SecretAccessKey });
    await expectListed(page, ['sl-alpha', 'sl-bravo', 'sl-charlie', 'sl-delta'], 'the reader lists');
    await openSecret(page, 'sl-alpha');
    await page.getByRole('button', { name: 'Retrieve secret value' }).click();
    const alert = page.getByTestId('secret-value').getByRole('alert');
    await alert.waitFor();
    const text = await alert.textContent();
    assert.match(text, /secretsmanager:GetSecretValue/);
    assert.match(text, /AccessDenied/);
    assert.equal(await page.getByTestId('secret-kv').count(), 0);
    assert.equal(await page.getByTestId('secret-plaintext').count(), 0);
    assert.ok(!(await page.content()).includes(KV_VALUE.password));
    await shot(page, 'secret-value-denied');
    assert.deepEqual(reader.errors, []);
  } finally {
    await reader.close();
  }
});
