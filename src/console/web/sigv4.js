// AWS Signature Version 4 for the console's calls, with WebCrypto
// (crypto.subtle, which needs a secure context: https, or http on
// loopback). Signs exactly what fetch() will send: POST to "/", the body,
// and the headers listed in the signature (the browser sets Host itself, to
// location.host, which is what is signed).
const encoder = new TextEncoder();

function hex(buffer) {
  return Array.from(new Uint8Array(buffer), (b) => b.toString(16).padStart(2, '0')).join('');
}

export async function sha256Hex(text) {
  return hex(await crypto.subtle.digest('SHA-256', encoder.encode(text)));
}

async function hmac(key, text) {
  const raw = typeof key === 'string' ? encoder.encode(key) : key;
  const k = await crypto.subtle.importKey('raw', raw, { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
  return crypto.subtle.sign('HMAC', k, encoder.encode(text));
}

// 20150830T123600Z
export function amzDate(date) {
  return date.toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');
}

// Returns the headers to send: `headers` plus X-Amz-Date,
// X-Amz-Security-Token (with a session token) and Authorization.
// credentials: {accessKeyId, secretAccessKey, sessionToken?}.
export async function sign({ host, body, headers, service, region, credentials, now = new Date() }) {
  const date = amzDate(now);
  const day = date.slice(0, 8);
  const all = { ...headers, 'X-Amz-Date': date };
  if (credentials.sessionToken) all['X-Amz-Security-Token'] = credentials.sessionToken;
  const canonical = Object.entries({ ...all, Host: host })
    .map(([name, value]) => [name.toLowerCase(), String(value).trim().replace(/\s+/g, ' ')])
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  const signedHeaders = canonical.map(([name]) => name).join(';');
  const canonicalRequest = [
    'POST', '/', '',
    canonical.map(([name, value]) => `${name}:${value}\n`).join(''),
    signedHeaders,
    await sha256Hex(body),
  ].join('\n');
  const scope = `${day}/${region}/${service}/aws4_request`;
  const stringToSign = ['AWS4-HMAC-SHA256', date, scope, await sha256Hex(canonicalRequest)].join('\n');
  let key = await hmac(`AWS4${credentials.secretAccessKey}`, day);
  key = await hmac(key, region);
  key = await hmac(key, service);
  key = await hmac(key, 'aws4_request');
  const signature = hex(await hmac(key, stringToSign));
  all.Authorization = `AWS4-HMAC-SHA256 Credential=${credentials.accessKeyId}/${scope}, ` +
    `SignedHeaders=${signedHeaders}, Signature=${signature}`;
  return all;
}
