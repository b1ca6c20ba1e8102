// Shared Node harness for Coffer's black-box suites.
//   import { startServer } from '../../lib/server.mjs';
//   const srv = await startServer();            // fresh temp data dir, 127.0.0.1:0
//   srv.url, srv.dataDir, srv.credentials       // { accessKeyId, secretAccessKey } from DIR/credentials
//   await srv.stop();                           // SIGTERM, wait; removes the temp dir
// The binary is $COFFER_BIN, else $BUILD_DIR/coffer, else <repo>/build/coffer.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

export function cofferBin() {
  if (process.env.COFFER_BIN) return process.env.COFFER_BIN;
  return path.join(process.env.BUILD_DIR || path.join(REPO, 'build'), 'coffer');
}

function readCredentials(dir) {
  const text = fs.readFileSync(path.join(dir, 'credentials'), 'utf8');
  const out = {};
  let inDefault = false;
  for (const line of text.split(/\r?\n/)) {
    const sect = line.match(/^\s*\[(.+)\]\s*$/);
    if (sect) { inDefault = sect[1].trim() === 'default'; continue; }
    const kv = line.match(/^\s*([A-Za-z_]+)\s*=\s*(.*?)\s*$/);
    if (inDefault && kv) out[kv[1]] = kv[2];
  }
  return { accessKeyId: out.aws_access_key_id, secretAccessKey: out.aws_secret_access_key };
}

export async function startServer({ dataDir, args = [], timeoutMs = 20000 } = {}) {
  const bin = cofferBin();
  if (!fs.existsSync(bin)) throw new Error(`coffer binary not found at ${bin}`);
  const ownDir = !dataDir;
  const dir = dataDir || fs.mkdtempSync(path.join(os.tmpdir(), 'coffer-js.'));
  const child = spawn(bin, ['serve', '--data-dir', dir, '--listen', '127.0.0.1:0', ...args],
    { stdio: ['ignore', 'pipe', 'pipe'] });
  let log = '';
  const url = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no 'listening on' within ${timeoutMs} ms: ${log.slice(-400)}`)), timeoutMs);
    const onData = (chunk) => {
      if (log.length < 65536) log += chunk.toString();
      const m = log.match(/listening on (https?:\/\/\S+)/);
      if (m) { clearTimeout(timer); resolve(m[1]); }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.on('exit', (code, sig) => { clearTimeout(timer); reject(new Error(`coffer exited (${code ?? sig}): ${log.slice(-400)}`)); });
  }).catch((e) => {
    child.kill('SIGKILL');
    if (ownDir) fs.rmSync(dir, { recursive: true, force: true });
    throw e;
  });
  // keep draining output so the server never blocks on a full pipe
  child.stdout.resume(); child.stderr.resume();
  const exited = new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve();
    else child.once('exit', () => resolve());
  });
  return {
    url,
    dataDir: dir,
    get credentials() { return readCredentials(dir); },
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
        const t = setTimeout(() => child.kill('SIGKILL'), 15000);
        await exited;
        clearTimeout(t);
      }
      if (ownDir) fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
