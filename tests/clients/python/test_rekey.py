"""coffer rekey (issue 25 item 2), black-box: a data directory with secrets under the default
key and a customer managed key (two material versions) and an IAM user's key is rekeyed; a
server then reads everything with the new key and the old key is refused. SIGKILL at random
moments of the rekey (the crash harness's method) always leaves a directory that a server opens,
with the old or the new key, and that loses nothing; the two interrupted states are also built
exactly: stopped before the commit (a stale root.key.next, removed at start) and after it (the
new database with the old root.key and the new root.key.next, which the start completes)."""
import base64
import os
import random
import re
import secrets
import shutil
import signal
import subprocess
import tempfile
import time
import unittest

from coffer_server import CofferServer, coffer_bin


def write_key(path, raw=None):
    raw = raw or secrets.token_bytes(32)
    with open(path, "w") as f:
        f.write(raw.hex() + "\n")
    os.chmod(path, 0o600)
    return raw


def key_bytes(path):
    text = open(path).read().strip()
    return bytes.fromhex(text) if len(text) == 64 else base64.b64decode(text)


def rekey(data_dir, new_key):
    return subprocess.run([coffer_bin(), "rekey", "--data-dir", data_dir, "--new-root-key-file", new_key],
                          capture_output=True, text=True, timeout=60)


class RekeyTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.work = tempfile.mkdtemp(prefix="coffer-rekey.")
        cls.template = os.path.join(cls.work, "template")
        srv = CofferServer(data_dir=cls.template).start()
        sm, kms, iam = srv.client(), srv.client(service="kms"), srv.client(service="iam")
        cls.values = {}
        key_id = kms.create_key(Description="rekey test")["KeyMetadata"]["KeyId"]
        for i in range(3):
            name, value = "rekey/default-%d" % i, "rekey-default-%d-%s" % (i, secrets.token_hex(6))
            sm.create_secret(Name=name, SecretString=value)
            cls.values[name] = value
        sm.create_secret(Name="rekey/cmk-old", KmsKeyId=key_id, SecretString="rekey-cmk-old-value-1")
        cls.values["rekey/cmk-old"] = "rekey-cmk-old-value-1"
        kms.rotate_key_on_demand(KeyId=key_id)  # a second material version
        sm.create_secret(Name="rekey/cmk-new", KmsKeyId=key_id, SecretString="rekey-cmk-new-value-2")
        cls.values["rekey/cmk-new"] = "rekey-cmk-new-value-2"
        iam.create_user(UserName="rekey-user")
        iam.put_user_policy(UserName="rekey-user", PolicyName="read", PolicyDocument=(
            '{"Version":"2012-10-17","Statement":[{"Effect":"Allow",'
            '"Action":"secretsmanager:GetSecretValue","Resource":"*"}]}'))
        k = iam.create_access_key(UserName="rekey-user")["AccessKey"]
        cls.user = (k["AccessKeyId"], k["SecretAccessKey"])
        srv.stop()
        cls.old_key = key_bytes(os.path.join(cls.template, "root.key"))

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.work, ignore_errors=True)

    def copy(self, name):
        d = os.path.join(self.work, name)
        shutil.copytree(self.template, d)
        os.remove(os.path.join(d, ".lock")) if os.path.exists(os.path.join(d, ".lock")) else None
        return d

    def assert_reads_everything(self, data_dir, args=()):
        srv = CofferServer(data_dir=data_dir, args=list(args)).start()
        try:
            sm = srv.client()
            for name, value in self.values.items():
                self.assertEqual(sm.get_secret_value(SecretId=name)["SecretString"], value, name)
            user = srv.client(access_key=self.user[0], secret_key=self.user[1])
            self.assertEqual(user.get_secret_value(SecretId="rekey/default-0")["SecretString"],
                             self.values["rekey/default-0"])
            return srv.log_tail(50)
        finally:
            srv.close()

    def test_a_rekey_then_everything_reads_and_the_old_key_is_refused(self):
        d = self.copy("done")
        new = os.path.join(self.work, "new.key")
        raw = write_key(new)
        r = rekey(d, new)
        self.assertEqual(r.returncode, 0, r.stderr)
        m = re.search(r"(\d+) access keys and (\d+) KMS keys", r.stdout)
        self.assertEqual((int(m.group(1)), int(m.group(2))), (2, 2), r.stdout)  # admin + user; default + CMK
        self.assertEqual(key_bytes(os.path.join(d, "root.key")), raw)
        self.assertFalse(os.path.exists(os.path.join(d, "root.key.next")))
        self.assert_reads_everything(d)
        old = os.path.join(self.work, "old.key")
        write_key(old, self.old_key)
        p = subprocess.run([coffer_bin(), "serve", "--data-dir", d, "--listen", "127.0.0.1:0",
                            "--root-key-file", old], capture_output=True, text=True, timeout=30)
        self.assertNotEqual(p.returncode, 0)
        self.assertIn("the root key does not open this database", p.stdout + p.stderr)
        # Rekeying with the same key, or while a server runs, is refused.
        self.assertIn("is the current one", rekey(d, new).stderr)

    def test_b_stopped_after_the_commit_the_next_start_completes_it(self):
        d = self.copy("after-commit")
        new = os.path.join(self.work, "new-b.key")
        raw = write_key(new)
        self.assertEqual(rekey(d, new).returncode, 0)
        # The state between the commit and the rename: new database, old root.key, new .next.
        shutil.move(os.path.join(d, "root.key"), os.path.join(d, "root.key.next"))
        write_key(os.path.join(d, "root.key"), self.old_key)
        log = self.assert_reads_everything(d)
        self.assertIn("completed a root-key rotation", log)
        self.assertEqual(key_bytes(os.path.join(d, "root.key")), raw)
        self.assertFalse(os.path.exists(os.path.join(d, "root.key.next")))

    def test_c_stopped_before_the_commit_the_stale_next_key_goes(self):
        d = self.copy("before-commit")
        write_key(os.path.join(d, "root.key.next"))
        log = self.assert_reads_everything(d)
        self.assertIn("removed the new key of a root-key rotation stopped before its commit", log)
        self.assertFalse(os.path.exists(os.path.join(d, "root.key.next")))
        self.assertEqual(key_bytes(os.path.join(d, "root.key")), self.old_key)

    def test_d_sigkill_at_any_moment_loses_nothing(self):
        # How long a whole rekey takes here, then kills spread over it.
        d = self.copy("timing")
        new = os.path.join(self.work, "t.key")
        write_key(new)
        t0 = time.monotonic()
        self.assertEqual(rekey(d, new).returncode, 0)
        span = time.monotonic() - t0
        outcomes = {"old": 0, "new": 0}
        rng = random.Random(7)
        for trial in range(int(os.environ.get("REKEY_TRIALS", "12"))):
            d = self.copy("kill-%d" % trial)
            new = os.path.join(self.work, "k%d.key" % trial)
            raw = write_key(new)
            p = subprocess.Popen([coffer_bin(), "rekey", "--data-dir", d, "--new-root-key-file", new],
                                 stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            time.sleep(rng.uniform(0, span * 1.2))
            p.send_signal(signal.SIGKILL)
            p.wait()
            self.assert_reads_everything(d)
            outcomes["new" if key_bytes(os.path.join(d, "root.key")) == raw else "old"] += 1
            shutil.rmtree(d)
        print("  rekey takes %.0f ms here; SIGKILL at random moments: %d ended with the old key, %d with the new"
              % (span * 1000, outcomes["old"], outcomes["new"]))


if __name__ == "__main__":
    unittest.main()
