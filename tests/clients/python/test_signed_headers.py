"""Issue #18 item 1: the operation must be covered by the signature.

A SigV4 signature over `host` and the date alone is well formed, but X-Amz-Target (the
operation) and Content-Type (the protocol) sit outside it, so whoever holds such a request
could replay it as another operation. Coffer requires both in SignedHeaders, for header and
query (presigned) auth, and answers IncompleteSignatureException with nothing done. Every AWS
SDK signs both, so real clients are unaffected (the other suites use them).
"""
import datetime
import hashlib
import hmac
import json
import unittest
import urllib.parse

import raw_aws
from coffer_server import CofferServer

JSON = raw_aws.JSON_1_1


def send(url, headers, data):
    status, _, body = raw_aws.post(url, data, headers)
    return status, body


def presign(base_url, data, ak, sk, signed=None, region="us-east-1", expires=300):
    """A presigned POST URL (SigV4 query auth) over `host` and the headers of `signed`."""
    now = datetime.datetime.now(datetime.timezone.utc)
    amz_date, day = now.strftime("%Y%m%dT%H%M%SZ"), now.strftime("%Y%m%d")
    scope = "%s/%s/secretsmanager/aws4_request" % (day, region)
    host = urllib.parse.urlparse(base_url).netloc
    headers = {k.lower(): v for k, v in (signed or {}).items()}
    headers["host"] = host
    names = ";".join(sorted(headers))
    params = {"X-Amz-Algorithm": "AWS4-HMAC-SHA256", "X-Amz-Credential": ak + "/" + scope,
              "X-Amz-Date": amz_date, "X-Amz-Expires": str(expires), "X-Amz-SignedHeaders": names}
    query = "&".join("%s=%s" % (urllib.parse.quote(k, safe="-_.~"), urllib.parse.quote(v, safe="-_.~"))
                     for k, v in sorted(params.items()))
    canonical = "".join("%s:%s\n" % (k, headers[k]) for k in sorted(headers))
    creq = "\n".join(["POST", "/", query, canonical, names, hashlib.sha256(data).hexdigest()])
    sts = "\n".join(["AWS4-HMAC-SHA256", amz_date, scope, hashlib.sha256(creq.encode()).hexdigest()])
    key = ("AWS4" + sk).encode()
    for part in (day, region, "secretsmanager", "aws4_request"):
        key = hmac.new(key, part.encode(), hashlib.sha256).digest()
    sig = hmac.new(key, sts.encode(), hashlib.sha256).hexdigest()
    return base_url + "/?" + query + "&X-Amz-Signature=" + sig


class SignedHeaders(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.srv = CofferServer().start()
        cls.ak, cls.sk = cls.srv.credentials()
        cls.sm = cls.srv.client()
        cls.sm.create_secret(Name="py/signed/victim", SecretString="signed-headers-value")

    @classmethod
    def tearDownClass(cls):
        cls.srv.close()

    def assert_untouched(self):
        d = self.sm.describe_secret(SecretId="py/signed/victim")
        self.assertNotIn("DeletedDate", d)

    def test_header_auth_replayed_as_another_operation(self):
        body = json.dumps({"SecretId": "py/signed/victim", "ForceDeleteWithoutRecovery": True}).encode()
        # Signed as the SDKs never sign: host and x-amz-date only ...
        headers = dict(raw_aws.sign(self.srv.url, body, self.ak, self.sk, target=None, content_type=None))
        self.assertIn("SignedHeaders=host;x-amz-date,", headers["Authorization"])
        # ... then the operation and protocol added outside the signature.
        headers.update({"Content-Type": JSON, "X-Amz-Target": "secretsmanager.DeleteSecret"})
        status, out = send(self.srv.url + "/", headers, body)
        self.assertEqual(status, 400, out)
        self.assertEqual(out.get("__type"), "IncompleteSignatureException", out)
        self.assertEqual(out.get("message"),
                         "'Content-Type' must be a 'SignedHeader' in the AWS Authorization.")
        self.assert_untouched()

    def test_header_auth_with_content_type_but_not_target(self):
        body = json.dumps({"SecretId": "py/signed/victim", "ForceDeleteWithoutRecovery": True}).encode()
        headers = dict(raw_aws.sign(self.srv.url, body, self.ak, self.sk, target=None))
        headers["X-Amz-Target"] = "secretsmanager.DeleteSecret"
        status, out = send(self.srv.url + "/", headers, body)
        self.assertEqual((status, out.get("__type"), out.get("message")),
                         (400, "IncompleteSignatureException",
                          "'X-Amz-Target' must be a 'SignedHeader' in the AWS Authorization."))
        self.assert_untouched()

    def test_presigned_url_over_host_alone(self):
        body = json.dumps({"SecretId": "py/signed/victim"}).encode()
        headers = {"Content-Type": JSON, "X-Amz-Target": "secretsmanager.GetSecretValue"}
        status, out = send(presign(self.srv.url, body, self.ak, self.sk), headers, body)
        self.assertEqual(status, 400, out)
        self.assertEqual(out.get("__type"), "IncompleteSignatureException", out)
        self.assertNotIn("SecretString", out)
        # The same URL presigned over the operation too is good: the refusal above is the
        # signed-headers rule, not the presigning.
        url = presign(self.srv.url, body, self.ak, self.sk, signed=headers)
        self.assertIn("X-Amz-SignedHeaders=content-type%3Bhost%3Bx-amz-target", url)
        status, out = send(url, headers, body)
        self.assertEqual((status, out.get("SecretString")), (200, "signed-headers-value"), out)

    def test_fully_signed_request_works(self):
        body = json.dumps({"SecretId": "py/signed/victim"}).encode()
        headers = dict(raw_aws.sign(self.srv.url, body, self.ak, self.sk,
                                    target="secretsmanager.GetSecretValue"))
        self.assertIn("content-type", headers["Authorization"])
        self.assertIn("x-amz-target", headers["Authorization"])
        status, out = send(self.srv.url + "/", headers, body)
        self.assertEqual(status, 200, out)
        self.assertEqual(out["SecretString"], "signed-headers-value")


if __name__ == "__main__":
    unittest.main()
