#!/usr/bin/python3
"""An example runner that reads its secrets through `coffer agent` (issue 23).

It is the kind of job a CI runner or a batch host runs: it needs a Snowflake
key-pair private key (a PEM) and PostgreSQL credentials, reads both from the
local caching agent with the AWS Secrets Manager Agent protocol, connects to
PostgreSQL with the password and works in a loop. When the database refuses
the password (it was rotated, or changed with PutSecretValue and ALTER USER),
the runner asks the agent for the current value with refreshNow=true and
connects again: no restart, no configuration change.

    AWS_TOKEN=... runner.py --agent http://127.0.0.1:2773 \\
        --pem-secret ci/snowflake-key --db-secret ci/postgres [--pem-out key.pem]

The database secret is the AWS/RDS JSON shape: {"engine": "postgres", "host",
"port", "username", "password", "dbname"}. The PEM secret is the PEM text as
SecretString (or its bytes as SecretBinary). The token is the first of
AWS_TOKEN, AWS_SESSION_TOKEN, AWS_CONTAINER_AUTHORIZATION_TOKEN that is set (a
value file://PATH means the file's contents), as the agent reads it.

Prints one JSON line per event on stdout (never a secret value): "start",
"pem" (its length and SHA-256), "ok" (an iteration), "auth-failed",
"refreshed", "error". Debian's /usr/bin/python3 with python3-pygresql.
"""
import argparse
import base64
import hashlib
import json
import os
import sys
import time
import urllib.parse
import urllib.request

import pgdb

TOKEN_VARIABLES = ("AWS_TOKEN", "AWS_SESSION_TOKEN", "AWS_CONTAINER_AUTHORIZATION_TOKEN")


def emit(event, **fields):
    fields["event"] = event
    fields["time"] = round(time.time(), 3)
    sys.stdout.write(json.dumps(fields) + "\n")
    sys.stdout.flush()


def read_token():
    for name in TOKEN_VARIABLES:
        value = os.environ.get(name)
        if value:
            if value.startswith("file://"):
                with open(value[len("file://"):]) as f:
                    return f.read().strip()
            return value
    sys.exit("runner: set AWS_TOKEN to the agent's SSRF token")


class Agent:
    """GET /secretsmanager/get through the local agent."""

    def __init__(self, url, token):
        self.url, self.token = url.rstrip("/"), token

    def get(self, secret_id, refresh=False):
        query = {"secretId": secret_id}
        if refresh:
            query["refreshNow"] = "true"
        req = urllib.request.Request(
            "%s/secretsmanager/get?%s" % (self.url, urllib.parse.urlencode(query)),
            headers={"X-Aws-Parameters-Secrets-Token": self.token})
        with urllib.request.urlopen(req, timeout=65) as r:
            return json.loads(r.read())


def secret_bytes(value):
    if "SecretString" in value:
        return value["SecretString"].encode()
    return base64.b64decode(value["SecretBinary"])


def is_auth_failure(error):
    text = str(error)
    return "password authentication failed" in text or "authentication failed" in text


class Runner:
    def __init__(self, args):
        self.args = args
        self.agent = Agent(args.agent, read_token())
        self.creds = None
        self.refreshes = 0

    def load_pem(self):
        pem = secret_bytes(self.agent.get(self.args.pem_secret))
        if not pem.startswith(b"-----BEGIN "):
            raise ValueError("the PEM secret is not PEM")
        if self.args.pem_out:
            fd = os.open(self.args.pem_out, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            with os.fdopen(fd, "wb") as f:
                f.write(pem)
        emit("pem", bytes=len(pem), sha256=hashlib.sha256(pem).hexdigest())

    def load_creds(self, refresh=False):
        value = self.agent.get(self.args.db_secret, refresh=refresh)
        self.creds = json.loads(value["SecretString"])
        self.version = value.get("VersionId")
        if refresh:
            self.refreshes += 1
            emit("refreshed", version=self.version, refreshes=self.refreshes)

    def connect(self):
        c = self.creds
        return pgdb.connect(host="%s:%s" % (c.get("host", "127.0.0.1"), c.get("port", 5432)),
                            database=c.get("dbname", "postgres"), user=c["username"],
                            password=c["password"])

    def iteration(self, n):
        """One unit of work: connect (refreshing the password once if it is
        refused), run a query, disconnect. True when it worked."""
        for attempt in (0, 1):
            try:
                conn = self.connect()
            except pgdb.Error as e:
                if is_auth_failure(e) and attempt == 0:
                    emit("auth-failed", iteration=n, version=self.version)
                    self.load_creds(refresh=True)
                    continue
                emit("error", iteration=n, error=type(e).__name__,
                     auth=is_auth_failure(e), version=self.version)
                return False
            try:
                cur = conn.cursor()
                cur.execute("SELECT current_user, count(*) FROM pg_stat_activity")
                user, _ = cur.fetchone()
                cur.close()
            finally:
                conn.close()
            emit("ok", iteration=n, user=user, version=self.version, refreshes=self.refreshes)
            return True
        return False

    def run(self):
        emit("start", pid=os.getpid())
        self.load_pem()
        self.load_creds()
        n, backoff = 0, self.args.interval
        while self.args.iterations == 0 or n < self.args.iterations:
            n += 1
            try:
                ok = self.iteration(n)
            except (OSError, ValueError, KeyError) as e:  # the agent is unreachable, etc.
                emit("error", iteration=n, error=type(e).__name__)
                ok = False
            # After a failure: wait longer (up to 5 s) and try again; the
            # next auth failure asks the agent for a fresh value again.
            backoff = self.args.interval if ok else min(5.0, max(0.2, backoff * 2))
            time.sleep(backoff)


def main():
    p = argparse.ArgumentParser(description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--agent", default="http://127.0.0.1:2773")
    p.add_argument("--pem-secret", required=True)
    p.add_argument("--db-secret", required=True)
    p.add_argument("--pem-out", help="write the PEM here (mode 0600)")
    p.add_argument("--interval", type=float, default=1.0, help="seconds between iterations")
    p.add_argument("--iterations", type=int, default=0, help="0: until stopped")
    args = p.parse_args()
    try:
        Runner(args).run()
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    main()
