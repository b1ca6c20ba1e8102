#!/usr/bin/python3
"""`make bench`: Coffer against an nginx reference, side by side, on this box.

Starts Coffer (--auth sigv4, SQLite in a temporary directory), seeds secrets
through the API, pre-signs requests (SigV4 signatures stay valid for five
minutes, so every wrk run gets freshly signed requests) and replays them with
wrk through bench/replay.lua. In the same run nginx (one worker, keep-alive)
answers the same requests with the very bytes Coffer returned for that
workload; Coffer and nginx runs alternate so drift hits both.

Everything stays on loopback. Output: a table on stdout and
bench/results/latest.json. Usage: see `bench/bench.py --help` and
docs/performance.md.
"""
import argparse
import concurrent.futures
import datetime
import hashlib
import hmac
import http.client
import json
import os
import platform
import random
import re
import shutil
import signal
import statistics
import string
import subprocess
import sys
import tempfile
import threading
import time
import uuid

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
REGION = "us-east-1"
SERVICE = "secretsmanager"
CONTENT_TYPE = "application/x-amz-json-1.1"

LIVE = []  # servers started, stopped on the way out whatever happens

READ_WORKLOADS = ["GetSecretValue-name", "GetSecretValue-arn", "GetSecretValue-role",
                  "DescribeSecret", "ListSecrets-100", "ListSecrets-walk", "BatchGetSecretValue-20",
                  "Agent-GetSecretValue-hit"]
# Agent-GetSecretValue-hit (issue 23): GET /v1/<name> through `coffer agent`, every request
# a cache hit, against nginx answering the agent's bytes on the same core (agent_bench.py).
# GetSecretValue-role (issue 20): the users' story. A role session (AssumeRole, temporary
# credentials with a session token) whose identity policy allows GetSecretValue on the
# bench's secrets, each of which has a resource policy naming the role, reads by ARN.
# ListSecrets-walk: pages of 100 from all over the listing (NextTokens collected by
# walking it once), in random order, where ListSecrets-100 repeats the first page.
WALK_PAGES = 500
WRITE_WORKLOADS = ["CreateSecret", "PutSecretValue"]
PUT_VERSIONS_PER_SECRET = 50


# ---------------------------------------------------------------- signing --

class Signer:
    """SigV4 for the JSON protocol, as botocore's SigV4Auth signs it (the
    headers content-type, host, x-amz-date, x-amz-target). Produces raw HTTP
    requests ready to replay."""

    def __init__(self, akid, secret, host, token=None):
        self.akid, self.secret, self.host, self.token = akid, secret, host, token
        self._keys = {}

    def _key(self, datestamp):
        k = self._keys.get(datestamp)
        if k is None:
            k = ("AWS4" + self.secret).encode()
            for part in (datestamp, REGION, SERVICE, "aws4_request"):
                k = hmac.new(k, part.encode(), hashlib.sha256).digest()
            self._keys[datestamp] = k
        return k

    def raw(self, target, body, amz_date=None):
        if amz_date is None:
            amz_date = datetime.datetime.now(datetime.timezone.utc).strftime("%Y%m%dT%H%M%SZ")
        if isinstance(body, str):
            body = body.encode()
        full_target = "secretsmanager." + target
        datestamp = amz_date[:8]
        token_line = "x-amz-security-token:%s\n" % self.token if self.token else ""
        signed = "content-type;host;x-amz-date;%sx-amz-target" % (
            "x-amz-security-token;" if self.token else "")
        creq = ("POST\n/\n\ncontent-type:%s\nhost:%s\nx-amz-date:%s\n%sx-amz-target:%s\n\n%s\n%s"
                % (CONTENT_TYPE, self.host, amz_date, token_line, full_target, signed,
                   hashlib.sha256(body).hexdigest()))
        scope = "%s/%s/%s/aws4_request" % (datestamp, REGION, SERVICE)
        sts = "AWS4-HMAC-SHA256\n%s\n%s\n%s" % (amz_date, scope,
                                               hashlib.sha256(creq.encode()).hexdigest())
        sig = hmac.new(self._key(datestamp), sts.encode(), hashlib.sha256).hexdigest()
        token_header = "X-Amz-Security-Token: %s\r\n" % self.token if self.token else ""
        head = ("POST / HTTP/1.1\r\nHost: %s\r\nContent-Type: %s\r\nX-Amz-Target: %s\r\n"
                "X-Amz-Date: %s\r\nUser-Agent: coffer-bench/1.0\r\n%s"
                "Authorization: AWS4-HMAC-SHA256 Credential=%s/%s, SignedHeaders=%s, Signature=%s\r\n"
                "Content-Length: %d\r\n\r\n"
                % (self.host, CONTENT_TYPE, full_target, amz_date, token_header, self.akid, scope,
                   signed, sig, len(body)))
        return head.encode() + body


