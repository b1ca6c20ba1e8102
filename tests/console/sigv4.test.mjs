// The console's SigV4 signer (src/console/web/sigv4.js) against AWS's own
// signature test vectors (third_party/aws/sigv4-testsuite): the POST-to-"/"
// cases, the only shape the console sends. Runs in Node, whose WebCrypto is
// the same API the browser's is.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { repo } from './harness.mjs';
import { amzDate, sign } from '../../src/console/web/sigv4.js';

const suite = join(repo, 'third_party/aws/sigv4-testsuite');
const credentials = { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY' };
const now = new Date(Date.UTC(2015, 7, 30, 12, 36, 0));

// Parses a .req file: the headers other than Host and X-Amz-Date, and the body.
function request(name) {
  const text = readFileSync(join(suite, name, `${name.split('/').pop()}.req`), 'utf8');
  const [head, body = ''] = text.split(/\r?\n\r?\n/);
  const headers = {};
  for (const line of head.split(/\r?\n/).slice(1)) {
    const i = line.indexOf(':');
    const key = line.slice(0, i);
    if (!/^(host|x-amz-date|x-amz-security-token)$/i.test(key)) headers[key] = line.slice(i + 1);
  }
  const token = head.match(/X-Amz-Security-Token:(.*)/);
  return { headers, body, token: token ? token[1] : '' };
}

function expected(name) {
  return readFileSync(join(suite, name, `${name.split('/').pop()}.authz`), 'utf8').trim();
}

for (const name of ['post-vanilla', 'post-header-key-sort', 'post-header-value-case',
  'post-x-www-form-urlencoded', 'post-sts-token/post-sts-header-before']) {
  test(`AWS vector ${name}`, async () => {
    const r = request(name);
    const signed = await sign({ host: 'example.amazonaws.com', body: r.body, headers: r.headers,
      service: 'service', region: 'us-east-1', credentials: { ...credentials, sessionToken: r.token }, now });
    assert.equal(signed.Authorization, expected(name));
    assert.equal(signed['X-Amz-Date'], '20150830T123600Z');
  });
}

test('amzDate is the basic ISO 8601 form', () => {
  assert.equal(amzDate(now), '20150830T123600Z');
});
