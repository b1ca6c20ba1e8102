#!/usr/bin/python3
"""A throwaway PostgreSQL server for tests (Debian's packaged binaries).

    with PgServer() as pg:          # initdb + start; stop + delete on exit
        pg.psql("CREATE ROLE app LOGIN PASSWORD 'pw'")
        print(pg.port, pg.dsn)

The cluster lives in a temporary directory (or one given), uses
scram-sha-256 for every connection with a superuser password, listens on
127.0.0.1 on a free port and keeps its Unix socket inside the directory.
When run as root (as tests are), the server runs as the unprivileged
`postgres` system user that Debian's package creates; the directory is
chowned to it.

Command line, for tests in other languages:
    pg_server.py start DIR [--password PW] [--superuser NAME] [--no-fsync]
        prints the port on stdout and leaves the server running; the
        settings are also in DIR/pg_server.json
    pg_server.py stop DIR [--keep]
        stops it (fast) and deletes DIR unless --keep

Python 3.11 standard library only.
"""

import argparse
import atexit
import glob
import json
import os
import pwd
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import urllib.parse

STATE_FILE = "pg_server.json"


def find_bin_dir():
    """The bin directory of the highest installed PostgreSQL version."""
    best = None
    for path in glob.glob("/usr/lib/postgresql/*/bin"):
        m = re.fullmatch(r"/usr/lib/postgresql/(\d+)(?:\.(\d+))?/bin", path)
        if not m or not os.path.exists(os.path.join(path, "initdb")):
            continue
        version = (int(m.group(1)), int(m.group(2) or 0))
        if best is None or version > best[0]:
            best = (version, path)
    if best is None:
        raise RuntimeError("no PostgreSQL found under /usr/lib/postgresql/*/bin")
    return best[1]


def free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _exit_on_sigterm():
    """Makes SIGTERM run atexit handlers (the default action skips them)."""
    if threading.current_thread() is not threading.main_thread():
        return
    if signal.getsignal(signal.SIGTERM) is signal.SIG_DFL:
        signal.signal(signal.SIGTERM, lambda signum, frame: sys.exit(128 + signum))


