"""Temporary credentials expire (issue 20), black-box, without waiting 15 minutes.

A role session of 900 seconds (the shortest AWS allows) is made against a running server. The
server is then restarted with its wall clock moved forward by tests/lib/clock_shift.c (an
LD_PRELOAD shim, built here with the system C compiler), and the request is signed by a client
whose clock is moved alike (SigV4 refuses a request more than 5 minutes from the server's
clock). 600 s later the session still works (its token is stateless: it outlives the restart);
1000 s later it is ExpiredTokenException, "The security token included in the request is
expired", HTTP 400, for Secrets Manager and STS alike (the STS model's code too).
"""
import json
import os
import subprocess
import sys
import tempfile
import unittest

from coffer_server import CofferServer, record_sensitive

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(os.path.dirname(HERE)))
SHIM_SRC = os.path.join(REPO, "tests", "lib", "clock_shift.c")

# Runs one call in a child whose clock is shifted; prints {"ok": …} or {"code", "message", "status"}.
CHILD = r"""
import json, os, sys
sys.path.insert(0, sys.argv[1])
from coffer_server import client_config
import boto3
from botocore.exceptions import ClientError
url, service, akid, secret, token = sys.argv[2:7]
c = boto3.session.Session(aws_access_key_id=akid, aws_secret_access_key=secret,
                          aws_session_token=token, region_name="us-east-1").client(
    service, endpoint_url=url, config=client_config())
try:
    if service == "sts":
        r = c.get_caller_identity()["Arn"]
    else:
        r = len(c.list_secrets()["SecretList"])
    print(json.dumps({"ok": r}))
except ClientError as e:
    print(json.dumps({"code": e.response["Error"]["Code"], "message": e.response["Error"]["Message"],
                      "status": e.response["ResponseMetadata"]["HTTPStatusCode"]}))
"""


class ExpiryTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.mkdtemp(prefix="coffer-shim.")
        cls.shim = os.path.join(cls.tmp, "clock_shift.so")
        subprocess.run(["cc", "-shared", "-fPIC", "-O2", "-o", cls.shim, SHIM_SRC, "-ldl"],
                       check=True)

    def shifted_env(self, seconds):
        env = dict(os.environ)
        env["LD_PRELOAD"] = self.shim
        env["COFFER_CLOCK_SHIFT_S"] = str(seconds)
        # Under `make test-asan` the server is instrumented: ASan wants its runtime first in
        # the preload list, and the shim is harmless before it.
        asan = env.get("ASAN_OPTIONS", "")
        env["ASAN_OPTIONS"] = (asan + ":" if asan else "") + "verify_asan_link_order=0"
        return env

    def call(self, url, service, creds, seconds):
        out = subprocess.run(
            [sys.executable, "-c", CHILD, os.path.join(REPO, "tests", "lib"), url, service,
             creds["AccessKeyId"], creds["SecretAccessKey"], creds["SessionToken"]],
            env=self.shifted_env(seconds), capture_output=True, text=True, timeout=60)
        self.assertEqual(out.returncode, 0, out.stderr[-500:])
        return json.loads(out.stdout.strip().splitlines()[-1])

    def test_session_expires(self):
        srv = CofferServer().start()
        try:
            iam, sts = srv.client(service="iam"), srv.client(service="sts")
            me = sts.get_caller_identity()
            iam.create_role(RoleName="short", AssumeRolePolicyDocument=json.dumps({
                "Version": "2012-10-17", "Statement": [{"Effect": "Allow",
                                                        "Principal": {"AWS": me["Arn"]},
                                                        "Action": "sts:AssumeRole"}]}))
            iam.put_role_policy(RoleName="short", PolicyName="list", PolicyDocument=json.dumps({
                "Version": "2012-10-17", "Statement": [{"Effect": "Allow",
                                                        "Action": "secretsmanager:ListSecrets",
                                                        "Resource": "*"}]}))
            creds = sts.assume_role(RoleArn="arn:aws:iam::%s:role/short" % me["Account"],
                                    RoleSessionName="brief", DurationSeconds=900)["Credentials"]
            record_sensitive(creds["SecretAccessKey"])
            self.assertEqual(self.call(srv.url, "secretsmanager", creds, 0), {"ok": 0})

            srv.stop()
            srv.env = self.shifted_env(600)
            srv.start()
            self.assertEqual(self.call(srv.url, "secretsmanager", creds, 600), {"ok": 0})

            srv.stop()
            srv.env = self.shifted_env(1000)
            srv.start()
            expired = {"code": "ExpiredTokenException",
                       "message": "The security token included in the request is expired",
                       "status": 400}
            self.assertEqual(self.call(srv.url, "secretsmanager", creds, 1000), expired)
            # STS's model names the same code (ExpiredTokenException, 400).
            got = self.call(srv.url, "sts", creds, 1000)
            self.assertEqual(got["code"], "ExpiredTokenException")
            self.assertEqual(got["status"], 400)
        finally:
            srv.close()


if __name__ == "__main__":
    unittest.main()
