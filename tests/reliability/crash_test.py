#!/usr/bin/python3
"""Crash-safety harness (issue #4 item 1).

Several client threads run a mixed write load (CreateSecret, PutSecretValue,
UpdateSecretVersionStage, DeleteSecret, RestoreSecret, TagResource) against the real
binary; the server is killed with SIGKILL at a random moment; `PRAGMA integrity_check`
runs on the dead server's database; the server restarts on the same data directory and
every secret is checked:

  * every write a client saw acknowledged is there (no loss);
  * the one request per client that was in flight at the kill is either wholly there or
    wholly absent (nothing half-there);
  * staging invariants: exactly one AWSCURRENT per secret, each label on at most one version;
  * no secret exists that no client ever asked for.

Each client owns its secrets, so after every acknowledged write it reads the secret back
(DescribeSecret + GetSecretValue) and keeps that as the secret's acknowledged state.

    usage: crash_test.py [--trials N] [--clients C] [--seed S] [--max-kill-delay SECONDS]
Prints one line per trial failure, then the kill/loss counts and "N passed, M failed"
(one check per trial). The binary is $COFFER_BIN, else $BUILD_DIR/coffer, else build/coffer.
No secret values are printed.
"""
import argparse
import os
import random
import subprocess
import sys
import threading
import time
import uuid

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(os.path.dirname(HERE), "lib"))

from botocore.exceptions import ClientError  # noqa: E402

from coffer_server import CofferServer  # noqa: E402

MAX_PUTS = 40          # per secret, well under the 100-version limit
MAX_LIVE = 25         # secrets per client (keeps each trial's full verification short)
LABELS = ["L1", "L2"]  # custom labels moved around by UpdateSecretVersionStage


class Unknown(Exception):
    """The server gave no answer (killed): the request's outcome is unknown."""


def read_state(sm, name):
    """The secret's full observable state, or None if it does not exist."""
    try:
        d = sm.describe_secret(SecretId=name)
    except ClientError as e:
        if e.response["Error"]["Code"] == "ResourceNotFoundException":
            return None
        raise
    stages = {v: tuple(sorted(s)) for v, s in d.get("VersionIdsToStages", {}).items()}
    values = {}
    if not d.get("DeletedDate"):
        for vid in stages:
            values[vid] = sm.get_secret_value(SecretId=name, VersionId=vid)["SecretString"]
    tags = {t["Key"]: t["Value"] for t in d.get("Tags", [])}
    return {"deleted": bool(d.get("DeletedDate")), "stages": stages, "values": values, "tags": tags}


def invariant_errors(name, st):
    errs = []
    if st is None:
        return errs
    holders = {}
    for vid, labels in st["stages"].items():
        for lb in labels:
            holders.setdefault(lb, []).append(vid)
    for lb, vs in holders.items():
        if len(vs) > 1:
            errs.append("%s: label %s on %d versions" % (name, lb, len(vs)))
    if st["stages"] and len(holders.get("AWSCURRENT", [])) != 1:
        errs.append("%s: %d AWSCURRENT versions" % (name, len(holders.get("AWSCURRENT", []))))
    return errs


def postcondition(op, st):
    """True if the state shows `op` wholly applied."""
    kind = op["kind"]
    if st is None:
        return False
    if kind in ("create", "put"):
        return (not st["deleted"] and "AWSCURRENT" in st["stages"].get(op["token"], ())
                and st["values"].get(op["token"]) == op["value"])
    if kind == "stage":
        return op["label"] in st["stages"].get(op["to"], ())
    if kind == "delete":
        return st["deleted"]
    if kind == "restore":
        return not st["deleted"]
    if kind == "tag":
        return st["tags"].get(op["key"]) == op["value"]
    raise AssertionError(kind)


