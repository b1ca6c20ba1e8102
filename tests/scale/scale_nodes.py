"""Helpers of tests/scale/test_scale_out.py: a counting check(), waiting, the test's
PostgreSQL (tests/lib/pg_server.py with room for three nodes), a Coffer node on the shared
database (tests/lib/coffer_server.py) with its log's leadership lines, and a SigV4-signed
GET /coffer/secret-changes."""
import http.client
import json
import os
import signal
import sys
import time
import urllib.parse

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "lib"))

import botocore.auth  # noqa: E402
from botocore.awsrequest import AWSRequest  # noqa: E402
from botocore.credentials import Credentials  # noqa: E402
from botocore.exceptions import ClientError  # noqa: E402
from coffer_server import CofferServer  # noqa: E402
from pg_server import PgServer  # noqa: E402

WRITE_LOCK_KEY = 0x436f6666657257  # storage/postgres/pool.h kWriteLockKey
RETRYABLE = {"ServiceUnavailableException", "InternalServiceError", "InternalFailure",
             "ThrottlingException", "ServiceUnavailable"}
COUNTS = {"passed": 0, "failed": 0}


def check(desc, cond, detail=""):
    if cond:
        COUNTS["passed"] += 1
        print("ok   - %s" % desc, flush=True)
    else:
        COUNTS["failed"] += 1
        print("FAIL - %s%s" % (desc, (": " + str(detail)) if detail else ""), flush=True)


def wait_until(fn, timeout=10.0, step=0.05):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if fn():
                return True
        except Exception:  # noqa: BLE001 (keep trying until the deadline)
            pass
        time.sleep(step)
    try:
        return bool(fn())
    except Exception:  # noqa: BLE001
        return False


def code_of(e):
    if isinstance(e, ClientError):
        return e.response["Error"]["Code"], e.response["ResponseMetadata"]["HTTPStatusCode"]
    return type(e).__name__, 0


class Pg(PgServer):
    """The test cluster, with room for three nodes' pools and the test's sessions."""

    def _write_conf(self):
        super()._write_conf()
        with open(os.path.join(self.data_dir, "postgresql.auto.conf"), "a") as f:
            f.write("max_connections = 200\n")


class Node:
    """One `coffer serve` on the shared database, its data directory under ROOT."""

    def __init__(self, name, root, url, extra=()):
        self.name = name
        self.dir = os.path.join(root, name)
        os.makedirs(self.dir, mode=0o700, exist_ok=True)
        conf = os.path.join(root, name + ".toml")
        with open(conf, "w") as f:
            f.write("purge_interval_s = 1\nauth_poll_interval_ms = 250\n")
        self.srv = CofferServer(data_dir=self.dir, args=["--store-url", url, "--config", conf,
                                                         "--log-level", "info"] + list(extra))
        self.log_copy = ""

    def start(self, timeout=30.0):
        self.srv.start(timeout=timeout)
        return self

    @property
    def url(self):
        return self.srv.url

    def log(self):
        if self.srv.log_path:
            try:
                with open(self.srv.log_path, errors="replace") as f:
                    self.log_copy = f.read()
            except OSError:
                pass
        return self.log_copy

    def messages(self, msg):
        return [json.loads(l) for l in self.log().splitlines()
                if l.startswith("{") and ('"msg":"%s"' % msg) in l]

    def leads(self):
        last = None
        for l in self.log().splitlines():
            if '"msg":"became leader"' in l:
                last = True
            elif '"msg":"lost leadership"' in l:
                last = False
        return bool(last) and self.srv.proc is not None and self.srv.proc.poll() is None

    def kill(self):
        self.log()
        self.srv.proc.send_signal(signal.SIGKILL)
        self.srv.proc.wait()

    def client(self, service="secretsmanager", ak=None, sk=None):
        return self.srv.client(access_key=ak, secret_key=sk, service=service)


def watch(node, ak, sk, after=None, wait=None):
    params = {}
    if after is not None:
        params["after"] = after
    if wait is not None:
        params["wait"] = str(wait)
    url = node.url + "/coffer/secret-changes" + ("?" + urllib.parse.urlencode(params) if params else "")
    req = AWSRequest(method="GET", url=url, headers={})
    botocore.auth.SigV4Auth(Credentials(ak, sk), "secretsmanager", "us-east-1").add_auth(req)
    u = urllib.parse.urlsplit(url)
    conn = http.client.HTTPConnection(u.hostname, u.port, timeout=40)
    conn.request("GET", u.path + ("?" + u.query if u.query else ""),
                 headers=dict(req.prepare().headers.items()))
    r = conn.getresponse()
    body = r.read()
    conn.close()
    return r.status, json.loads(body) if body else {}
