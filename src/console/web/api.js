// The console's only way to the server: SigV4-signed calls to the same JSON
// (Secrets Manager, KMS) and Query (STS, IAM) APIs the SDKs use, so every
// policy and the audit trail apply to the console exactly as to the CLI.
// Holds the signed-in session: temporary credentials from STS
// GetSessionToken, in memory, and in sessionStorage only when the user asks
// to stay signed in on reload. The long-term key is used for that one call
// and never kept.
import { sign } from './sigv4.js';

const STORAGE_KEY = 'coffer.session';
const TARGET_PREFIX = { secretsmanager: 'secretsmanager', kms: 'TrentService' };
const QUERY_VERSION = { sts: '2011-06-15', iam: '2010-05-08' };

let session = null;  // {accessKeyId, secretAccessKey, sessionToken, expiration(ms|null), region, arn, account}
const listeners = new Set();

// An error the API answered: `type` is the __type's short name (e.g.
// "ResourceNotFoundException", "AccessDeniedException"), `message` AWS's text,
// `action` the call that failed ("secretsmanager:GetSecretValue").
export class ApiError extends Error {
  constructor(type, message, status, action) {
    super(message || type);
    this.type = type;
    this.status = status;
    this.action = action;
  }
  get denied() { return /AccessDenied/.test(this.type); }
}

export function currentSession() {
  if (session && session.expiration && Date.now() >= session.expiration) {
    signOut('Your session has expired. Sign in again.');
  }
  return session;
}

// fn(session|null, reason) is called on sign-in and sign-out.
export function onSessionChange(fn) { listeners.add(fn); }

function notify(reason) { for (const fn of listeners) fn(session, reason); }

export function signOut(reason = '') {
  session = null;
  try { sessionStorage.clear(); } catch (e) { /* storage disabled */ }
  notify(reason);
}

// The session kept by "stay signed in on reload", if it has not expired.
export function restoreSession() {
  let saved = null;
  try { saved = JSON.parse(sessionStorage.getItem(STORAGE_KEY) || 'null'); } catch (e) { saved = null; }
  if (!saved || !saved.accessKeyId || (saved.expiration && Date.now() >= saved.expiration)) {
    try { sessionStorage.removeItem(STORAGE_KEY); } catch (e) { /* storage disabled */ }
    return null;
  }
  session = saved;
  notify('');
  return session;
}

// The server's region, from its health probe (the default for sign-in).
export async function serverRegion() {
  try {
    const r = await fetch('/health', { cache: 'no-store', credentials: 'omit' });
    return (await r.json()).region || 'us-east-1';
  } catch (e) {
    return 'us-east-1';
  }
}

async function send(service, headers, body, credentials, region, action) {
  if (!crypto.subtle) {
    throw new ApiError('InsecureContext',
      'The console signs requests with WebCrypto, which the browser offers only over https ' +
      '(or http on loopback). Serve Coffer with TLS to use the console from another host.', 0, action);
  }
  const signed = await sign({ host: location.host, body, headers, service, region, credentials });
  let response;
  try {
    response = await fetch('/', { method: 'POST', headers: signed, body, credentials: 'omit',
      cache: 'no-store', redirect: 'error', referrerPolicy: 'no-referrer' });
  } catch (e) {
    throw new ApiError('NetworkError', `The server could not be reached (${e.message}).`, 0, action);
  }
  return { status: response.status, ok: response.ok, text: await response.text() };
}

function expired(error) {
  if (session && /^(ExpiredToken|ExpiredTokenException)$/.test(error.type)) {
    signOut('Your session has expired. Sign in again.');
  }
  return error;
}

