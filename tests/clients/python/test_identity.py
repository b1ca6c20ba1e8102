"""The users' story of issue 20, end to end with boto3 against the real server (black-box).

A data platform's runner reads its Snowflake key-pair secret through an IAM role that grants
secretsmanager:GetSecretValue on that secret (and kms:Decrypt when the secret is under a customer
managed key) and nothing else gets in:
  * the administrator (the account's `admin` IAM user) makes a user `ci`, its access key, and a
    role `runner` whose trust policy lets `ci` assume it with an ExternalId;
  * the role session reads X (a multi-line PEM, byte for byte) and is denied reading Y, writing X,
    deleting X and listing; a wrong ExternalId is denied;
  * a secret under a customer managed key stays denied until the key policy grants the role
    kms:Decrypt;
  * a second account reads a shared secret only with all three policies in place (its identity
    policy, the secret's resource policy, the key policy);
  * a key deactivated mid-run stops working on the next request.
"""
import json
import os
import tempfile
import time
import unittest
import configparser

import admin_cli
from botocore.exceptions import ClientError
from coffer_server import CofferServer, record_sensitive

PEM = ("-----BEGIN PRIVATE KEY-----\n"
       "MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7VJTUt9Us8cKj\n"
       "MzEfYyjiWA4R4/M2bS1GB4t7NXp98C3SC6dVMvDuictGeurT8jNbvJZHtCSuYEvu\n"
       "NMoSfm76oqFvAp8Gy0iz5sxjZmSnXyCdPEovGhLa0VzMaQ8s+CLOyS56YyCFGeJZ\n"
       "-----END PRIVATE KEY-----\n")

TRUST = """{"Version":"2012-10-17","Statement":[{"Effect":"Allow",
  "Principal":{"AWS":"arn:aws:iam::%s:user/ci"},"Action":"sts:AssumeRole",
  "Condition":{"StringEquals":{"sts:ExternalId":"snowflake-loader"}}}]}"""


def code(err):
    return err.response["Error"]["Code"]


def allow(actions, resources):
    return json.dumps({"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Action": actions, "Resource": resources}]})


class IdentityStoryTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.srv = CofferServer().start()
        cls.sm = cls.srv.client()
        cls.iam = cls.srv.client(service="iam")
        cls.sts = cls.srv.client(service="sts")
        cls.kms = cls.srv.client(service="kms")
        cls.account = cls.sts.get_caller_identity()["Account"]

    @classmethod
    def tearDownClass(cls):
        cls.srv.close()

    def setUp(self):
        self.suffix = str(time.monotonic_ns())[-8:]

    # --- helpers -------------------------------------------------------------------------

    def make_ci_user(self):
        name = "ci" if not getattr(self.__class__, "_ci", None) else None
        if name:
            self.iam.create_user(UserName="ci")
            key = self.iam.create_access_key(UserName="ci")["AccessKey"]
            record_sensitive(key["SecretAccessKey"])
            self.__class__._ci = (key["AccessKeyId"], key["SecretAccessKey"])
        return self.__class__._ci

    def make_runner_role(self, name, policy):
        self.iam.create_role(RoleName=name, AssumeRolePolicyDocument=TRUST % self.account)
        self.iam.put_role_policy(RoleName=name, PolicyName="read", PolicyDocument=policy)
        return "arn:aws:iam::%s:role/%s" % (self.account, name)

    def assume(self, role_arn, external_id="snowflake-loader", session="build-1"):
        akid, secret = self.make_ci_user()
        sts = self.srv.client(akid, secret, service="sts")
        creds = sts.assume_role(RoleArn=role_arn, RoleSessionName=session,
                                ExternalId=external_id, DurationSeconds=900)["Credentials"]
        record_sensitive(creds["SecretAccessKey"])
        return creds

    def session_client(self, creds, service="secretsmanager"):
        return self.srv.client(creds["AccessKeyId"], creds["SecretAccessKey"],
                               session_token=creds["SessionToken"], service=service)

    def wait_denied(self, fn, code_expected="AccessDeniedException", timeout=2.0):
        deadline = time.monotonic() + timeout
        while True:
            try:
                fn()
            except ClientError as e:
                self.assertEqual(code(e), code_expected)
                return e
            if time.monotonic() > deadline:
                self.fail("still allowed after %.1f s" % timeout)
            time.sleep(0.05)

    # --- the story -----------------------------------------------------------------------

    def test_runner_role_reads_only_its_secret(self):
        x = self.sm.create_secret(Name="snowflake/key-" + self.suffix, SecretString=PEM)
        y = self.sm.create_secret(Name="other/key-" + self.suffix, SecretString="y-value-" + self.suffix)
        record_sensitive("y-value-" + self.suffix)
        role = self.make_runner_role("runner-" + self.suffix,
                                     allow("secretsmanager:GetSecretValue", x["ARN"]))
        creds = self.assume(role)
        self.assertTrue(creds["AccessKeyId"].startswith("ASIA"))
        sm = self.session_client(creds)

        got = sm.get_secret_value(SecretId=x["ARN"])
        self.assertEqual(got["SecretString"], PEM)  # byte for byte, newlines included
        self.assertEqual(sm.get_secret_value(SecretId=x["Name"])["SecretString"], PEM)

        who = self.session_client(creds, "sts").get_caller_identity()
        self.assertEqual(who["Arn"], "arn:aws:sts::%s:assumed-role/runner-%s/build-1"
                         % (self.account, self.suffix))
        self.assertRegex(who["UserId"], r"^AROA[A-Z0-9]+:build-1$")

        with self.assertRaises(ClientError) as e:
            sm.get_secret_value(SecretId=y["ARN"])
        self.assertEqual(code(e.exception), "AccessDeniedException")
        self.assertIn("is not authorized to perform: secretsmanager:GetSecretValue on resource: "
                      + y["ARN"], e.exception.response["Error"]["Message"])
        self.assertIn("because no identity-based policy allows", e.exception.response["Error"]["Message"])
        for call in (lambda: sm.put_secret_value(SecretId=x["ARN"], SecretString="overwrite-attempt"),
                     lambda: sm.delete_secret(SecretId=x["ARN"]),
                     lambda: sm.list_secrets(),
                     lambda: sm.describe_secret(SecretId=x["ARN"])):
            with self.assertRaises(ClientError) as e:
                call()
            self.assertEqual(code(e.exception), "AccessDeniedException")
        # Nothing changed.
        self.assertEqual(self.sm.get_secret_value(SecretId=x["ARN"])["SecretString"], PEM)

    def test_wrong_external_id_is_denied(self):
        role = self.make_runner_role("ext-" + self.suffix, allow("secretsmanager:GetSecretValue", "*"))
        with self.assertRaises(ClientError) as e:
            self.assume(role, external_id="guess")
        self.assertEqual(code(e.exception), "AccessDenied")
        self.assertEqual(e.exception.response["ResponseMetadata"]["HTTPStatusCode"], 403)

    def test_customer_managed_key_needs_kms_decrypt_in_the_key_policy(self):
        key = self.kms.create_key(Description="snowflake")["KeyMetadata"]
        x = self.sm.create_secret(Name="cmk/key-" + self.suffix, SecretString=PEM, KmsKeyId=key["Arn"])
        role_name = "cmk-" + self.suffix
        role = self.make_runner_role(role_name, allow("secretsmanager:GetSecretValue", x["ARN"]))
        sm = self.session_client(self.assume(role))
        with self.assertRaises(ClientError) as e:
            sm.get_secret_value(SecretId=x["ARN"])
        self.assertEqual(code(e.exception), "AccessDeniedException")
        # The key policy grants the role kms:Decrypt (and keeps the account's administration).
        policy = {"Version": "2012-10-17", "Statement": [
            {"Sid": "Enable IAM User Permissions", "Effect": "Allow",
             "Principal": {"AWS": "arn:aws:iam::%s:root" % self.account}, "Action": "kms:*",
             "Resource": "*"},
            {"Sid": "runner", "Effect": "Allow", "Principal": {"AWS": role},
             "Action": "kms:Decrypt", "Resource": "*"}]}
        self.kms.put_key_policy(KeyId=key["KeyId"], PolicyName="default", Policy=json.dumps(policy))
        deadline = time.monotonic() + 2
        while True:
            try:
                self.assertEqual(sm.get_secret_value(SecretId=x["ARN"])["SecretString"], PEM)
                break
            except ClientError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.05)

    def test_deactivated_key_stops_at_once(self):
        self.iam.create_user(UserName="temp-" + self.suffix)
        self.iam.put_user_policy(UserName="temp-" + self.suffix, PolicyName="list",
                                 PolicyDocument=allow("secretsmanager:ListSecrets", "*"))
        key = self.iam.create_access_key(UserName="temp-" + self.suffix)["AccessKey"]
        record_sensitive(key["SecretAccessKey"])
        sm = self.srv.client(key["AccessKeyId"], key["SecretAccessKey"])
        sm.list_secrets()
        self.iam.update_access_key(UserName="temp-" + self.suffix, AccessKeyId=key["AccessKeyId"],
                                   Status="Inactive")
        with self.assertRaises(ClientError) as e:
            sm.list_secrets()
        self.assertEqual(code(e.exception), "UnrecognizedClientException")

    def test_session_token_acts_as_the_user_and_follows_its_policies(self):
        name = "gst-" + self.suffix
        self.iam.create_user(UserName=name)
        self.iam.put_user_policy(UserName=name, PolicyName="list",
                                 PolicyDocument=allow("secretsmanager:ListSecrets", "*"))
        key = self.iam.create_access_key(UserName=name)["AccessKey"]
        record_sensitive(key["SecretAccessKey"])
        sts = self.srv.client(key["AccessKeyId"], key["SecretAccessKey"], service="sts")
        creds = sts.get_session_token(DurationSeconds=900)["Credentials"]
        record_sensitive(creds["SecretAccessKey"])
        self.assertTrue(creds["AccessKeyId"].startswith("ASIA"))
        sm = self.session_client(creds)
        sm.list_secrets()
        who = self.session_client(creds, "sts").get_caller_identity()
        self.assertEqual(who["Arn"], "arn:aws:iam::%s:user/%s" % (self.account, name))
        with self.assertRaises(ClientError) as e:
            sm.create_secret(Name="gst/" + self.suffix, SecretString="not-allowed-value")
        self.assertEqual(code(e.exception), "AccessDeniedException")
        # The session has what its user has now: a removed policy applies at once.
        self.iam.delete_user_policy(UserName=name, PolicyName="list")
        with self.assertRaises(ClientError) as e:
            sm.list_secrets()
        self.assertEqual(code(e.exception), "AccessDeniedException")
        # A role session cannot ask for a session token.
        role = self.make_runner_role("gst-role-" + self.suffix,
                                     allow("secretsmanager:ListSecrets", "*"))
        role_sts = self.session_client(self.assume(role), "sts")
        with self.assertRaises(ClientError) as e:
            role_sts.get_session_token()
        self.assertEqual(code(e.exception), "AccessDenied")

    def test_second_account_needs_all_three_policies(self):
        # Account B and its administrator, made by the operator command.
        tmp = tempfile.mkdtemp()
        path = os.path.join(tmp, "b.credentials")
        rc, out, err = admin_cli.admin(self.srv, "account", "create", "--name", "b-" + self.suffix,
                                       "--credentials-out", path)
        self.assertEqual(rc, 0, err)
        b_account = out.strip()
        cp = configparser.ConfigParser()
        cp.read(path)
        b_akid, b_secret = cp["default"]["aws_access_key_id"], cp["default"]["aws_secret_access_key"]
        record_sensitive(b_secret)
        deadline = time.monotonic() + 2
        while True:  # the new account's key is known within the poll interval
            try:
                b_iam = self.srv.client(b_akid, b_secret, service="iam")
                b_iam.get_user()
                break
            except ClientError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.05)
        b_iam.create_user(UserName="reader")
        b_key = b_iam.create_access_key(UserName="reader")["AccessKey"]
        record_sensitive(b_key["SecretAccessKey"])
        reader_arn = "arn:aws:iam::%s:user/reader" % b_account
        b_sm = self.srv.client(b_key["AccessKeyId"], b_key["SecretAccessKey"])

        key = self.kms.create_key(Description="shared")["KeyMetadata"]
        x = self.sm.create_secret(Name="shared/key-" + self.suffix, SecretString=PEM,
                                  KmsKeyId=key["Arn"])

        def denied():
            with self.assertRaises(ClientError) as e:
                b_sm.get_secret_value(SecretId=x["ARN"])
            self.assertEqual(code(e.exception), "AccessDeniedException")

        denied()  # nothing in place
        b_iam.put_user_policy(UserName="reader", PolicyName="shared", PolicyDocument=json.dumps(
            {"Version": "2012-10-17", "Statement": [
                {"Effect": "Allow", "Action": "secretsmanager:GetSecretValue", "Resource": x["ARN"]},
                {"Effect": "Allow", "Action": "kms:Decrypt", "Resource": key["Arn"]}]}))
        denied()  # identity policy only
        self.sm.put_resource_policy(SecretId=x["ARN"], ResourcePolicy=json.dumps(
            {"Version": "2012-10-17", "Statement": [
                {"Effect": "Allow", "Principal": {"AWS": reader_arn},
                 "Action": "secretsmanager:GetSecretValue", "Resource": "*"}]}))
        denied()  # identity + resource policy, the key policy does not allow account B
        self.kms.put_key_policy(KeyId=key["KeyId"], PolicyName="default", Policy=json.dumps(
            {"Version": "2012-10-17", "Statement": [
                {"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::%s:root" % self.account},
                 "Action": "kms:*", "Resource": "*"},
                {"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::%s:root" % b_account},
                 "Action": "kms:Decrypt", "Resource": "*"}]}))
        self.assertEqual(b_sm.get_secret_value(SecretId=x["ARN"])["SecretString"], PEM)
        # By name from account B: names resolve in the caller's own account only.
        with self.assertRaises(ClientError) as e:
            b_sm.get_secret_value(SecretId=x["Name"])
        self.assertIn(code(e.exception), ("ResourceNotFoundException", "AccessDeniedException"))


