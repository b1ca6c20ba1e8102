"""coffer backup / coffer restore (issue 25 item 1), black-box: a backup taken while boto3
writes holds every secret acknowledged before it began, and restores into a new data
directory where a new server reads them all back; the file is 0600 and holds no plaintext;
restore refuses a wrong root key and an existing database (changing nothing); with
--include-root-key the file carries the key (and the command says so loudly)."""
import os
import secrets
import subprocess
import tempfile
import threading
import time
import unittest

from coffer_server import CofferServer, coffer_bin


def run(*args):
    r = subprocess.run([coffer_bin()] + list(args), capture_output=True, text=True, timeout=120)
    return r.returncode, r.stdout, r.stderr


class BackupTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.work = tempfile.mkdtemp(prefix="coffer-backup.")
        cls.srv = CofferServer().start()
        sm = cls.srv.client()
        acked = []          # (time acknowledged, name, value)
        stop = threading.Event()

        def writer(tag):
            c = cls.srv.client()
            i = 0
            while not stop.is_set():
                name, value = "bk/%s-%d" % (tag, i), "backup-%s-%d-%s" % (tag, i, secrets.token_hex(8))
                c.create_secret(Name=name, SecretString=value)
                acked.append((time.monotonic(), name, value))
                i += 1
        threads = [threading.Thread(target=writer, args=(t,)) for t in ("a", "b")]
        for t in threads:
            t.start()
        time.sleep(1.0)
        cls.began = time.monotonic()
        cls.out = os.path.join(cls.work, "full.cbk")
        cls.backup = run("backup", "--data-dir", cls.srv.data_dir, "--out", cls.out)
        time.sleep(0.5)  # writes go on after the backup
        stop.set()
        for t in threads:
            t.join()
        cls.before = [(n, v) for (t, n, v) in acked if t < cls.began]
        cls.after = [(n, v) for (t, n, v) in acked if t >= cls.began]
        cls.with_key = os.path.join(cls.work, "with-key.cbk")
        cls.keyed = run("backup", "--data-dir", cls.srv.data_dir, "--out", cls.with_key,
                        "--include-root-key")
        sm.close() if hasattr(sm, "close") else None

    @classmethod
    def tearDownClass(cls):
        cls.srv.close()
        subprocess.run(["rm", "-rf", cls.work])

    def test_a_backup_under_load_restores_every_acknowledged_write(self):
        self.assertEqual(self.backup[0], 0, self.backup[2])
        self.assertGreater(len(self.before), 10, "writes were acknowledged before the backup")
        self.assertEqual(os.stat(self.out).st_mode & 0o777, 0o600)
        target = os.path.join(self.work, "restored")
        rc, out, err = run("restore", "--from", self.out, "--data-dir", target,
                           "--root-key-file", os.path.join(self.srv.data_dir, "root.key"))
        self.assertEqual(rc, 0, err)
        self.assertTrue(os.path.exists(os.path.join(target, "credentials")))
        restored = CofferServer(data_dir=target,
                                args=["--root-key-file", os.path.join(self.srv.data_dir, "root.key")]).start()
        try:
            sm = restored.client()
            for name, value in self.before:
                self.assertEqual(sm.get_secret_value(SecretId=name)["SecretString"], value, name)
            names = set()
            for page in sm.get_paginator("list_secrets").paginate():
                names.update(s["Name"] for s in page["SecretList"])
            self.assertTrue({n for n, _ in self.before} <= names)
            print("  %d writes acknowledged before the backup, all restored; %d after it, %d of those in it"
                  % (len(self.before), len(self.after), len(names & {n for n, _ in self.after})))
        finally:
            restored.close()

    def test_b_no_plaintext_in_the_file(self):
        data = open(self.out, "rb").read()
        for _, value in self.before[:50]:
            self.assertNotIn(value.encode(), data)

    def test_c_a_wrong_root_key_is_refused_and_nothing_changes(self):
        key = os.path.join(self.work, "other.key")
        with open(key, "w") as f:
            f.write(secrets.token_hex(32) + "\n")
        os.chmod(key, 0o600)
        target = os.path.join(self.work, "wrong-key")
        rc, _, err = run("restore", "--from", self.out, "--data-dir", target, "--root-key-file", key)
        self.assertEqual(rc, 1)
        self.assertIn("the root key does not open this backup", err)
        self.assertIn("nothing was changed", err)
        self.assertFalse(os.path.exists(os.path.join(target, "coffer.db")))

    def test_d_an_existing_database_needs_replace(self):
        rc, _, err = run("restore", "--from", self.with_key, "--data-dir", self.srv.data_dir)
        self.assertEqual(rc, 1)  # in use by the running server, and it has a database
        target = os.path.join(self.work, "twice")
        self.assertEqual(run("restore", "--from", self.with_key, "--data-dir", target)[0], 0)
        rc, _, err = run("restore", "--from", self.with_key, "--data-dir", target)
        self.assertEqual(rc, 1)
        self.assertIn("--replace", err)
        rc, _, err = run("restore", "--from", self.with_key, "--data-dir", target, "--replace")
        self.assertEqual(rc, 0, err)

    def test_e_the_root_key_only_when_asked_and_loudly(self):
        self.assertEqual(self.keyed[0], 0, self.keyed[2])
        self.assertIn("CONTAINS THE ROOT KEY", self.keyed[2])
        self.assertIn("the root key is not in it", self.backup[1])
        target = os.path.join(self.work, "from-keyed")
        rc, out, err = run("restore", "--from", self.with_key, "--data-dir", target)
        self.assertEqual(rc, 0, err)
        self.assertEqual(os.stat(os.path.join(target, "root.key")).st_mode & 0o777, 0o600)
        restored = CofferServer(data_dir=target).start()
        try:
            name, value = self.before[0]
            self.assertEqual(restored.client().get_secret_value(SecretId=name)["SecretString"], value)
        finally:
            restored.close()

    def test_f_not_a_backup(self):
        junk = os.path.join(self.work, "junk")
        with open(junk, "w") as f:
            f.write("not a database")
        rc, _, err = run("restore", "--from", junk, "--data-dir", os.path.join(self.work, "j"))
        self.assertEqual(rc, 1)
        self.assertIn("is not a Coffer backup", err)
        rc, _, err = run("backup", "--data-dir", self.srv.data_dir, "--out", self.out)
        self.assertEqual(rc, 1)
        self.assertIn("never overwrites", err)


if __name__ == "__main__":
    unittest.main()
