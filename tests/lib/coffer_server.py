"""Shared Python harness for Coffer's black-box suites (boto3 from Debian, /usr/bin/python3).

    from coffer_server import CofferServer
    srv = CofferServer().start()            # fresh temp data dir, 127.0.0.1:0, --auth sigv4
    sm = srv.client()                       # boto3 secretsmanager client with DIR/credentials
    srv.stop(); srv.start()                 # restart on the same data dir
    srv.close()                             # stop and remove the temp dir

The binary is $COFFER_BIN, else $BUILD_DIR/coffer, else <repo>/build/coffer.

With $COFFER_HYGIENE_DIR set (tests/run_all.sh sets it), every secret value, plaintext and
secret access key the suites send is recorded there (values.txt, hex) and each server's
database, WAL and log are kept there when it closes, so that tests/hygiene_scan.py can check,
after the whole run, that none of those values was ever stored or logged in the clear.
"""
import atexit
import base64
import configparser
import itertools
import os
import re
import shutil
import signal
import subprocess
import tempfile
import time

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
# Debian's botocore 1.29 predates BatchGetSecretValue: load the current service model.
os.environ["AWS_DATA_PATH"] = os.path.join(REPO, "third_party", "aws", "models")
os.environ.setdefault("AWS_EC2_METADATA_DISABLED", "true")
for _v in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_PROFILE"):
    os.environ.pop(_v, None)
os.environ["AWS_CONFIG_FILE"] = os.devnull
os.environ["AWS_SHARED_CREDENTIALS_FILE"] = os.devnull

import boto3  # noqa: E402  (after AWS_DATA_PATH)
from botocore.config import Config  # noqa: E402

_LIVE = []
HYGIENE_DIR = os.environ.get("COFFER_HYGIENE_DIR")
_KEPT = itertools.count()
# Request members whose values must never be stored or logged in the clear.
_SENSITIVE = ("SecretString", "SecretBinary", "Plaintext")


def record_sensitive(value):
    """Adds a value the hygiene scan must not find in any database, WAL or log (>= 12 bytes)."""
    if not HYGIENE_DIR or value is None:
        return
    if isinstance(value, str):
        value = value.encode()
    if len(value) < 12:
        return
    os.makedirs(HYGIENE_DIR, exist_ok=True)
    with open(os.path.join(HYGIENE_DIR, "values.txt"), "a") as f:
        f.write(value.hex() + "\n")


def _record_params(params, **_):
    for k in _SENSITIVE:
        if k in params:
            v = params[k]
            record_sensitive(base64.b64decode(v) if k != "SecretString" and isinstance(v, str) else v)


def coffer_bin():
    if os.environ.get("COFFER_BIN"):
        return os.environ["COFFER_BIN"]
    return os.path.join(os.environ.get("BUILD_DIR") or os.path.join(REPO, "build"), "coffer")


def client_config():
    return Config(retries={"total_max_attempts": 1, "mode": "standard"},
                  connect_timeout=10, read_timeout=60)


class CofferServer:
    def __init__(self, data_dir=None, args=(), listen="127.0.0.1:0", env=None):
        self._own_dir = data_dir is None
        self.data_dir = data_dir or tempfile.mkdtemp(prefix="coffer-py.")
        self.args = list(args)
        self.listen = listen  # HOST:PORT for --listen
        self.env = env        # the server's environment (None: this process's)
        self.proc = None
        self.url = None
        self.log_path = None
        _LIVE.append(self)

    def start(self, timeout=20.0):
        binary = coffer_bin()
        if not os.path.exists(binary):
            raise RuntimeError("coffer binary not found at %s" % binary)
        fd, self.log_path = tempfile.mkstemp(prefix="coffer-py-log.")
        log = os.fdopen(fd, "wb")
        self.proc = subprocess.Popen(
            [binary, "serve", "--data-dir", self.data_dir, "--listen", self.listen] + self.args,
            stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, env=self.env)
        log.close()
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with open(self.log_path, "rb") as f:
                m = re.search(rb"listening on (https?://[^\s]+)", f.read())
            if m:
                self.url = m.group(1).decode()
                return self
            if self.proc.poll() is not None:
                break
            time.sleep(0.05)
        tail = self.log_tail()
        self.stop()
        raise RuntimeError("coffer did not print 'listening on' within %ss: %s" % (timeout, tail))

    def log_tail(self, n=5):
        try:
            with open(self.log_path, "r", errors="replace") as f:
                return " | ".join(f.read().splitlines()[-n:])
        except OSError:
            return ""

    def stop(self, timeout=15.0):
        if self.proc is None:
            return None
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        rc = self.proc.returncode
        self.proc = None
        if self.log_path:
            self._keep(self.log_path, "log")
            try:
                os.unlink(self.log_path)
            except OSError:
                pass
            self.log_path = None
        return rc

    def _keep(self, path, name):
        if HYGIENE_DIR and os.path.exists(path):
            os.makedirs(HYGIENE_DIR, exist_ok=True)
            shutil.copyfile(path, os.path.join(HYGIENE_DIR, "%d.%d.%s" % (os.getpid(), next(_KEPT), name)))

    def close(self):
        self.stop()
        if HYGIENE_DIR:
            for f in sorted(os.listdir(self.data_dir)) if os.path.isdir(self.data_dir) else []:
                if f.endswith((".db", ".db-wal", "-wal", ".sqlite", "audit.log")):
                    self._keep(os.path.join(self.data_dir, f), f)
        if self._own_dir:
            shutil.rmtree(self.data_dir, ignore_errors=True)
        if self in _LIVE:
            _LIVE.remove(self)

    def credentials(self):
        cp = configparser.ConfigParser()
        cp.read(os.path.join(self.data_dir, "credentials"))
        return cp["default"]["aws_access_key_id"], cp["default"]["aws_secret_access_key"]

    def client(self, access_key=None, secret_key=None, region="us-east-1", service="secretsmanager",
               session_token=None):
        if access_key is None:
            access_key, default_secret = self.credentials()
            if secret_key is None:
                secret_key = default_secret
        record_sensitive(secret_key)
        session = boto3.session.Session(aws_access_key_id=access_key, aws_secret_access_key=secret_key,
                                        aws_session_token=session_token, region_name=region)
        client = session.client(service, endpoint_url=self.url, config=client_config())
        if HYGIENE_DIR:
            client.meta.events.register("provide-client-params.*.*", _record_params)
        return client


@atexit.register
def _cleanup():
    for s in list(_LIVE):
        try:
            s.close()
        except Exception:
            pass