def call(conn, signer, target, body):
    """Sends one signed request on an http.client connection: (status, body)."""
    raw = signer.raw(target, json.dumps(body))
    head, payload = raw.split(b"\r\n\r\n", 1)
    lines = head.decode().split("\r\n")[1:]
    headers = dict(l.split(": ", 1) for l in lines)
    conn.request("POST", "/", body=payload, headers=headers)
    r = conn.getresponse()
    return r.status, r.read()


# --------------------------------------------------------------- payloads --

def secret_value(i):
    """A ~300-byte key/value secret, deterministic per index, no '$'."""
    rnd = random.Random(i)
    pw = "".join(rnd.choice(string.ascii_letters + string.digits) for _ in range(40))
    v = {"engine": "postgres", "host": "db-%07d.internal.example.com" % i, "port": 5432,
         "username": "svc_%07d" % i, "password": pw, "dbname": "app_%07d" % i,
         "dbInstanceIdentifier": "app-db-%07d" % i,
         "options": "sslmode=verify-full connect_timeout=5 application_name=bench-runner"}
    s = json.dumps(v, separators=(",", ":"))
    return s + ("" if len(s) >= 300 else "")


def secret_name(i):
    return "bench/app-%07d/db" % i


# ----------------------------------------------------------------- coffer --

def spawn_listening(owner, cmd, what, env=None):
    """Starts `cmd` (a coffer serve or agent) for `owner`, whose .log names its log file, and
    waits for its "listening on http://HOST:PORT" line: sets owner.proc, .host, .port and
    registers it for clean-up; stdout is then drained so the pipe never fills."""
    owner.proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=open(owner.log, "ab"),
                                  text=True, env=env)
    LIVE.append(owner)
    line = owner.proc.stdout.readline()
    m = re.search(r"listening on http://([0-9.]+):(\d+)", line)
    if not m:
        raise RuntimeError("%s did not start: %r (see %s)" % (what, line, owner.log))
    owner.host, owner.port = m.group(1), int(m.group(2))
    threading.Thread(target=owner.proc.stdout.read, daemon=True).start()


class Coffer:
    def __init__(self, binary, data_dir, threads, cpus, log, audit=True):
        self.binary, self.data_dir, self.threads, self.cpus, self.log = (
            binary, data_dir, threads, cpus, log)
        self.audit = audit
        self.proc = None

    def start(self):
        cmd = []
        if self.cpus:
            cmd += ["taskset", "-c", self.cpus]
        cmd += [self.binary, "serve", "--data-dir", self.data_dir, "--listen", "127.0.0.1:0",
                "--auth", "sigv4", "--threads", str(self.threads), "--log-level", "warn"]
        if not self.audit:
            cmd += ["--audit-log", "off"]
        t0 = time.monotonic()
        spawn_listening(self, cmd, "coffer")
        self.startup_s = time.monotonic() - t0
        return self

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.proc = None

    def pids(self):
        return [self.proc.pid]


def read_credentials(data_dir):
    akid = secret = None
    with open(os.path.join(data_dir, "credentials")) as f:
        for line in f:
            k, _, v = line.partition("=")
            if k.strip() == "aws_access_key_id":
                akid = v.strip()
            elif k.strip() == "aws_secret_access_key":
                secret = v.strip()
    return akid, secret


def proc_cpu_s(pid):
    """user+sys CPU seconds of a process (all threads)."""
    try:
        with open("/proc/%d/stat" % pid) as f:
            parts = f.read().rsplit(")", 1)[1].split()
        return (int(parts[11]) + int(parts[12])) / os.sysconf("SC_CLK_TCK")
    except OSError:
        return 0.0


def proc_status(pid, key):
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            if line.startswith(key + ":"):
                return int(line.split()[1])
    return 0


# ------------------------------------------------------------------ nginx --