class Client:
    """One load thread; owns the secrets named crash/c<id>/<n>."""

    def __init__(self, cid, rng):
        self.cid = cid
        self.rng = rng
        self.secrets = {}     # name -> acknowledged (observed) state, None = never created
        self.puts = {}        # name -> versions written
        self.pending = None   # (name, op, acked): the op whose outcome is not yet observed
        self.counter = 0
        self.acked = 0
        self.errors = []      # unexpected API errors (5xx, or 4xx that the model says cannot happen)

    def new_name(self):
        self.counter += 1
        return "crash/c%d/%d-%s" % (self.cid, self.counter, uuid.uuid4().hex[:6])

    def choose(self):
        live = [n for n, s in self.secrets.items() if s is not None]
        if not live or (len(live) < MAX_LIVE and self.rng.random() < 0.08):
            return self.new_name(), {"kind": "create", "token": str(uuid.uuid4()), "value": uuid.uuid4().hex}
        name = self.rng.choice(live)
        st = self.secrets[name]
        if st["deleted"]:
            return name, {"kind": "restore"}
        r = self.rng.random()
        if r < 0.40 and self.puts.get(name, 1) < MAX_PUTS:
            return name, {"kind": "put", "token": str(uuid.uuid4()), "value": uuid.uuid4().hex}
        if r < 0.65 and len(st["stages"]) > 1:
            label = self.rng.choice(LABELS + ["AWSCURRENT"])
            to = self.rng.choice(sorted(st["stages"]))
            frm = [v for v, ls in st["stages"].items() if label in ls]
            return name, {"kind": "stage", "label": label, "to": to, "from": frm[0] if frm else None}
        if r < 0.75:
            return name, {"kind": "delete"}
        return name, {"kind": "tag", "key": self.rng.choice(["a", "b", "c"]), "value": uuid.uuid4().hex[:8]}

    def call(self, sm, name, op):
        k = op["kind"]
        if k == "create":
            sm.create_secret(Name=name, SecretString=op["value"], ClientRequestToken=op["token"])
        elif k == "put":
            sm.put_secret_value(SecretId=name, SecretString=op["value"], ClientRequestToken=op["token"])
        elif k == "stage":
            args = {"SecretId": name, "VersionStage": op["label"], "MoveToVersionId": op["to"]}
            if op["from"]:
                args["RemoveFromVersionId"] = op["from"]
            sm.update_secret_version_stage(**args)
        elif k == "delete":
            sm.delete_secret(SecretId=name, RecoveryWindowInDays=7)
        elif k == "restore":
            sm.restore_secret(SecretId=name)
        elif k == "tag":
            sm.tag_resource(SecretId=name, Tags=[{"Key": op["key"], "Value": op["value"]}])

    def run(self, sm, stop):
        try:
            while not stop.is_set():
                name, op = self.choose()
                if name not in self.secrets:
                    self.secrets[name] = None
                self.pending = (name, op, False)
                try:
                    self.call(sm, name, op)
                    self.acked += 1
                    if op["kind"] == "put":
                        self.puts[name] = self.puts.get(name, 1) + 1
                    self.pending = (name, op, True)
                except ClientError as e:
                    code = e.response["ResponseMetadata"].get("HTTPStatusCode", 0)
                    if code >= 500:
                        self.errors.append("%s %s: HTTP %d %s" % (name, op["kind"], code, e.response["Error"]["Code"]))
                        raise Unknown()
                    # a refused request changes nothing: the state read below must equal the old one
                    self.errors.append("%s %s: unexpected %s" % (name, op["kind"], e.response["Error"]["Code"]))
                    self.pending = (name, {"kind": "refused"}, False)
                st = read_state(sm, name)
                if self.pending[1]["kind"] == "refused" and st != self.secrets[name]:
                    self.errors.append("%s: refused request changed state" % name)
                self.secrets[name] = st
                self.pending = None
        except Unknown:
            pass
        except Exception:  # noqa: BLE001  connection refused/reset: the server is gone
            pass

    def verify(self, sm):
        """Checks every owned secret after a restart; returns (failures, losses, inflight outcomes)."""
        fails, losses = [], 0
        outcome = None
        for name, acked_state in list(self.secrets.items()):
            st = read_state(sm, name)
            fails += invariant_errors(name, st)
            if self.pending and self.pending[0] == name:
                _, op, acked = self.pending
                applied = op["kind"] != "refused" and postcondition(op, st)
                if acked:
                    if not applied:
                        losses += 1
                        fails.append("%s: acknowledged %s lost" % (name, op["kind"]))
                    outcome = "acked"
                elif st == acked_state:
                    outcome = "absent"
                elif applied:
                    outcome = "applied"
                    # besides the op's own effect nothing else may have changed: versions that
                    # existed keep their values
                    if acked_state is not None:
                        for vid, val in acked_state["values"].items():
                            if st["values"].get(vid, val) != val:
                                fails.append("%s: value of an old version changed" % name)
                else:
                    fails.append("%s: in-flight %s half-applied" % (name, op["kind"]))
            elif st != acked_state:
                losses += 1
                fails.append("%s: acknowledged state differs after restart (%s)" % (name, describe_diff(acked_state, st)))
            self.secrets[name] = st
        self.pending = None
        return fails, losses, outcome


