// AWS SDK for JavaScript v3 (@aws-sdk/client-kms) against a real `coffer serve`: key lifecycle,
// aliases, encryption context, wrong key, rotation, the AWS managed key's refusals, and a
// secret under a customer managed key. Run: tests/clients/js/run.sh
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  KMSClient, CreateKeyCommand, DescribeKeyCommand, ListKeysCommand, EnableKeyCommand,
  DisableKeyCommand, ScheduleKeyDeletionCommand, CancelKeyDeletionCommand, CreateAliasCommand,
  UpdateAliasCommand, DeleteAliasCommand, ListAliasesCommand, EncryptCommand, DecryptCommand,
  ReEncryptCommand, GenerateDataKeyCommand, GenerateDataKeyWithoutPlaintextCommand,
  GenerateRandomCommand, GetKeyPolicyCommand, PutKeyPolicyCommand, ListKeyPoliciesCommand,
  TagResourceCommand, UntagResourceCommand, ListResourceTagsCommand, EnableKeyRotationCommand,
  DisableKeyRotationCommand, GetKeyRotationStatusCommand, RotateKeyOnDemandCommand,
  ListKeyRotationsCommand, paginateListKeys,
} from '@aws-sdk/client-kms';
import {
  SecretsManagerClient, CreateSecretCommand, GetSecretValueCommand, PutSecretValueCommand,
} from '@aws-sdk/client-secrets-manager';
import { startServer } from '../../lib/server.mjs';

let srv;
let kms;
let sm;

before(async () => {
  srv = await startServer();
  const opts = { endpoint: srv.url, region: 'us-east-1', credentials: srv.credentials, maxAttempts: 1 };
  kms = new KMSClient(opts);
  sm = new SecretsManagerClient(opts);
});

after(async () => {
  kms?.destroy();
  sm?.destroy();
  await srv?.stop();
});

const k = (cmd) => kms.send(cmd);
const enc = new TextEncoder();
const dec = new TextDecoder();

async function rejects(promise, name, message) {
  try {
    await promise;
  } catch (e) {
    assert.equal(e.name, name, `error name (message: ${e.message})`);
    if (message !== undefined) assert.equal(e.message, message);
    assert.equal(e.$metadata?.httpStatusCode, 400);
    return e;
  }
  assert.fail(`expected ${name}`);
}

async function newKey(input = {}) {
  return (await k(new CreateKeyCommand(input))).KeyMetadata;
}

test('create, describe by id / ARN / alias / alias ARN, list with pagination', async () => {
  const m = await newKey({ Description: 'js key' });
  assert.match(m.Arn, /^arn:aws:kms:us-east-1:\d{12}:key\/[0-9a-f-]{36}$/);
  assert.equal(m.KeyManager, 'CUSTOMER');
  assert.equal(m.KeyState, 'Enabled');
  assert.ok(m.CreationDate instanceof Date);
  await k(new CreateAliasCommand({ AliasName: 'alias/js-key', TargetKeyId: m.KeyId }));
  const aliasArn = m.Arn.replace(/key\/.*$/, 'alias/js-key');
  for (const id of [m.KeyId, m.Arn, 'alias/js-key', aliasArn]) {
    assert.equal((await k(new DescribeKeyCommand({ KeyId: id }))).KeyMetadata.KeyId, m.KeyId, id);
  }
  await newKey();
  const page = await k(new ListKeysCommand({ Limit: 1 }));
  assert.equal(page.Keys.length, 1);
  assert.equal(page.Truncated, true);
  const all = [];
  for await (const p of paginateListKeys({ client: kms, pageSize: 1 }, {})) all.push(...p.Keys);
  assert.ok(all.some((e) => e.KeyId === m.KeyId));
  await rejects(k(new CreateKeyCommand({ KeySpec: 'ECC_NIST_P256', KeyUsage: 'SIGN_VERIFY' })),
    'UnsupportedOperationException');
});

