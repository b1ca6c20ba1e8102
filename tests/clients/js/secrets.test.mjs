// AWS SDK for JavaScript v3 against a real `coffer serve` (SigV4, credentials from DIR/credentials).
// Run: tests/clients/js/run.sh   (or: cd tests/clients/js && node --test)
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes, randomUUID } from 'node:crypto';
import {
  SecretsManagerClient,
  CreateSecretCommand, GetSecretValueCommand, PutSecretValueCommand, DescribeSecretCommand,
  ListSecretsCommand, DeleteSecretCommand, RestoreSecretCommand, TagResourceCommand,
  UntagResourceCommand, BatchGetSecretValueCommand, UpdateSecretCommand, ListSecretVersionIdsCommand,
  ResourceNotFoundException, ResourceExistsException, InvalidRequestException,
  paginateListSecrets,
} from '@aws-sdk/client-secrets-manager';
import { startServer } from '../../lib/server.mjs';

const RNF = "Secrets Manager can't find the specified secret.";
let srv;
let sm;

before(async () => {
  srv = await startServer();
  sm = new SecretsManagerClient({
    endpoint: srv.url,
    region: 'us-east-1',
    credentials: srv.credentials,
    maxAttempts: 1,
  });
});

after(async () => {
  sm?.destroy();
  await srv?.stop();
});

const send = (cmd) => sm.send(cmd);

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

test('create, get by name / ARN / partial ARN, describe', async () => {
  const value = JSON.stringify({ username: 'js-user', password: 'throwaway-ü-"q"' });
  const c = await send(new CreateSecretCommand({ Name: 'js/kv', SecretString: value, Description: 'js kv' }));
  assert.match(c.ARN, /^arn:aws:secretsmanager:us-east-1:\d{12}:secret:js\/kv-[A-Za-z0-9]{6}$/);
  assert.equal(c.Name, 'js/kv');
  assert.ok(c.VersionId);
  for (const id of ['js/kv', c.ARN, c.ARN.slice(0, -7)]) {
    const g = await send(new GetSecretValueCommand({ SecretId: id }));
    assert.equal(g.SecretString, value);
    assert.equal(g.ARN, c.ARN);
    assert.deepEqual(g.VersionStages, ['AWSCURRENT']);
    assert.ok(g.CreatedDate instanceof Date);
  }
  const d = await send(new DescribeSecretCommand({ SecretId: 'js/kv' }));
  assert.equal(d.Name, 'js/kv');
  assert.equal(d.Description, 'js kv');
  assert.deepEqual(d.VersionIdsToStages, { [c.VersionId]: ['AWSCURRENT'] });
  assert.ok(d.CreatedDate instanceof Date);
});

test('put-secret-value and update-secret create versions; AWSPREVIOUS follows', async () => {
  await send(new CreateSecretCommand({ Name: 'js/put', SecretString: 'one' }));
  const token = randomUUID();
  const p = await send(new PutSecretValueCommand({ SecretId: 'js/put', SecretString: 'two', ClientRequestToken: token }));
  assert.equal(p.VersionId, token);
  assert.deepEqual(p.VersionStages, ['AWSCURRENT']);
  assert.equal((await send(new GetSecretValueCommand({ SecretId: 'js/put' }))).SecretString, 'two');
  assert.equal((await send(new GetSecretValueCommand({ SecretId: 'js/put', VersionStage: 'AWSPREVIOUS' }))).SecretString, 'one');
  const u = await send(new UpdateSecretCommand({ SecretId: 'js/put', SecretString: 'three' }));
  assert.ok(u.VersionId);
  const v = await send(new ListSecretVersionIdsCommand({ SecretId: 'js/put' }));
  assert.equal(v.Versions.length, 2);
  assert.equal((await send(new GetSecretValueCommand({ SecretId: 'js/put', VersionId: token }))).SecretString, 'two');
});

test('binary secret round-trips', async () => {
  const blob = new Uint8Array(randomBytes(1024));
  blob[0] = 0; blob[1] = 255;
  await send(new CreateSecretCommand({ Name: 'js/bin', SecretBinary: blob }));
  const g = await send(new GetSecretValueCommand({ SecretId: 'js/bin' }));
  assert.ok(g.SecretBinary instanceof Uint8Array);
  assert.ok(Buffer.from(g.SecretBinary).equals(Buffer.from(blob)), 'binary differs after the round trip');
  assert.equal(g.SecretString, undefined);
});

test('errors: ResourceNotFoundException, ResourceExistsException, marked for deletion', async () => {
  const e = await rejects(send(new GetSecretValueCommand({ SecretId: 'js/missing' })), 'ResourceNotFoundException', RNF);
  assert.ok(e instanceof ResourceNotFoundException);
  await rejects(send(new DescribeSecretCommand({ SecretId: 'js/missing' })), 'ResourceNotFoundException', RNF);
  await send(new CreateSecretCommand({ Name: 'js/dup', SecretString: 'x' }));
  const x = await rejects(send(new CreateSecretCommand({ Name: 'js/dup', SecretString: 'y' })),
    'ResourceExistsException', 'The operation failed because the secret js/dup already exists.');
  assert.ok(x instanceof ResourceExistsException);
  await send(new DeleteSecretCommand({ SecretId: 'js/dup', RecoveryWindowInDays: 7 }));
  const m = await rejects(send(new GetSecretValueCommand({ SecretId: 'js/dup' })), 'InvalidRequestException',
    "You can't perform this operation on the secret because it was marked for deletion.");
  assert.ok(m instanceof InvalidRequestException);
});

