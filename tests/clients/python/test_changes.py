"""GET /coffer/secret-changes (issue 23, push invalidation), black-box against the real server:
a SigV4-signed long poll (botocore's SigV4Auth) that answers as soon as a secret the caller may
DescribeSecret changes — PutSecretValue, UpdateSecretVersionStage, UpdateSecret, DeleteSecret,
RestoreSecret, TagResource — with its ARN, name and event; nothing of secrets the caller may not
describe; Reset for a token of another server run; AWS-shaped errors for bad parameters and no
signature; an audit record per poll."""
import http.client
import json
import threading
import time
import unittest
import urllib.parse

import botocore.auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials
from coffer_server import CofferServer


def watch(srv, ak, sk, after=None, wait=None, extra=None, sign=True):
    """(status, json) of GET /coffer/secret-changes."""
    params = {}
    if after is not None:
        params["after"] = after
    if wait is not None:
        params["wait"] = str(wait)
    params.update(extra or {})
    url = srv.url + "/coffer/secret-changes" + ("?" + urllib.parse.urlencode(params) if params else "")
    headers = {}
    if sign:
        req = AWSRequest(method="GET", url=url, headers={})
        botocore.auth.SigV4Auth(Credentials(ak, sk), "secretsmanager", "us-east-1").add_auth(req)
        headers = dict(req.prepare().headers.items())
    u = urllib.parse.urlsplit(url)
    conn = http.client.HTTPConnection(u.hostname, u.port, timeout=40)
    conn.request("GET", u.path + ("?" + u.query if u.query else ""), headers=headers)
    r = conn.getresponse()
    body = r.read()
    conn.close()
    return r.status, json.loads(body) if body else {}


class SecretChangesTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.srv = CofferServer().start()
        cls.ak, cls.sk = cls.srv.credentials()
        cls.sm = cls.srv.client()
        cls.iam = cls.srv.client(service="iam")

    @classmethod
    def tearDownClass(cls):
        cls.srv.close()

    def start(self):
        status, body = watch(self.srv, self.ak, self.sk)
        self.assertEqual(status, 200, body)
        self.assertEqual(body["Changes"], [])
        self.assertFalse(body["Reset"])
        return body["NextToken"]

    def poll_during(self, token, action, ak=None, sk=None, wait=10):
        """Starts a watch from `token`, runs `action`, returns (seconds to the answer, body)."""
        out = {}

        def run():
            out["status"], out["body"] = watch(self.srv, ak or self.ak, sk or self.sk, token, wait)
            out["done_at"] = time.monotonic()
        t = threading.Thread(target=run)
        t.start()
        time.sleep(0.3)  # parked
        t_action = time.monotonic()
        action()
        t.join(30)
        self.assertEqual(out.get("status"), 200, out)
        return out["done_at"] - t_action, out["body"]

    def test_a_a_change_answers_the_poll_at_once(self):
        arn = self.sm.create_secret(Name="changes/db", SecretString="v1")["ARN"]
        token = self.start()
        seconds, body = self.poll_during(token, lambda: self.sm.put_secret_value(
            SecretId="changes/db", SecretString="v2"))
        self.assertLess(seconds, 1.0, "the poll is answered within a second of the change")
        self.assertEqual([(c["ARN"], c["Name"], c["EventName"]) for c in body["Changes"]],
                         [(arn, "changes/db", "PutSecretValue")])
        self.assertIsInstance(body["Changes"][0]["EventTime"], (int, float))
        self.assertNotEqual(body["NextToken"], token)
        # Nothing since: a short wait ends empty with the same token.
        status, again = watch(self.srv, self.ak, self.sk, body["NextToken"], 1)
        self.assertEqual((status, again["Changes"], again["NextToken"]), (200, [], body["NextToken"]))

    def test_b_every_kind_of_change(self):
        self.sm.create_secret(Name="changes/kinds", SecretString="k1")
        token = self.start()
        v2 = self.sm.put_secret_value(SecretId="changes/kinds", SecretString="k2")["VersionId"]
        v1 = [v for v, s in self.sm.describe_secret(SecretId="changes/kinds")["VersionIdsToStages"].items()
              if "AWSPREVIOUS" in s][0]
        self.sm.update_secret_version_stage(SecretId="changes/kinds", VersionStage="AWSCURRENT",
                                            MoveToVersionId=v1, RemoveFromVersionId=v2)
        self.sm.update_secret(SecretId="changes/kinds", Description="d")
        self.sm.tag_resource(SecretId="changes/kinds", Tags=[{"Key": "k", "Value": "v"}])
        self.sm.delete_secret(SecretId="changes/kinds", RecoveryWindowInDays=7)
        self.sm.restore_secret(SecretId="changes/kinds")
        status, body = watch(self.srv, self.ak, self.sk, token, 0)
        self.assertEqual(status, 200)
        self.assertEqual([c["EventName"] for c in body["Changes"]],
                         ["PutSecretValue", "UpdateSecretVersionStage", "UpdateSecret", "TagResource",
                          "DeleteSecret", "RestoreSecret"])
        # Reads are not changes.
        self.sm.get_secret_value(SecretId="changes/kinds")
        status, quiet = watch(self.srv, self.ak, self.sk, body["NextToken"], 0)
        self.assertEqual(quiet["Changes"], [])

    def test_c_a_caller_sees_only_what_it_may_describe(self):
        seen = self.sm.create_secret(Name="changes/visible", SecretString="a")["ARN"]
        self.sm.create_secret(Name="changes/hidden", SecretString="b")
        self.iam.create_user(UserName="watcher")
        self.iam.put_user_policy(UserName="watcher", PolicyName="p", PolicyDocument=json.dumps({
            "Version": "2012-10-17", "Statement": [
                {"Effect": "Allow", "Action": "secretsmanager:DescribeSecret", "Resource": seen}]}))
        key = self.iam.create_access_key(UserName="watcher")["AccessKey"]
        ak, sk = key["AccessKeyId"], key["SecretAccessKey"]
        status, start = watch(self.srv, ak, sk)
        self.assertEqual(status, 200, start)
        self.sm.put_secret_value(SecretId="changes/hidden", SecretString="b2")
        status, body = watch(self.srv, ak, sk, start["NextToken"], 1)
        self.assertEqual(body["Changes"], [], "a change it may not describe is not shown")
        self.sm.put_secret_value(SecretId="changes/hidden", SecretString="b3")
        self.sm.put_secret_value(SecretId="changes/visible", SecretString="a2")
        status, body = watch(self.srv, ak, sk, body["NextToken"], 5)
        self.assertEqual([c["Name"] for c in body["Changes"]], ["changes/visible"])

    def test_c2_a_force_deletion_reaches_callers_whose_policies_allow_describe(self):
        arn = self.sm.create_secret(Name="changes/gone", SecretString="gone-value-123456")["ARN"]
        self.iam.create_user(UserName="watcher-gone")
        self.iam.put_user_policy(UserName="watcher-gone", PolicyName="p", PolicyDocument=json.dumps({
            "Version": "2012-10-17", "Statement": [
                {"Effect": "Allow", "Action": "secretsmanager:DescribeSecret", "Resource": arn}]}))
        key = self.iam.create_access_key(UserName="watcher-gone")["AccessKey"]
        ak, sk = key["AccessKeyId"], key["SecretAccessKey"]
        start = watch(self.srv, ak, sk)[1]["NextToken"]
        admin_start = self.start()
        self.sm.delete_secret(SecretId="changes/gone", ForceDeleteWithoutRecovery=True)
        status, body = watch(self.srv, ak, sk, start, 5)
        self.assertEqual([(c["Name"], c["EventName"]) for c in body["Changes"]],
                         [("changes/gone", "DeleteSecret")])
        status, body = watch(self.srv, self.ak, self.sk, admin_start, 5)
        self.assertEqual([c["ARN"] for c in body["Changes"]], [arn])
        # One whose policies do not allow it hears nothing.
        self.iam.create_user(UserName="watcher-none")
        key = self.iam.create_access_key(UserName="watcher-none")["AccessKey"]
        nk, ns = key["AccessKeyId"], key["SecretAccessKey"]
        time.sleep(0.5)  # the new key reaches the credential cache
        n_start = watch(self.srv, nk, ns)[1]["NextToken"]
        arn2 = self.sm.create_secret(Name="changes/gone2", SecretString="gone-value-654321")["ARN"]
        self.sm.delete_secret(SecretId=arn2, ForceDeleteWithoutRecovery=True)
        status, body = watch(self.srv, nk, ns, n_start, 1)
        self.assertEqual((status, body["Changes"]), (200, []))

    def test_d_errors_are_aws_shaped(self):
        status, body = watch(self.srv, self.ak, self.sk, wait=21)
        self.assertEqual(status, 400)
        self.assertEqual(body["__type"], "InvalidParameterException")
        status, body = watch(self.srv, self.ak, self.sk, extra={"since": "1"})
        self.assertEqual((status, body["__type"]), (400, "InvalidParameterException"))
        status, body = watch(self.srv, self.ak, self.sk, sign=False)
        self.assertEqual(status, 400)
        self.assertIn(body["__type"], ("MissingAuthenticationTokenException", "IncompleteSignatureException",
                                       "UnrecognizedClientException"))
        status, body = watch(self.srv, self.ak, "wrong-secret-key", after="x")
        self.assertIn(status, (400, 403))
        # A token this server never gave: Reset, at once.
        status, body = watch(self.srv, self.ak, self.sk, after="deadbeef.1", wait=20)
        self.assertEqual((status, body["Reset"], body["Changes"]), (200, True, []))

    def test_e_each_poll_is_in_the_audit_trail(self):
        self.start()
        with open(self.srv.data_dir + "/audit.log") as f:
            events = [json.loads(line) for line in f]
        polls = [e for e in events if e["eventName"] == "CofferWatchSecretChanges"]
        self.assertTrue(polls)
        self.assertTrue(polls[-1]["readOnly"])
        self.assertEqual(polls[-1]["eventSource"], "secretsmanager.amazonaws.com")


class RestartTest(unittest.TestCase):
    def test_a_parked_poll_is_answered_when_the_server_stops(self):
        srv = CofferServer().start()
        try:
            ak, sk = srv.credentials()
            token = watch(srv, ak, sk)[1]["NextToken"]
            out = {}
            t = threading.Thread(target=lambda: out.update(r=watch(srv, ak, sk, token, 20)))
            t.start()
            time.sleep(0.5)
            t0 = time.monotonic()
            self.assertEqual(srv.stop(), 0)
            self.assertLess(time.monotonic() - t0, 5.0, "a parked poll does not hold up the stop")
            t.join(10)
            self.assertEqual(out["r"][0], 200)
            self.assertEqual(out["r"][1]["Changes"], [])
        finally:
            srv.close()

    def test_a_token_of_a_previous_run_answers_reset(self):
        srv = CofferServer().start()
        try:
            ak, sk = srv.credentials()
            status, body = watch(srv, ak, sk)
            token = body["NextToken"]
            srv.stop()
            srv.start()
            status, body = watch(srv, ak, sk, token, 5)
            self.assertEqual((status, body["Reset"]), (200, True))
        finally:
            srv.close()


if __name__ == "__main__":
    unittest.main()
