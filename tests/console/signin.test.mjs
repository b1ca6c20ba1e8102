// Sign-in and sign-out (issue 22 item 2): an access key pair or a pasted
// credentials profile is exchanged for STS session credentials; the console
// then calls as that session (GetCallerIdentity names the user); a wrong
// key is refused with STS's message; sign-out leaves nothing in storage;
// "stay signed in" survives a reload, and without it a reload signs out.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { openConsole, shot, signIn, startCoffer, storageDump } from './harness.mjs';

let coffer; let ui;
before(async () => { coffer = await startCoffer(); ui = await openConsole(coffer); });
after(async () => { await ui?.close(); await coffer?.stop(); });

test('the console is served with a strict policy and shows the sign-in form', async () => {
  const r = await fetch(`${coffer.url}/console/`);
  assert.equal(r.status, 200);
  assert.match(r.headers.get('content-security-policy'), /script-src 'self'/);
  assert.match(r.headers.get('content-security-policy'), /frame-ancestors 'none'/);
  await ui.page.getByRole('heading', { name: 'Sign in to Coffer' }).waitFor();
  assert.equal(await ui.page.getByLabel('Region').inputValue(), 'us-east-1');
  await shot(ui.page, 'signin');
});

test('a wrong secret key is refused with the STS error', async () => {
  await ui.page.getByLabel('Access key ID').fill(coffer.creds.accessKeyId);
  await ui.page.getByLabel('Secret access key').fill('wrong-secret-key-0000000000000000000000');
  await ui.page.getByRole('button', { name: 'Sign in' }).click();
  const alert = ui.page.getByRole('alert');
  await alert.waitFor();
  assert.match(await alert.textContent(), /SignatureDoesNotMatch|InvalidClientTokenId/);
  assert.equal(await ui.page.locator('#who').textContent(), '');
});

test('signing in exchanges the key for a session; sign-out leaves nothing', async () => {
  await signIn(ui.page, coffer.creds);
  const who = await ui.page.locator('#who').textContent();
  assert.match(who, /^arn:aws:iam::\d{12}:user\/admin$/);
  const dump = await storageDump(ui.page);
  assert.ok(!dump.includes(coffer.creds.secretAccessKey), 'the long-term key is not stored');
  assert.ok(!dump.includes('ASIA'), 'without "stay signed in" the session is not stored');
  await ui.page.reload();
  await ui.page.getByRole('heading', { name: 'Sign in to Coffer' }).waitFor();
  await signIn(ui.page, coffer.creds);
  await ui.page.getByRole('button', { name: 'Sign out' }).click();
  await ui.page.getByRole('heading', { name: 'Sign in to Coffer' }).waitFor();
  assert.equal(await storageDump(ui.page), JSON.stringify({ local: {}, session: {} }));
  assert.deepEqual(ui.errors, []);
});

test('a pasted profile signs in and "stay signed in" survives a reload', async () => {
  const text = readFileSync(coffer.credentialsFile, 'utf8');
  await ui.page.getByLabel('Credentials file').fill(`# pasted\n${text}`);
  await ui.page.getByLabel('Stay signed in when this tab reloads').check();
  await ui.page.getByRole('button', { name: 'Sign in' }).click();
  await ui.page.locator('#who').filter({ hasText: 'arn:aws' }).waitFor();
  const dump = await storageDump(ui.page);
  assert.ok(dump.includes('ASIA'), 'the session credentials are kept for the tab');
  assert.ok(!dump.includes(coffer.creds.secretAccessKey), 'the long-term key is not');
  await ui.page.reload();
  await ui.page.locator('#who').filter({ hasText: 'arn:aws' }).waitFor();
  await ui.page.getByRole('button', { name: 'Sign out' }).click();
  await ui.page.getByRole('heading', { name: 'Sign in to Coffer' }).waitFor();
  assert.equal(await storageDump(ui.page), JSON.stringify({ local: {}, session: {} }));
});

test('when the session expires the console signs out and keeps nothing', async () => {
  await ui.page.clock.install();
  await ui.page.reload();
  await ui.page.getByLabel('Stay signed in when this tab reloads').check();
  await signIn(ui.page, coffer.creds);
  assert.ok((await storageDump(ui.page)).includes('ASIA'));
  // GetSessionToken's default for an IAM user is 12 hours.
  await ui.page.clock.fastForward('12:00:01');
  await ui.page.getByRole('heading', { name: 'Sign in to Coffer' }).waitFor();
  assert.match(await ui.page.locator('#flash').textContent(), /expired/);
  assert.equal(await storageDump(ui.page), JSON.stringify({ local: {}, session: {} }));
  assert.equal(await ui.page.locator('#who').textContent(), '');
});
