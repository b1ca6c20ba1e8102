#!/usr/bin/python3
"""Three Coffer nodes over one PostgreSQL database (issue 24, docs/scale-out.md), black-box
with boto3: a throwaway PostgreSQL (tests/lib/pg_server.py), node 1 bootstraps the database
and its data directory, nodes 2 and 3 get copies of its root.key and credentials; then

  * writes on one node visible on the next read on another (secrets, labels, a KMS key
    disabled on one node refusing reads on another, an IAM user's access key made on one
    node usable on another and revoked everywhere), a ListSecrets page token of node A
    taken by node B, a secret-changes long poll on node B answered within 1 s of a
    PutSecretValue on node A;
  * one leader; the leader killed with SIGKILL -> another node leads within seconds and
    the purge of a secret past its recovery window runs once, on the new leader;
  * two nodes starting at once on an empty database migrate it once;
  * faults: PostgreSQL restarted under a write loop (errors are retryable 5xx, every
    acknowledged write is there afterwards, the nodes reconnect by themselves, one leader
    again, the change feeds reset), and the write lock held elsewhere: a write fails after
    lock_timeout with a retryable error instead of hanging.

Ends with "N passed, M failed". Debian's python3, boto3 and PostgreSQL only.
"""
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from botocore.exceptions import ClientError, EndpointConnectionError  # noqa: E402
from scale_nodes import (COUNTS, RETRYABLE, WRITE_LOCK_KEY, Node, Pg, check, code_of,  # noqa: E402
                         wait_until, watch)

def main():
    root = tempfile.mkdtemp(prefix="coffer-scale.")
    pg = Pg()  # its own directory, which the postgres user can reach
    pg.init()
    pg.start()
    pg.psql("CREATE DATABASE coffer")
    pg.psql("CREATE DATABASE coffer_race")
    base = "postgresql://postgres:%s@127.0.0.1:%d/" % (
        urllib.parse.quote(pg.superuser_password, safe=""), pg.port)
    url = base + "coffer?sslmode=disable"
    nodes = []
    try:
        run(root, pg, url, base, nodes)
    finally:
        for n in nodes:
            try:
                n.srv.close()
            except Exception:  # noqa: BLE001
                pass
        pg.cleanup()
        shutil.rmtree(root, ignore_errors=True)
    print("%d passed, %d failed" % (COUNTS["passed"], COUNTS["failed"]))
    return 0 if COUNTS["failed"] == 0 else 1


def q(pg, sql, db="coffer"):
    return pg.psql(sql, dbname=db).strip()


