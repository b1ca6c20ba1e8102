"""SigV4 authentication errors (aws-compat §3.2) and permissive mode, through boto3/botocore."""
import contextlib
import datetime
import json
import re
import types
import unittest
import uuid
from unittest import mock

import botocore.auth
from botocore.exceptions import ClientError

import raw_aws
from coffer_server import CofferServer

BAD_SIG = ("The request signature we calculated does not match the signature you provided. "
           "Check your AWS Secret Access Key and signing method. Consult the service documentation for details.")
BAD_TOKEN = "The security token included in the request is invalid."
TS = r"\d{8}T\d{6}Z"


def shifted_clock(delta):
    """A stand-in for botocore.auth's `datetime` module whose clock is off by `delta`."""
    real = datetime.datetime

    class Shifted(real):
        @classmethod
        def utcnow(cls):
            return real.utcnow() + delta

        @classmethod
        def now(cls, tz=None):
            return real.now(tz) + delta

    fake = types.ModuleType("datetime")
    fake.__dict__.update(datetime.__dict__)
    fake.datetime = Shifted
    # With awscrt installed (Debian's python3-awscrt) botocore signs through
    # botocore.crt.auth, which reads the clock through its own import.
    stack = contextlib.ExitStack()
    stack.enter_context(mock.patch.object(botocore.auth, "datetime", fake))
    try:
        import botocore.crt.auth as crt_auth
        stack.enter_context(mock.patch.object(crt_auth, "datetime", fake))
    except ImportError:
        pass
    return stack


def raw_call(url, op, body, access_key=None, secret_key=None, region="us-east-1", sign=True):
    """POSTs a JSON 1.1 request, optionally SigV4-signed; returns (status, headers, parsed body)."""
    if sign:
        return raw_aws.call(url, op, body, access_key, secret_key, region=region)
    headers = {"Content-Type": raw_aws.JSON_1_1, "X-Amz-Target": "secretsmanager." + op}
    return raw_aws.post(url + "/", json.dumps(body).encode(), headers)


