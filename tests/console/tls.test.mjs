// The console over https (issue 22 item 1): WebCrypto needs a secure
// context, which off loopback means TLS. A server with --tls-cert/--tls-key
// serves the console on its https URL and the page signs in and lists
// secrets; a server on a non-loopback address without TLS warns that the
// console needs https.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { aws, openConsole, shot, signIn, startCoffer } from './harness.mjs';

let dir; let coffer; let ui;
before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'coffer-console-tls.'));
  execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '2',
    '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1',
    '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem')], { stdio: 'ignore' });
  coffer = await startCoffer(['--tls-cert', join(dir, 'cert.pem'), '--tls-key', join(dir, 'key.pem')]);
  ui = await openConsole(coffer, { ignoreHTTPSErrors: true });
});
after(async () => {
  await ui?.close();
  await coffer?.stop();
  rmSync(dir, { recursive: true, force: true });
});

test('over https the console signs in and lists secrets', async () => {
  assert.match(coffer.url, /^https:\/\//);
  process.env.AWS_CA_BUNDLE = join(dir, 'cert.pem');
  aws(coffer, ['secretsmanager', 'create-secret', '--name', 'tls/one', '--secret-string', 'tls-value-1']);
  delete process.env.AWS_CA_BUNDLE;
  assert.equal(await ui.page.evaluate(() => window.isSecureContext), true);
  await signIn(ui.page, coffer.creds);
  await ui.page.getByRole('link', { name: 'tls/one' }).waitFor();
  await shot(ui.page, 'tls-secrets-list');
  assert.deepEqual(ui.errors, []);
});

test('plain http off loopback: the server warns that the console needs https', async () => {
  const open = await startCoffer(['--listen', '0.0.0.0:0']);
  try {
    assert.match(open.url, /^http:\/\/0\.0\.0\.0:\d+$/);
    // Logged just after "listening on": wait for it.
    for (let i = 0; i < 50 && !/web console needs https/.test(open.log()); i++) {
      await new Promise((r) => setTimeout(r, 100));
    }
    assert.match(open.log(), /web console needs https/);
  } finally {
    await open.stop();
  }
});