class Nginx:
    """One worker, keep-alive, one port per workload, each answering any
    request with `return 200 '<the bytes Coffer returned>'`."""

    def __init__(self, workdir, bodies, cpus):
        self.dir = os.path.join(workdir, "nginx")
        os.makedirs(self.dir, exist_ok=True)
        self.cpus = cpus
        self.ports = {}
        self.modes = {}
        servers = []
        for name, body in bodies.items():
            text = body.decode()
            if "$" in text:
                raise RuntimeError("response for %s holds '$'; nginx would interpolate it" % name)
            port = free_port()
            self.ports[name] = port
            esc = text.replace("\\", "\\\\").replace("'", "\\'")
            if len(esc) < 3500:
                # The cheapest nginx path: the body inline in the config.
                self.modes[name] = "return"
                servers.append("  server {\n    listen 127.0.0.1:%d;\n    location / {\n"
                               "      default_type %s;\n      return 200 '%s';\n    }\n  }\n"
                               % (port, CONTENT_TYPE, esc))
            else:
                # nginx caps a config token at 4 KB: serve larger bodies as a
                # static file (POST to a static file is a 405, which
                # error_page turns into the file with a 200).
                self.modes[name] = "static"
                root = os.path.join(self.dir, "www-" + name)
                os.makedirs(root, exist_ok=True)
                with open(os.path.join(root, "body.json"), "wb") as f:
                    f.write(body)
                servers.append("  server {\n    listen 127.0.0.1:%d;\n    location / {\n"
                               "      root %s;\n      default_type %s;\n"
                               "      rewrite ^ /body.json break;\n      error_page 405 =200 $uri;\n"
                               "    }\n  }\n" % (port, root, CONTENT_TYPE))
        d = self.dir
        conf = ("daemon off;\nmaster_process on;\nworker_processes 1;\npid %s/nginx.pid;\n"
                "error_log %s/error.log warn;\nevents { worker_connections 1024; }\n"
                "http {\n  access_log off;\n  keepalive_requests 100000000;\n"
                "  keepalive_timeout 75s;\n  client_body_temp_path %s/body;\n"
                "  proxy_temp_path %s/proxy;\n  fastcgi_temp_path %s/fcgi;\n"
                "  uwsgi_temp_path %s/uwsgi;\n  scgi_temp_path %s/scgi;\n%s}\n"
                % (d, d, d, d, d, d, d, "".join(servers)))
        self.conf = os.path.join(d, "nginx.conf")
        with open(self.conf, "w") as f:
            f.write(conf)
        self.proc = None

    def start(self):
        cmd = (["taskset", "-c", self.cpus] if self.cpus else []) + [
            "nginx", "-c", self.conf, "-p", self.dir]
        self.proc = subprocess.Popen(cmd, stderr=subprocess.DEVNULL)
        LIVE.append(self)
        port = next(iter(self.ports.values()))
        for _ in range(100):
            try:
                c = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
                c.request("POST", "/", body=b"{}")
                c.getresponse().read()
                return self
            except OSError:
                time.sleep(0.05)
        raise RuntimeError("nginx did not start; see %s/error.log" % self.dir)

    def pids(self):
        try:
            with open("/proc/%d/task/%d/children" % (self.proc.pid, self.proc.pid)) as f:
                return [int(x) for x in f.read().split()] or [self.proc.pid]
        except OSError:
            return [self.proc.pid]

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGQUIT)
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.proc = None


def free_port():
    import socket
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    p = s.getsockname()[1]
    s.close()
    return p


# -------------------------------------------------------------------- wrk --

def write_requests(path, raws):
    with open(path, "wb") as f:
        for r in raws:
            f.write(b"%d\n" % len(r))
            f.write(r)


def run_wrk(port, conns, duration, reqfile, cpus, server_pids):
    cmd = (["taskset", "-c", cpus] if cpus else []) + [
        "wrk", "-t1", "-c%d" % conns, "-d%ds" % max(1, round(duration)), "--timeout", "5s",
        "-s", os.path.join(HERE, "replay.lua"), "http://127.0.0.1:%d/" % port, "--", reqfile]
    cpu0 = sum(proc_cpu_s(p) for p in server_pids)
    out = subprocess.run(cmd, capture_output=True, text=True)
    cpu1 = sum(proc_cpu_s(p) for p in server_pids)
    m = re.search(r"^BENCHJSON (.*)$", out.stdout, re.M)
    if not m:
        raise RuntimeError("wrk failed: %s %s" % (out.stdout, out.stderr))
    r = json.loads(m.group(1))
    secs = r["duration_us"] / 1e6
    r["rps"] = r["requests"] / secs if secs else 0
    r["srv_cpu_us_per_req"] = (cpu1 - cpu0) * 1e6 / r["requests"] if r["requests"] else None
    return r


# ------------------------------------------------------------------ bench --