test('list with filters and the paginator', async () => {
  for (let i = 0; i < 12; i++) {
    await send(new CreateSecretCommand({ Name: `js/list/${String(i).padStart(2, '0')}`, SecretString: `v${i}`,
      Tags: i % 2 ? [{ Key: 'odd', Value: 'yes' }] : undefined }));
  }
  const names = [];
  for await (const page of paginateListSecrets({ client: sm, pageSize: 5 }, { Filters: [{ Key: 'name', Values: ['js/list/'] }] })) {
    assert.ok(page.SecretList.length <= 5);
    names.push(...page.SecretList.map((s) => s.Name));
  }
  assert.deepEqual([...names].sort(), Array.from({ length: 12 }, (_, i) => `js/list/${String(i).padStart(2, '0')}`));
  const odd = await send(new ListSecretsCommand({ Filters: [{ Key: 'tag-key', Values: ['odd'] }] }));
  assert.deepEqual(odd.SecretList.map((s) => s.Name).sort(), ['js/list/01', 'js/list/03', 'js/list/05', 'js/list/07', 'js/list/09', 'js/list/11']);
  for (const s of odd.SecretList) assert.ok(s.SecretVersionsToStages, 'SecretVersionsToStages present');
});

test('delete and restore', async () => {
  await send(new CreateSecretCommand({ Name: 'js/del', SecretString: 'keep-me' }));
  const d = await send(new DeleteSecretCommand({ SecretId: 'js/del', RecoveryWindowInDays: 7 }));
  assert.ok(d.DeletionDate instanceof Date);
  const days = (d.DeletionDate.getTime() - Date.now()) / 86400000;
  assert.ok(days > 6.9 && days < 7.1, `DeletionDate ${d.DeletionDate.toISOString()} is 7 days away`);
  const desc = await send(new DescribeSecretCommand({ SecretId: 'js/del' }));
  assert.ok(desc.DeletedDate instanceof Date);
  const listed = await send(new ListSecretsCommand({ Filters: [{ Key: 'name', Values: ['js/del'] }] }));
  assert.equal(listed.SecretList.length, 0);
  const planned = await send(new ListSecretsCommand({ IncludePlannedDeletion: true, Filters: [{ Key: 'name', Values: ['js/del'] }] }));
  assert.equal(planned.SecretList.length, 1);
  const r = await send(new RestoreSecretCommand({ SecretId: 'js/del' }));
  assert.equal(r.Name, 'js/del');
  assert.equal((await send(new GetSecretValueCommand({ SecretId: 'js/del' }))).SecretString, 'keep-me');
  assert.equal((await send(new DescribeSecretCommand({ SecretId: 'js/del' }))).DeletedDate, undefined);
  await send(new DeleteSecretCommand({ SecretId: 'js/del', ForceDeleteWithoutRecovery: true }));
  await rejects(send(new GetSecretValueCommand({ SecretId: 'js/del' })), 'ResourceNotFoundException', RNF);
});

test('tags', async () => {
  await send(new CreateSecretCommand({ Name: 'js/tags', SecretString: 't', Tags: [{ Key: 'a', Value: '1' }] }));
  await send(new TagResourceCommand({ SecretId: 'js/tags', Tags: [{ Key: 'b', Value: '2' }, { Key: 'a', Value: '3' }] }));
  let d = await send(new DescribeSecretCommand({ SecretId: 'js/tags' }));
  assert.deepEqual(d.Tags.map((t) => `${t.Key}=${t.Value}`).sort(), ['a=3', 'b=2']);
  await send(new UntagResourceCommand({ SecretId: 'js/tags', TagKeys: ['a', 'b'] }));
  d = await send(new DescribeSecretCommand({ SecretId: 'js/tags' }));
  assert.deepEqual(d.Tags, []);
});

test('batch get with per-secret errors', async () => {
  await send(new CreateSecretCommand({ Name: 'js/batch/1', SecretString: 'b1' }));
  await send(new CreateSecretCommand({ Name: 'js/batch/2', SecretString: 'b2' }));
  const r = await send(new BatchGetSecretValueCommand({ SecretIdList: ['js/batch/1', 'js/batch/2', 'js/batch/missing'] }));
  assert.deepEqual(r.SecretValues.map((v) => [v.Name, v.SecretString]).sort(), [['js/batch/1', 'b1'], ['js/batch/2', 'b2']]);
  assert.deepEqual(r.Errors.map((e) => [e.SecretId, e.ErrorCode, e.Message]), [['js/batch/missing', 'ResourceNotFoundException', RNF]]);
  const f = await send(new BatchGetSecretValueCommand({ Filters: [{ Key: 'name', Values: ['js/batch/'] }] }));
  assert.deepEqual(f.SecretValues.map((v) => v.Name).sort(), ['js/batch/1', 'js/batch/2']);
});

test('wrong secret key is refused with InvalidSignatureException', async () => {
  const bad = new SecretsManagerClient({ endpoint: srv.url, region: 'us-east-1', maxAttempts: 1,
    credentials: { accessKeyId: srv.credentials.accessKeyId, secretAccessKey: 'wrong-secret-key-for-tests' } });
  try {
    await assert.rejects(bad.send(new ListSecretsCommand({})), (e) => {
      assert.equal(e.name, 'InvalidSignatureException');
      assert.ok(e.message.startsWith('The request signature we calculated does not match the signature you provided.'), e.message);
      return true;
    });
  } finally {
    bad.destroy();
  }
});
