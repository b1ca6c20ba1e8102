// AWS SDK for JavaScript v3 (@aws-sdk/client-iam, -sts, -secrets-manager) against a real
// `coffer serve`: the users' story of issue 20. The administrator makes a user and a role whose
// trust policy names the user with an ExternalId; the user assumes the role; the session reads
// its secret (a multi-line PEM, byte for byte) and nothing else. Run: tests/clients/js/run.sh
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  IAMClient, CreateUserCommand, CreateAccessKeyCommand, CreateRoleCommand, PutRolePolicyCommand,
  GetRoleCommand, UpdateAccessKeyCommand,
} from '@aws-sdk/client-iam';
import { STSClient, AssumeRoleCommand, GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import {
  SecretsManagerClient, CreateSecretCommand, GetSecretValueCommand, PutSecretValueCommand,
  ListSecretsCommand, DeleteSecretCommand,
} from '@aws-sdk/client-secrets-manager';
import { startServer } from '../../lib/server.mjs';

const PEM = '-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7VJTUt9Us8cKj\n' +
  'MzEfYyjiWA4R4/M2bS1GB4t7NXp98C3SC6dVMvDuictGeurT8jNbvJZHtCSuYEvu\n-----END PRIVATE KEY-----\n';

let srv;
let opts;
let iam;
let sts;
let sm;
let account;

before(async () => {
  srv = await startServer();
  opts = { endpoint: srv.url, region: 'us-east-1', credentials: srv.credentials, maxAttempts: 1 };
  iam = new IAMClient(opts);
  sts = new STSClient(opts);
  sm = new SecretsManagerClient(opts);
  account = (await sts.send(new GetCallerIdentityCommand({}))).Account;
});

after(async () => {
  for (const c of [iam, sts, sm]) c?.destroy();
  await srv?.stop();
});

async function rejects(promise, name, status) {
  try {
    await promise;
  } catch (e) {
    assert.equal(e.name, name, `error name (message: ${e.message})`);
    if (status !== undefined) assert.equal(e.$metadata?.httpStatusCode, status);
    return e;
  }
  assert.fail(`expected ${name}`);
}

const allow = (Action, Resource) => JSON.stringify({
  Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action, Resource }],
});

test('a role session reads its secret byte for byte and nothing else', async () => {
  const x = await sm.send(new CreateSecretCommand({ Name: 'js/snowflake', SecretString: PEM }));
  const y = await sm.send(new CreateSecretCommand({ Name: 'js/other', SecretString: 'other-value-js-1234' }));
  await iam.send(new CreateUserCommand({ UserName: 'js-ci' }));
  const key = (await iam.send(new CreateAccessKeyCommand({ UserName: 'js-ci' }))).AccessKey;
  assert.match(key.AccessKeyId, /^AKIA[A-Z0-9]{16}$/);
  const trust = JSON.stringify({
    Version: '2012-10-17',
    Statement: [{
      Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${account}:user/js-ci` }, Action: 'sts:AssumeRole',
      Condition: { StringEquals: { 'sts:ExternalId': 'js-ext' } },
    }],
  });
  const role = (await iam.send(new CreateRoleCommand({ RoleName: 'js-runner', AssumeRolePolicyDocument: trust }))).Role;
  assert.equal(role.Arn, `arn:aws:iam::${account}:role/js-runner`);
  // IAM returns the trust policy URL-encoded in XML; the SDK hands it back as sent (encoded).
  const got = (await iam.send(new GetRoleCommand({ RoleName: 'js-runner' }))).Role;
  assert.deepEqual(JSON.parse(decodeURIComponent(got.AssumeRolePolicyDocument)), JSON.parse(trust));
  await iam.send(new PutRolePolicyCommand({
    RoleName: 'js-runner', PolicyName: 'read', PolicyDocument: allow('secretsmanager:GetSecretValue', x.ARN),
  }));

  const ciOpts = { ...opts, credentials: { accessKeyId: key.AccessKeyId, secretAccessKey: key.SecretAccessKey } };
  const ciSts = new STSClient(ciOpts);
  await rejects(ciSts.send(new AssumeRoleCommand({
    RoleArn: role.Arn, RoleSessionName: 'js', ExternalId: 'wrong',
  })), 'AccessDenied', 403);
  const creds = (await ciSts.send(new AssumeRoleCommand({
    RoleArn: role.Arn, RoleSessionName: 'js', ExternalId: 'js-ext', DurationSeconds: 900,
  }))).Credentials;
  ciSts.destroy();
  assert.match(creds.AccessKeyId, /^ASIA/);
  assert.ok(creds.Expiration instanceof Date);

  const session = {
    ...opts,
    credentials: {
      accessKeyId: creds.AccessKeyId, secretAccessKey: creds.SecretAccessKey, sessionToken: creds.SessionToken,
    },
  };
  const rsm = new SecretsManagerClient(session);
  const rsts = new STSClient(session);
  try {
    const who = await rsts.send(new GetCallerIdentityCommand({}));
    assert.equal(who.Arn, `arn:aws:sts::${account}:assumed-role/js-runner/js`);
    const v = await rsm.send(new GetSecretValueCommand({ SecretId: x.ARN }));
    assert.equal(v.SecretString, PEM);
    await rejects(rsm.send(new GetSecretValueCommand({ SecretId: y.ARN })), 'AccessDeniedException', 400);
    await rejects(rsm.send(new PutSecretValueCommand({ SecretId: x.ARN, SecretString: 'nope-nope-nope' })),
      'AccessDeniedException');
    await rejects(rsm.send(new DeleteSecretCommand({ SecretId: x.ARN })), 'AccessDeniedException');
    await rejects(rsm.send(new ListSecretsCommand({})), 'AccessDeniedException');
  } finally {
    rsm.destroy();
    rsts.destroy();
  }

  // The user's key deactivated: refused on the next request.
  await iam.send(new UpdateAccessKeyCommand({ UserName: 'js-ci', AccessKeyId: key.AccessKeyId, Status: 'Inactive' }));
  const dead = new STSClient(ciOpts);
  await rejects(dead.send(new GetCallerIdentityCommand({})), 'InvalidClientTokenId', 403);
  dead.destroy();
});
