// No side door (issue 22 item 2): what the console does is recorded in the
// audit trail like any client's call — the sign-in's GetSessionToken with
// the long-term key, then every call with the session's ASIA key and the
// browser's user agent — and the value it revealed is not in the trail.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { aws, openConsole, signIn, startCoffer } from './harness.mjs';

const VALUE = 'audit-console-value-7f3a9c';
let coffer; let ui;
before(async () => { coffer = await startCoffer(); ui = await openConsole(coffer); });
after(async () => { await ui?.close(); await coffer?.stop(); });

function records() {
  return readFileSync(join(coffer.dir, 'audit.log'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
}

test('the console\'s calls are in the audit trail as the signed-in session\'s', async () => {
  aws(coffer, ['secretsmanager', 'create-secret', '--name', 'audit/one', '--secret-string', VALUE]);
  await signIn(ui.page, coffer.creds);
  await ui.page.getByRole('link', { name: 'audit/one' }).click();
  await ui.page.getByRole('button', { name: 'Retrieve secret value' }).click();
  await ui.page.getByTestId('secret-plaintext').waitFor();
  await ui.page.goto(`${coffer.url}/console/#/keys`);

  // Reads' records reach the file before their answers (docs/identity.md).
  const all = records();
  const signin = all.find((r) => r.eventName === 'GetSessionToken');
  assert.ok(signin, 'GetSessionToken is recorded');
  assert.equal(signin.userIdentity.accessKeyId, coffer.creds.accessKeyId);
  assert.match(signin.userAgent, /Chrome/);
  const read = all.find((r) => r.eventName === 'GetSecretValue');
  assert.ok(read, 'GetSecretValue is recorded');
  assert.match(read.userIdentity.accessKeyId, /^ASIA/);
  assert.match(read.userIdentity.arn, /:user\/admin$/);
  assert.equal(read.eventSource, 'secretsmanager.amazonaws.com');
  assert.match(read.userAgent, /Chrome/);
  assert.equal(read.errorCode, undefined);
  assert.ok(all.some((r) => r.eventName === 'ListSecrets'), 'ListSecrets is recorded');
  const text = readFileSync(join(coffer.dir, 'audit.log'), 'utf8');
  assert.ok(!text.includes(VALUE), 'the value is not in the trail');
  assert.ok(!text.includes(coffer.creds.secretAccessKey), 'the secret key is not in the trail');
});
