// "Store a new secret" wizard (issue 22): every step of AWS's flow driven in
// chromium, each screenshotted (build/console-screenshots/wizard-*.png), and
// the outcome read back with the AWS CLI: key/value JSON, a multi-line PEM
// byte for byte, a customer managed key from ListAliases, the database JSON
// shape; server errors (duplicate name, invalid name, oversize value) bring
// the user back to the step that owns the field with AWS's text; resource
// policy findings inline; rotation with an unbound function (the secret
// exists, its page flashes AccessDeniedException); leaving drops the value.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { aws, openConsole, shot, signIn, startCoffer, storageDump, tempFile } from './harness.mjs';

const NOT_KEY_VALUE = "The secret value can't be converted to key name and value pairs.";
const STEP_TITLES = ['Secret type', 'Encryption key', 'Name and tags', 'Resource permissions', 'Rotation', 'Review'];

// A function binding for the rotation test that succeeds: its role (made in
// before) trusts Lambda; the command does nothing.
const ACCOUNT = '710000000042';
const CONFIG = `[functions.wizard-rotator]
command = ["/bin/true"]
role_arn = "arn:aws:iam::${ACCOUNT}:role/wizard-rotator"
`;

let coffer; let ui; let page; let account;
before(async () => {
  coffer = await startCoffer(['--account-id', ACCOUNT, '--config', tempFile('wizard.toml', CONFIG)]);
  account = aws(coffer, ['sts', 'get-caller-identity']).Account;
  aws(coffer, ['iam', 'create-role', '--role-name', 'wizard-rotator', '--assume-role-policy-document',
    JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow',
      Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' }] })]);
  ui = await openConsole(coffer);
  page = ui.page;
  await signIn(page, coffer.creds);
});
after(async () => { await ui?.close(); await coffer?.stop(); });

async function openWizard() {
  await page.evaluate(() => { location.hash = '#/secrets'; });
  await page.evaluate(() => { location.hash = '#/secrets/new'; });
  await page.getByRole('heading', { name: 'Store a new secret' }).waitFor();
  await onStep(1);
}

// Waits until step n (1-based) is the current one in the step list.
async function onStep(n) {
  await page.locator('ol.steps li[aria-current="step"]', { hasText: `Step ${n}: ${STEP_TITLES[n - 1]}` }).waitFor();
  await page.getByRole('heading', { name: `Step ${n}: ${STEP_TITLES[n - 1]}` }).waitFor();
}

async function next(n) {
  await page.getByRole('button', { name: 'Next', exact: true }).click();
  await onStep(n);
}

// From the current step to the review, leaving the steps in between as they are.
async function nextUntilReview(from) {
  for (let n = from + 1; n <= 6; n += 1) await next(n);
}

async function store() {
  await page.getByRole('button', { name: 'Store', exact: true }).click();
}

// The secret page after Store: the ARN from [data-testid=secret-arn] when the
// secret page shows it, else from the URL hash (both when both are there).
async function storedArn() {
  await page.waitForFunction(() => location.hash.startsWith('#/secret/'));
  const hash = await page.evaluate(() => location.hash);
  const fromHash = decodeURIComponent(hash.slice('#/secret/'.length));
  const el = page.locator('[data-testid=secret-arn]');
  try {
    await el.first().waitFor({ timeout: 3000 });
    const onPage = (await el.first().textContent()).trim();
    assert.equal(onPage, fromHash);
    return { arn: onPage, source: 'page' };
  } catch (e) {
    if (e instanceof assert.AssertionError) throw e;
    return { arn: fromHash, source: 'hash' };
  }
}

const flashText = () => page.locator('#flash').textContent();

test('a key/value secret through every step, with a description and a tag', async () => {
  await openWizard();
  assert.ok(await page.getByRole('radio', { name: 'Other type of secret' }).isChecked());
  await page.getByLabel('Key 1', { exact: true }).fill('username');
  await page.getByLabel('Value 1', { exact: true }).fill('app_user');
  await page.getByRole('button', { name: 'Add row' }).click();
  await page.getByLabel('Key 2', { exact: true }).fill('password');
  await page.getByLabel('Value 2', { exact: true }).fill('kv-S3cret "quoted" \\ value');
  await shot(page, 'wizard-kv-1-type');
  await next(2);
  assert.equal(await page.getByLabel('Encryption key').inputValue(), '');
  await shot(page, 'wizard-kv-2-encryption');
  await next(3);
  await page.getByLabel('Secret name').fill('wizard/kv-app');
  await page.getByLabel('Description - optional').fill('Credentials of the payments app');
  await page.getByRole('button', { name: 'Add tag' }).click();
  await page.getByLabel('Tag key 1', { exact: true }).fill('team');
  await page.getByLabel('Tag value 1', { exact: true }).fill('payments');
  await shot(page, 'wizard-kv-3-name');
  await next(4);
  await shot(page, 'wizard-kv-4-permissions');
  await next(5);
  assert.equal(await page.getByLabel('Automatic rotation').isChecked(), false);
  await shot(page, 'wizard-kv-5-rotation');
  await next(6);
  const review = await page.getByTestId('wizard-review').textContent();
  for (const text of ['wizard/kv-app', 'Credentials of the payments app', 'team: payments', 'aws/secretsmanager',
    'Key/value (2 keys)', 'Disabled']) assert.ok(review.includes(text), `review shows ${text}`);
  assert.ok(!review.includes('kv-S3cret'), 'the review does not show the value');
  await shot(page, 'wizard-kv-6-review');
  await store();
  const { arn, source } = await storedArn();
  assert.match(await flashText(), /wizard\/kv-app/);
  await shot(page, 'wizard-kv-7-stored');
  console.log(`# secret ARN read from the ${source}`);

  const value = aws(coffer, ['secretsmanager', 'get-secret-value', '--secret-id', 'wizard/kv-app']);
  assert.equal(value.SecretString, JSON.stringify({ username: 'app_user', password: 'kv-S3cret "quoted" \\ value' }));
  const described = aws(coffer, ['secretsmanager', 'describe-secret', '--secret-id', 'wizard/kv-app']);
  assert.equal(described.ARN, arn);
  assert.equal(described.Description, 'Credentials of the payments app');
  assert.deepEqual(described.Tags, [{ Key: 'team', Value: 'payments' }]);
  assert.equal(described.KmsKeyId, undefined);
  assert.ok(!described.RotationEnabled);
  // Nothing of the value is left behind.
  assert.ok(!(await page.content()).includes('kv-S3cret'));
  assert.ok(!(await storageDump(page)).includes('kv-S3cret'));
  assert.ok(!page.url().includes('kv-S3cret'));
});

test('a multi-line PEM plaintext is stored byte for byte; plaintext → Key/value shows AWS\'s message', async () => {
  const pem = '-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7\n' +
    'VJTUt9Us8cKjMzEfYyjiWA4R4/M2bS1GB4t7NXp98C3SC6dVMvDuictGeurT8jNb\n' +
    'vJZHtCSuYEvuNMoSfm76oqFvAp8Gy0iz5sxjZmSnXyCdPEovGhLa0VzMaQ8s+CLO\n' +
    '-----END PRIVATE KEY-----\n';
  await openWizard();
  // Key/value → Plaintext gives the JSON object text.
  await page.getByLabel('Key 1', { exact: true }).fill('a');
  await page.getByLabel('Value 1', { exact: true }).fill('b');
  await page.getByRole('tab', { name: 'Plaintext' }).click();
  const text = page.getByLabel('Plaintext secret value');
  assert.equal(await text.inputValue(), '{"a":"b"}');
  await text.fill(pem);
  await page.getByRole('tab', { name: 'Key/value' }).click();
  const alert = page.getByRole('alert');
  await alert.waitFor();
  assert.equal((await alert.textContent()).trim(), NOT_KEY_VALUE);
  assert.equal(await text.inputValue(), pem, 'the text is left untouched');
  assert.equal(await page.getByRole('tab', { name: 'Plaintext' }).getAttribute('aria-selected'), 'true');
  await shot(page, 'wizard-pem-1-type');
  await next(2);
  await next(3);
  await page.getByLabel('Secret name').fill('wizard/pem-key');
  await shot(page, 'wizard-pem-3-name');
  await nextUntilReview(3);
  assert.match(await page.getByTestId('wizard-review').textContent(), new RegExp(`Plaintext \\(${pem.length} bytes\\)`));
  await shot(page, 'wizard-pem-6-review');
  await store();
  const { arn } = await storedArn();
  await shot(page, 'wizard-pem-7-stored');
  const value = aws(coffer, ['secretsmanager', 'get-secret-value', '--secret-id', 'wizard/pem-key']);
  assert.equal(value.SecretString, pem);
  assert.equal(value.ARN, arn);
});

test('a customer managed key chosen from ListAliases encrypts the secret', async () => {
  const keyId = aws(coffer, ['kms', 'create-key', '--description', 'wizard test key']).KeyMetadata.KeyId;
  aws(coffer, ['kms', 'create-alias', '--alias-name', 'alias/wizard-cmk', '--target-key-id', keyId]);
  await openWizard();
  await page.getByLabel('Key 1', { exact: true }).fill('token');
  await page.getByLabel('Value 1', { exact: true }).fill('cmk-value-1');
  await next(2);
  const select = page.getByLabel('Encryption key');
  const options = await select.locator('option').allTextContents();
  assert.ok(options.includes('wizard-cmk'), `options: ${options}`);
  assert.ok(options.every((o) => !o.startsWith('aws/') || o === 'aws/secretsmanager'), 'only customer managed keys');
  await select.selectOption({ label: 'wizard-cmk' });
  assert.equal(await select.inputValue(), keyId);
  assert.match(await page.getByTestId('kms-key-id').textContent(), new RegExp(keyId));
  await shot(page, 'wizard-cmk-2-encryption');
  await next(3);
  await page.getByLabel('Secret name').fill('wizard/cmk-secret');
  await nextUntilReview(3);
  assert.ok((await page.getByTestId('wizard-review').textContent()).includes(`wizard-cmk (${keyId})`));
  await shot(page, 'wizard-cmk-6-review');
  await store();
  const { arn } = await storedArn();
  const described = aws(coffer, ['secretsmanager', 'describe-secret', '--secret-id', 'wizard/cmk-secret']);
  assert.equal(described.ARN, arn);
  assert.equal(described.KmsKeyId, keyId);
  assert.equal(aws(coffer, ['secretsmanager', 'get-secret-value', '--secret-id', 'wizard/cmk-secret']).SecretString,
    '{"token":"cmk-value-1"}');
});

test('database credentials are stored in AWS\'s JSON shape with a numeric port', async () => {
  await openWizard();
  await page.getByRole('radio', { name: 'Credentials for a database' }).check();
  await page.getByLabel('User name').fill('app');
  await page.getByLabel('Password').fill('db-Pa55word');
  await page.getByLabel('Database engine').selectOption('mysql');
  assert.equal(await page.getByLabel('Port').inputValue(), '3306', 'the engine\'s default port');
  await page.getByLabel('Host').fill('db.internal');
  await page.getByLabel('Database name').fill('orders');
  await shot(page, 'wizard-db-1-type');
  await next(2);
  await next(3);
  await page.getByLabel('Secret name').fill('wizard/db-creds');
  await nextUntilReview(3);
  const review = await page.getByTestId('wizard-review').textContent();
  assert.ok(review.includes('Credentials for a database') && review.includes('MySQL'));
  assert.ok(!review.includes('db-Pa55word') && !review.includes('db.internal'));
  await store();
  await storedArn();
  const value = aws(coffer, ['secretsmanager', 'get-secret-value', '--secret-id', 'wizard/db-creds']);
  assert.equal(value.SecretString, JSON.stringify({ engine: 'mysql', host: 'db.internal', username: 'app',
    password: 'db-Pa55word', dbname: 'orders', port: 3306 }));
});

test('server errors bring the user back to the step that owns the field, with AWS\'s text', async () => {
  aws(coffer, ['secretsmanager', 'create-secret', '--name', 'wizard/dup', '--secret-string', 'first']);
  await openWizard();
  // Light client checks first.
  await page.getByRole('button', { name: 'Next', exact: true }).click();
  assert.equal((await page.getByRole('alert').textContent()).trim(), 'Enter at least one key and its value.');
  await onStep(1);
  await page.getByLabel('Key 1', { exact: true }).fill('k');
  await page.getByLabel('Value 1', { exact: true }).fill('dup-value');
  await next(2);
  await next(3);
  await page.getByRole('button', { name: 'Next', exact: true }).click();
  assert.equal((await page.getByRole('alert').textContent()).trim(), 'Enter a name for the secret.');
  await page.getByLabel('Secret name').fill('wizard/dup');
  await nextUntilReview(3);
  await store();
  await onStep(3);
  const alert = page.getByRole('alert');
  await alert.waitFor();
  const text = await alert.textContent();
  assert.match(text, /ResourceExistsException/);
  assert.match(text, /The operation failed because the secret wizard\/dup already exists\./);
  assert.equal(await page.getByLabel('Secret name').inputValue(), 'wizard/dup', 'the name is kept to be fixed');
  await shot(page, 'wizard-dup-3-name-error');

  // A name the server's pattern refuses: its text, on the same step.
  await page.getByLabel('Secret name').fill('bad name!#');
  await nextUntilReview(3);
  await store();
  await onStep(3);
  assert.match(await page.getByRole('alert').textContent(),
    /ValidationException[\s\S]*Invalid name\. Must be a valid name containing alphanumeric characters/);
  await shot(page, 'wizard-badname-3-name-error');

  // A value over 65536 bytes: back to the value step.
  await page.getByLabel('Secret name').fill('wizard/too-big');
  for (let n = 2; n >= 1; n -= 1) {
    await page.getByRole('button', { name: 'Previous' }).click();
    await onStep(n);
  }
  await page.getByRole('tab', { name: 'Plaintext' }).click();
  await page.getByLabel('Plaintext secret value').fill('x'.repeat(70000));
  await nextUntilReview(1);
  await store();
  await onStep(1);
  assert.match(await page.getByRole('alert').textContent(), /ValidationException[\s\S]*secretString[\s\S]*65536/);
  await shot(page, 'wizard-big-1-type-error');

  // Fixed: a new name and a small value, stored.
  await page.getByLabel('Plaintext secret value').fill('second');
  await next(2);
  await next(3);
  await page.getByLabel('Secret name').fill('wizard/dup-2');
  await nextUntilReview(3);
  await store();
  await storedArn();
  assert.equal(aws(coffer, ['secretsmanager', 'get-secret-value', '--secret-id', 'wizard/dup-2']).SecretString, 'second');
  assert.equal(aws(coffer, ['secretsmanager', 'get-secret-value', '--secret-id', 'wizard/dup']).SecretString, 'first');
  assert.equal(aws(coffer, ['secretsmanager', 'describe-secret', '--secret-id', 'wizard/too-big'],
    { allowFail: true }).error.includes('ResourceNotFoundException'), true);
});

test('an invalid resource policy shows its findings on the permissions step', async () => {
  await openWizard();
  await page.getByLabel('Key 1', { exact: true }).fill('k');
  await page.getByLabel('Value 1', { exact: true }).fill('policy-value');
  await next(2);
  await next(3);
  await page.getByLabel('Secret name').fill('wizard/with-policy');
  await next(4);
  const policy = page.getByLabel('Resource policy');
  // Broad access: a finding, and Next stays here.
  await policy.fill(JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: '*',
    Action: 'secretsmanager:GetSecretValue', Resource: '*' }] }, null, 2));
  await page.getByRole('button', { name: 'Validate' }).click();
  const findings = page.getByTestId('policy-findings');
  await findings.waitFor();
  let text = await findings.textContent();
  assert.match(text, /Policy validation failed\./);
  assert.match(text, /PolicyValidationPassed: false/);
  assert.match(text, /BROAD_ACCESS_CHECK/);
  assert.match(text, /This resource policy grants broad access to your secret\./);
  await shot(page, 'wizard-policy-4-findings');
  await page.getByRole('button', { name: 'Next', exact: true }).click();
  await onStep(4);
  assert.match(await page.locator('.wizard-step > .alert.error').textContent(), /did not pass validation/);
  assert.match(await page.getByTestId('policy-findings').textContent(), /BROAD_ACCESS_CHECK/);
  // Not JSON: the server's MalformedPolicyDocumentException, inline.
  await policy.fill('{"Version": "2012-10-17", "Statement": [');
  await page.getByRole('button', { name: 'Validate' }).click();
  await page.locator('.wizard-step .alert.error', { hasText: 'MalformedPolicyDocumentException' }).waitFor();
  text = await page.locator('.wizard-step').textContent();
  assert.match(text, /This resource policy contains a syntax error\./);
  await shot(page, 'wizard-policy-4-malformed');
  // A policy that passes is attached after creation.
  const good = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow',
    Principal: { AWS: `arn:aws:iam::${account}:root` }, Action: 'secretsmanager:GetSecretValue', Resource: '*' }] });
  await policy.fill(good);
  await page.getByRole('button', { name: 'Validate' }).click();
  await page.getByTestId('policy-findings').filter({ hasText: 'Policy validation passed.' }).waitFor();
  await shot(page, 'wizard-policy-4-passed');
  await nextUntilReview(4);
  await shot(page, 'wizard-policy-6-review');
  await store();
  await storedArn();
  assert.doesNotMatch(await flashText(), /but/);
  const got = aws(coffer, ['secretsmanager', 'get-resource-policy', '--secret-id', 'wizard/with-policy']);
  assert.deepEqual(JSON.parse(got.ResourcePolicy), JSON.parse(good));
});

