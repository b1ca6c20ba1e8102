"""Data directory and start-up safety (issue 18 items 4, 6 and 7), against the real binary:
a second `coffer serve` on one directory fails at once, naming it, while the first keeps serving;
a data directory writable by group or others is refused with nothing written; symlinks planted at
the credentials file's old temporary name or final name are not followed; permissive mode refuses
a non-loopback listen address unless --allow-remote-permissive (or its environment variable) says
so; the start-up log says which auth mode is on; COFFER_ROOT_KEY is gone from the running
server's environment."""
import json
import os
import shutil
import stat
import subprocess
import tempfile
import unittest

from coffer_server import CofferServer, coffer_bin

ACCOUNT = "123456789012"


def serve(data_dir, *args, env=None, timeout=10.0):
    """Runs `coffer serve` expecting it to exit by itself; returns (exit code, output).
    A server that starts instead (the old behaviour) is stopped and reported as exit code None."""
    proc = subprocess.Popen([coffer_bin(), "serve", "--data-dir", data_dir] + list(args),
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                            stdin=subprocess.DEVNULL, env=env)
    try:
        out, _ = proc.communicate(timeout=timeout)
        return proc.returncode, out.decode(errors="replace")
    except subprocess.TimeoutExpired:
        proc.kill()
        out, _ = proc.communicate()
        return None, out.decode(errors="replace")


def log_records(srv):
    records = []
    with open(srv.log_path, errors="replace") as f:
        for line in f:
            line = line.strip()
            if line.startswith("{"):
                try:
                    records.append(json.loads(line))
                except ValueError:
                    pass
    return records


def log_text(srv):
    with open(srv.log_path, errors="replace") as f:
        return f.read()


class TempDirTest(unittest.TestCase):
    def setUp(self):
        self.root = tempfile.mkdtemp(prefix="coffer-datadir.")
        self.servers = []

    def tearDown(self):
        for s in self.servers:
            s.close()
        shutil.rmtree(self.root, ignore_errors=True)

    def server(self, **kw):
        s = CofferServer(**kw)
        self.servers.append(s)
        return s


class OneServerPerDirectory(TempDirTest):
    def test_second_server_fails_at_once_and_the_first_keeps_serving(self):
        first = self.server().start()
        sm = first.client()
        sm.create_secret(Name="before", SecretString="v1")
        cred = os.path.join(first.data_dir, "credentials")
        before = (os.stat(cred).st_mtime_ns, open(cred).read())
        rc, out = serve(first.data_dir, "--listen", "127.0.0.1:0")
        self.assertIsNotNone(rc, "the second server started on the same directory: " + out[-300:])
        self.assertNotEqual(rc, 0)
        self.assertNotIn("listening on", out)
        self.assertIn(first.data_dir, out)
        self.assertIn("in use by another coffer serve", out)
        self.assertIn("pid %d" % first.proc.pid, out)
        # The first is untouched and still serves.
        self.assertIsNone(first.proc.poll())
        self.assertEqual((os.stat(cred).st_mtime_ns, open(cred).read()), before)
        self.assertEqual(sm.get_secret_value(SecretId="before")["SecretString"], "v1")
        sm.create_secret(Name="after", SecretString="v2")
        # Once the first stops, the directory can be served again.
        first.stop()
        first.start()
        self.assertEqual(first.client().get_secret_value(SecretId="after")["SecretString"], "v2")


class DirectoryMode(TempDirTest):
    def check_refused(self, mode):
        d = os.path.join(self.root, "data-%o" % mode)
        os.mkdir(d)
        os.chmod(d, mode)
        rc, out = serve(d, "--listen", "127.0.0.1:0")
        self.assertIsNotNone(rc, "a %04o data directory was served: %s" % (mode, out[-300:]))
        self.assertNotEqual(rc, 0)
        self.assertIn(d, out)
        self.assertIn("%04o" % mode, out)
        self.assertIn("chmod 700", out)
        self.assertEqual(os.listdir(d), [], "something was written into a refused directory")
        self.assertEqual(stat.S_IMODE(os.stat(d).st_mode), mode)

    def test_0777_is_refused(self):
        self.check_refused(0o777)

    def test_0770_is_refused(self):
        self.check_refused(0o770)

    def test_new_directory_is_created_0700(self):
        d = os.path.join(self.root, "fresh")
        old = os.umask(0)
        try:
            srv = self.server(data_dir=d).start()
        finally:
            os.umask(old)
        self.assertEqual(stat.S_IMODE(os.stat(d).st_mode), 0o700)
        self.assertEqual(stat.S_IMODE(os.stat(os.path.join(d, "credentials")).st_mode), 0o600)
        srv.client().list_secrets()


