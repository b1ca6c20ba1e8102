"""boto3 against a real `coffer serve --auth sigv4`: round trips, limits, idempotency, errors,
pagination, BatchGetSecretValue, persistence across a restart. Only throwaway values are used."""
import os
import subprocess
import tempfile
import unittest
import uuid

from botocore.exceptions import ClientError

from coffer_server import CofferServer

RNF = "Secrets Manager can't find the specified secret."
MARKED = "You can't perform this operation on the secret because it was marked for deletion."
SCHEDULED = "You can't create this secret because a secret with this name is already scheduled for deletion."
INVALID_NAME = ("Invalid name. Must be a valid name containing alphanumeric characters, "
                "or any of the following: -/_+=.@!")
TOO_LONG = ("1 validation error detected: Value at 'secretString' failed to satisfy constraint: "
            "Member must have length less than or equal to 65536")

SRV = None


def setUpModule():
    global SRV
    SRV = CofferServer().start()


def tearDownModule():
    if SRV:
        SRV.close()


def tok():
    return str(uuid.uuid4())


class Base(unittest.TestCase):
    maxDiff = 2000

    @classmethod
    def setUpClass(cls):
        cls.sm = SRV.client()

    def assertAwsError(self, ctx, code, message=None, status=400):
        err = ctx.exception.response.get("Error", {})
        self.assertEqual(err.get("Code"), code, "error code (message was %r)" % err.get("Message"))
        if message is not None:
            self.assertEqual(err.get("Message"), message)
        self.assertEqual(ctx.exception.response["ResponseMetadata"]["HTTPStatusCode"], status)


class RoundTrip(Base):
    def test_key_value_json(self):
        value = '{"username":"py-user","password":"throwaway-\\"quoted\\" \u00e9\u4e2d"}'
        r = self.sm.create_secret(Name="py/rt/kv", SecretString=value)
        self.assertRegex(r["ARN"], r"^arn:aws:secretsmanager:us-east-1:\d{12}:secret:py/rt/kv-[A-Za-z0-9]{6}$")
        self.assertEqual(r["Name"], "py/rt/kv")
        g = self.sm.get_secret_value(SecretId="py/rt/kv")
        self.assertEqual(g["SecretString"], value)
        self.assertEqual(g["ARN"], r["ARN"])
        self.assertEqual(g["VersionId"], r["VersionId"])
        self.assertEqual(g["VersionStages"], ["AWSCURRENT"])
        self.assertNotIn("SecretBinary", g)
        self.assertIn("CreatedDate", g)
        # by full and partial ARN
        self.assertEqual(self.sm.get_secret_value(SecretId=r["ARN"])["SecretString"], value)
        self.assertEqual(self.sm.get_secret_value(SecretId=r["ARN"][:-7])["SecretString"], value)

    def test_pem_private_key_byte_for_byte(self):
        with tempfile.TemporaryDirectory() as d:
            path = os.path.join(d, "k.pem")
            subprocess.run(["openssl", "genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256",
                            "-out", path], check=True, capture_output=True)
            with open(path, "rb") as f:
                pem = f.read()
        self.assertTrue(pem.startswith(b"-----BEGIN PRIVATE KEY-----\n") and pem.endswith(b"-----END PRIVATE KEY-----\n"))
        self.sm.create_secret(Name="py/rt/pem", SecretString=pem.decode("ascii"))
        got = self.sm.get_secret_value(SecretId="py/rt/pem")["SecretString"].encode("ascii")
        self.assertTrue(got == pem, "PEM differs after the round trip (%d vs %d bytes)" % (len(got), len(pem)))

    def test_secret_binary(self):
        blob = bytes(range(256)) * 4 + b"\x00\xff\x00"
        r = self.sm.create_secret(Name="py/rt/bin", SecretBinary=blob)
        g = self.sm.get_secret_value(SecretId="py/rt/bin")
        self.assertTrue(g["SecretBinary"] == blob, "binary differs after the round trip")
        self.assertNotIn("SecretString", g)
        blob2 = os.urandom(300)
        self.sm.put_secret_value(SecretId=r["ARN"], SecretBinary=blob2)
        self.assertTrue(self.sm.get_secret_value(SecretId="py/rt/bin")["SecretBinary"] == blob2)
        self.assertTrue(self.sm.get_secret_value(SecretId="py/rt/bin", VersionStage="AWSPREVIOUS")["SecretBinary"] == blob)

    def test_max_size_accepted(self):
        value = ("0123456789abcdef" * 4096)
        self.assertEqual(len(value.encode()), 65536)
        self.sm.create_secret(Name="py/rt/max", SecretString=value)
        got = self.sm.get_secret_value(SecretId="py/rt/max")["SecretString"]
        self.assertTrue(got == value, "65,536-byte value differs after the round trip (len %d)" % len(got))

    def test_over_max_size_refused(self):
        value = ("0123456789abcdef" * 4096) + "x"
        with self.assertRaises(ClientError) as c:
            self.sm.create_secret(Name="py/rt/toolarge", SecretString=value)
        self.assertAwsError(c, "ValidationException", TOO_LONG)
        with self.assertRaises(ClientError) as c:
            self.sm.describe_secret(SecretId="py/rt/toolarge")
        self.assertAwsError(c, "ResourceNotFoundException", RNF)
        self.sm.create_secret(Name="py/rt/toolarge-put", SecretString="small")
        with self.assertRaises(ClientError) as c:
            self.sm.put_secret_value(SecretId="py/rt/toolarge-put", SecretString=value)
        self.assertAwsError(c, "ValidationException", TOO_LONG)
        self.assertEqual(self.sm.get_secret_value(SecretId="py/rt/toolarge-put")["SecretString"], "small")

    def test_create_without_value_then_put(self):
        r = self.sm.create_secret(Name="py/rt/novalue")
        self.assertNotIn("VersionId", r)
        with self.assertRaises(ClientError) as c:
            self.sm.get_secret_value(SecretId="py/rt/novalue")
        self.assertAwsError(c, "ResourceNotFoundException",
                            "Secrets Manager can't find the specified secret value for staging label: AWSCURRENT")
        p = self.sm.put_secret_value(SecretId="py/rt/novalue", SecretString="first")
        self.assertEqual(p["VersionStages"], ["AWSCURRENT"])
        self.assertEqual(self.sm.get_secret_value(SecretId="py/rt/novalue")["SecretString"], "first")


