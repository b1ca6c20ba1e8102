"""boto3 kms against a real `coffer serve --auth sigv4`: key lifecycle and states, aliases,
encryption context, wrong key, rotation, the AWS managed key's refusals, Secrets Manager on a
customer managed key, persistence across a restart, and no plaintext at rest.
Only throwaway values are used."""
import base64
import glob
import os
import sqlite3
import unittest

from botocore.exceptions import ClientError

from coffer_server import CofferServer

SRV = None
INCORRECT_KEY = "The key ID in the request does not identify a CMK that can perform this operation."


def setUpModule():
    global SRV
    SRV = CofferServer().start()


def tearDownModule():
    if SRV:
        SRV.close()


class Base(unittest.TestCase):
    maxDiff = 2000

    @classmethod
    def setUpClass(cls):
        cls.kms = SRV.client(service="kms")
        cls.sm = SRV.client()

    def assertAwsError(self, ctx, code, message=None, status=400):
        err = ctx.exception.response.get("Error", {})
        self.assertEqual(err.get("Code"), code, "error code (message was %r)" % err.get("Message"))
        if message is not None:
            self.assertEqual(err.get("Message"), message)
        self.assertEqual(ctx.exception.response["ResponseMetadata"]["HTTPStatusCode"], status)

    def new_key(self, **kw):
        return self.kms.create_key(**kw)["KeyMetadata"]


class Keys(Base):
    def test_create_and_describe_by_every_identifier(self):
        m = self.new_key(Description="py key", Tags=[{"TagKey": "t", "TagValue": "v"}])
        self.assertRegex(m["Arn"], r"^arn:aws:kms:us-east-1:\d{12}:key/[0-9a-f-]{36}$")
        self.assertEqual((m["KeyManager"], m["KeyState"], m["KeySpec"], m["KeyUsage"]),
                         ("CUSTOMER", "Enabled", "SYMMETRIC_DEFAULT", "ENCRYPT_DECRYPT"))
        self.assertTrue(m["Enabled"])
        self.kms.create_alias(AliasName="alias/py-describe", TargetKeyId=m["KeyId"])
        alias_arn = m["Arn"].split(":key/")[0] + ":alias/py-describe"
        for spec in (m["KeyId"], m["Arn"], "alias/py-describe", alias_arn):
            self.assertEqual(self.kms.describe_key(KeyId=spec)["KeyMetadata"]["KeyId"], m["KeyId"], spec)
        with self.assertRaises(ClientError) as c:
            self.kms.describe_key(KeyId="alias/py-nope")
        self.assertAwsError(c, "NotFoundException", "Alias %s is not found." % alias_arn.replace("py-describe", "py-nope"))

    def test_unsupported_key_specs(self):
        for kw in ({"KeySpec": "RSA_4096"}, {"KeySpec": "HMAC_256", "KeyUsage": "GENERATE_VERIFY_MAC"},
                   {"Origin": "EXTERNAL"}, {"MultiRegion": True}):
            with self.assertRaises(ClientError) as c:
                self.kms.create_key(**kw)
            self.assertAwsError(c, "UnsupportedOperationException")

    def test_state_machine(self):
        m = self.new_key()
        kid, arn = m["KeyId"], m["Arn"]
        self.kms.disable_key(KeyId=kid)
        self.assertEqual(self.kms.describe_key(KeyId=kid)["KeyMetadata"]["KeyState"], "Disabled")
        with self.assertRaises(ClientError) as c:
            self.kms.encrypt(KeyId=kid, Plaintext=b"x")
        self.assertAwsError(c, "DisabledException", arn + " is disabled.")
        self.kms.enable_key(KeyId=kid)
        r = self.kms.schedule_key_deletion(KeyId=kid, PendingWindowInDays=10)
        self.assertEqual((r["KeyId"], r["KeyState"], r["PendingWindowInDays"]), (arn, "PendingDeletion", 10))
        meta = self.kms.describe_key(KeyId=kid)["KeyMetadata"]
        self.assertFalse(meta["Enabled"])
        self.assertEqual(meta["PendingDeletionWindowInDays"], 10)
        self.assertIn("DeletionDate", meta)
        with self.assertRaises(ClientError) as c:
            self.kms.generate_data_key(KeyId=kid, KeySpec="AES_256")
        self.assertAwsError(c, "KMSInvalidStateException", arn + " is pending deletion.")
        with self.assertRaises(ClientError) as c:
            self.kms.schedule_key_deletion(KeyId=kid)
        self.assertAwsError(c, "KMSInvalidStateException")
        self.assertEqual(self.kms.cancel_key_deletion(KeyId=kid)["KeyId"], arn)
        self.assertEqual(self.kms.describe_key(KeyId=kid)["KeyMetadata"]["KeyState"], "Disabled")
        with self.assertRaises(ClientError) as c:
            self.kms.cancel_key_deletion(KeyId=kid)
        self.assertAwsError(c, "KMSInvalidStateException", arn + " is not pending deletion.")
        for days in (6, 31):
            with self.assertRaises(ClientError) as c:
                self.kms.schedule_key_deletion(KeyId=kid, PendingWindowInDays=days)
            self.assertAwsError(c, "ValidationException")

    def test_list_keys_paginator(self):
        ids = {self.new_key()["KeyId"] for _ in range(3)}
        first = self.kms.list_keys(Limit=1)
        self.assertTrue(first["Truncated"])
        self.assertEqual(len(first["Keys"]), 1)
        seen = set()
        for page in self.kms.get_paginator("list_keys").paginate(PaginationConfig={"PageSize": 2}):
            self.assertLessEqual(len(page["Keys"]), 2)
            seen.update(k["KeyId"] for k in page["Keys"])
        self.assertTrue(ids <= seen)
        with self.assertRaises(ClientError) as c:
            self.kms.list_keys(Marker="%%%")
        self.assertAwsError(c, "InvalidMarkerException")