class PlantedSymlinks(TempDirTest):
    def test_credentials_temporary_and_final_paths_are_not_followed(self):
        d = os.path.join(self.root, "data")
        os.mkdir(d, 0o700)
        victims = {}
        for name in ("credentials.tmp", "credentials"):
            victim = os.path.join(self.root, "victim-" + name)
            with open(victim, "w") as f:
                f.write("unchanged " + name)
            os.symlink(victim, os.path.join(d, name))
            victims[victim] = "unchanged " + name
        srv = self.server(data_dir=d).start()
        for victim, text in victims.items():
            with open(victim) as f:
                self.assertEqual(f.read(), text, victim + " was written through a symlink")
        cred = os.path.join(d, "credentials")
        st = os.lstat(cred)
        self.assertTrue(stat.S_ISREG(st.st_mode), "credentials is still a symlink")
        self.assertEqual(stat.S_IMODE(st.st_mode), 0o600)
        srv.client().list_secrets()  # the credentials written are the working ones
        leftovers = [n for n in os.listdir(d) if n.startswith("credentials.tmp-")]
        self.assertEqual(leftovers, [])


class PermissiveMode(TempDirTest):
    def permissive_args(self, *more):
        return ["--auth", "permissive", "--account-id", ACCOUNT] + list(more)

    def test_non_loopback_listen_is_refused_without_the_flag(self):
        d = os.path.join(self.root, "data")
        rc, out = serve(d, "--listen", "0.0.0.0:0", *self.permissive_args())
        self.assertIsNotNone(rc, "permissive mode listened on 0.0.0.0: " + out[-300:])
        self.assertNotEqual(rc, 0)
        self.assertIn("--allow-remote-permissive", out)
        self.assertIn("0.0.0.0", out)
        self.assertFalse(os.path.exists(os.path.join(d, "credentials")))

    def test_non_loopback_listen_starts_with_the_flag(self):
        srv = self.server(listen="0.0.0.0:0",
                          args=self.permissive_args("--allow-remote-permissive")).start()
        self.assertIn("0.0.0.0", srv.url)
        self.assertIn("remote callers allowed", log_text(srv))
        srv.stop()

    def test_non_loopback_listen_starts_with_the_environment_variable(self):
        env = dict(os.environ, COFFER_ALLOW_REMOTE_PERMISSIVE="true")
        srv = self.server(listen="0.0.0.0:0", args=self.permissive_args(), env=env).start()
        srv.stop()

    def test_loopback_needs_no_flag(self):
        self.server(args=self.permissive_args()).start().stop()

    def test_startup_log_says_permissive_loudly(self):
        srv = self.server(args=self.permissive_args()).start()
        text = log_text(srv)
        warn = [r for r in log_records(srv) if r.get("auth") == "permissive"]
        self.assertTrue(warn, text[-500:])
        self.assertEqual(warn[0]["level"], "warn")
        self.assertIn("WARNING: --auth permissive is on", text)

    def test_startup_log_says_permissive_even_at_log_level_error(self):
        srv = self.server(args=self.permissive_args("--log-level", "error")).start()
        self.assertIn("WARNING: --auth permissive is on", log_text(srv))

    def test_startup_log_says_sigv4(self):
        srv = self.server().start()
        modes = [r for r in log_records(srv) if r.get("msg", "").startswith("auth mode")]
        self.assertEqual([r["auth"] for r in modes], ["sigv4"], log_text(srv)[-500:])
        self.assertNotIn("permissive", log_text(srv))


class RootKeyEnvironment(TempDirTest):
    def test_root_key_is_not_left_in_the_server_environment(self):
        key = os.urandom(32).hex()
        env = dict(os.environ, COFFER_ROOT_KEY=key)
        srv = self.server(env=env).start()
        sm = srv.client()
        sm.create_secret(Name="k", SecretString="value")
        try:
            with open("/proc/%d/environ" % srv.proc.pid, "rb") as f:
                environ = f.read()
        except OSError as e:
            self.skipTest("cannot read the server's environment: %s" % e)
        self.assertIn(b"PATH=", environ)
        self.assertNotIn(key.encode(), environ, "COFFER_ROOT_KEY is still in the environment")
        self.assertNotIn(key[:16].encode(), environ)
        self.assertFalse(os.path.exists(os.path.join(srv.data_dir, "root.key")))
        # The key was used: a restart with it reads the secret back.
        srv.stop()
        srv.start()
        self.assertEqual(srv.client().get_secret_value(SecretId="k")["SecretString"], "value")


if __name__ == "__main__":
    unittest.main()
