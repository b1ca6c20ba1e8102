"""The caching agent's cache-hit row of `make bench` (issue 23), called by
bench.py for the workload "Agent-GetSecretValue-hit".

Starts `coffer agent` in front of the bench's Coffer server (long TTL, no
push invalidation, the server's admin keys in a credentials file), reads the
sampled secrets through it once so that they are cached, then replays with wrk
`GET /v1/<name>` requests carrying the SSRF token: every one a cache hit. In
the same run nginx answers the same requests with the very bytes the agent
returned for one of them, on the same core (the agent's layout: pinned = CPU
0 for the agent and nginx, wrk on CPU 1). The row goes through Bench.record
like the others.
"""
import http.client
import importlib
import os
import re
import subprocess
import sys
import threading

# bench.py runs as __main__: use that module (its LIVE list, its settings).
B = sys.modules["__main__"] if hasattr(sys.modules["__main__"], "Nginx") else \
    importlib.import_module("bench")

WORKLOAD = "Agent-GetSecretValue-hit"
TOKEN = "bench-agent-ssrf-token-0123456789"


class Agent:
    def __init__(self, binary, work, server, akid, secret, cpus, log):
        self.dir = os.path.join(work, "agent")
        os.makedirs(self.dir, exist_ok=True)
        creds = os.path.join(self.dir, "credentials")
        with open(creds, "w") as f:
            f.write("[default]\naws_access_key_id = %s\naws_secret_access_key = %s\n"
                    % (akid, secret))
        self.conf = os.path.join(self.dir, "agent.toml")
        with open(self.conf, "w") as f:
            f.write('http_port = 0\nttl_seconds = 3600\ncache_size = 1000\nregion = "%s"\n'
                    'endpoint_url = "http://%s:%d"\nlog_level = "WARN"\nwatch = false\n'
                    'validate_credentials = false\n' % (B.REGION, server.host, server.port))
        self.env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": self.dir,
                    "AWS_TOKEN": TOKEN, "AWS_SHARED_CREDENTIALS_FILE": creds,
                    "AWS_CONFIG_FILE": os.devnull}
        self.binary, self.cpus, self.log = binary, cpus, log
        self.proc = None

    def start(self):
        cmd = (["taskset", "-c", self.cpus] if self.cpus else []) + [
            self.binary, "agent", "--config", self.conf]
        B.spawn_listening(self, cmd, "coffer agent", env=self.env)
        return self

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.proc = None

    def pids(self):
        return [self.proc.pid]


def raw_get(host, port, name):
    return ("GET /v1/%s HTTP/1.1\r\nHost: %s:%d\r\nUser-Agent: coffer-bench/1.0\r\n"
            "X-Aws-Parameters-Secrets-Token: %s\r\n\r\n" % (name, host, port, TOKEN)).encode()


def run(bench, server, akid, secret, size, layout, srv_cpus, wrk_cpus, sample):
    """Measures the row for each connection count of the run."""
    a = bench.a
    log = os.path.join(bench.work, "agent-%d-%s.log" % (size, layout))
    agent = Agent(os.path.abspath(a.coffer), bench.work, server, akid, secret, srv_cpus,
                  log).start()
    try:
        names = [B.secret_name(i) for i in sorted(set(sample))][:1000]  # cache_size
        conn = http.client.HTTPConnection(agent.host, agent.port, timeout=60)
        body = None
        for name in names:  # fill the cache: every replayed request is a hit
            conn.request("GET", "/v1/" + name, headers={"X-Aws-Parameters-Secrets-Token": TOKEN})
            r = conn.getresponse()
            data = r.read()
            if r.status != 200:
                raise RuntimeError("agent GET %s: %d %s" % (name, r.status, data[:200]))
            body = body or data
        conn.close()
        reqfile = os.path.join(bench.work, "agent.req")
        B.write_requests(reqfile, [raw_get(agent.host, agent.port, n) for n in names])
        ng = B.Nginx(bench.work, {WORKLOAD: body}, srv_cpus).start()
        try:
            for conns in a.conns:
                runs = {"coffer": [], "nginx": []}
                for _ in range(a.rounds):
                    for who in ("coffer", "nginx"):
                        port = agent.port if who == "coffer" else ng.ports[WORKLOAD]
                        pids = agent.pids() if who == "coffer" else ng.pids()
                        if a.warmup > 0:
                            B.run_wrk(port, conns, a.warmup, reqfile, wrk_cpus, pids)
                        runs[who].append(B.run_wrk(port, conns, a.duration, reqfile, wrk_cpus,
                                                   pids))
                bench.record(size, layout, WORKLOAD, conns, runs, len(body), ng.modes[WORKLOAD])
        finally:
            ng.stop()
    finally:
        agent.stop()
