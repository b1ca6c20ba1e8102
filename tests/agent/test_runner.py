#!/usr/bin/python3
"""End to end: the example runner (examples/runner/runner.py, issue 23) through
`coffer agent` against a real PostgreSQL (tests/lib/pg_server.py) and a real
`coffer serve`.

The runner reads a Snowflake key-pair PEM and PostgreSQL credentials through
the agent and loops connecting to PostgreSQL with the password. The test then
changes the password twice, both ways round: PutSecretValue then ALTER USER,
and ALTER USER then PutSecretValue. The agent runs with a long TTL and without
push invalidation, so it is the runner's refreshNow=true on an authentication
failure that picks up the new value. Checks: the runner keeps working (same
process), the PEM is read byte for byte, no password in the runner's output.

Debian's /usr/bin/python3 with python3-pygresql. Prints "N passed, M failed".
"""
import json
import os
import shutil
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(os.path.dirname(HERE), "lib"))
import test_agent as h  # noqa: E402
from pg_server import PgServer  # noqa: E402

check = h.check
RUNNER = os.path.join(h.REPO, "examples", "runner", "runner.py")


class RunnerProc:
    def __init__(self, agent, pem_out):
        self.out = os.path.join(h.TMP, "runner.out")
        self.err = os.path.join(h.TMP, "runner.err")
        env = dict(os.environ, AWS_TOKEN=h.TOKEN)
        with open(self.out, "wb") as out, open(self.err, "wb") as err:
            self.proc = subprocess.Popen(
                ["/usr/bin/python3", RUNNER, "--agent", "http://%s:%d" % (agent.host, agent.port),
                 "--pem-secret", "runner/snowflake-key", "--db-secret", "runner/postgres",
                 "--pem-out", pem_out, "--interval", "0.1"],
                stdout=out, stderr=err, stdin=subprocess.DEVNULL, env=env)
        h.PROCS.append(self.proc)

    def events(self):
        out = []
        with open(self.out) as f:
            for line in f:
                try:
                    out.append(json.loads(line))
                except ValueError:
                    pass
        return out

    def wait_ok(self, after_time, count=3, timeout=30):
        """True once `count` "ok" events came after `after_time` (epoch seconds)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            oks = [e for e in self.events() if e["event"] == "ok" and e["time"] > after_time]
            if len(oks) >= count:
                return True
            if self.proc.poll() is not None:
                return False
            time.sleep(0.1)
        return False


def db_secret(pg, password):
    return json.dumps({"engine": "postgres", "host": pg.host, "port": pg.port,
                       "username": "runner_app", "password": password, "dbname": "postgres"})


def main():
    pg = PgServer()
    pg.init()
    pg.start()
    passwords = ["pw-one-%d-Aa1" % os.getpid(), "pw-two-%d-Bb2" % os.getpid(),
                 "pw-three-%d-Cc3" % os.getpid()]
    pg.psql("CREATE ROLE runner_app LOGIN PASSWORD '%s'" % passwords[0])

    pem_path = os.path.join(h.TMP, "snowflake_key.p8")
    made = subprocess.run(["openssl", "genpkey", "-algorithm", "RSA", "-pkeyopt",
                           "rsa_keygen_bits:2048", "-out", pem_path], capture_output=True)
    check("a Snowflake-style key pair (PKCS#8 PEM)", made.returncode == 0, made.stderr[-200:])
    with open(pem_path, "rb") as f:
        pem = f.read()

    srv = h.Server("runner")
    srv.aws("secretsmanager", "create-secret", "--name", "runner/snowflake-key",
            "--secret-string", "file://" + pem_path)
    srv.aws("secretsmanager", "create-secret", "--name", "runner/postgres",
            "--secret-string", db_secret(pg, passwords[0]))
    env = {"AWS_SHARED_CREDENTIALS_FILE": srv.credentials, "AWS_CONFIG_FILE": os.devnull,
           "AWS_TOKEN": h.TOKEN}
    # A long TTL and no push invalidation: only refreshNow brings the new password.
    agent = h.Agent("runner-agent", h.agent_config(srv, ttl=3600, extra="watch = false\n"), env)
    check("the agent starts", agent.port is not None, agent.log_text()[-300:])
    if agent.port is None:
        return

    pem_out = os.path.join(h.TMP, "runner-key.pem")
    runner = RunnerProc(agent, pem_out)
    pid = runner.proc.pid
    check("the runner connects with the first password", runner.wait_ok(0, count=5),
          open(runner.err).read()[-500:])
    with open(pem_out, "rb") as f:
        check("the PEM read through the agent byte for byte", f.read() == pem)
    check("the PEM file is private (0600)", (os.stat(pem_out).st_mode & 0o777) == 0o600)

    # 1. PutSecretValue first, then ALTER USER (how a rotation function orders it).
    srv.aws("secretsmanager", "put-secret-value", "--secret-id", "runner/postgres",
            "--secret-string", db_secret(pg, passwords[1]))
    pg.psql("ALTER ROLE runner_app PASSWORD '%s'" % passwords[1])
    t1 = time.time()
    check("after PutSecretValue + ALTER USER the runner keeps working", runner.wait_ok(t1),
          [e for e in runner.events() if e["event"] != "ok"][-5:])
    refreshed = [e for e in runner.events() if e["event"] == "refreshed" and e["time"] > t1 - 1]
    check("it asked the agent with refreshNow=true", len(refreshed) >= 1, refreshed)

    # 2. ALTER USER first, the secret a little later (a manual change).
    pg.psql("ALTER ROLE runner_app PASSWORD '%s'" % passwords[2])
    time.sleep(1.0)
    srv.aws("secretsmanager", "put-secret-value", "--secret-id", "runner/postgres",
            "--secret-string", db_secret(pg, passwords[2]))
    t2 = time.time()
    check("after ALTER USER then PutSecretValue the runner recovers", runner.wait_ok(t2),
          [e for e in runner.events() if e["event"] != "ok"][-5:])
    events = runner.events()
    check("failures while the secret lagged were authentication failures, retried",
          any(e["event"] == "error" and e.get("auth") for e in events), events[-5:])
    check("the same runner process throughout (no restart)",
          runner.proc.poll() is None and runner.proc.pid == pid
          and sum(1 for e in events if e["event"] == "start") == 1)
    oks = sum(1 for e in events if e["event"] == "ok")
    print("# runner: %d ok iterations, %d refreshes" % (oks, max(e.get("refreshes", 0) for e in events)))

    h.stop(runner.proc)
    h.stop(agent.proc)
    output = open(runner.out).read() + open(runner.err).read() + agent.log_text()
    check("no password or key in the runner's or the agent's output",
          not any(p in output for p in passwords) and pem.decode().splitlines()[1] not in output)
    pg.cleanup()


if __name__ == "__main__":
    h.run(main)
