#!/usr/bin/python3
"""End to end: `coffer agent` (issue 23) in front of a real `coffer serve`.

Starts a server (fresh data dir, SigV4, the admin's keys in DIR/credentials, as
tests/lib/server.sh does), drives it with the AWS CLI (/usr/bin/aws), and starts
agents against it with the AWS agent's configuration keys. Checks the AWS Secrets
Manager Agent protocol (ping, both request forms, tokens, X-Forwarded-For, methods,
errors passed through), the cache (TTL, refreshNow), the token from a file, a
configuration error, and an AssumeRole profile (role_arn + source_profile).
No secret value may appear in an agent's log.

Debian's /usr/bin/python3, standard library only. Prints "N passed, M failed".
"""
import http.client
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.parse

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BIN = os.environ.get("COFFER_BIN") or os.path.join(
    os.environ.get("BUILD_DIR") or os.path.join(REPO, "build"), "coffer")
AWS = os.environ.get("AWS", "/usr/bin/aws")
TOKEN = "agent-e2e-token-%d" % os.getpid()

PASSED = 0
FAILED = 0
PROCS = []
TMP = tempfile.mkdtemp(prefix="coffer-agent-e2e.")


def check(desc, cond, detail=""):
    global PASSED, FAILED
    if cond:
        PASSED += 1
        print("ok   - " + desc)
    else:
        FAILED += 1
        print("FAIL - %s%s" % (desc, (": " + str(detail)) if detail else ""))