class Crypto(Base):
    def test_encrypt_decrypt_context_and_wrong_key(self):
        a, b = self.new_key()["KeyId"], self.new_key()["KeyId"]
        ctx = {"tenant": "py", "purpose": "test"}
        blob = self.kms.encrypt(KeyId=a, Plaintext=b"py-throwaway", EncryptionContext=ctx)["CiphertextBlob"]
        d = self.kms.decrypt(CiphertextBlob=blob, EncryptionContext=ctx)
        self.assertEqual(d["Plaintext"], b"py-throwaway")
        self.assertEqual(d["EncryptionAlgorithm"], "SYMMETRIC_DEFAULT")
        with self.assertRaises(ClientError) as c:
            self.kms.decrypt(CiphertextBlob=blob, EncryptionContext={"tenant": "other", "purpose": "test"})
        self.assertAwsError(c, "InvalidCiphertextException")
        self.assertEqual(c.exception.response["Error"].get("Message", ""), "")
        with self.assertRaises(ClientError) as c:
            self.kms.decrypt(CiphertextBlob=blob, EncryptionContext=ctx, KeyId=b)
        self.assertAwsError(c, "IncorrectKeyException", INCORRECT_KEY)
        with self.assertRaises(ClientError) as c:
            self.kms.decrypt(CiphertextBlob=b"not a ciphertext")
        self.assertAwsError(c, "InvalidCiphertextException")

    def test_rotation_keeps_old_ciphertext_readable(self):
        kid = self.new_key()["KeyId"]
        old = self.kms.encrypt(KeyId=kid, Plaintext=b"before rotation")["CiphertextBlob"]
        self.kms.rotate_key_on_demand(KeyId=kid)
        new = self.kms.encrypt(KeyId=kid, Plaintext=b"after rotation")["CiphertextBlob"]
        d_old, d_new = self.kms.decrypt(CiphertextBlob=old), self.kms.decrypt(CiphertextBlob=new)
        self.assertEqual(d_old["Plaintext"], b"before rotation")
        self.assertEqual(d_new["Plaintext"], b"after rotation")
        self.assertNotEqual(d_old["KeyMaterialId"], d_new["KeyMaterialId"])
        rot = self.kms.list_key_rotations(KeyId=kid)["Rotations"]
        self.assertEqual([r["RotationType"] for r in rot], ["ON_DEMAND"])
        self.kms.enable_key_rotation(KeyId=kid, RotationPeriodInDays=365)
        st = self.kms.get_key_rotation_status(KeyId=kid)
        self.assertTrue(st["KeyRotationEnabled"])
        self.assertEqual(st["RotationPeriodInDays"], 365)
        self.assertIn("NextRotationDate", st)

    def test_data_keys_reencrypt_random(self):
        a, b = self.new_key()["KeyId"], self.new_key()["KeyId"]
        dk = self.kms.generate_data_key(KeyId=a, KeySpec="AES_128", EncryptionContext={"k": "v"})
        self.assertEqual(len(dk["Plaintext"]), 16)
        self.assertEqual(self.kms.decrypt(CiphertextBlob=dk["CiphertextBlob"], EncryptionContext={"k": "v"})["Plaintext"],
                         dk["Plaintext"])
        w = self.kms.generate_data_key_without_plaintext(KeyId=a, NumberOfBytes=24)
        self.assertNotIn("Plaintext", w)
        re = self.kms.re_encrypt(CiphertextBlob=w["CiphertextBlob"], DestinationKeyId=b,
                                 DestinationEncryptionContext={"moved": "yes"})
        self.assertTrue(re["KeyId"].endswith(b))
        self.assertTrue(re["SourceKeyId"].endswith(a))
        self.assertEqual(len(self.kms.decrypt(CiphertextBlob=re["CiphertextBlob"],
                                              EncryptionContext={"moved": "yes"})["Plaintext"]), 24)
        r1, r2 = (self.kms.generate_random(NumberOfBytes=64)["Plaintext"] for _ in range(2))
        self.assertEqual(len(r1), 64)
        self.assertNotEqual(r1, r2)


