#!/usr/bin/python3
"""After the whole run: no value a suite sent is in any kept database, WAL or log (issue #4 item 6).

tests/lib/coffer_server.py, with $COFFER_HYGIENE_DIR set, records every SecretString,
SecretBinary, KMS Plaintext and secret access key the boto3 suites (and the crash harness)
send, in DIR/values.txt (hex), and keeps each server's database, WAL and log in DIR when the
server closes. This scans every kept file for each value, raw and base64-encoded.

    usage: hygiene_scan.py DIR
One check per kept file; ends with "N passed, M failed". Values are never printed, only the
first 8 hex digits of their SHA-256. Fails when nothing was recorded (a scan of nothing proves
nothing).
"""
import base64
import hashlib
import os
import sys

PREFIX = 12  # every recorded value is at least this long


def load_needles(path):
    needles = {}
    with open(path) as f:
        values = {line.strip() for line in f if line.strip()}
    for h in values:
        raw = bytes.fromhex(h)
        for form in (raw, base64.b64encode(raw)):
            needles.setdefault(form[:PREFIX], set()).add(form)
    return needles, len(values)


def leaks(data, needles):
    found = set()
    for i in range(len(data) - PREFIX + 1):
        cands = needles.get(data[i:i + PREFIX])
        if cands:
            for c in cands:
                if data.startswith(c, i):
                    found.add(hashlib.sha256(c).hexdigest()[:8])
    return found


def main(d):
    values = os.path.join(d, "values.txt")
    if not os.path.exists(values):
        print("no values recorded in %s" % d)
        print("0 passed, 1 failed")
        return 1
    needles, n_values = load_needles(values)
    files = sorted(f for f in os.listdir(d) if f != "values.txt")
    kinds = {"log": 0, "db": 0, "wal": 0}
    passed = failed = 0
    for f in files:
        with open(os.path.join(d, f), "rb") as fh:
            data = fh.read()
        kinds["wal" if f.endswith("-wal") else "log" if f.endswith("log") else "db"] += 1
        hit = leaks(data, needles)
        if hit:
            failed += 1
            print("LEAK in %s: %d value(s), sha256 prefixes %s" % (f, len(hit), " ".join(sorted(hit))))
        else:
            passed += 1
    print("scanned %d files (%d databases, %d WALs, %d logs) for %d values, raw and base64" %
          (len(files), kinds["db"], kinds["wal"], kinds["log"], n_values))
    if kinds["db"] == 0 or kinds["log"] == 0:
        print("no database or no log kept: nothing meaningful was scanned")
        failed += 1
    print("%d passed, %d failed" % (passed, failed))
    return 0 if failed == 0 else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
