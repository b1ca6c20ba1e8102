"""Secret hygiene through the real server: values written through boto3 (kv, plaintext, binary,
a PEM key) and the administrator's secret access key appear nowhere in the database file, its
WAL or the server's debug log — while the server runs (WAL not yet checkpointed) and after a
SIGKILL — nor, once the requests are answered, in the server's memory (over HTTP and TLS).
Only throwaway values are used; the test prints none of them."""
import base64
import os
import shutil
import signal
import subprocess
import tempfile
import unittest
import uuid

import boto3
import urllib3
from coffer_server import CofferServer, client_config

urllib3.disable_warnings(urllib3.exceptions.InsecureRequestWarning)  # the test's own certificate


def files_of(srv):
    names = ["coffer.db", "coffer.db-wal", "coffer.db-shm"]
    return [os.path.join(srv.data_dir, n) for n in names if os.path.exists(os.path.join(srv.data_dir, n))]


def memory_hits(pid, needles):
    """Which of `needles` the readable memory of process `pid` holds (root only: the
    server is not dumpable). Reads each mapping in chunks, a needle's length overlapping."""
    overlap = max(len(n) for n in needles)
    found = set()
    with open("/proc/%d/maps" % pid) as maps, open("/proc/%d/mem" % pid, "rb", 0) as mem:
        for r in [line.split() for line in maps]:
            lo, hi = (int(x, 16) for x in r[0].split("-"))
            name = r[5] if len(r) > 5 else "anonymous"
            if "r" not in r[1] or name in ("[vvar]", "[vsyscall]"):
                continue
            tail = b""
            while lo < hi:
                try:
                    mem.seek(lo)
                    data = mem.read(min(hi - lo, 64 << 20))
                except OSError:
                    break  # a guard page, or a mapping gone meanwhile
                if not data:
                    break
                window = tail + data
                for i, n in enumerate(needles):
                    if n in window:
                        found.add("%s holds canary #%d" % (name, i))
                tail = window[-overlap:]
                lo += len(data)
    return sorted(found)


def skip_unless_memory_readable(test):
    if os.getuid() != 0:
        test.skipTest("reading a non-dumpable process's memory takes root (CAP_SYS_PTRACE)")
    if "ASAN_OPTIONS" in os.environ:
        test.skipTest("AddressSanitizer reserves terabytes for its heap and shadow: too much to read (make test-asan)")


class Hygiene(unittest.TestCase):
    def setUp(self):
        self.srv = CofferServer(args=["--log-level", "debug"]).start()
        self.sm = self.srv.client()
        tag = uuid.uuid4().hex
        self.canaries = {
            "kv": ('{"user":"app","password":"canary-kv-%s"}' % tag),
            "plain": "canary-plain-%s" % tag,
            "put": "canary-put-%s" % tag,
            "binary": ("canary-bin-%s" % tag).encode(),
            "pem": "-----BEGIN PRIVATE KEY-----\ncanary-pem-%s\n-----END PRIVATE KEY-----\n" % tag,
        }
        self.sm.create_secret(Name="hy/kv", SecretString=self.canaries["kv"])
        self.sm.create_secret(Name="hy/plain", SecretString=self.canaries["plain"])
        self.sm.put_secret_value(SecretId="hy/plain", SecretString=self.canaries["put"])
        self.sm.create_secret(Name="hy/bin", SecretBinary=self.canaries["binary"])
        self.sm.create_secret(Name="hy/pem", SecretString=self.canaries["pem"])
        for name in ("hy/kv", "hy/plain", "hy/bin", "hy/pem"):
            self.sm.get_secret_value(SecretId=name)
        self.sm.batch_get_secret_value(SecretIdList=["hy/kv", "hy/plain"])
        # A rejected request must not echo the value either.
        try:
            self.sm.create_secret(Name="hy/kv", SecretString=self.canaries["kv"])
        except Exception:
            pass

    def tearDown(self):
        self.srv.close()

    def needles(self):
        out = []
        for v in self.canaries.values():
            b = v if isinstance(v, bytes) else v.encode()
            out.append(b)
        out.append(b"canary-kv-")  # any fragment of the kv value
        out.append(b"canary-pem-")
        _, secret = self.srv.credentials()
        out.append(secret.encode())
        return out

    def scan(self, paths):
        found = []
        for p in paths:
            with open(p, "rb") as f:
                data = f.read()
            for i, n in enumerate(self.needles()):
                if n in data:
                    found.append("%s contains canary #%d" % (os.path.basename(p), i))
        return found

    def test_no_plaintext_in_db_wal_or_log_while_running(self):
        paths = files_of(self.srv)
        self.assertIn(os.path.join(self.srv.data_dir, "coffer.db"), paths)
        self.assertEqual(self.scan(paths + [self.srv.log_path]), [])

    def test_no_plaintext_left_in_server_memory(self):
        # Once the requests are answered, no value is left in the server's memory: the
        # connection's buffers, the parsed request, the response and the values read are
        # wiped as they are let go, not only freed. The admin's secret access key is
        # not looked for: the server keeps it to check signatures.
        skip_unless_memory_readable(self)
        needles = [n for n in self.needles() if n != self.srv.credentials()[1].encode()]
        needles.append(base64.b64encode(self.canaries["binary"])[:24])
        self.srv.client().list_secrets()  # another exchange on a fresh connection
        self.assertEqual(memory_hits(self.srv.proc.pid, needles), [])

    def test_no_plaintext_after_sigkill(self):
        log = open(self.srv.log_path, "rb").read()
        self.srv.proc.send_signal(signal.SIGKILL)
        self.srv.proc.wait()
        self.assertEqual(self.scan(files_of(self.srv)), [])
        self.assertEqual([n for n in self.needles() if n in log], [])
        # And the values are all still there after the crash.
        self.srv.stop()
        self.srv.start()
        sm = self.srv.client()
        self.assertTrue(sm.get_secret_value(SecretId="hy/plain")["SecretString"] == self.canaries["put"])
        self.assertTrue(sm.get_secret_value(SecretId="hy/bin")["SecretBinary"] == self.canaries["binary"])