class PgServer:
    """One PostgreSQL cluster: init() / start() / stop() / kill() / cleanup()."""

    def __init__(self, directory=None, superuser="postgres", password=None, port=None,
                 os_user="postgres", fsync=True):
        self.bin_dir = find_bin_dir()
        self._owns_dir = directory is None
        self.dir = os.path.abspath(directory or tempfile.mkdtemp(prefix="coffer-pg-"))
        self.superuser = superuser
        self.superuser_password = password or secrets.token_hex(16)
        self._port = port
        self.fsync = fsync
        self.running = False
        self._initialized = False
        self._detached = False
        self._as_root = os.geteuid() == 0
        self._uid = self._gid = None
        if self._as_root:
            entry = pwd.getpwnam(os_user)
            self._uid, self._gid = entry.pw_uid, entry.pw_gid
        atexit.register(self.cleanup)
        _exit_on_sigterm()

    # -- properties ---------------------------------------------------------
    @property
    def host(self):
        return "127.0.0.1"

    @property
    def port(self):
        return self._port

    @property
    def data_dir(self):
        return os.path.join(self.dir, "data")

    @property
    def socket_dir(self):
        return os.path.join(self.dir, "sock")

    @property
    def log_file(self):
        return os.path.join(self.dir, "postgres.log")

    @property
    def dsn(self):
        return "postgresql://%s:%s@%s:%d/postgres" % (
            urllib.parse.quote(self.superuser, safe=""),
            urllib.parse.quote(self.superuser_password, safe=""), self.host, self.port)

    # -- lifecycle ----------------------------------------------------------
    def __enter__(self):
        self.init()
        self.start()
        return self

    def __exit__(self, *exc):
        self.cleanup()
        return False

    def _run(self, argv, check=True):
        """Runs a server binary as the unprivileged user."""
        name = os.path.basename(argv[0])
        if self._as_root:
            argv = ["runuser", "-u", pwd.getpwuid(self._uid).pw_name, "--"] + argv
        proc = subprocess.run(argv, cwd=self.dir, stdin=subprocess.DEVNULL,
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        if check and proc.returncode != 0:
            raise RuntimeError("%s failed (%d):\n%s" % (name, proc.returncode, proc.stdout))
        return proc

    def _chown(self, path):
        if self._as_root:
            os.chown(path, self._uid, self._gid)

    def init(self):
        os.makedirs(self.dir, exist_ok=True)
        os.chmod(self.dir, 0o700)
        self._chown(self.dir)
        os.makedirs(self.socket_dir, exist_ok=True)
        self._chown(self.socket_dir)
        pwfile = os.path.join(self.dir, "pwfile")
        with open(pwfile, "w") as f:
            f.write(self.superuser_password + "\n")
        os.chmod(pwfile, 0o600)
        self._chown(pwfile)
        try:
            self._run([os.path.join(self.bin_dir, "initdb"), "-D", self.data_dir,
                       "-U", self.superuser, "-A", "scram-sha-256", "--pwfile=" + pwfile,
                       "-E", "UTF8", "--locale=C"])
        finally:
            os.unlink(pwfile)
        self._initialized = True

    def _write_conf(self):
        conf = os.path.join(self.data_dir, "postgresql.auto.conf")
        with open(conf, "w") as f:
            f.write("listen_addresses = '127.0.0.1'\n")
            f.write("port = %d\n" % self._port)
            f.write("unix_socket_directories = '%s'\n" % self.socket_dir)
            f.write("fsync = %s\n" % ("on" if self.fsync else "off"))
            f.write("password_encryption = 'scram-sha-256'\n")
            f.write("max_connections = 50\n")
        self._chown(conf)

    def start(self):
        if not self._initialized and not os.path.exists(os.path.join(self.data_dir, "PG_VERSION")):
            self.init()
        self._initialized = True
        fixed = self._port is not None
        for attempt in range(5):
            if not fixed:
                self._port = free_port()
            self._write_conf()
            proc = self._run([os.path.join(self.bin_dir, "pg_ctl"), "-D", self.data_dir,
                              "-l", self.log_file, "-w", "-t", "60", "start"], check=False)
            if proc.returncode == 0:
                self.running = True
                return self
            if fixed or attempt == 4:
                raise RuntimeError("pg_ctl start failed:\n%s\n%s" % (proc.stdout, self.log()))

    def _pg_ctl_stop(self, mode):
        if not self.running:
            return
        self._run([os.path.join(self.bin_dir, "pg_ctl"), "-D", self.data_dir, "-w", "-t", "60",
                   "-m", mode, "stop"], check=False)
        self.running = False

    def stop(self):
        """Stops the server (fast shutdown); the cluster stays for start()."""
        self._pg_ctl_stop("fast")

    def kill(self):
        """Stops the server without a checkpoint (immediate: crash recovery on start)."""
        self._pg_ctl_stop("immediate")

    def detach(self):
        """Leaves the server and directory in place when this process exits."""
        self._detached = True

    def cleanup(self):
        if self._detached:
            return
        self.stop()
        if self._owns_dir and os.path.isdir(self.dir):
            shutil.rmtree(self.dir, ignore_errors=True)

    def log(self):
        try:
            with open(self.log_file) as f:
                return f.read()
        except OSError:
            return ""

    # -- clients ------------------------------------------------------------
    def psql(self, sql, user=None, password=None, dbname="postgres", check=True):
        """Runs `sql` with /usr/bin/psql; returns its stdout (unaligned, tuples only)."""
        env = dict(os.environ)
        env["PGPASSWORD"] = self.superuser_password if password is None else password
        env.pop("PGSERVICE", None)
        argv = ["/usr/bin/psql", "-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1",
                "-h", self.host, "-p", str(self.port), "-U", user or self.superuser,
                "-d", dbname, "-c", sql]
        proc = subprocess.run(argv, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True)
        if check and proc.returncode != 0:
            raise RuntimeError("psql failed (%d): %s" % (proc.returncode, proc.stderr.strip()))
        return proc.stdout if check else proc

    def can_login(self, user, password, dbname="postgres"):
        return self.psql("SELECT 1", user=user, password=password, dbname=dbname,
                         check=False).returncode == 0

    def state(self):
        return {"host": self.host, "port": self.port, "superuser": self.superuser,
                "superuser_password": self.superuser_password, "dir": self.dir,
                "bin_dir": self.bin_dir}


def _cli(argv):
    parser = argparse.ArgumentParser(description="a throwaway PostgreSQL for tests")
    sub = parser.add_subparsers(dest="cmd", required=True)
    start = sub.add_parser("start")
    start.add_argument("dir")
    start.add_argument("--password")
    start.add_argument("--superuser", default="postgres")
    start.add_argument("--port", type=int)
    start.add_argument("--no-fsync", action="store_true",
                       help="fsync = off: for unit tests that never lose power (a much faster "
                            "shutdown checkpoint after many databases)")
    stop = sub.add_parser("stop")
    stop.add_argument("dir")
    stop.add_argument("--keep", action="store_true")
    args = parser.parse_args(argv)

    directory = os.path.abspath(args.dir)
    state_path = os.path.join(directory, STATE_FILE)
    if args.cmd == "start":
        server = PgServer(directory, superuser=args.superuser, password=args.password,
                          port=args.port, fsync=not args.no_fsync)
        server._owns_dir = True  # a failed start removes what it made
        try:
            server.init()
            server.start()
        except Exception as e:  # noqa: BLE001 (report and clean up)
            print(str(e), file=sys.stderr)
            return 1
        with open(state_path, "w") as f:
            json.dump(server.state(), f)
        os.chmod(state_path, 0o600)
        server.detach()
        print(server.port, flush=True)
        return 0

    with open(state_path) as f:
        state = json.load(f)
    server = PgServer(directory, superuser=state["superuser"],
                      password=state["superuser_password"], port=state["port"])
    server._initialized = True
    server.running = True
    server._owns_dir = not args.keep
    server.cleanup()
    return 0


if __name__ == "__main__":
    sys.exit(_cli(sys.argv[1:]))