test('rotation with a function that has no binding: the secret is stored, its page shows AccessDeniedException', async () => {
  const sent = [];
  const onRequest = (r) => {
    if (r.headers()['x-amz-target'] === 'secretsmanager.RotateSecret') sent.push(JSON.parse(r.postData()));
  };
  page.on('request', onRequest);
  await openWizard();
  await page.getByLabel('Key 1', { exact: true }).fill('k');
  await page.getByLabel('Value 1', { exact: true }).fill('rotated-value');
  await next(2);
  await next(3);
  await page.getByLabel('Secret name').fill('wizard/rotating');
  await next(4);
  await next(5);
  await page.getByLabel('Automatic rotation').check();
  await page.getByRole('radio', { name: 'Schedule expression' }).check();
  await page.getByRole('textbox', { name: 'Schedule expression' }).fill('rate(10 days)');
  await page.getByRole('button', { name: 'Next', exact: true }).click();
  assert.equal((await page.getByRole('alert').textContent()).trim(), 'Enter the name of the rotation function.');
  await page.getByLabel('Rotation function name').fill('wizard-unbound');
  const lambdaArn = `arn:aws:lambda:us-east-1:${account}:function:wizard-unbound`;
  assert.equal(await page.getByTestId('rotation-arn').textContent(), lambdaArn);
  await page.getByLabel('Rotate immediately when the secret is stored').uncheck();
  await shot(page, 'wizard-rotation-5-rotation');
  await next(6);
  const review = await page.getByTestId('wizard-review').textContent();
  assert.ok(review.includes('rate(10 days)') && review.includes(lambdaArn) && review.includes('Enabled'));
  await shot(page, 'wizard-rotation-6-review');
  await store();
  const { arn } = await storedArn();
  await page.locator('#flash .alert.error').waitFor();
  const flashed = await flashText();
  assert.match(flashed, /wizard\/rotating was stored, but/);
  assert.match(flashed, /AccessDeniedException: Secrets Manager cannot invoke the specified Lambda function\. Ensure that the function policy grants access to the principal secretsmanager\.amazonaws\.com\./);
  await shot(page, 'wizard-rotation-7-stored-error');
  page.off('request', onRequest);
  assert.equal(sent.length, 1);
  assert.equal(sent[0].SecretId, arn);
  assert.equal(sent[0].RotationLambdaARN, lambdaArn);
  assert.deepEqual(sent[0].RotationRules, { ScheduleExpression: 'rate(10 days)' });
  assert.equal(sent[0].RotateImmediately, false);
  assert.match(sent[0].ClientRequestToken, /^[0-9a-f-]{36}$/);
  const described = aws(coffer, ['secretsmanager', 'describe-secret', '--secret-id', 'wizard/rotating']);
  assert.equal(described.ARN, arn);
  assert.ok(!described.RotationEnabled, 'Coffer refused the unbound function: rotation is off');
  assert.equal(described.RotationLambdaARN, undefined);
  assert.equal(aws(coffer, ['secretsmanager', 'get-secret-value', '--secret-id', 'wizard/rotating']).SecretString,
    '{"k":"rotated-value"}');
});