class HygieneOverTls(unittest.TestCase):
    """The same memory check with the server speaking TLS: OpenSSL's record buffers hold
    each request's plaintext after decryption unless told to wipe it."""

    def test_no_plaintext_left_in_server_memory_over_tls(self):
        skip_unless_memory_readable(self)
        work = tempfile.mkdtemp(prefix="coffer-tls-hy.")
        self.addCleanup(shutil.rmtree, work, True)
        cert, key = os.path.join(work, "cert.pem"), os.path.join(work, "key.pem")
        subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
                        "-subj", "/CN=127.0.0.1", "-keyout", key, "-out", cert],
                       check=True, capture_output=True)
        srv = CofferServer(args=["--tls-cert", cert, "--tls-key", key]).start()
        self.addCleanup(srv.close)
        self.assertTrue(srv.url.startswith("https://"), srv.url)
        access_key, secret_key = srv.credentials()
        sm = boto3.session.Session(aws_access_key_id=access_key, aws_secret_access_key=secret_key,
                                   region_name="us-east-1").client(
            "secretsmanager", endpoint_url=srv.url, verify=False, config=client_config())
        tag = uuid.uuid4().hex
        values = ["canary-tls-%s" % tag, "canary-tls-put-%s" % tag]
        sm.create_secret(Name="tls/one", SecretString=values[0])
        sm.put_secret_value(SecretId="tls/one", SecretString=values[1])
        self.assertEqual(sm.get_secret_value(SecretId="tls/one")["SecretString"], values[1])
        sm.list_secrets()
        self.assertEqual(memory_hits(srv.proc.pid, [v.encode() for v in values]), [])


class ProcessHardening(unittest.TestCase):
    """The running server refuses core dumps and keeps the root key locked in memory."""

    @classmethod
    def setUpClass(cls):
        cls.srv = CofferServer().start()

    @classmethod
    def tearDownClass(cls):
        cls.srv.close()

    def proc_file(self, name):
        with open("/proc/%d/%s" % (self.srv.proc.pid, name)) as f:
            return f.read()

    def test_no_core_dumps(self):
        line = [ln for ln in self.proc_file("limits").splitlines() if ln.startswith("Max core file size")]
        self.assertEqual(len(line), 1)
        self.assertEqual(line[0].split()[4:6], ["0", "0"], line[0])

    def test_not_dumpable(self):
        # A non-dumpable process's /proc entries belong to root. Only visible to a non-root user.
        if os.getuid() == 0:
            self.skipTest("running as root: /proc ownership does not show PR_SET_DUMPABLE")
        self.assertEqual(os.stat("/proc/%d/environ" % self.srv.proc.pid).st_uid, 0)

    def test_root_key_locked_in_memory(self):
        if "ASAN_OPTIONS" in os.environ:
            self.skipTest("AddressSanitizer replaces mlock with a no-op that reports success (make test-asan)")
        vmlck = [ln for ln in self.proc_file("status").splitlines() if ln.startswith("VmLck:")]
        self.assertEqual(len(vmlck), 1)
        kb = int(vmlck[0].split()[1])
        if kb == 0:
            # mlock refused (no CAP_IPC_LOCK and RLIMIT_MEMLOCK 0): the server must have said so
            with open(self.srv.log_path, errors="replace") as f:
                self.assertIn("cannot lock the root key in memory", f.read())
        else:
            self.assertGreaterEqual(kb, 4)


if __name__ == "__main__":
    unittest.main()
