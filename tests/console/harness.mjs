// The console suites' harness: a fresh `coffer serve` per suite, the AWS CLI
// against it, and Debian's chromium driven by playwright-core (never a
// downloaded browser). Screenshots go to $BUILD_DIR/console-screenshots.
//
//   const c = await startCoffer();           // {url, dir, creds: {accessKeyId, secretAccessKey}, stop()}
//   const json = aws(c, ['secretsmanager', 'describe-secret', '--secret-id', 'x']);
//   const { browser, page } = await openConsole(c);   // chromium at c.url + '/console/'
//   await signIn(page, c.creds);                        // through the sign-in form
//   await shot(page, 'wizard-1-type');
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const here = dirname(fileURLToPath(import.meta.url));
export const repo = resolve(here, '../..');
const buildDir = process.env.BUILD_DIR || join(repo, 'build');
const bin = process.env.COFFER_BIN || join(buildDir, 'coffer');
export const screenshots = join(buildDir, 'console-screenshots');

export function parseCredentialsFile(text) {
  const id = text.match(/aws_access_key_id\s*=\s*(\S+)/);
  const secret = text.match(/aws_secret_access_key\s*=\s*(\S+)/);
  return { accessKeyId: id[1], secretAccessKey: secret[1] };
}

export async function startCoffer(extraArgs = []) {
  const dir = mkdtempSync(join(tmpdir(), 'coffer-console.'));
  const listen = extraArgs.includes('--listen') ? [] : ['--listen', '127.0.0.1:0'];
  const child = spawn(bin, ['serve', '--data-dir', dir, ...listen, ...extraArgs],
    { stdio: ['ignore', 'pipe', 'pipe'] });
  let log = '';
  const url = await new Promise((ok, fail) => {
    const timer = setTimeout(() => fail(new Error(`coffer did not start: ${log.slice(-500)}`)), 20000);
    const onData = (d) => {
      log += d;
      const m = log.match(/listening on (https?:\/\/\S+)/);
      if (m) { clearTimeout(timer); ok(m[1]); }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.on('exit', (code) => { clearTimeout(timer); fail(new Error(`coffer exited ${code}: ${log.slice(-500)}`)); });
  });
  const credentialsFile = join(dir, 'credentials');
  return {
    url, dir, credentialsFile,
    creds: parseCredentialsFile(readFileSync(credentialsFile, 'utf8')),
    log: () => log,
    async stop() {
      child.kill('SIGTERM');
      await new Promise((r) => { if (child.exitCode !== null) r(); else child.on('exit', r); });
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

// Runs the AWS CLI against the server; returns parsed JSON output (or {}).
// `creds` defaults to the server's administrator. Throws with the CLI's
// stderr when it fails, unless `allowFail`: then returns {error: stderr}.
export function aws(coffer, args, { creds = null, allowFail = false } = {}) {
  const env = { ...process.env, AWS_CONFIG_FILE: '/dev/null', AWS_DEFAULT_REGION: 'us-east-1',
    AWS_PAGER: '', AWS_EC2_METADATA_DISABLED: 'true', AWS_DATA_PATH: join(repo, 'third_party/aws/models') };
  delete env.AWS_PROFILE;
  if (creds) {
    env.AWS_SHARED_CREDENTIALS_FILE = '/dev/null';
    env.AWS_ACCESS_KEY_ID = creds.accessKeyId;
    env.AWS_SECRET_ACCESS_KEY = creds.secretAccessKey;
    if (creds.sessionToken) env.AWS_SESSION_TOKEN = creds.sessionToken; else delete env.AWS_SESSION_TOKEN;
  } else {
    env.AWS_SHARED_CREDENTIALS_FILE = coffer.credentialsFile;
    delete env.AWS_ACCESS_KEY_ID; delete env.AWS_SECRET_ACCESS_KEY; delete env.AWS_SESSION_TOKEN;
  }
  const r = spawnSync('/usr/bin/aws', ['--endpoint-url', coffer.url, '--output', 'json', ...args],
    { env, encoding: 'utf8', timeout: 60000 });
  if (r.status !== 0) {
    if (allowFail) return { error: r.stderr };
    throw new Error(`aws ${args.slice(0, 2).join(' ')} failed: ${r.stderr}`);
  }
  return r.stdout.trim() ? JSON.parse(r.stdout) : {};
}

// Writes `text` to a temporary file and returns its path (for file:// args).
export function tempFile(name, text) {
  const d = mkdtempSync(join(tmpdir(), 'coffer-console-file.'));
  const p = join(d, name);
  writeFileSync(p, text);
  return p;
}

// `options.ignoreHTTPSErrors`: for a server with a self-signed certificate.
export async function openConsole(coffer, options = {}) {
  const profile = mkdtempSync(join(tmpdir(), 'coffer-chromium.'));
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync',
      '--disable-dev-shm-usage'],
  });
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 },
    ignoreHTTPSErrors: Boolean(options.ignoreHTTPSErrors) });
  await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: coffer.url });
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  // Script errors only: an API call the test expects to fail (403, 400) is
  // logged by the browser as a failed resource load, which is not one.
  page.on('console', (m) => {
    if (m.type() === 'error' && !m.text().startsWith('Failed to load resource')) errors.push(m.text());
  });
  await page.goto(`${coffer.url}/console/`);
  return {
    browser, context, page, errors,
    async close() { await browser.close(); rmSync(profile, { recursive: true, force: true }); },
  };
}

// Signs in through the form with an access key pair; waits for the secrets page.
export async function signIn(page, creds) {
  await page.getByLabel('Access key ID').fill(creds.accessKeyId);
  await page.getByLabel('Secret access key').fill(creds.secretAccessKey);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.locator('#who').filter({ hasText: 'arn:aws' }).waitFor();
}

export async function shot(page, name) {
  mkdirSync(screenshots, { recursive: true });
  const path = join(screenshots, `${name}.png`);
  await page.screenshot({ path, fullPage: true });
  return path;
}

// Everything the page keeps in its storage, as text (for "nothing left" checks).
export async function storageDump(page) {
  return page.evaluate(() => JSON.stringify({ local: { ...localStorage }, session: { ...sessionStorage } }));
}