class Bench:
    def __init__(self, args):
        self.a = args
        self.work = tempfile.mkdtemp(prefix="coffer-bench-")
        self.results = []
        self.sizes = []

    def log(self, *m):
        print(*m, file=sys.stderr, flush=True)

    # Seeding: CreateSecret through the API, 16 connections in parallel.
    def seed(self, coffer, signer, start, count, name=secret_name):
        lock, progress = threading.Lock(), [0]

        def worker(lo, hi):
            conn = http.client.HTTPConnection(coffer.host, coffer.port, timeout=60)
            for i in range(lo, hi):
                st, body = call(conn, signer, "CreateSecret",
                                {"Name": name(i), "SecretString": secret_value(i),
                                 "Description": "bench secret %d" % i,
                                 "ClientRequestToken": str(uuid.uuid4())})
                if st != 200:
                    raise RuntimeError("seed CreateSecret %d: %d %s" % (i, st, body[:200]))
                with lock:
                    progress[0] += 1
                    if progress[0] % 50000 == 0:
                        self.log("  ... %d" % progress[0])
            conn.close()
        nthreads = 16
        step = (count + nthreads - 1) // nthreads
        with concurrent.futures.ThreadPoolExecutor(nthreads) as ex:
            futs = [ex.submit(worker, start + k * step, min(start + count, start + (k + 1) * step))
                    for k in range(nthreads) if start + k * step < start + count]
            done = 0
            for f in concurrent.futures.as_completed(futs):
                f.result()

    def collect_page_tokens(self, conn, signer):
        """Every NextToken of the default listing, in order (None: the first page)."""
        tokens, token = [None], None
        while True:
            body = {"MaxResults": 100}
            if token:
                body["NextToken"] = token
            st, b = call(conn, signer, "ListSecrets", body)
            if st != 200:
                raise RuntimeError("ListSecrets: %d %s" % (st, b[:200]))
            token = json.loads(b).get("NextToken")
            if not token:
                return tokens
            tokens.append(token)

    def read_bodies(self, size, arns, tokens=None):
        rnd = random.Random(size)
        sample = [rnd.randrange(size) for _ in range(min(2000, size))]
        def gen(kind):
            out = []
            for k, i in enumerate(sample):
                if kind == "GetSecretValue-name":
                    out.append(("GetSecretValue", {"SecretId": secret_name(i)}))
                elif kind in ("GetSecretValue-arn", "GetSecretValue-role"):
                    out.append(("GetSecretValue", {"SecretId": arns[i]}))
                elif kind == "DescribeSecret":
                    out.append(("DescribeSecret", {"SecretId": secret_name(i)}))
                elif kind == "ListSecrets-100":
                    out.append(("ListSecrets", {"MaxResults": 100}))
                    if k >= 50:
                        break
                elif kind == "ListSecrets-walk":
                    pages = random.Random(size + 1).sample(tokens, min(WALK_PAGES, len(tokens)))
                    for t in pages:
                        out.append(("ListSecrets", {"MaxResults": 100, "NextToken": t}
                                    if t else {"MaxResults": 100}))
                    break
                elif kind == "BatchGetSecretValue-20":
                    ids = [secret_name(sample[(k + j) % len(sample)]) for j in range(20)]
                    out.append(("BatchGetSecretValue", {"SecretIdList": ids}))
            return out
        return sample, gen

    def write_bodies(self, kind, count, targets, tag):
        out = []
        for k in range(count):
            token = str(uuid.uuid4())
            if kind == "CreateSecret":
                out.append(("CreateSecret", {"Name": "bench/w/%s/%d" % (tag, k),
                                             "SecretString": secret_value(k),
                                             "ClientRequestToken": token}))
            else:
                out.append(("PutSecretValue", {"SecretId": targets[k % len(targets)],
                                               "SecretString": secret_value(k + 7),
                                               "ClientRequestToken": token}))
        return out

    def sign_file(self, signer, bodies, name):
        path = os.path.join(self.work, name + ".req")
        write_requests(path, [signer.raw(t, json.dumps(b, separators=(",", ":")))
                              for t, b in bodies])
        return path

    def run(self):
        a = self.a
        binary = os.path.abspath(a.coffer)
        for size in a.sizes:
            self._role_creds = None  # a role and its session per data directory
            data = os.path.join(self.work, "data-%d" % size)
            final_data = data
            if a.seed_tmpfs:
                # Seed through the API on tmpfs (fsync is nearly free there),
                # then measure on the real disk: same bytes, less waiting.
                data = tempfile.mkdtemp(prefix="coffer-bench-seed-", dir=a.seed_tmpfs)
            else:
                os.makedirs(data)
            log = os.path.join(self.work, "coffer-%d.log" % size)
            cached = os.path.join(a.seed_cache, "seeded-%d" % size) if a.seed_cache else None
            if cached and os.path.exists(os.path.join(cached, "coffer.db")):
                # A data directory seeded by an earlier run: copy it, so every
                # run starts from the same bytes.
                shutil.rmtree(data, ignore_errors=True)
                self.log("[%d] copying the seeded data directory %s" % (size, cached))
                shutil.copytree(cached, final_data)
                data = final_data
                seed_s = None
            else:
                c = Coffer(binary, data, 0, None, log, audit=False).start()
                akid, secret = read_credentials(data)
                signer = Signer(akid, secret, "%s:%d" % (c.host, c.port))
                t0 = time.monotonic()
                self.log("[%d] seeding %d secrets through CreateSecret in %s ..." % (size, size, data))
                self.seed(c, signer, 0, size)
                seed_s = time.monotonic() - t0
                self.log("[%d] seeded in %.1f s (%.0f/s)" % (size, seed_s, size / seed_s))
                c.stop()
                if data != final_data:
                    shutil.move(data, final_data)
                    data = final_data
                if cached:
                    shutil.copytree(data, cached)
            akid, secret = read_credentials(data)
            db_bytes = sum(os.path.getsize(os.path.join(data, f)) for f in os.listdir(data)
                           if f.startswith("coffer.db"))
            size_info = {"secrets": size, "seed_s": None if seed_s is None else round(seed_s, 2),
                         "db_bytes": db_bytes,
                         "startup_s": [], "rss_kb": [], "rss_hwm_kb": []}
            self.sizes.append(size_info)
            arns = None
            tokens = None
            for phase in ("read", "write"):
                wanted = READ_WORKLOADS if phase == "read" else WRITE_WORKLOADS
                if not any(w in wanted for w in a.workloads):
                    continue
                for layout in a.layouts:
                    pinned = layout == "pinned"
                    srv_cpus, wrk_cpus = ("0", "1") if pinned else (None, None)
                    c = Coffer(binary, data, 1 if pinned else 0, srv_cpus, log,
                               audit=a.audit == "on").start()
                    size_info["startup_s"].append(round(c.startup_s, 4))
                    signer = Signer(akid, secret, "%s:%d" % (c.host, c.port))
                    conn = http.client.HTTPConnection(c.host, c.port, timeout=60)
                    rnd = random.Random(size)
                    sample = [rnd.randrange(size) for _ in range(min(2000, size))]
                    if phase == "read":
                        if arns is None:
                            arns = {}
                            for i in set(sample):
                                st, b = call(conn, signer, "DescribeSecret",
                                             {"SecretId": secret_name(i)})
                                arns[i] = json.loads(b)["ARN"]
                            # The first GetSecretValue of a secret each day (UTC)
                            # records LastAccessedDate: a durable write. Read every
                            # sampled secret once so the runs measure the steady
                            # state, not one fsync per secret.
                            for i in set(sample):
                                st, b = call(conn, signer, "GetSecretValue",
                                             {"SecretId": secret_name(i)})
                                if st != 200:
                                    raise RuntimeError("GetSecretValue: %d %s" % (st, b[:200]))
                        if tokens is None and "ListSecrets-walk" in a.workloads:
                            t0 = time.monotonic()
                            tokens = self.collect_page_tokens(conn, signer)
                            self.log("[%d] walked %d pages of ListSecrets in %.1f s"
                                     % (size, len(tokens), time.monotonic() - t0))
                        _, gen = self.read_bodies(size, arns, tokens)
                        signers = {"GetSecretValue-role": self.role_signer(c, akid, secret, arns)
                                   if "GetSecretValue-role" in a.workloads else None}
                        self.run_reads(size, layout, c, conn, signer, gen, srv_cpus, wrk_cpus,
                                       signers)
                        if "Agent-GetSecretValue-hit" in a.workloads:
                            import agent_bench
                            agent_bench.run(self, c, akid, secret, size, layout, srv_cpus,
                                            wrk_cpus, sample)
                    else:
                        self.run_writes(size, layout, c, signer, wrk_cpus)
                    conn.close()
                    size_info["rss_kb"].append(proc_status(c.proc.pid, "VmRSS"))
                    size_info["rss_hwm_kb"].append(proc_status(c.proc.pid, "VmHWM"))
                    c.stop()
        shutil.rmtree(self.work, ignore_errors=True)

    def role_signer(self, c, akid, secret, arns):
        """The users' story (issue 20): a role `bench-runner` whose inline policy allows
        GetSecretValue on the bench's secrets, a resource policy naming the role on each
        sampled secret, and a session of it (AssumeRole, 12 hours). Made once per data
        directory (the session token is stateless, so it outlives restarts)."""
        import boto3
        from botocore.exceptions import ClientError
        url = "http://%s:%d" % (c.host, c.port)
        sess = boto3.session.Session(aws_access_key_id=akid, aws_secret_access_key=secret,
                                     region_name=REGION)
        iam, sts = sess.client("iam", endpoint_url=url), sess.client("sts", endpoint_url=url)
        sm = sess.client("secretsmanager", endpoint_url=url)
        me = sts.get_caller_identity()
        account = me["Account"]
        role_arn = "arn:aws:iam::%s:role/bench-runner" % account
        if getattr(self, "_role_creds", None) is None:
            try:
                iam.create_role(RoleName="bench-runner", MaxSessionDuration=43200,
                                AssumeRolePolicyDocument=json.dumps({
                                    "Version": "2012-10-17", "Statement": [{
                                        "Effect": "Allow", "Principal": {"AWS": me["Arn"]},
                                        "Action": "sts:AssumeRole"}]}))
                iam.put_role_policy(RoleName="bench-runner", PolicyName="read",
                                    PolicyDocument=json.dumps({
                                        "Version": "2012-10-17", "Statement": [{
                                            "Effect": "Allow",
                                            "Action": "secretsmanager:GetSecretValue",
                                            "Resource": "arn:aws:secretsmanager:%s:%s:secret:bench/*"
                                                        % (REGION, account)}]}))
                policy = json.dumps({"Version": "2012-10-17", "Statement": [{
                    "Effect": "Allow", "Principal": {"AWS": role_arn},
                    "Action": "secretsmanager:GetSecretValue", "Resource": "*"}]})
                for arn in sorted(set(arns.values())):
                    sm.put_resource_policy(SecretId=arn, ResourcePolicy=policy)
            except ClientError as e:
                if e.response["Error"]["Code"] != "EntityAlreadyExists":
                    raise
            self._role_creds = sts.assume_role(RoleArn=role_arn, RoleSessionName="bench",
                                               DurationSeconds=43200)["Credentials"]
            self.log("role session %s for %s" % (self._role_creds["AccessKeyId"], role_arn))
        cr = self._role_creds
        return Signer(cr["AccessKeyId"], cr["SecretAccessKey"], "%s:%d" % (c.host, c.port),
                      token=cr["SessionToken"])

    def run_reads(self, size, layout, c, conn, signer, gen, srv_cpus, wrk_cpus, signers=None):
        a = self.a
        signers = signers or {}
        bodies = {}
        for w in a.workloads:
            if w not in READ_WORKLOADS:
                continue
            if w == "Agent-GetSecretValue-hit":
                continue  # agent_bench.py measures it
            t, b = gen(w)[0]
            st, resp = call(conn, signers.get(w) or signer, t, b)
            if st != 200:
                raise RuntimeError("%s: %d %s" % (w, st, resp[:300]))
            bodies[w] = resp
        if not bodies:
            return
        ng = Nginx(self.work, bodies, srv_cpus).start()
        try:
            for w in bodies:
                for conns in a.conns:
                    runs = {"coffer": [], "nginx": []}
                    for rnd_ in range(a.rounds):
                        for server in ("coffer", "nginx"):
                            port = c.port if server == "coffer" else ng.ports[w]
                            pids = c.pids() if server == "coffer" else ng.pids()
                            f = self.sign_file(signers.get(w) or signer,
                                               [(t, b) for t, b in gen(w)], "r")
                            if a.warmup > 0:
                                run_wrk(port, conns, a.warmup, f, wrk_cpus, pids)
                            r = run_wrk(port, conns, a.duration, f, wrk_cpus, pids)
                            runs[server].append(r)
                    self.record(size, layout, w, conns, runs, len(bodies[w]), ng.modes[w])
        finally:
            ng.stop()

    def run_writes(self, size, layout, c, signer, wrk_cpus):
        a = self.a
        for w in a.workloads:
            if w not in WRITE_WORKLOADS:
                continue
            for conns in a.conns:
                runs = {"coffer": []}
                for rnd_ in range(a.rounds):
                    count = int(a.write_rate * (a.duration + 0.5))
                    tag = uuid.uuid4().hex[:8]
                    targets = []
                    if w == "PutSecretValue":
                        # Fresh secrets for every run, each taking at most
                        # PUT_VERSIONS_PER_SECRET new versions: AWS's quota is
                        # 100 versions per secret per 24 hours, which Coffer
                        # enforces as AWS does.
                        n = -(-count // PUT_VERSIONS_PER_SECRET)
                        targets = ["bench/p/%s/%d" % (tag, k) for k in range(n)]
                        self.seed(c, signer, 0, n, name=lambda i: targets[i])
                    f = self.sign_file(signer, self.write_bodies(w, count, targets, tag), "w")
                    r = run_wrk(c.port, conns, a.duration, f, wrk_cpus, c.pids())
                    runs["coffer"].append(r)
                self.record(size, layout, w, conns, runs, None)

    def record(self, size, layout, w, conns, runs, resp_bytes, nginx_mode=None):
        def med(server, key):
            vals = [r[key] for r in runs.get(server, []) if r.get(key) is not None]
            return statistics.median(vals) if vals else None
        row = {"secrets": size, "layout": layout, "workload": w, "connections": conns,
               "response_bytes": resp_bytes,
               "coffer": {"rps": med("coffer", "rps"), "p50_ms": med("coffer", "p50_us") / 1000,
                          "p99_ms": med("coffer", "p99_us") / 1000,
                          "cpu_us_per_req": med("coffer", "srv_cpu_us_per_req"),
                          "errors": sum(r["status_errors"] + r["timeouts"] + r["read_errors"]
                                        + r["connect_errors"] + r["write_errors"]
                                        for r in runs["coffer"]),
                          "wrapped": sum(r["wrapped"] for r in runs["coffer"]),
                          "runs": runs["coffer"]}}
        if "nginx" in runs:
            row["nginx"] = {"rps": med("nginx", "rps"), "p50_ms": med("nginx", "p50_us") / 1000,
                            "p99_ms": med("nginx", "p99_us") / 1000,
                            "cpu_us_per_req": med("nginx", "srv_cpu_us_per_req"),
                            "mode": nginx_mode, "runs": runs["nginx"]}
            row["ratio"] = row["coffer"]["rps"] / row["nginx"]["rps"] if row["nginx"]["rps"] else None
        self.results.append(row)
        self.log(fmt_row(row))


HEADER = ("%-8s %-8s %-24s %4s | %9s %7s %7s %6s | %9s %7s %7s | %6s"
          % ("secrets", "layout", "workload", "conn", "coffer/s", "p50ms", "p99ms", "µs/req",
             "nginx/s", "p50ms", "p99ms", "ratio"))


def fmt_row(row):
    c = row["coffer"]
    n = row.get("nginx")
    flag = ""
    if c["errors"]:
        flag += " ERR=%d" % c["errors"]
    if c["wrapped"] and not n:
        flag += " WRAPPED"
    s = "%-8d %-8s %-24s %4d | %9.0f %7.2f %7.2f %6.1f | " % (
        row["secrets"], row["layout"], row["workload"], row["connections"], c["rps"],
        c["p50_ms"], c["p99_ms"], c["cpu_us_per_req"] or 0)
    if n:
        s += "%9.0f %7.2f %7.2f | %6.2f" % (n["rps"], n["p50_ms"], n["p99_ms"], row["ratio"])
    else:
        s += "%9s %7s %7s | %6s" % ("-", "-", "-", "-")
    return s + flag


def machine():
    model = ""
    with open("/proc/cpuinfo") as f:
        for line in f:
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    with open("/proc/meminfo") as f:
        mem_kb = int(f.readline().split()[1])
    return {"nproc": os.cpu_count(), "cpu": model, "ram_gb": round(mem_kb / 1048576, 1),
            "kernel": platform.release(), "loadavg_before": os.getloadavg()}


def versions():
    def out(cmd):
        try:
            p = subprocess.run(cmd, capture_output=True, text=True)
            return (p.stdout + p.stderr).strip().splitlines()[0]
        except (OSError, IndexError):
            return None
    return {"wrk": out(["wrk", "-v"]), "nginx": out(["nginx", "-v"])}


def markdown(info):
    """The results of a run (latest.json) as Markdown tables."""
    out = []
    m = info["machine"]
    out.append("Run %s to %s; %d CPUs (%s), %.1f GB RAM; load average before %.2f %.2f %.2f, "
               "after %.2f %.2f %.2f; %s s per run, %s round(s) Coffer/nginx alternating.\n"
               % ((info["started"], info["finished"], m["nproc"], m["cpu"], m["ram_gb"])
                  + tuple(m["loadavg_before"]) + tuple(m["loadavg_after"])
                  + (info["settings"]["duration_s"], info["settings"]["rounds"])))
    out.append("| secrets | layout | workload | conns | Coffer req/s | p50 ms | p99 ms | Coffer CPU µs/req "
               "| nginx req/s | p50 ms | p99 ms | nginx CPU µs/req | Coffer ÷ nginx |")
    out.append("|---|---|---|---|---|---|---|---|---|---|---|---|---|")
    for r in info["results"]:
        c, n = r["coffer"], r.get("nginx")
        cells = [str(r["secrets"]), r["layout"], r["workload"], str(r["connections"]),
                 "%.0f" % c["rps"], "%.2f" % c["p50_ms"], "%.2f" % c["p99_ms"],
                 "%.0f" % (c["cpu_us_per_req"] or 0)]
        if n:
            cells += ["%.0f" % n["rps"], "%.2f" % n["p50_ms"], "%.2f" % n["p99_ms"],
                      "%.1f" % (n["cpu_us_per_req"] or 0), "**%.2f**" % r["ratio"]]
        else:
            cells += ["–", "–", "–", "–", "–"]
        if c["errors"]:
            cells[4] += " (%d errors)" % c["errors"]
        out.append("| " + " | ".join(cells) + " |")
    out.append("")
    out.append("| secrets | database | seeding (API, 16 connections) | start-up s (each start) | RSS MB (each start, after its runs) |")
    out.append("|---|---|---|---|---|")
    for s in info["sizes"]:
        out.append("| %d | %.1f MB | %s | %s | %s |" % (
            s["secrets"], s["db_bytes"] / 1e6,
            "earlier run (--seed-cache)" if s["seed_s"] is None else "%.1f s" % s["seed_s"],
            " / ".join("%.3f" % x for x in s["startup_s"]),
            " / ".join("%.0f" % (x / 1024) for x in s["rss_kb"])))
    return "\n".join(out) + "\n"


def main():
    if len(sys.argv) == 3 and sys.argv[1] == "--markdown":
        with open(sys.argv[2]) as f:
            sys.stdout.write(markdown(json.load(f)))
        return
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    p.add_argument("--coffer", default=os.path.join(ROOT, "build-bench", "coffer"))
    p.add_argument("--sizes", default="1000",
                   help="comma-separated numbers of secrets, e.g. 1000,1000000")
    p.add_argument("--conns", default="1,16,64")
    p.add_argument("--layouts", default="pinned,unpinned")
    p.add_argument("--workloads", default=",".join(READ_WORKLOADS + WRITE_WORKLOADS))
    p.add_argument("--duration", type=int, default=5, help="seconds per run (wrk takes whole seconds)")
    p.add_argument("--warmup", type=int, default=1)
    p.add_argument("--audit", choices=("on", "off"), default="on",
                   help="the audit trail of the measured servers (default on, as `coffer serve`)")
    p.add_argument("--rounds", type=int, default=2, help="Coffer/nginx alternations per cell")
    p.add_argument("--write-rate", type=float, default=30000,
                   help="pre-signed write requests per second of run (each is used once)")
    p.add_argument("--seed-tmpfs", metavar="DIR", default=None,
                   help="seed in a data directory on this tmpfs (e.g. /dev/shm), then move it to "
                        "disk for the measurement (for 1,000,000 secrets)")
    p.add_argument("--seed-cache", metavar="DIR", default=None,
                   help="keep each seeded data directory in DIR/seeded-N and start later runs "
                        "from a copy of it (delete DIR yourself)")
    p.add_argument("--quick", action="store_true",
                   help="1,000 secrets, 2 s runs, 1 s warm-up, one round")
    p.add_argument("--out", default=os.path.join(HERE, "results", "latest.json"))
    a = p.parse_args()
    if a.quick:
        a.sizes, a.duration, a.warmup, a.rounds = "1000", 2, 1, 1
    a.sizes = [int(x) for x in str(a.sizes).split(",") if x]
    a.conns = [int(x) for x in a.conns.split(",") if x]
    a.layouts = [x for x in a.layouts.split(",") if x]
    a.workloads = [x for x in a.workloads.split(",") if x]
    for tool in ("wrk", "nginx", "taskset"):
        if not shutil.which(tool):
            sys.exit("bench: %s not found (apt-get install wrk nginx-light util-linux)" % tool)
    info = {"started": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
            "machine": machine(), "versions": versions(),
            "settings": {"sizes": a.sizes, "conns": a.conns, "layouts": a.layouts,
                         "duration_s": a.duration, "warmup_s": a.warmup, "rounds": a.rounds,
                         "wrk": "wrk -t1 -cN --timeout 5s -s bench/replay.lua",
                         "pinned": "server on CPU 0 (Coffer --threads 1, nginx 1 worker), wrk on CPU 1",
                         "unpinned": "no affinity, Coffer --threads 0 (one per core), nginx 1 worker"}}
    b = Bench(a)
    # A kill (SIGTERM) or Ctrl-C still stops the servers and removes the data.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    print("load average before: %.2f %.2f %.2f" % info["machine"]["loadavg_before"], file=sys.stderr)
    print(HEADER, file=sys.stderr)
    try:
        b.run()
    finally:
        for srv in LIVE:
            srv.stop()
        shutil.rmtree(b.work, ignore_errors=True)
    info["machine"]["loadavg_after"] = os.getloadavg()
    info["finished"] = datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds")
    info["sizes"] = b.sizes
    info["results"] = b.results
    os.makedirs(os.path.dirname(a.out), exist_ok=True)
    with open(a.out, "w") as f:
        json.dump(info, f, indent=1)
    m = info["machine"]
    print("\nCoffer vs nginx (same run). Machine: %d CPUs, %s, %.1f GB RAM; load average "
          "before %.2f %.2f %.2f, after %.2f %.2f %.2f"
          % ((m["nproc"], m["cpu"], m["ram_gb"]) + tuple(m["loadavg_before"])
             + tuple(m["loadavg_after"])))
    print(HEADER)
    for row in b.results:
        print(fmt_row(row))
    print()
    for s in b.sizes:
        print("%d secrets: seeded in %s, db %.1f MB, start-up %s s, RSS %s MB (peak %s MB)"
              % (s["secrets"], "(copied from --seed-cache)" if s["seed_s"] is None
                 else "%.1f s" % s["seed_s"], s["db_bytes"] / 1e6,
                 "/".join("%.3f" % x for x in s["startup_s"]),
                 "/".join("%.0f" % (x / 1024) for x in s["rss_kb"]),
                 "/".join("%.0f" % (x / 1024) for x in s["rss_hwm_kb"])))
    print("\nwrote %s" % a.out)


if __name__ == "__main__":
    main()