test('encryption context mismatch and wrong key', async () => {
  const a = await newKey();
  const b = await newKey();
  const ctx = { app: 'js', stage: 'test' };
  const { CiphertextBlob } = await k(new EncryptCommand({ KeyId: a.KeyId, Plaintext: enc.encode('js-throwaway'), EncryptionContext: ctx }));
  const d = await k(new DecryptCommand({ CiphertextBlob, EncryptionContext: ctx }));
  assert.equal(dec.decode(d.Plaintext), 'js-throwaway');
  assert.equal(d.KeyId, a.Arn);
  await rejects(k(new DecryptCommand({ CiphertextBlob, EncryptionContext: { app: 'js', stage: 'prod' } })),
    'InvalidCiphertextException');
  await rejects(k(new DecryptCommand({ CiphertextBlob, EncryptionContext: ctx, KeyId: b.KeyId })),
    'IncorrectKeyException', 'The key ID in the request does not identify a CMK that can perform this operation.');
  const re = await k(new ReEncryptCommand({ CiphertextBlob, SourceEncryptionContext: ctx, DestinationKeyId: b.Arn }));
  assert.equal(re.SourceKeyId, a.Arn);
  assert.equal(dec.decode((await k(new DecryptCommand({ CiphertextBlob: re.CiphertextBlob }))).Plaintext), 'js-throwaway');
});

test('key states: disable, enable, schedule and cancel deletion', async () => {
  const m = await newKey();
  const { CiphertextBlob } = await k(new EncryptCommand({ KeyId: m.KeyId, Plaintext: enc.encode('x') }));
  await k(new DisableKeyCommand({ KeyId: m.KeyId }));
  await rejects(k(new DecryptCommand({ CiphertextBlob })), 'DisabledException', `${m.Arn} is disabled.`);
  await k(new EnableKeyCommand({ KeyId: m.KeyId }));
  assert.equal(dec.decode((await k(new DecryptCommand({ CiphertextBlob }))).Plaintext), 'x');
  const s = await k(new ScheduleKeyDeletionCommand({ KeyId: m.KeyId, PendingWindowInDays: 7 }));
  assert.equal(s.KeyState, 'PendingDeletion');
  assert.ok(s.DeletionDate instanceof Date);
  await rejects(k(new DecryptCommand({ CiphertextBlob })), 'KMSInvalidStateException', `${m.Arn} is pending deletion.`);
  await rejects(k(new ScheduleKeyDeletionCommand({ KeyId: m.KeyId, PendingWindowInDays: 5 })), 'ValidationException');
  await k(new CancelKeyDeletionCommand({ KeyId: m.KeyId }));
  assert.equal((await k(new DescribeKeyCommand({ KeyId: m.KeyId }))).KeyMetadata.KeyState, 'Disabled');
});

test('aliases: rules, update, delete, list', async () => {
  const a = await newKey();
  const b = await newKey();
  await k(new CreateAliasCommand({ AliasName: 'alias/js-rules', TargetKeyId: a.KeyId }));
  await rejects(k(new CreateAliasCommand({ AliasName: 'alias/js-rules', TargetKeyId: b.KeyId })), 'AlreadyExistsException');
  await rejects(k(new CreateAliasCommand({ AliasName: 'js-rules', TargetKeyId: b.KeyId })), 'ValidationException');
  await rejects(k(new CreateAliasCommand({ AliasName: 'alias/aws/js', TargetKeyId: b.KeyId })), 'NotAuthorizedException');
  await k(new UpdateAliasCommand({ AliasName: 'alias/js-rules', TargetKeyId: b.Arn }));
  const l = await k(new ListAliasesCommand({ KeyId: b.KeyId }));
  assert.deepEqual(l.Aliases.map((x) => x.AliasName), ['alias/js-rules']);
  await k(new DeleteAliasCommand({ AliasName: 'alias/js-rules' }));
  await rejects(k(new DescribeKeyCommand({ KeyId: 'alias/js-rules' })), 'NotFoundException');
});

test('rotation: old ciphertext decrypts after rotate-on-demand', async () => {
  const m = await newKey();
  const { CiphertextBlob } = await k(new EncryptCommand({ KeyId: m.KeyId, Plaintext: enc.encode('old') }));
  await k(new RotateKeyOnDemandCommand({ KeyId: m.KeyId }));
  const r = await k(new ListKeyRotationsCommand({ KeyId: m.KeyId }));
  assert.deepEqual(r.Rotations.map((x) => x.RotationType), ['ON_DEMAND']);
  assert.equal(dec.decode((await k(new DecryptCommand({ CiphertextBlob }))).Plaintext), 'old');
  await k(new EnableKeyRotationCommand({ KeyId: m.KeyId, RotationPeriodInDays: 90 }));
  const st = await k(new GetKeyRotationStatusCommand({ KeyId: m.KeyId }));
  assert.equal(st.KeyRotationEnabled, true);
  assert.equal(st.RotationPeriodInDays, 90);
  await k(new DisableKeyRotationCommand({ KeyId: m.KeyId }));
  assert.equal((await k(new GetKeyRotationStatusCommand({ KeyId: m.KeyId }))).KeyRotationEnabled, false);
});