def run(root, pg, url, base, nodes):
    # ------------------------------------------------------------ three nodes
    n1 = Node("node1", root, url).start()
    nodes.append(n1)
    check("node 1 bootstraps the database and leads",
          wait_until(n1.leads, 10), n1.srv.log_tail())
    for f in ("root.key", "credentials"):  # docs/scale-out.md: copy both to the other nodes
        for name in ("node2", "node3"):
            os.makedirs(os.path.join(root, name), mode=0o700, exist_ok=True)
            dst = os.path.join(root, name, f)
            shutil.copyfile(os.path.join(n1.dir, f), dst)
            os.chmod(dst, 0o600)
    n2 = Node("node2", root, url).start()
    n3 = Node("node3", root, url).start()
    nodes += [n2, n3]
    time.sleep(2.5)  # a few election rounds
    check("exactly one leader among three", sum(n.leads() for n in nodes) == 1,
          [n.leads() for n in nodes])
    check("nodes 2 and 3 follow (no 'became leader' in their logs)",
          all(not n.messages("became leader") for n in (n2, n3)))
    ak, sk = n1.srv.credentials()
    sm = [n.client() for n in nodes]

    # ------------------------------------------------------------ read-your-writes across nodes
    seen = 0
    for i in range(12):
        a, b = sm[i % 3], sm[(i + 1) % 3]
        a.create_secret(Name="scale/s%02d" % i, SecretString="v%d-1" % i)
        if b.get_secret_value(SecretId="scale/s%02d" % i)["SecretString"] == "v%d-1" % i:
            seen += 1
    check("a secret created on one node is read at once on the next", seen == 12, seen)
    seen = 0
    for i in range(12):
        a, b = sm[(i + 2) % 3], sm[i % 3]
        a.put_secret_value(SecretId="scale/s%02d" % i, SecretString="v%d-2" % i)
        cur = b.get_secret_value(SecretId="scale/s%02d" % i)["SecretString"]
        prev = b.get_secret_value(SecretId="scale/s%02d" % i, VersionStage="AWSPREVIOUS")
        if cur == "v%d-2" % i and prev["SecretString"] == "v%d-1" % i:
            seen += 1
    check("PutSecretValue on one node: AWSCURRENT and AWSPREVIOUS on another", seen == 12, seen)

    # ListSecrets page tokens are valid on any node sharing the root key.
    p1 = sm[0].list_secrets(MaxResults=5, Filters=[{"Key": "name", "Values": ["scale/"]}])
    tok = p1.get("NextToken")
    ok2 = False
    if tok:
        p2 = sm[1].list_secrets(MaxResults=5, NextToken=tok,
                                Filters=[{"Key": "name", "Values": ["scale/"]}])
        names1 = {s["Name"] for s in p1["SecretList"]}
        names2 = {s["Name"] for s in p2["SecretList"]}
        ok2 = len(names2) == 5 and not names1 & names2
    check("a ListSecrets page token of node 1 is taken by node 2", ok2)

    # KMS: a key disabled on node 2 refuses reads on node 3.
    kms = [n.client("kms") for n in nodes]
    key = kms[0].create_key(Description="scale")["KeyMetadata"]["KeyId"]
    sm[0].create_secret(Name="scale/kms", SecretString="under-cmk", KmsKeyId=key)
    kms[1].disable_key(KeyId=key)
    try:
        sm[2].get_secret_value(SecretId="scale/kms")
        code = "none"
    except ClientError as e:
        code = e.response["Error"]["Code"]
    check("a KMS key disabled on node 2: node 3 refuses the secret's value",
          code in ("DecryptionFailure", "DisabledException", "KMSInvalidStateException",
                   "InvalidRequestException"), code)
    kms[2].enable_key(KeyId=key)
    check("enabled on node 3: node 1 reads it",
          sm[0].get_secret_value(SecretId="scale/kms")["SecretString"] == "under-cmk")

    # IAM: a user and key made on node 1 work on node 2; deleted on node 3, refused on node 2.
    iam = n1.client("iam")
    iam.create_user(UserName="scale-user")
    k = iam.create_access_key(UserName="scale-user")["AccessKey"]
    sts2 = n2.client("sts", ak=k["AccessKeyId"], sk=k["SecretAccessKey"])
    check("an access key made on node 1 signs on node 2 (within the auth poll)",
          wait_until(lambda: sts2.get_caller_identity()["Arn"].endswith(":user/scale-user"), 3))
    n3.client("iam").delete_access_key(UserName="scale-user", AccessKeyId=k["AccessKeyId"])

    def refused():
        try:
            sts2.get_caller_identity()
            return False
        except ClientError as e:
            return e.response["Error"]["Code"] in ("InvalidClientTokenId",
                                                   "UnrecognizedClientException")
    check("deleted on node 3: refused on node 2 within seconds", wait_until(refused, 3))

    # ------------------------------------------------------------ change notices across nodes
    status, body = watch(n2, ak, sk)
    token = body.get("NextToken")
    result = {}

    def poll():
        result["t0"] = time.monotonic()
        result["answer"] = watch(n2, ak, sk, after=token, wait=10)
        result["t1"] = time.monotonic()
    th = threading.Thread(target=poll)
    th.start()
    time.sleep(0.5)  # parked
    t_put = time.monotonic()
    sm[0].put_secret_value(SecretId="scale/s00", SecretString="v0-3")
    th.join(15)
    st, ans = result.get("answer", (0, {}))
    names = [c.get("Name") for c in ans.get("Changes", [])]
    check("a secret-changes poll on node 2 answers a PutSecretValue on node 1",
          st == 200 and "scale/s00" in names, (st, ans))
    latency = result.get("t1", 99) - t_put
    check("... within 1 s (%.0f ms)" % (latency * 1000), latency < 1.0)

    # ------------------------------------------------------------ leader killed
    leader = next(n for n in nodes if n.leads())
    others = [n for n in nodes if n is not leader]
    leader.kill()
    t_kill = time.monotonic()
    took = wait_until(lambda: sum(n.leads() for n in others) == 1, 15, 0.05)
    took_s = time.monotonic() - t_kill
    check("the leader killed (SIGKILL): another node leads within 5 s (%.1f s)" % took_s,
          took and took_s < 5.0)
    new_leader = next((n for n in others if n.leads()), others[0])
    lc = new_leader.client()
    follower = next(n for n in others if n is not new_leader)
    purged_before = sum(len(n.messages("purged secrets past their recovery window"))
                        for n in others)
    fc = follower.client()
    fc.create_secret(Name="scale/purge-me", SecretString="bye")
    fc.delete_secret(SecretId="scale/purge-me", RecoveryWindowInDays=7)
    # The recovery window "ends" now (the test moves the date, not the clock).
    q(pg, "UPDATE secrets SET deletion_date_ms = (extract(epoch from now()) * 1000)::bigint - 1000"
          " WHERE name = 'scale/purge-me'")

    def gone():
        try:
            lc.describe_secret(SecretId="scale/purge-me")
            return False
        except ClientError as e:
            return e.response["Error"]["Code"] == "ResourceNotFoundException"
    check("the new leader purges a secret past its recovery window", wait_until(gone, 10))
    time.sleep(2.5)  # more rounds on every node
    lines = {n.name: len(n.messages("purged secrets past their recovery window"))
             for n in others}
    check("... once: one purge log line, on the leader",
          sum(lines.values()) - purged_before == 1 and lines[follower.name] == 0, lines)

    # The killed node comes back as a follower.
    back = Node(leader.name, root, url)
    nodes[nodes.index(leader)] = back
    back.start()
    time.sleep(2.5)
    check("the killed node restarts as a follower; still one leader",
          not back.leads() and sum(n.leads() for n in nodes) == 1)
    sm = [n.client() for n in nodes]

    # ------------------------------------------------------------ two nodes at once, empty DB
    race_url = base + "coffer_race?sslmode=disable"
    keyfile = os.path.join(root, "race.key")
    shutil.copyfile(os.path.join(n1.dir, "root.key"), keyfile)
    os.chmod(keyfile, 0o600)
    racers = [Node("race%d" % i, root, race_url, ["--root-key-file", keyfile]) for i in (1, 2)]
    started = [None, None]
    threads = [threading.Thread(target=lambda i=i: started.__setitem__(i, _try_start(racers[i])))
               for i in (0, 1)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    print("# two nodes at once on an empty database: started %s" % started, flush=True)
    check("two nodes starting at once on an empty database (one root key): both serve",
          started == [True, True], [r.srv.log_tail(3) for r in racers])
    check("... schema 10 applied once",
          q(pg, "SELECT count(*) FROM coffer_schema WHERE version = 10", "coffer_race") == "1")
    check("... and one default account",
          q(pg, "SELECT count(*) FROM accounts", "coffer_race") == "1")
    for r in racers:
        r.srv.close()

    faults(pg, nodes, sm)


def _try_start(node):
    try:
        node.start()
        return True
    except RuntimeError:
        return False


def faults(pg, nodes, sm):
    # ------------------------------------------------------------ PostgreSQL restarted under load
    acked = []     # (secret, value) acknowledged
    errors = {}    # (code, http status) -> count
    stop = threading.Event()

    def writer(i):
        # Each write a CreateSecret of a fresh name (PutSecretValue would reach the
        # 100-version limit), spread over the three nodes.
        n = 0
        while not stop.is_set():
            n += 1
            name, val = "fault/w%d/%06d" % (i, n), "w%d-%d" % (i, n)
            try:
                sm[(i + n) % 3].create_secret(Name=name, SecretString=val)
                acked.append((name, val))
            except (ClientError, EndpointConnectionError) as e:
                errors[code_of(e)] = errors.get(code_of(e), 0) + 1
                time.sleep(0.05)
    threads = [threading.Thread(target=writer, args=(i,)) for i in range(3)]
    for t in threads:
        t.start()
    time.sleep(1.5)
    before = len(acked)
    t_stop = time.monotonic()
    pg.stop()   # fast shutdown: every session ends
    time.sleep(3)
    pg.start()  # same port
    t_up = time.monotonic()
    down_s = t_up - t_stop
    resumed = wait_until(lambda: len(acked) > before + 30 and all(
        any(a[0].startswith("fault/w%d/" % i) for a in acked[-30:]) for i in range(3)), 30)
    took = time.monotonic() - t_up
    time.sleep(1)
    stop.set()
    for t in threads:
        t.join(60)
    print("# PostgreSQL down %.1f s; %d writes acknowledged; errors: %s; writes resumed %.1f s "
          "after the restart" % (down_s, len(acked), errors, took), flush=True)
    alive = [n.srv.proc is not None and n.srv.proc.poll() is None for n in nodes]
    check("every node survives the restart", all(alive),
          ["%s rc=%s: %s" % (n.name, n.srv.proc.poll(), n.log()[-3000:]) for n, a in
           zip(nodes, alive) if not a])
    check("writes fail while PostgreSQL is down", sum(errors.values()) > 0, errors)
    check("... only with retryable 5xx errors",
          all(code in RETRYABLE and status in (500, 503) for code, status in errors), errors)
    check("the nodes reconnect by themselves: every writer acknowledged again", resumed)
    missing = 0
    for name, val in acked:
        try:
            got = sm[0].get_secret_value(SecretId=name)["SecretString"]
            missing += got != val
        except ClientError:
            missing += 1
    check("no acknowledged write lost (%d read back)" % len(acked), missing == 0, missing)
    time.sleep(2.5)
    check("one leader after the restart", sum(n.leads() for n in nodes) == 1,
          [n.leads() for n in nodes])
    check("the change feeds were told to reset (channel lost, listening again)",
          all(n.messages("change notices: listening again after a lost session; watchers are "
                         "told to reset") for n in nodes))

    # ------------------------------------------------------------ a stall is a timeout
    holder = subprocess.Popen(
        ["/usr/bin/psql", "-X", "-q", "-h", "127.0.0.1", "-p", str(pg.port), "-U", "postgres",
         "-d", "coffer", "-c", "SELECT pg_advisory_lock(%d)" % WRITE_LOCK_KEY,
         "-c", "SELECT pg_sleep(40)"],
        env=dict(os.environ, PGPASSWORD=pg.superuser_password), stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL)
    time.sleep(1)
    t0 = time.monotonic()
    try:
        sm[1].create_secret(Name="fault/stalled", SecretString="stalled")
        outcome = ("ok", 200)
    except (ClientError, EndpointConnectionError) as e:
        outcome = code_of(e)
    took = time.monotonic() - t0
    holder.kill()
    holder.wait()
    print("# write lock held elsewhere: %s after %.1f s" % (outcome, took), flush=True)
    check("the write lock held elsewhere: a write fails with a retryable error, not a hang",
          outcome[0] in RETRYABLE and took < 25, (outcome, took))
    check("... and writes go through once it is released", wait_until(
        lambda: sm[2].create_secret(Name="fault/after", SecretString="after") is not None, 10))


if __name__ == "__main__":
    sys.exit(main())