class Idempotency(Base):
    def test_create_same_token_same_value_is_a_no_op(self):
        t = tok()
        a = self.sm.create_secret(Name="py/idem/create", SecretString="v", ClientRequestToken=t)
        self.assertEqual(a["VersionId"], t)
        b = self.sm.create_secret(Name="py/idem/create", SecretString="v", ClientRequestToken=t)
        self.assertEqual((b["ARN"], b["VersionId"]), (a["ARN"], t))

    def test_put_same_token(self):
        self.sm.create_secret(Name="py/idem/put", SecretString="one", ClientRequestToken=(t1 := tok()))
        t2 = tok()
        p1 = self.sm.put_secret_value(SecretId="py/idem/put", SecretString="two", ClientRequestToken=t2)
        self.assertEqual(p1["VersionId"], t2)
        p2 = self.sm.put_secret_value(SecretId="py/idem/put", SecretString="two", ClientRequestToken=t2)
        self.assertEqual(p2["VersionId"], t2)
        versions = self.sm.list_secret_version_ids(SecretId="py/idem/put", IncludeDeprecated=True)["Versions"]
        self.assertEqual(sorted((v["VersionId"], tuple(v.get("VersionStages", ()))) for v in versions),
                         sorted([(t1, ("AWSPREVIOUS",)), (t2, ("AWSCURRENT",))]))
        with self.assertRaises(ClientError) as c:
            self.sm.put_secret_value(SecretId="py/idem/put", SecretString="different", ClientRequestToken=t2)
        self.assertAwsError(c, "ResourceExistsException")
        self.assertEqual(self.sm.get_secret_value(SecretId="py/idem/put")["SecretString"], "two")
        with self.assertRaises(ClientError) as c:
            self.sm.update_secret(SecretId="py/idem/put", SecretString="other", ClientRequestToken=t1)
        self.assertIn(c.exception.response["Error"]["Code"], ("ResourceExistsException", "InvalidRequestException"))


