#!/usr/bin/python3
"""Two Coffer builds side by side, at the same time, on one pinned core.

On a shared machine a before/after pair of `bench.py` runs measures the other
users' load as much as the change. Here builds A and B each get their own
data directory (seeded alike), both servers are pinned to CPU 0 (one I/O
thread each, audit trail on) and two wrk processes on CPU 1 drive them at the
same time for the same seconds. Both see the same interference, and the
kernel shares CPU 0 between them, so the ratio of their request rates is the
inverse ratio of their CPU cost per request. Also printed: each one's CPU
µs per request.

Usage: bench/ab.py --a OLD/coffer --b NEW/coffer [--workload GetSecretValue-role]
       [--rounds 3] [--duration 5] [--conns 64]
"""
import argparse
import importlib.util
import json
import os
import random
import shutil
import statistics
import sys
import threading

HERE = os.path.dirname(os.path.abspath(__file__))
spec = importlib.util.spec_from_file_location("bench", os.path.join(HERE, "bench.py"))
bench = importlib.util.module_from_spec(spec)
spec.loader.exec_module(bench)


def prepare(b, binary, tag, size, workload):
    """Seeds a data directory for `binary`, starts it pinned with the audit
    trail on, and returns (coffer, request file)."""
    data = os.path.join(b.work, "data-" + tag)
    os.makedirs(data)
    log = os.path.join(b.work, "coffer-%s.log" % tag)
    c = bench.Coffer(binary, data, 0, None, log, audit=False).start()
    akid, secret = bench.read_credentials(data)
    b.seed(c, bench.Signer(akid, secret, "%s:%d" % (c.host, c.port)), 0, size)
    c.stop()
    c = bench.Coffer(binary, data, 1, "0", log, audit=True).start()
    signer = bench.Signer(akid, secret, "%s:%d" % (c.host, c.port))
    conn = bench.http.client.HTTPConnection(c.host, c.port, timeout=60)
    rnd = random.Random(size)
    sample = [rnd.randrange(size) for _ in range(min(2000, size))]
    arns = {}
    for i in set(sample):
        st, body = bench.call(conn, signer, "DescribeSecret", {"SecretId": bench.secret_name(i)})
        arns[i] = json.loads(body)["ARN"]
        bench.call(conn, signer, "GetSecretValue", {"SecretId": arns[i]})  # LastAccessedDate
    if workload == "GetSecretValue-role":
        b._role_creds = None  # a role and a session of this data directory's own
        signer = b.role_signer(c, akid, secret, arns)
    _, gen = b.read_bodies(size, arns)
    st, body = bench.call(conn, signer, *gen(workload)[0])
    if st != 200:
        raise RuntimeError("%s on %s: %d %s" % (workload, tag, st, body[:300]))
    conn.close()
    path = b.sign_file(signer, gen(workload), "req-" + tag)
    return c, path, lambda: b.sign_file(signer, gen(workload), "req-" + tag)


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--a", required=True, help="the baseline coffer binary")
    p.add_argument("--b", required=True, help="the changed coffer binary")
    p.add_argument("--workload", default="GetSecretValue-role",
                   choices=["GetSecretValue-arn", "GetSecretValue-role"])
    p.add_argument("--size", type=int, default=1000)
    p.add_argument("--conns", type=int, default=64)
    p.add_argument("--duration", type=int, default=5)
    p.add_argument("--rounds", type=int, default=3)
    a = p.parse_args()
    for tool in ("wrk", "taskset"):
        if shutil.which(tool) is None:
            sys.exit("%s is not installed" % tool)
    b = bench.Bench(argparse.Namespace())
    servers = {}
    try:
        for tag, binary in (("A", a.a), ("B", a.b)):
            servers[tag] = prepare(b, os.path.abspath(binary), tag, a.size, a.workload)
        rows = {"A": [], "B": []}
        for r in range(a.rounds + 1):  # round 0 warms up
            results = {}
            files = {tag: s[2]() for tag, s in servers.items()}  # freshly signed

            def drive(tag):
                c = servers[tag][0]
                results[tag] = bench.run_wrk(c.port, a.conns, a.duration, files[tag], "1",
                                             c.pids())
            threads = [threading.Thread(target=drive, args=(t,)) for t in ("A", "B")]
            for t in threads:
                t.start()
            for t in threads:
                t.join()
            if r == 0:
                continue
            for tag in ("A", "B"):
                rows[tag].append(results[tag])
            ra, rb = results["A"], results["B"]
            print("round %d: A %7.0f req/s %5.1f µs/req p99 %6.2f ms | B %7.0f req/s %5.1f µs/req "
                  "p99 %6.2f ms | B/A %.2f" % (r, ra["rps"], ra["srv_cpu_us_per_req"],
                                               ra["p99_us"] / 1000, rb["rps"],
                                               rb["srv_cpu_us_per_req"], rb["p99_us"] / 1000,
                                               rb["rps"] / ra["rps"]), flush=True)
        ratios = [y["rps"] / x["rps"] for x, y in zip(rows["A"], rows["B"])]
        cpu = {t: [x["srv_cpu_us_per_req"] for x in rows[t]] for t in rows}
        print("%s, %d conns each, %d rounds: B/A request rate %.2f (%.2f-%.2f); CPU µs/req "
              "A %.1f B %.1f (medians)" % (a.workload, a.conns, a.rounds, statistics.median(ratios),
                                           min(ratios), max(ratios), statistics.median(cpu["A"]),
                                           statistics.median(cpu["B"])))
    finally:
        for s in servers.values():
            s[0].stop()
        shutil.rmtree(b.work, ignore_errors=True)


if __name__ == "__main__":
    main()