test('rotation with a bound function every N days is turned on after creation', async () => {
  assert.equal(account, ACCOUNT);
  await openWizard();
  await page.getByLabel('Key 1', { exact: true }).fill('k');
  await page.getByLabel('Value 1', { exact: true }).fill('bound-value');
  await next(2);
  await next(3);
  await page.getByLabel('Secret name').fill('wizard/rotating-bound');
  await next(4);
  await next(5);
  await page.getByLabel('Automatic rotation').check();
  assert.ok(await page.getByRole('radio', { name: 'Every number of days' }).isChecked());
  await page.getByLabel('Days between rotations').fill('0');
  await page.getByLabel('Rotation function name').fill('wizard-rotator');
  await page.getByRole('button', { name: 'Next', exact: true }).click();
  assert.equal((await page.getByRole('alert').textContent()).trim(), 'Enter a number of days from 1 to 1000.');
  await page.getByLabel('Days between rotations').fill('45');
  assert.ok(await page.getByLabel('Rotate immediately when the secret is stored').isChecked(), 'on by default');
  await shot(page, 'wizard-rotation-bound-5-rotation');
  await next(6);
  assert.match(await page.getByTestId('wizard-review').textContent(), /Every 45 days/);
  await store();
  const { arn } = await storedArn();
  assert.equal(await flashText(), 'The secret wizard/rotating-bound was stored.');
  await shot(page, 'wizard-rotation-bound-7-stored');
  const described = aws(coffer, ['secretsmanager', 'describe-secret', '--secret-id', 'wizard/rotating-bound']);
  assert.equal(described.ARN, arn);
  assert.equal(described.RotationEnabled, true);
  assert.equal(described.RotationLambdaARN, `arn:aws:lambda:us-east-1:${ACCOUNT}:function:wizard-rotator`);
  assert.equal(described.RotationRules.AutomaticallyAfterDays, 45);
});

test('leaving the wizard drops the value; coming back starts empty', async () => {
  await openWizard();
  await page.getByLabel('Key 1', { exact: true }).fill('k');
  await page.getByLabel('Value 1', { exact: true }).fill('leave-me-behind-42');
  await page.getByRole('tab', { name: 'Plaintext' }).click();
  await page.getByRole('button', { name: 'Cancel' }).click();
  await page.waitForFunction(() => location.hash === '#/secrets');
  assert.ok(!(await page.content()).includes('leave-me-behind-42'));
  assert.ok(!(await storageDump(page)).includes('leave-me-behind-42'));
  await page.evaluate(() => { location.hash = '#/secrets/new'; });
  await onStep(1);
  assert.equal(await page.getByRole('tab', { name: 'Key/value' }).getAttribute('aria-selected'), 'true');
  assert.equal(await page.getByLabel('Value 1', { exact: true }).inputValue(), '');
  assert.deepEqual(ui.errors, []);
});