class Errors(Base):
    def test_not_found(self):
        account = SRV.client(service="sts").get_caller_identity()["Account"]
        for call in (lambda: self.sm.get_secret_value(SecretId="py/err/missing"),
                     lambda: self.sm.describe_secret(SecretId="py/err/missing"),
                     lambda: self.sm.put_secret_value(SecretId="py/err/missing", SecretString="x"),
                     lambda: self.sm.tag_resource(SecretId="py/err/missing", Tags=[{"Key": "k", "Value": "v"}]),
                     lambda: self.sm.get_secret_value(
                         SecretId="arn:aws:secretsmanager:us-east-1:%s:secret:py/err/missing-AbCdEf"
                         % account)):
            with self.assertRaises(ClientError) as c:
                call()
            self.assertAwsError(c, "ResourceNotFoundException", RNF)
        # A full ARN of another account names a cross-account secret: with no resource policy
        # there to allow it (none exists), the answer is AccessDenied, as on AWS, which does not
        # tell another account whether a secret exists.
        other = "arn:aws:secretsmanager:us-east-1:%s:secret:py/err/missing-AbCdEf" % (
            "123456789012" if account != "123456789012" else "210987654321")
        with self.assertRaises(ClientError) as c:
            self.sm.get_secret_value(SecretId=other)
        self.assertAwsError(c, "AccessDeniedException")

    def test_exists(self):
        self.sm.create_secret(Name="py/err/exists", SecretString="x")
        with self.assertRaises(ClientError) as c:
            self.sm.create_secret(Name="py/err/exists", SecretString="y")
        self.assertAwsError(c, "ResourceExistsException", "The operation failed because the secret py/err/exists already exists.")

    def test_version_errors(self):
        r = self.sm.create_secret(Name="py/err/versions", SecretString="x")
        with self.assertRaises(ClientError) as c:
            self.sm.get_secret_value(SecretId="py/err/versions", VersionStage="AWSPENDING")
        self.assertAwsError(c, "ResourceNotFoundException",
                            "Secrets Manager can't find the specified secret value for staging label: AWSPENDING")
        missing = tok()
        with self.assertRaises(ClientError) as c:
            self.sm.get_secret_value(SecretId="py/err/versions", VersionId=missing)
        self.assertAwsError(c, "ResourceNotFoundException",
                            "Secrets Manager can't find the specified secret value for VersionId: " + missing)
        with self.assertRaises(ClientError) as c:
            self.sm.get_secret_value(SecretId="py/err/versions", VersionId=r["VersionId"], VersionStage="AWSPREVIOUS")
        self.assertAwsError(c, "InvalidRequestException",
                            "You provided a VersionStage that is not associated to the provided VersionId.")

    def test_marked_for_deletion(self):
        self.sm.create_secret(Name="py/err/deleted", SecretString="x")
        d = self.sm.delete_secret(SecretId="py/err/deleted", RecoveryWindowInDays=7)
        self.assertIn("DeletionDate", d)
        for call in (lambda: self.sm.get_secret_value(SecretId="py/err/deleted"),
                     lambda: self.sm.put_secret_value(SecretId="py/err/deleted", SecretString="y"),
                     lambda: self.sm.update_secret(SecretId="py/err/deleted", SecretString="y"),
                     lambda: self.sm.tag_resource(SecretId="py/err/deleted", Tags=[{"Key": "k", "Value": "v"}]),
                     lambda: self.sm.untag_resource(SecretId="py/err/deleted", TagKeys=["k"])):
            with self.assertRaises(ClientError) as c:
                call()
            self.assertAwsError(c, "InvalidRequestException", MARKED)
        with self.assertRaises(ClientError) as c:
            self.sm.create_secret(Name="py/err/deleted", SecretString="z")
        self.assertAwsError(c, "InvalidRequestException", SCHEDULED)
        self.assertIn("DeletedDate", self.sm.describe_secret(SecretId="py/err/deleted"))
        with self.assertRaises(ClientError) as c:
            self.sm.delete_secret(SecretId="py/err/deleted", RecoveryWindowInDays=7, ForceDeleteWithoutRecovery=True)
        self.assertAwsError(c, "InvalidParameterException")
        self.sm.delete_secret(SecretId="py/err/deleted", ForceDeleteWithoutRecovery=True)

    def test_invalid_name(self):
        for name in ("bad name", "bad#name", "bad*"):
            with self.assertRaises(ClientError) as c:
                self.sm.create_secret(Name=name, SecretString="x")
            self.assertAwsError(c, "ValidationException", INVALID_NAME)
        with self.assertRaises(ClientError) as c:
            self.sm.get_secret_value(SecretId="bad name")
        self.assertAwsError(c, "ValidationException", INVALID_NAME)