class Aliases(Base):
    def test_alias_rules(self):
        a, b = self.new_key()["KeyId"], self.new_key()["KeyId"]
        self.kms.create_alias(AliasName="alias/py-rules", TargetKeyId=a)
        with self.assertRaises(ClientError) as c:
            self.kms.create_alias(AliasName="alias/py-rules", TargetKeyId=b)
        self.assertAwsError(c, "AlreadyExistsException")
        with self.assertRaises(ClientError) as c:
            self.kms.create_alias(AliasName="py-rules", TargetKeyId=b)
        self.assertAwsError(c, "ValidationException",
                            'Alias must start with the prefix "alias/". Please see '
                            "https://docs.aws.amazon.com/kms/latest/developerguide/kms-alias.html")
        with self.assertRaises(ClientError) as c:
            self.kms.create_alias(AliasName="alias/aws/py", TargetKeyId=b)
        self.assertAwsError(c, "NotAuthorizedException")
        self.kms.update_alias(AliasName="alias/py-rules", TargetKeyId=b)
        names = [x["AliasName"] for x in self.kms.list_aliases(KeyId=b)["Aliases"]]
        self.assertEqual(names, ["alias/py-rules"])
        self.kms.delete_alias(AliasName="alias/py-rules")
        with self.assertRaises(ClientError) as c:
            self.kms.describe_key(KeyId="alias/py-rules")
        self.assertAwsError(c, "NotFoundException")
        all_names = [x["AliasName"] for p in self.kms.get_paginator("list_aliases").paginate() for x in p["Aliases"]]
        self.assertIn("alias/aws/secretsmanager", all_names)