def describe_diff(a, b):
    if a is None or b is None:
        return "exists=%s, now %s" % (a is not None, b is not None)
    parts = [k for k in ("deleted", "stages", "values", "tags") if a[k] != b[k]]
    return "differs in " + ",".join(parts)


def integrity_check(db):
    out = subprocess.run(["sqlite3", db, "PRAGMA integrity_check"], capture_output=True, text=True, timeout=60)
    return out.stdout.strip()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--trials", type=int, default=int(os.environ.get("N", "50")))
    ap.add_argument("--clients", type=int, default=4)
    ap.add_argument("--seed", type=int, default=None)
    ap.add_argument("--max-kill-delay", type=float, default=1.0)
    a = ap.parse_args()
    seed = a.seed if a.seed is not None else random.randrange(1 << 30)
    rng = random.Random(seed)
    print("crash test: %d trials, %d clients, seed %d" % (a.trials, a.clients, seed), flush=True)

    srv = CofferServer(args=["--threads", "2"])
    clients = [Client(i, random.Random(rng.random())) for i in range(a.clients)]
    passed = failed = kills = losses = 0
    inflight = {"applied": 0, "absent": 0, "acked": 0}
    acked_total = 0
    startup_kills = 0
    t_start = time.monotonic()
    srv.start()
    for trial in range(1, a.trials + 1):
        trial_fail = []
        stop = threading.Event()
        sms = [srv.client() for _ in clients]
        threads = [threading.Thread(target=c.run, args=(sm, stop), daemon=True) for c, sm in zip(clients, sms)]
        before = sum(c.acked for c in clients)
        for t in threads:
            t.start()
        time.sleep(rng.uniform(0.05, a.max_kill_delay))
        srv.proc.kill()
        srv.proc.wait()
        kills += 1
        if trial % 10 == 1:  # the WAL a crash leaves behind, for the hygiene scan (tests/hygiene_scan.py)
            srv._keep(os.path.join(srv.data_dir, "coffer.db-wal"), "coffer.db-wal")
        stop.set()
        for t in threads:
            t.join(60)
            if t.is_alive():
                trial_fail.append("client thread hung after the kill")
        acked_total += sum(c.acked for c in clients) - before
        srv.stop()
        ic = integrity_check(os.path.join(srv.data_dir, "coffer.db"))
        if ic != "ok":
            trial_fail.append("integrity_check: %s" % ic[:200])
        # now and then also kill the restart itself (recovery must be crash-safe too)
        if rng.random() < 0.1:
            srv.start()
            time.sleep(rng.uniform(0, 0.05))
            srv.proc.kill()
            srv.proc.wait()
            srv.stop()
            kills += 1
            startup_kills += 1
        try:
            srv.start()
        except RuntimeError as e:
            print("trial %d: restart failed: %s" % (trial, e), flush=True)
            failed += 1
            break
        sm = srv.client()
        for c in clients:
            f, lost, outcome = c.verify(sm)
            trial_fail += f
            losses += lost
            if outcome:
                inflight[outcome] += 1
            trial_fail += c.errors
            c.errors = []
        # nothing exists that no client asked for
        known = {n for c in clients for n in c.secrets}
        listed = set()
        for page in sm.get_paginator("list_secrets").paginate(IncludePlannedDeletion=True):
            listed |= {s["Name"] for s in page["SecretList"]}
        for n in sorted(listed - known):
            trial_fail.append("unexpected secret %s" % n)
        for n in sorted(n for c in clients for n, s in c.secrets.items() if s is not None and n not in listed):
            trial_fail.append("secret %s missing from ListSecrets" % n)
        if trial_fail:
            failed += 1
            for m in trial_fail[:10]:
                print("trial %d FAIL: %s" % (trial, m), flush=True)
        else:
            passed += 1
        if trial % 10 == 0:
            print("  %d trials, %.0f s" % (trial, time.monotonic() - t_start), flush=True)
    srv.close()
    nsecrets = sum(1 for c in clients for s in c.secrets.values() if s is not None)
    print("kills: %d (%d during restart), acknowledged writes: %d, secrets: %d" % (kills, startup_kills, acked_total, nsecrets))
    print("in-flight at kill: %d applied, %d absent, %d acknowledged" % (inflight["applied"], inflight["absent"], inflight["acked"]))
    print("losses: %d" % losses)
    print("(%.1f s)" % (time.monotonic() - t_start))
    print("%d passed, %d failed" % (passed, failed))
    return 0 if failed == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
