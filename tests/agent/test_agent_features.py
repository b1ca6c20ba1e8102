#!/usr/bin/python3
"""End to end: the caching agent's features beyond AWS's agent (issue 23), in
front of a real `coffer serve`: serve-stale on transient errors (the server
stopped mid-test), prefetch at start (BatchGetSecretValue by ids, name
prefixes and tags), /metrics, and push invalidation (the server's
/coffer/secret-changes long poll).

Uses test_agent.py's harness (Server, Agent, check). Debian's /usr/bin/python3,
standard library only. Prints "N passed, M failed".
"""
import http.client
import json
import os
import re
import shutil
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import test_agent as h  # noqa: E402

check = h.check


def restart(srv):
    """Stops `srv` and starts it again on the same address and data directory."""
    h.stop(srv.proc)
    port = srv.url.rsplit(":", 1)[1]
    with open(srv.log, "ab") as log:
        srv.proc = subprocess.Popen(
            [h.BIN, "serve", "--data-dir", srv.dir, "--listen", "127.0.0.1:" + port],
            stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
    h.PROCS.append(srv.proc)
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        try:
            c = http.client.HTTPConnection("127.0.0.1", int(port), timeout=2)
            c.request("GET", "/")
            c.getresponse().read()
            c.close()
            return True
        except OSError:
            time.sleep(0.05)
    return False


def get(agent, target, token=h.TOKEN):
    """(status, headers dict with lower-case names, body text)."""
    conn = http.client.HTTPConnection(agent.host, agent.port, timeout=30)
    conn.request("GET", target, headers={"X-Aws-Parameters-Secrets-Token": token} if token else {})
    r = conn.getresponse()
    body = r.read().decode()
    headers = {k.lower(): v for k, v in r.getheaders()}
    conn.close()
    return r.status, headers, body


def secret_string(body):
    try:
        return json.loads(body).get("SecretString")
    except ValueError:
        return None


def metric(agent, name):
    status, _, body = get(agent, "/metrics")
    m = re.search(r"^%s (\d+)$" % re.escape(name), body, re.M)
    return int(m.group(1)) if m else None


def test_serve_stale(srv, env, values):
    agent = h.Agent("stale", h.agent_config(srv, ttl=2), env)
    strict = h.Agent("strict", h.agent_config(srv, ttl=2, extra="max_stale_seconds = 0\n"), env)
    check("agents for serve-stale start", agent.port and strict.port, agent.log_text()[-300:])
    if not (agent.port and strict.port):
        return
    for a in (agent, strict):
        status, _, body = get(a, "/v1/feat/db")
        check("a value is cached", status == 200 and secret_string(body) == values["feat/db"])
        get(a, "/v1/feat/gone")
    srv.aws("secretsmanager", "delete-secret", "--secret-id", "feat/gone",
            "--force-delete-without-recovery")
    time.sleep(2.2)
    status, _, body = get(agent, "/v1/feat/gone")
    check("after the TTL a deleted secret's 4xx is passed through",
          status == 400 and "ResourceNotFoundException" in body, (status, body))

    h.stop(srv.proc)  # the server goes away mid-test
    status, headers, body = get(agent, "/v1/feat/db")
    check("server down, TTL passed: the cached value is served stale",
          status == 200 and secret_string(body) == values["feat/db"], (status, body[:80]))
    age = headers.get("x-coffer-stale")
    check("marked X-Coffer-Stale: <age seconds>", age is not None and 2 <= int(age) <= 10, headers)
    status, headers, body = get(agent, "/v1/feat/db?refreshNow=true")
    check("refreshNow=true is not served stale: 502 ConnectionError",
          status == 502 and "ConnectionError" in body, (status, body))
    status, _, body = get(agent, "/v1/feat/gone")
    check("the entry dropped on the 4xx is not served stale", status == 502, (status, body))
    status, _, body = get(agent, "/v1/feat/never-read")
    check("an uncached secret: 502 ConnectionError", status == 502, (status, body))
    status, headers, body = get(strict, "/v1/feat/db")
    check("max_stale_seconds = 0: never stale", status == 502 and "x-coffer-stale" not in headers,
          (status, headers))
    check("stale serves counted", metric(agent, "coffer_agent_cache_stale_serves_total") == 1)
    check("the stale serve is logged, without the value",
          "served the cached value stale" in agent.log_text())

    check("the server comes back", restart(srv))
    status, headers, body = get(agent, "/v1/feat/db")
    check("back up: fresh again, no stale header",
          status == 200 and "x-coffer-stale" not in headers, (status, headers))
    h.stop(agent.proc)
    h.stop(strict.proc)


def test_prefetch(srv, env, values):
    arn_b = srv.aws("secretsmanager", "describe-secret", "--secret-id", "pf/b")["ARN"]
    config = h.agent_config(srv, ttl=300, extra=(
        'watch = false\nprefetch_secret_ids = ["pf/a", "%s", "pf/missing"]\n'
        'prefetch_name_prefixes = ["ci/"]\nprefetch_tags = { team = "payments" }\n' % arn_b))
    agent = h.Agent("prefetch", config, env)
    check("an agent with prefetch starts (a missing id is not fatal)", agent.port is not None,
          agent.log_text()[-400:])
    if agent.port is None:
        return
    log = agent.log_text()
    check("prefetch logged with its counts", '"msg":"agent: prefetched"' in log
          and '"errors":"1"' in log, log[-600:])
    check("the missing id is logged", "pf/missing" in log)
    h.stop(srv.proc)  # everything below comes from the cache
    for name in ("pf/a", "pf/b", "ci/one", "ci/two", "tagged/x"):
        status, headers, body = get(agent, "/v1/" + name)
        check("prefetched %s answers with the server stopped" % name,
              status == 200 and secret_string(body) == values[name]
              and "x-coffer-stale" not in headers, (status, body[:100]))
    status, _, body = get(agent, "/secretsmanager/get?secretId=" + arn_b)
    check("and by ARN", status == 200 and secret_string(body) == values["pf/b"], (status, body[:80]))
    status, _, body = get(agent, "/v1/untagged/y")
    check("a secret outside the prefetch is not cached", status == 502, status)
    check("prefetched_total counts the secrets",
          metric(agent, "coffer_agent_prefetched_total") == 5, metric(agent, "coffer_agent_prefetched_total"))
    check("cache hits counted", metric(agent, "coffer_agent_cache_hits_total") == 6)
    h.stop(agent.proc)
    check("the server comes back", restart(srv))


def test_metrics(srv, env):
    agent = h.Agent("metrics", h.agent_config(srv, extra="watch = false\n"), env)
    if agent.port is None:
        check("metrics agent starts", False, agent.log_text()[-300:])
        return
    check("/metrics without the token: 403", get(agent, "/metrics", token=None)[0] == 403)
    check("/metrics with a wrong token: 403", get(agent, "/metrics", token="nope")[0] == 403)
    get(agent, "/v1/feat/db")
    get(agent, "/v1/feat/db")
    get(agent, "/v1/feat/nothing")
    status, headers, body = get(agent, "/metrics")
    check("/metrics: Prometheus text", status == 200
          and headers.get("content-type", "").startswith("text/plain; version=0.0.4"), headers)
    for line in ('coffer_agent_requests_total{outcome="hit"} 1',
                 'coffer_agent_requests_total{outcome="miss"} 1',
                 'coffer_agent_requests_total{outcome="upstream_error"} 1',
                 'coffer_agent_upstream_calls_total{operation="GetSecretValue"} 2',
                 'coffer_agent_upstream_errors_total{kind="client"} 1',
                 "coffer_agent_cache_entries 1"):
        check("metrics: " + line, line in body.split("\n"), body[:2000])
    check("no secret id in the metrics", "feat/" not in body)
    h.stop(agent.proc)


def main():
    srv = h.Server("features")
    values = {}
    for name, tags in (("feat/db", None), ("feat/gone", None), ("pf/a", None), ("pf/b", None),
                       ("ci/one", None), ("ci/two", None),
                       ("tagged/x", '[{"Key":"team","Value":"payments"}]'),
                       ("untagged/y", '[{"Key":"team","Value":"search"}]')):
        values[name] = "value-of-%s-%d" % (name, os.getpid())
        args = ["secretsmanager", "create-secret", "--name", name, "--secret-string", values[name]]
        if tags:
            args += ["--tags", tags]
        srv.aws(*args)
    env = {"AWS_SHARED_CREDENTIALS_FILE": srv.credentials, "AWS_CONFIG_FILE": os.devnull,
           "AWS_TOKEN": h.TOKEN}
    test_metrics(srv, env)
    test_serve_stale(srv, env, values)
    test_prefetch(srv, env, values)
    if "--no-watch" not in sys.argv:
        import agent_watch_tests
        agent_watch_tests.run(srv, env, values, restart)
    logs = "".join(open(os.path.join(h.TMP, n), errors="replace").read()
                   for n in os.listdir(h.TMP) if n.endswith((".log", ".out")))
    leaked = [v for v in values.values() if v in logs]
    check("no secret value in any agent's output", not leaked, "%d value(s)" % len(leaked))


if __name__ == "__main__":
    h.run(main)