// Calls a JSON 1.1 operation ("secretsmanager" or "kms") and returns its
// parsed output; throws ApiError.
export async function call(service, operation, input = {}, credentials = null) {
  const creds = credentials || currentSession();
  const action = `${service}:${operation}`;
  if (!creds) throw new ApiError('NotSignedIn', 'Sign in first.', 0, action);
  const headers = {
    'Content-Type': 'application/x-amz-json-1.1',
    'X-Amz-Target': `${TARGET_PREFIX[service]}.${operation}`,
  };
  const r = await send(service, headers, JSON.stringify(input), creds, creds.region, action);
  let out = {};
  try { out = r.text ? JSON.parse(r.text) : {}; } catch (e) { out = { message: r.text }; }
  if (!r.ok) {
    const type = String(out.__type || `HTTP${r.status}`).split('#').pop();
    throw expired(new ApiError(type, out.message || out.Message || '', r.status, action));
  }
  return out;
}

// Calls a Query operation ("sts" or "iam"); returns the response's XML
// Document. `input` is a flat map of Query parameters.
export async function query(service, action, input = {}, credentials = null) {
  const creds = credentials || currentSession();
  const name = `${service}:${action}`;
  if (!creds) throw new ApiError('NotSignedIn', 'Sign in first.', 0, name);
  const params = new URLSearchParams({ Action: action, Version: QUERY_VERSION[service], ...input });
  const headers = { 'Content-Type': 'application/x-www-form-urlencoded; charset=utf-8' };
  const r = await send(service, headers, params.toString(), creds, creds.region, name);
  const doc = new DOMParser().parseFromString(r.text, 'application/xml');
  if (!r.ok) {
    const text = (tag) => doc.getElementsByTagName(tag)[0]?.textContent || '';
    throw expired(new ApiError(text('Code') || `HTTP${r.status}`, text('Message'), r.status, name));
  }
  return doc;
}

function xmlText(doc, tag) { return doc.getElementsByTagName(tag)[0]?.textContent || ''; }

// Parses the text of an AWS shared credentials file (or a bare key pair
// "AKID SECRET") and returns the chosen profile's keys.
export function parseCredentials(text, profile = 'default') {
  const profiles = {};
  let current = null;
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (!line || line.startsWith('#') || line.startsWith(';')) continue;
    const header = line.match(/^\[\s*(?:profile\s+)?([^\]]+?)\s*\]$/);
    if (header) { current = profiles[header[1]] = {}; continue; }
    const kv = line.match(/^([A-Za-z_]+)\s*=\s*(.*)$/);
    if (kv) (current || (current = profiles.default = {}))[kv[1].toLowerCase()] = kv[2].trim();
  }
  const chosen = profiles[profile] || profiles.default || Object.values(profiles)[0];
  if (!chosen || !chosen.aws_access_key_id || !chosen.aws_secret_access_key) return null;
  return {
    accessKeyId: chosen.aws_access_key_id,
    secretAccessKey: chosen.aws_secret_access_key,
    sessionToken: chosen.aws_session_token || '',
  };
}

// Signs in: exchanges a long-term key for temporary credentials with STS
// GetSessionToken (a pasted session is used as it is), then asks STS who
// that is. The long-term key is dropped when this returns.
export async function signIn({ accessKeyId, secretAccessKey, sessionToken = '' }, region, remember) {
  let creds = { accessKeyId, secretAccessKey, sessionToken, region, expiration: null };
  if (!sessionToken) {
    const doc = await query('sts', 'GetSessionToken', {}, creds);
    creds = {
      accessKeyId: xmlText(doc, 'AccessKeyId'),
      secretAccessKey: xmlText(doc, 'SecretAccessKey'),
      sessionToken: xmlText(doc, 'SessionToken'),
      expiration: Date.parse(xmlText(doc, 'Expiration')) || null,
      region,
    };
  }
  const who = await query('sts', 'GetCallerIdentity', {}, creds);
  creds.arn = xmlText(who, 'Arn');
  creds.account = xmlText(who, 'Account');
  session = creds;
  try {
    if (remember) sessionStorage.setItem(STORAGE_KEY, JSON.stringify(session));
    else sessionStorage.removeItem(STORAGE_KEY);
  } catch (e) { /* storage disabled: the session lasts as long as the page */ }
  notify('');
  return session;
}