class AuditTrailTest(unittest.TestCase):
    """One record per request in DIR/audit.log, denied ones included, and no secret in it."""

    def test_one_record_per_request_and_no_secret(self):
        srv = CofferServer().start()
        try:
            sm, iam = srv.client(), srv.client(service="iam")
            value = "audit-secret-value-" + str(time.monotonic_ns())
            record_sensitive(value)
            arn = sm.create_secret(Name="audited", SecretString=value)["ARN"]
            self.assertEqual(sm.get_secret_value(SecretId=arn)["SecretString"], value)
            iam.create_user(UserName="nobody")
            key = iam.create_access_key(UserName="nobody")["AccessKey"]
            record_sensitive(key["SecretAccessKey"])
            nobody = srv.client(key["AccessKeyId"], key["SecretAccessKey"])
            with self.assertRaises(ClientError) as e:
                nobody.get_secret_value(SecretId=arn)
            self.assertEqual(code(e.exception), "AccessDeniedException")
            with self.assertRaises(ClientError):
                srv.client(key["AccessKeyId"], "wrong-secret-0123456789012345678901234").list_secrets()
            with open(os.path.join(srv.data_dir, "audit.log")) as f:
                records = [json.loads(line) for line in f]
            names = [(r["eventSource"].split(".")[0], r["eventName"], r.get("errorCode")) for r in records]
            self.assertEqual(names, [
                ("secretsmanager", "CreateSecret", None),
                ("secretsmanager", "GetSecretValue", None),
                ("iam", "CreateUser", None),
                ("iam", "CreateAccessKey", None),
                ("secretsmanager", "GetSecretValue", "AccessDeniedException"),
                ("secretsmanager", "ListSecrets", "InvalidSignatureException"),
            ])
            denied = records[4]
            self.assertEqual(denied["userIdentity"]["arn"], "arn:aws:iam::%s:user/nobody"
                             % records[0]["userIdentity"]["accountId"])
            self.assertEqual(denied["userIdentity"]["accessKeyId"], key["AccessKeyId"])
            self.assertIn("is not authorized to perform: secretsmanager:GetSecretValue",
                          denied["errorMessage"])
            self.assertEqual(records[0]["requestParameters"]["SecretString"],
                             "HIDDEN_DUE_TO_SECURITY_REASONS")
            text = open(os.path.join(srv.data_dir, "audit.log")).read()
            self.assertNotIn(value, text)
            self.assertNotIn(key["SecretAccessKey"], text)
            for r in records:
                self.assertRegex(r["requestID"], r"^[0-9a-f-]{36}$")
                self.assertIn("eventTime", r)
        finally:
            srv.close()


if __name__ == "__main__":
    unittest.main()