class PoliciesAndTags(Base):
    def test_policy_round_trip_and_validation(self):
        kid = self.new_key()["KeyId"]
        acct = self.kms.describe_key(KeyId=kid)["KeyMetadata"]["AWSAccountId"]
        self.assertIn("arn:aws:iam::%s:root" % acct, self.kms.get_key_policy(KeyId=kid, PolicyName="default")["Policy"])
        policy = ('{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::%s:root"},'
                  '"Action":"kms:*","Resource":"*"}]}' % acct)
        self.kms.put_key_policy(KeyId=kid, PolicyName="default", Policy=policy)
        self.assertEqual(self.kms.get_key_policy(KeyId=kid, PolicyName="default")["Policy"], policy)
        self.assertEqual(self.kms.list_key_policies(KeyId=kid)["PolicyNames"], ["default"])
        for bad in ("nope", "{}", '{"Statement":{"Effect":"Allow","Action":"kms:*"}}'):
            with self.assertRaises(ClientError) as c:
                self.kms.put_key_policy(KeyId=kid, PolicyName="default", Policy=bad)
            self.assertAwsError(c, "MalformedPolicyDocumentException")

    def test_tags(self):
        kid = self.new_key(Tags=[{"TagKey": "a", "TagValue": "1"}])["KeyId"]
        self.kms.tag_resource(KeyId=kid, Tags=[{"TagKey": "b", "TagValue": "2"}, {"TagKey": "a", "TagValue": "3"}])
        self.assertEqual(self.kms.list_resource_tags(KeyId=kid)["Tags"],
                         [{"TagKey": "a", "TagValue": "3"}, {"TagKey": "b", "TagValue": "2"}])
        self.kms.untag_resource(KeyId=kid, TagKeys=["a"])
        self.assertEqual(self.kms.list_resource_tags(KeyId=kid)["Tags"], [{"TagKey": "b", "TagValue": "2"}])
        with self.assertRaises(ClientError) as c:
            self.kms.tag_resource(KeyId=kid, Tags=[{"TagKey": "aws:x", "TagValue": "1"}])
        self.assertAwsError(c, "TagException", "Tags beginning with aws: are reserved")


class ManagedKey(Base):
    def test_default_key_refusals(self):
        meta = self.kms.describe_key(KeyId="alias/aws/secretsmanager")["KeyMetadata"]
        self.assertEqual(meta["KeyManager"], "AWS")
        kid, arn = meta["KeyId"], meta["Arn"]
        policy = self.kms.get_key_policy(KeyId=kid, PolicyName="default")["Policy"]
        self.assertIn('"kms:ViaService":"secretsmanager.us-east-1.amazonaws.com"', policy)
        refusals = [
            ("DisableKey", lambda: self.kms.disable_key(KeyId=kid)),
            ("ScheduleKeyDeletion", lambda: self.kms.schedule_key_deletion(KeyId=kid, PendingWindowInDays=7)),
            ("PutKeyPolicy", lambda: self.kms.put_key_policy(KeyId=kid, PolicyName="default", Policy=policy)),
            ("EnableKeyRotation", lambda: self.kms.enable_key_rotation(KeyId=kid)),
            ("Encrypt", lambda: self.kms.encrypt(KeyId="alias/aws/secretsmanager", Plaintext=b"x")),
        ]
        for action, call in refusals:
            with self.assertRaises(ClientError, msg=action) as c:
                call()
            self.assertAwsError(c, "AccessDeniedException")
            msg = c.exception.response["Error"]["Message"]
            self.assertTrue(msg.endswith("is not authorized to perform: kms:%s on resource: %s because no "
                                         "resource-based policy allows the kms:%s action" % (action, arn, action)), msg)
        for call in (lambda: self.kms.delete_alias(AliasName="alias/aws/secretsmanager"),
                     lambda: self.kms.update_alias(AliasName="alias/aws/secretsmanager",
                                                   TargetKeyId=self.new_key()["KeyId"])):
            with self.assertRaises(ClientError) as c:
                call()
            self.assertAwsError(c, "NotAuthorizedException")
        self.assertEqual(self.kms.describe_key(KeyId=kid)["KeyMetadata"]["KeyState"], "Enabled")