class ListAndBatch(Base):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.names = ["py/page/%02d" % i for i in range(25)]
        for n in cls.names:
            cls.sm.create_secret(Name=n, SecretString="value-of-" + n)

    def test_paginator(self):
        pages = list(self.sm.get_paginator("list_secrets").paginate(
            Filters=[{"Key": "name", "Values": ["py/page/"]}], PaginationConfig={"PageSize": 10}))
        seen = [e["Name"] for p in pages for e in p["SecretList"]]
        self.assertTrue(all(len(p["SecretList"]) <= 10 for p in pages), [len(p["SecretList"]) for p in pages])
        self.assertGreaterEqual(len(pages), 3)
        self.assertEqual(len(seen), len(set(seen)), "duplicates across pages")
        self.assertEqual(sorted(seen), self.names)
        self.assertNotIn("NextToken", pages[-1])

    def test_paginator_unfiltered(self):
        seen = [e["Name"] for p in self.sm.get_paginator("list_secrets").paginate(PaginationConfig={"PageSize": 10})
                for e in p["SecretList"]]
        self.assertEqual(len(seen), len(set(seen)))
        self.assertTrue(set(self.names) <= set(seen))

    def test_max_results_10(self):
        r = self.sm.list_secrets(MaxResults=10, Filters=[{"Key": "name", "Values": ["py/page/"]}])
        self.assertLessEqual(len(r["SecretList"]), 10)
        self.assertIn("NextToken", r)
        for e in r["SecretList"]:
            self.assertIn("SecretVersionsToStages", e)
            self.assertNotIn("VersionIdsToStages", e)

    def test_invalid_next_token(self):
        with self.assertRaises(ClientError) as c:
            self.sm.list_secrets(NextToken="not-a-real-token-" + "x" * 20)
        self.assertIn(c.exception.response["Error"]["Code"], ("InvalidNextTokenException", "InvalidParameterException"))

    def test_batch_get_by_ids_with_errors(self):
        r = self.sm.batch_get_secret_value(SecretIdList=["py/page/00", "py/page/01", "py/page/missing"])
        got = sorted((v["Name"], v["SecretString"], tuple(v["VersionStages"])) for v in r["SecretValues"])
        self.assertEqual(got, [("py/page/00", "value-of-py/page/00", ("AWSCURRENT",)),
                               ("py/page/01", "value-of-py/page/01", ("AWSCURRENT",))])
        self.assertEqual([(e["SecretId"], e["ErrorCode"], e.get("Message")) for e in r["Errors"]],
                         [("py/page/missing", "ResourceNotFoundException", RNF)])

    def test_batch_get_with_filters(self):
        seen = []
        token = None
        while True:
            kw = {"Filters": [{"Key": "name", "Values": ["py/page/1"]}], "MaxResults": 5}
            if token:
                kw["NextToken"] = token
            r = self.sm.batch_get_secret_value(**kw)
            self.assertLessEqual(len(r["SecretValues"]), 5)
            seen += [(v["Name"], v["SecretString"]) for v in r["SecretValues"]]
            token = r.get("NextToken")
            if not token:
                break
        self.assertEqual(sorted(seen), [(n, "value-of-" + n) for n in self.names if n.startswith("py/page/1")])

    def test_batch_get_both_ids_and_filters_refused(self):
        with self.assertRaises(ClientError) as c:
            self.sm.batch_get_secret_value(SecretIdList=["py/page/00"], Filters=[{"Key": "name", "Values": ["py/"]}])
        self.assertIn(c.exception.response["Error"]["Code"], ("InvalidParameterException", "InvalidRequestException"))


class Persistence(unittest.TestCase):
    def test_survives_restart(self):
        srv = CofferServer().start()
        try:
            sm = srv.client()
            creds_before = open(os.path.join(srv.data_dir, "credentials"), "rb").read()
            arn = sm.create_secret(Name="py/persist/kv", SecretString="persisted-value",
                                   Tags=[{"Key": "k", "Value": "v"}])["ARN"]
            sm.put_secret_value(SecretId=arn, SecretString="persisted-value-2")
            sm.create_secret(Name="py/persist/bin", SecretBinary=b"\x00\x01persist\xff")
            self.assertEqual(srv.stop(), 0, "graceful SIGTERM exit status")
            srv.start()
            self.assertEqual(open(os.path.join(srv.data_dir, "credentials"), "rb").read(), creds_before,
                             "credentials must not be regenerated on restart")
            sm = srv.client()
            self.assertEqual(sm.get_secret_value(SecretId="py/persist/kv")["SecretString"], "persisted-value-2")
            self.assertEqual(sm.get_secret_value(SecretId=arn, VersionStage="AWSPREVIOUS")["SecretString"], "persisted-value")
            self.assertEqual(sm.get_secret_value(SecretId="py/persist/bin")["SecretBinary"], b"\x00\x01persist\xff")
            d = sm.describe_secret(SecretId="py/persist/kv")
            self.assertEqual(d["ARN"], arn)
            self.assertEqual(d["Tags"], [{"Key": "k", "Value": "v"}])
        finally:
            srv.close()


if __name__ == "__main__":
    unittest.main()