def wait_for(path, pattern, proc, timeout=20.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with open(path, "rb") as f:
            m = re.search(pattern, f.read())
        if m:
            return m.group(1).decode()
        if proc.poll() is not None:
            return None
        time.sleep(0.05)
    return None


def stop(proc):
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
    return proc.returncode


class Server:
    def __init__(self, name="data", args=()):
        self.dir = os.path.join(TMP, name)
        self.log = os.path.join(TMP, name + "-server.txt")
        with open(self.log, "wb") as log:
            self.proc = subprocess.Popen(
                [BIN, "serve", "--data-dir", self.dir, "--listen", "127.0.0.1:0"] + list(args),
                stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
        PROCS.append(self.proc)
        self.url = wait_for(self.log, rb"listening on (https?://\S+)", self.proc)
        if not self.url:
            raise RuntimeError("coffer serve did not start: " + open(self.log).read()[-500:])
        self.credentials = os.path.join(self.dir, "credentials")

    def aws(self, *args):
        env = dict(os.environ, AWS_SHARED_CREDENTIALS_FILE=self.credentials,
                   AWS_CONFIG_FILE=os.devnull, AWS_DEFAULT_REGION="us-east-1",
                   AWS_DATA_PATH=os.path.join(REPO, "third_party", "aws", "models"),
                   AWS_PAGER="", AWS_EC2_METADATA_DISABLED="true")
        for v in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_PROFILE"):
            env.pop(v, None)
        out = subprocess.run([AWS, "--endpoint-url", self.url, "--output", "json"] + list(args),
                             env=env, capture_output=True, text=True, timeout=60)
        if out.returncode != 0:
            raise RuntimeError("aws %s: %s" % (" ".join(args[:2]), out.stderr.strip()))
        return json.loads(out.stdout) if out.stdout.strip() else None


class Agent:
    """`coffer agent --config FILE` with `env` (the token and the AWS chain's variables)."""

    def __init__(self, name, config, env):
        self.config = os.path.join(TMP, name + ".toml")
        with open(self.config, "w") as f:
            f.write(config)
        self.out = os.path.join(TMP, name + ".out")
        self.log = os.path.join(TMP, name + ".log")
        clean = {k: v for k, v in os.environ.items()
                 if not k.startswith("AWS_") and k not in ("HOME",)}
        clean["HOME"] = TMP  # no ~/.aws of the user's
        clean.update(env)
        with open(self.out, "wb") as out, open(self.log, "wb") as log:
            self.proc = subprocess.Popen([BIN, "agent", "--config", self.config], stdout=out,
                                         stderr=log, stdin=subprocess.DEVNULL, env=clean)
        PROCS.append(self.proc)
        url = wait_for(self.out, rb"listening on (http://\S+)", self.proc)
        self.host, self.port = (None, None)
        if url:
            parsed = urllib.parse.urlsplit(url)
            self.host, self.port = parsed.hostname, parsed.port

    def request(self, target, method="GET", headers=None, token=TOKEN):
        h = {} if token is None else {"X-Aws-Parameters-Secrets-Token": token}
        h.update(headers or {})
        conn = http.client.HTTPConnection(self.host, self.port, timeout=30)
        conn.request(method, target, body=b"" if method == "POST" else None, headers=h)
        r = conn.getresponse()
        body = r.read().decode()
        conn.close()
        return r.status, body

    def get_json(self, target, **kw):
        status, body = self.request(target, **kw)
        try:
            return status, json.loads(body)
        except ValueError:
            return status, body

    def log_text(self):
        with open(self.log, errors="replace") as f:
            return f.read()


def agent_config(server, ttl=300, extra=""):
    return ('http_port = 0\nttl_seconds = %d\nregion = "us-east-1"\nendpoint_url = "%s"\n%s'
            % (ttl, server.url, extra))


def main():
    srv = Server()
    values = ["first-value-%d-abcdef" % os.getpid(), "second-value-ghijkl", "third-value-mnopqr"]
    created = srv.aws("secretsmanager", "create-secret", "--name", "agent/db",
                      "--secret-string", values[0])
    arn, v1 = created["ARN"], created["VersionId"]
    srv.aws("secretsmanager", "create-secret", "--name", "agent/other",
            "--secret-string", "other-value-stuvwx")
    values.append("other-value-stuvwx")

    base_env = {"AWS_SHARED_CREDENTIALS_FILE": srv.credentials, "AWS_CONFIG_FILE": os.devnull,
                "AWS_TOKEN": TOKEN}
    # watch = false: the TTL and refreshNow semantics below, without push
    # invalidation (test_agent_features.py covers that).
    agent = Agent("main", agent_config(srv, ttl=3, extra="watch = false\n"), base_env)
    check("agent starts and prints its address", agent.port is not None, agent.log_text()[-400:])
    if agent.port is None:
        return

    # Protocol.
    check("GET /ping is healthy without a token", agent.request("/ping", token=None) == (200, "healthy"))
    status, body = agent.get_json("/secretsmanager/get?secretId=agent/db")
    check("get by name", status == 200 and body.get("SecretString") == values[0]
          and body.get("ARN") == arn and body.get("VersionId") == v1
          and "AWSCURRENT" in body.get("VersionStages", []), (status, body))
    check("the body is GetSecretValue's", isinstance(body, dict)
          and set(body) >= {"ARN", "Name", "VersionId", "SecretString", "VersionStages", "CreatedDate"})
    status, body = agent.get_json("/secretsmanager/get?secretId=" + urllib.parse.quote(arn, safe=""))
    check("get by ARN", status == 200 and body.get("VersionId") == v1, (status, body))
    status, body = agent.get_json("/secretsmanager/get?secretId=agent/db&versionStage=AWSCURRENT")
    check("get by versionStage", status == 200 and body.get("VersionId") == v1, (status, body))
    status, body = agent.get_json("/secretsmanager/get?secretId=agent/db&versionId=" + v1)
    check("get by versionId", status == 200 and body.get("SecretString") == values[0], (status, body))
    status, body = agent.get_json("/v1/agent/db")
    check("GET /v1/<name>", status == 200 and body.get("SecretString") == values[0], (status, body))
    status, body = agent.get_json("/v1/agent/db?versionStage=AWSCURRENT&refreshNow=false")
    check("GET /v1/<name>?versionStage=", status == 200 and body.get("VersionId") == v1, (status, body))

    check("no token: 403 Bad Token", agent.request("/v1/agent/db", token=None) == (403, "Bad Token"))
    check("wrong token: 403 Bad Token", agent.request("/v1/agent/db", token="nope") == (403, "Bad Token"))
    status, _ = agent.request("/v1/agent/db", token=None, headers={"X-Vault-Token": TOKEN})
    check("the token in X-Vault-Token", status == 200, status)
    check("X-Forwarded-For: 400 Forwarded",
          agent.request("/v1/agent/db", headers={"X-Forwarded-For": "10.1.2.3"}) == (400, "Forwarded"))
    check("POST: 405 Not allowed", agent.request("/v1/agent/db", method="POST") == (405, "Not allowed"))
    check("POST without a token: 403 first",
          agent.request("/v1/agent/db", method="POST", token=None) == (403, "Bad Token"))
    check("unknown path: 404 Not found", agent.request("/v2/x") == (404, "Not found"))
    check("missing secretId: 400", agent.request("/secretsmanager/get") == (400, "missing parameter secretId"))
    check("unknown parameter: 400",
          agent.request("/secretsmanager/get?secretId=a&b=c") == (400, "unknown parameter: b"))
    check("bad refreshNow: 400",
          agent.request("/v1/agent/db?refreshNow=maybe") == (400, "invalid refreshNow value"))
    status, body = agent.get_json("/secretsmanager/get?secretId=agent/nothing-here")
    check("unknown secret: the server's status and AWS agent's body",
          status == 400 and body == {"__type": "ResourceNotFoundException",
                                     "message": "Secrets Manager can't find the specified secret."},
          (status, body))
    status, raw = agent.request("/secretsmanager/get?secretId=agent/nothing-here")
    check("error body spelled as AWS's agent spells it",
          raw.startswith('{"__type":"ResourceNotFoundException", "message":'), raw)

    # Cache: served until refreshNow or the TTL (3 s).
    agent.get_json("/v1/agent/db")
    srv.aws("secretsmanager", "put-secret-value", "--secret-id", "agent/db", "--secret-string", values[1])
    status, body = agent.get_json("/v1/agent/db")
    check("after PutSecretValue the cached value is served", body.get("SecretString") == values[0], body)
    status, body = agent.get_json("/v1/agent/db?refreshNow=true")
    check("refreshNow=true fetches the new value", body.get("SecretString") == values[1], body)
    status, body = agent.get_json("/v1/agent/db")
    check("and caches it", body.get("SecretString") == values[1], body)
    status, body = agent.get_json("/secretsmanager/get?secretId=agent/db&versionStage=AWSPREVIOUS")
    check("AWSPREVIOUS is the first version", body.get("VersionId") == v1, body)
    srv.aws("secretsmanager", "put-secret-value", "--secret-id", "agent/db", "--secret-string", values[2])
    status, body = agent.get_json("/v1/agent/db")
    check("cached again after a second put", body.get("SecretString") == values[1], body)
    time.sleep(3.3)
    status, body = agent.get_json("/v1/agent/db")
    check("after ttl_seconds the new value", body.get("SecretString") == values[2], body)

    # Token from a file, listening on every address (a warning), ttl 0.
    token_file = os.path.join(TMP, "token")
    with open(token_file, "w") as f:
        f.write("file-token-%d\n" % os.getpid())
    env = dict(base_env, AWS_TOKEN="file://" + token_file)
    file_agent = Agent("file", agent_config(srv, ttl=0, extra='http_address = "0.0.0.0"\n'), env)
    check("agent with a file:// token starts", file_agent.port is not None, file_agent.log_text()[-300:])
    if file_agent.port:
        file_agent.host = "127.0.0.1"
        status, body = file_agent.get_json("/v1/agent/db", token="file-token-%d" % os.getpid())
        check("the token read from the file", status == 200 and body.get("SecretString") == values[2],
              (status, body))
        check("the file:// string itself is no token",
              file_agent.request("/v1/agent/db", token="file://" + token_file)[0] == 403)
        check("non-loopback listening warns", "non-loopback" in file_agent.log_text())
        stop(file_agent.proc)

    # credentials_file_path (AWS agent's key): that file's [default], not the chain.
    env = {"AWS_TOKEN": TOKEN, "AWS_SHARED_CREDENTIALS_FILE": os.devnull,
           "AWS_CONFIG_FILE": os.devnull}
    cred_agent = Agent("credfile", agent_config(
        srv, extra='credentials_file_path = "%s"\n' % srv.credentials), env)
    check("agent with credentials_file_path starts", cred_agent.port is not None,
          cred_agent.log_text()[-300:])
    if cred_agent.port:
        status, body = cred_agent.get_json("/v1/agent/db")
        check("it signs with the file's keys", status == 200, (status, body))
        stop(cred_agent.proc)

    # Configuration errors and a missing token stop the agent with a message.
    bad = Agent("bad", agent_config(srv) + "colour = \"blue\"\n", base_env)
    rc = bad.proc.wait(10)
    check("an unknown key: exit non-zero naming the key",
          rc != 0 and "colour" in bad.log_text(), (rc, bad.log_text()))
    bad = Agent("badport", agent_config(srv).replace("http_port = 0", "http_port = 80"), base_env)
    rc = bad.proc.wait(10)
    check("http_port 80: exit non-zero with AWS's text",
          rc != 0 and "http_port: The HTTP port" in bad.log_text(), (rc, bad.log_text()))
    env = dict(base_env)
    env.pop("AWS_TOKEN")
    bad = Agent("notoken", agent_config(srv), env)
    rc = bad.proc.wait(10)
    check("no token variable: exit non-zero", rc != 0 and "SSRF token" in bad.log_text(),
          (rc, bad.log_text()))

    # An AssumeRole profile: role_arn + source_profile, the role allowed one secret.
    admin_arn = srv.aws("sts", "get-caller-identity")["Arn"]
    trust = {"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Principal": {"AWS": admin_arn}, "Action": "sts:AssumeRole"}]}
    role_arn = srv.aws("iam", "create-role", "--role-name", "agent-reader",
                       "--assume-role-policy-document", json.dumps(trust))["Role"]["Arn"]
    policy = {"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Action": "secretsmanager:GetSecretValue",
         "Resource": "arn:aws:secretsmanager:*:*:secret:agent/db-*"}]}
    srv.aws("iam", "put-role-policy", "--role-name", "agent-reader", "--policy-name", "read",
            "--policy-document", json.dumps(policy))
    config_file = os.path.join(TMP, "aws-config")
    with open(config_file, "w") as f:
        f.write("[profile runner]\nrole_arn = %s\nsource_profile = base\nregion = us-east-1\n"
                "endpoint_url = %s\n" % (role_arn, srv.url))
    creds_file = os.path.join(TMP, "aws-credentials")
    with open(srv.credentials) as f:
        creds = f.read().replace("[default]", "[base]")
    with open(creds_file, "w") as f:
        f.write(creds)
    env = {"AWS_CONFIG_FILE": config_file, "AWS_SHARED_CREDENTIALS_FILE": creds_file,
           "AWS_PROFILE": "runner", "AWS_TOKEN": TOKEN}
    role_agent = Agent("role", "http_port = 0\n", env)
    check("agent with an AssumeRole profile starts", role_agent.port is not None,
          role_agent.log_text()[-400:])
    if role_agent.port:
        status, body = role_agent.get_json("/v1/agent/db")
        check("the role reads what its policy allows",
              status == 200 and body.get("SecretString") == values[2], (status, body))
        status, body = role_agent.get_json("/v1/agent/other")
        check("and is denied the rest, passed through",
              status == 400 and isinstance(body, dict)
              and body.get("__type") == "AccessDeniedException"
              and "assumed-role/agent-reader/" in body.get("message", ""), (status, body))
        check("the agent says it assumed the role",
              '"msg":"agent: assumed role"' in role_agent.log_text())
        stop(role_agent.proc)

    # TLS upstream: the certificate is verified, against AWS_CA_BUNDLE.
    cert, key = os.path.join(TMP, "cert.pem"), os.path.join(TMP, "key.pem")
    made = subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
                           "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1",
                           "-keyout", key, "-out", cert], capture_output=True)
    check("a test certificate", made.returncode == 0, made.stderr[-200:])
    tls = Server("tls", ["--tls-cert", cert, "--tls-key", key])
    check("a TLS server", tls.url.startswith("https://"), tls.url)
    env = {"AWS_SHARED_CREDENTIALS_FILE": tls.credentials, "AWS_TOKEN": TOKEN}
    untrusted = Agent("tls-untrusted", agent_config(tls), env)
    rc = untrusted.proc.wait(30)
    check("without the CA the certificate is refused at start",
          rc == 1 and "GetCallerIdentity" in untrusted.log_text(), (rc, untrusted.log_text()[-300:]))
    trusted = Agent("tls", agent_config(tls), dict(env, AWS_CA_BUNDLE=cert))
    check("with AWS_CA_BUNDLE the agent starts", trusted.port is not None, trusted.log_text()[-300:])
    if trusted.port:
        status, body = trusted.get_json("/v1/nothing-here")
        check("and reaches the server over TLS",
              status == 400 and isinstance(body, dict)
              and body.get("__type") == "ResourceNotFoundException", (status, body))
        stop(trusted.proc)
    stop(tls.proc)

    rc = stop(agent.proc)
    check("SIGTERM stops the agent with 0", rc == 0, rc)
    logs = "".join(open(p, errors="replace").read() for p in
                   [os.path.join(TMP, n) for n in os.listdir(TMP) if n.endswith((".log", ".out"))])
    leaked = [v for v in values if v in logs]
    check("no secret value in any agent's output", not leaked, "%d value(s) found" % len(leaked))


def run(main_fn):
    """Runs a suite's main: a harness failure is a failed check, not a crash; every process
    started is stopped and the scratch directory removed; then "N passed, M failed"."""
    try:
        main_fn()
    except Exception as e:  # noqa: BLE001
        import traceback
        traceback.print_exc()
        check("harness", False, repr(e))
    finally:
        for p in PROCS:
            if p.poll() is None:
                stop(p)
        shutil.rmtree(TMP, ignore_errors=True)
    print("%d passed, %d failed" % (PASSED, FAILED))
    sys.exit(1 if FAILED else 0)


if __name__ == "__main__":
    run(main)