class SecretsOnCmk(Base):
    def test_disabled_key_blocks_then_enabling_restores(self):
        m = self.new_key(Description="py secrets key")
        kid, arn = m["KeyId"], m["Arn"]
        self.sm.create_secret(Name="py/cmk", SecretString="py-cmk-throwaway", KmsKeyId=arn)
        self.assertEqual(self.sm.describe_secret(SecretId="py/cmk")["KmsKeyId"], arn)
        versions = self.sm.list_secret_version_ids(SecretId="py/cmk")["Versions"]
        self.assertEqual(versions[0]["KmsKeyIds"], [arn])
        self.kms.disable_key(KeyId=kid)
        with self.assertRaises(ClientError) as c:
            self.sm.get_secret_value(SecretId="py/cmk")
        self.assertAwsError(c, "DecryptionFailure")
        with self.assertRaises(ClientError) as c:
            self.sm.put_secret_value(SecretId="py/cmk", SecretString="new")
        self.assertAwsError(c, "EncryptionFailure")
        self.kms.enable_key(KeyId=kid)
        self.assertEqual(self.sm.get_secret_value(SecretId="py/cmk")["SecretString"], "py-cmk-throwaway")

    def test_changing_the_key_reencrypts_labelled_versions(self):
        a, b = self.new_key()["KeyId"], self.new_key()
        self.sm.create_secret(Name="py/cmk-move", SecretString="v1", KmsKeyId=a)
        self.sm.put_secret_value(SecretId="py/cmk-move", SecretString="v2")
        self.sm.update_secret(SecretId="py/cmk-move", KmsKeyId=b["KeyId"])
        self.kms.disable_key(KeyId=a)
        self.assertEqual(self.sm.get_secret_value(SecretId="py/cmk-move")["SecretString"], "v2")
        self.assertEqual(self.sm.get_secret_value(SecretId="py/cmk-move", VersionStage="AWSPREVIOUS")["SecretString"], "v1")
        ids = {k for v in self.sm.list_secret_version_ids(SecretId="py/cmk-move")["Versions"] for k in v["KmsKeyIds"]}
        self.assertEqual(ids, {b["Arn"]})

    def test_key_pending_deletion_blocks_writes_and_reads(self):
        kid = self.new_key()["KeyId"]
        self.sm.create_secret(Name="py/cmk-pending", SecretString="x", KmsKeyId=kid)
        self.kms.schedule_key_deletion(KeyId=kid, PendingWindowInDays=7)
        with self.assertRaises(ClientError) as c:
            self.sm.get_secret_value(SecretId="py/cmk-pending")
        self.assertAwsError(c, "DecryptionFailure")
        with self.assertRaises(ClientError) as c:
            self.sm.create_secret(Name="py/cmk-pending-2", SecretString="x", KmsKeyId=kid)
        self.assertAwsError(c, "EncryptionFailure")


class AtRestAndRestart(Base):
    def test_no_plaintext_at_rest_and_keys_survive_restart(self):
        kid = self.new_key()["KeyId"]
        canary = b"py-kms-canary-" + os.urandom(8).hex().encode()
        blob = self.kms.encrypt(KeyId=kid, Plaintext=canary)["CiphertextBlob"]
        dk = self.kms.generate_data_key(KeyId=kid, KeySpec="AES_256")
        SRV.stop()
        try:
            data = b"".join(open(p, "rb").read() for p in glob.glob(os.path.join(SRV.data_dir, "*"))
                            if os.path.isfile(p))
            self.assertNotIn(canary, data)
            self.assertNotIn(dk["Plaintext"], data)
            db = [p for p in glob.glob(os.path.join(SRV.data_dir, "*.db"))][0]
            con = sqlite3.connect("file:%s?mode=ro" % db, uri=True)
            rows = con.execute("SELECT length(sealed_material) FROM kms_key_materials").fetchall()
            con.close()
            self.assertTrue(rows)
            self.assertTrue(all(n > 32 for (n,) in rows), rows)  # sealed, never the raw 32 bytes
        finally:
            SRV.start()
        kms = SRV.client(service="kms")
        self.assertEqual(kms.decrypt(CiphertextBlob=blob)["Plaintext"], canary)
        self.assertEqual(kms.decrypt(CiphertextBlob=dk["CiphertextBlob"])["Plaintext"], dk["Plaintext"])


if __name__ == "__main__":
    unittest.main()