test('data keys, random, policies and tags', async () => {
  const m = await newKey({ Tags: [{ TagKey: 'a', TagValue: '1' }] });
  const dk = await k(new GenerateDataKeyCommand({ KeyId: m.KeyId, KeySpec: 'AES_256' }));
  assert.equal(dk.Plaintext.length, 32);
  const back = await k(new DecryptCommand({ CiphertextBlob: dk.CiphertextBlob }));
  assert.deepEqual(Buffer.from(back.Plaintext), Buffer.from(dk.Plaintext));
  const w = await k(new GenerateDataKeyWithoutPlaintextCommand({ KeyId: m.KeyId, NumberOfBytes: 10 }));
  assert.equal(w.Plaintext, undefined);
  assert.equal((await k(new GenerateRandomCommand({ NumberOfBytes: 20 }))).Plaintext.length, 20);
  assert.deepEqual((await k(new ListKeyPoliciesCommand({ KeyId: m.KeyId }))).PolicyNames, ['default']);
  const acct = m.AWSAccountId;
  const policy = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${acct}:root` }, Action: 'kms:*', Resource: '*' }] });
  await k(new PutKeyPolicyCommand({ KeyId: m.KeyId, PolicyName: 'default', Policy: policy }));
  assert.equal((await k(new GetKeyPolicyCommand({ KeyId: m.KeyId, PolicyName: 'default' }))).Policy, policy);
  await rejects(k(new PutKeyPolicyCommand({ KeyId: m.KeyId, PolicyName: 'default', Policy: '{"Statement":[]}' })),
    'MalformedPolicyDocumentException');
  await k(new TagResourceCommand({ KeyId: m.KeyId, Tags: [{ TagKey: 'b', TagValue: '2' }] }));
  await k(new UntagResourceCommand({ KeyId: m.KeyId, TagKeys: ['a'] }));
  assert.deepEqual((await k(new ListResourceTagsCommand({ KeyId: m.KeyId }))).Tags, [{ TagKey: 'b', TagValue: '2' }]);
});

test('the AWS managed key refuses changes', async () => {
  const m = (await k(new DescribeKeyCommand({ KeyId: 'alias/aws/secretsmanager' }))).KeyMetadata;
  assert.equal(m.KeyManager, 'AWS');
  const e = await rejects(k(new DisableKeyCommand({ KeyId: m.KeyId })), 'AccessDeniedException');
  assert.match(e.message, new RegExp(`kms:DisableKey on resource: ${m.Arn} because no resource-based policy allows the kms:DisableKey action$`));
  await rejects(k(new ScheduleKeyDeletionCommand({ KeyId: m.KeyId })), 'AccessDeniedException');
  await rejects(k(new DeleteAliasCommand({ AliasName: 'alias/aws/secretsmanager' })), 'NotAuthorizedException');
  await rejects(k(new PutKeyPolicyCommand({ KeyId: m.KeyId, PolicyName: 'default', Policy: '{"Statement":[]}' })),
    'AccessDeniedException');
  assert.equal((await k(new DescribeKeyCommand({ KeyId: m.KeyId }))).KeyMetadata.KeyState, 'Enabled');
});

test('a secret under a customer managed key is unreadable while the key is disabled', async () => {
  const m = await newKey();
  await k(new CreateAliasCommand({ AliasName: 'alias/js-secrets', TargetKeyId: m.KeyId }));
  await sm.send(new CreateSecretCommand({ Name: 'js/cmk', SecretString: 'js-cmk-throwaway', KmsKeyId: 'alias/js-secrets' }));
  await k(new DisableKeyCommand({ KeyId: m.KeyId }));
  await rejects(sm.send(new GetSecretValueCommand({ SecretId: 'js/cmk' })), 'DecryptionFailure');
  await rejects(sm.send(new PutSecretValueCommand({ SecretId: 'js/cmk', SecretString: 'n' })), 'EncryptionFailure');
  await k(new EnableKeyCommand({ KeyId: m.KeyId }));
  assert.equal((await sm.send(new GetSecretValueCommand({ SecretId: 'js/cmk' }))).SecretString, 'js-cmk-throwaway');
});
