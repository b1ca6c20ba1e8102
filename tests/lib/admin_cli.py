"""Helpers for the suites that drive `coffer admin` beside a running server and wait for the
server to notice (test_revocation, test_accounts).

    from admin_cli import admin, error_code, wait_for
    rc, out, err = admin(srv, "access-key", "deactivate", "--access-key-id", akid)
    code, seconds = wait_for(lambda: sm.get_secret_value(SecretId="x"), "UnrecognizedClientException")
"""
import subprocess
import time

from botocore.exceptions import ClientError

from coffer_server import coffer_bin

# How long a change made by `coffer admin` may take to reach the server: the auth poll
# interval (250 ms) with room for a loaded machine.
BOUND_S = 2.0


def admin(srv, group, *args):
    """Runs `coffer admin GROUP ARGS --data-dir DIR`; returns (returncode, stdout, stderr)."""
    p = subprocess.run([coffer_bin(), "admin", group] + list(args) + ["--data-dir", srv.data_dir],
                       capture_output=True, text=True, timeout=30, stdin=subprocess.DEVNULL)
    return p.returncode, p.stdout, p.stderr


def error_code(fn):
    """None when fn() succeeds, else the AWS error code it raised."""
    try:
        fn()
        return None
    except ClientError as e:
        return e.response["Error"]["Code"]


def wait_for(fn, want, bound=BOUND_S):
    """Calls fn until error_code(fn) == want or `bound` seconds pass; returns (last code, seconds)."""
    t0 = time.monotonic()
    while True:
        code = error_code(fn)
        elapsed = time.monotonic() - t0
        if code == want or elapsed > bound:
            return code, elapsed
        time.sleep(0.02)