class SigV4(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.srv = CofferServer().start()
        cls.ak, cls.sk = cls.srv.credentials()
        cls.sm = cls.srv.client()
        cls.sm.create_secret(Name="py/auth/s", SecretString="auth-test-value")

    @classmethod
    def tearDownClass(cls):
        cls.srv.close()

    def err(self, call):
        with self.assertRaises(ClientError) as c:
            call()
        e = c.exception.response
        self.assertEqual(e["ResponseMetadata"]["HTTPStatusCode"], 400)
        return e["Error"]["Code"], e["Error"].get("Message", "")

    def test_credentials_file_works(self):
        self.assertTrue(re.match(r"^[A-Z0-9]{16,128}$", self.ak), "access key id format")
        self.assertEqual(self.sm.get_secret_value(SecretId="py/auth/s")["SecretString"], "auth-test-value")

    def test_wrong_secret_key(self):
        sm = self.srv.client(access_key=self.ak, secret_key="not-the-right-secret-key-for-tests")
        code, msg = self.err(lambda: sm.get_secret_value(SecretId="py/auth/s"))
        self.assertEqual(code, "InvalidSignatureException")
        self.assertTrue(msg.startswith(BAD_SIG), msg)

    def test_unknown_access_key(self):
        sm = self.srv.client(access_key="AKIA" + uuid.uuid4().hex[:16].upper(), secret_key="whatever-secret")
        code, msg = self.err(lambda: sm.get_secret_value(SecretId="py/auth/s"))
        self.assertEqual((code, msg), ("UnrecognizedClientException", BAD_TOKEN))

    def test_signature_expired(self):
        with shifted_clock(datetime.timedelta(minutes=-10)):
            code, msg = self.err(lambda: self.sm.get_secret_value(SecretId="py/auth/s"))
        self.assertEqual(code, "InvalidSignatureException")
        m = re.match(r"^Signature expired: (%s) is now earlier than (%s) \((%s) - 5 min\.\)$" % (TS, TS, TS), msg)
        self.assertTrue(m, msg)
        signed = datetime.datetime.strptime(m.group(1), "%Y%m%dT%H%M%SZ")
        limit = datetime.datetime.strptime(m.group(2), "%Y%m%dT%H%M%SZ")
        now = datetime.datetime.strptime(m.group(3), "%Y%m%dT%H%M%SZ")
        self.assertEqual(now - limit, datetime.timedelta(minutes=5))
        self.assertTrue(datetime.timedelta(minutes=9) < now - signed < datetime.timedelta(minutes=11), msg)

    def test_signature_not_yet_current(self):
        with shifted_clock(datetime.timedelta(minutes=10)):
            code, msg = self.err(lambda: self.sm.get_secret_value(SecretId="py/auth/s"))
        self.assertEqual(code, "InvalidSignatureException")
        self.assertTrue(msg.startswith("Signature not yet current: "), msg)

    def test_small_skew_accepted(self):
        with shifted_clock(datetime.timedelta(minutes=-3)):
            self.assertEqual(self.sm.get_secret_value(SecretId="py/auth/s")["SecretString"], "auth-test-value")

    def test_wrong_service_scope(self):
        status, _, body = raw_call(self.srv.url, "ListSecrets", {}, self.ak, self.sk)
        self.assertEqual(status, 200, body)
        headers = raw_aws.sign(self.srv.url, b"{}", self.ak, self.sk, service="s3")
        status, _, body = raw_aws.post(self.srv.url + "/", b"{}", headers)
        self.assertEqual(status, 400, "request scoped to s3: %r" % body)
        self.assertEqual(body.get("__type", "").split("#")[-1], "InvalidSignatureException")
        self.assertEqual(body.get("message", body.get("Message")),
                         "Credential should be scoped to correct service: 'secretsmanager'. ")

    def test_missing_authentication(self):
        status, _, body = raw_call(self.srv.url, "ListSecrets", {}, sign=False)
        self.assertIn(status, (400, 403))
        self.assertEqual(body.get("__type", "").split("#")[-1], "MissingAuthenticationTokenException", body)

    def test_raw_wire_format(self):
        status, headers, body = raw_call(self.srv.url, "GetSecretValue", {"SecretId": "py/auth/missing"}, self.ak, self.sk)
        self.assertEqual(status, 400)
        self.assertEqual(body, {"__type": "ResourceNotFoundException",
                                "Message": "Secrets Manager can't find the specified secret."})
        self.assertEqual(headers.get("Content-Type"), "application/x-amz-json-1.1")
        self.assertTrue(headers.get("x-amzn-RequestId"), "x-amzn-RequestId header")
        status, headers, body = raw_call(self.srv.url, "CreateSecret", {"Name": "py/auth/notoken", "SecretString": "x"},
                                         self.ak, self.sk)
        self.assertEqual((status, body), (400, {"__type": "InvalidRequestException",
                                                "Message": "You must provide a ClientRequestToken value. "
                                                           "We recommend a UUID-type value."}))
        status, headers, body = raw_call(self.srv.url, "GetSecretValue", {"SecretId": "py/auth/s"}, self.ak, self.sk)
        self.assertEqual(status, 200)
        self.assertEqual(headers.get("Content-Type"), "application/x-amz-json-1.1")
        self.assertIsInstance(body.get("CreatedDate"), (int, float), "timestamps are epoch-second numbers")


class Permissive(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.srv = CofferServer(args=["--auth", "permissive", "--account-id", "123456789012"]).start()

    @classmethod
    def tearDownClass(cls):
        cls.srv.close()

    def test_any_key_account_and_region(self):
        sm = self.srv.client(access_key="testing", secret_key="testing", region="eu-west-2")
        r = sm.create_secret(Name="py/perm/s", SecretString="permissive-value")
        self.assertRegex(r["ARN"], r"^arn:aws:secretsmanager:eu-west-2:123456789012:secret:py/perm/s-[A-Za-z0-9]{6}$")
        other = self.srv.client(access_key="AKIA" + uuid.uuid4().hex[:16].upper(), secret_key="x", region="eu-west-2")
        self.assertEqual(other.get_secret_value(SecretId="py/perm/s")["SecretString"], "permissive-value")
        self.assertEqual(other.get_secret_value(SecretId=r["ARN"])["SecretString"], "permissive-value")

    def test_regions_are_namespaces(self):
        west = self.srv.client(access_key="testing", secret_key="testing", region="eu-west-1")
        west.create_secret(Name="py/perm/regional", SecretString="west")
        east = self.srv.client(access_key="testing", secret_key="testing", region="us-east-1")
        with self.assertRaises(ClientError) as c:
            east.get_secret_value(SecretId="py/perm/regional")
        self.assertEqual(c.exception.response["Error"]["Code"], "ResourceNotFoundException")
        r = east.create_secret(Name="py/perm/regional", SecretString="east")
        self.assertIn(":us-east-1:123456789012:", r["ARN"])
        self.assertEqual(west.get_secret_value(SecretId="py/perm/regional")["SecretString"], "west")

    def test_clock_not_checked(self):
        sm = self.srv.client(access_key="testing", secret_key="testing", region="us-west-2")
        with shifted_clock(datetime.timedelta(hours=-2)):
            sm.create_secret(Name="py/perm/frozen", SecretString="old-clock")
            self.assertEqual(sm.get_secret_value(SecretId="py/perm/frozen")["SecretString"], "old-clock")


if __name__ == "__main__":
    unittest.main()
