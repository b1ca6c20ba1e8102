"""Pre-authentication exhaustion (issue 18, security item 2, transport half): a flood of idle
sockets from one address, bounded in count (<= 320) and time (~10 s), on loopback only.

Before the fix, every idle socket held one of max_connections for idle_timeout (60 s), so a flood
larger than max_connections from 127.0.0.1 made every other client, from any address, get 503.
Now one address holds at most max_connections_per_address (default 256) and a connection that
sends nothing is closed after first_byte_timeout_ms (default 5 s). The other address is
127.0.0.2 (Linux routes all of 127/8 to lo): boto3 cannot choose its source address, so that
call is a SigV4-signed request (botocore's signer) over http.client bound to 127.0.0.2."""
import os
import select
import socket
import time
import unittest


import raw_aws
from coffer_server import CofferServer

FLOODER = "127.0.0.1"
OTHER = "127.0.0.2"


def config_file(srv, text):
    path = os.path.join(srv.data_dir, "flood.toml")
    with open(path, "w") as f:
        f.write(text)
    return path


def host_port(url):
    hp = url.split("://", 1)[1].rstrip("/")
    h, p = hp.rsplit(":", 1)
    return h, int(p)


def signed_call(srv, op, body, source):
    """POSTs a signed JSON 1.1 request from `source`; returns (status, parsed body)."""
    ak, sk = srv.credentials()
    status, _, parsed = raw_aws.call(srv.url, op, body, ak, sk, source=source)
    return status, parsed


def open_idle(srv, n, source=FLOODER):
    """Opens n TCP connections from `source` that never send a byte."""
    h, p = host_port(srv.url)
    socks = []
    for _ in range(n):
        s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        s.bind((source, 0))
        s.settimeout(10)
        s.connect((h, p))
        s.setblocking(False)
        socks.append(s)
    return socks


def watch_closes(socks, origin, until):
    """Waits (to monotonic time `until`) for the server to close each socket. Returns
    {fd: (seconds from `origin` to the close, bytes received before it)} for those it closed."""
    by_fd = {s.fileno(): s for s in socks}
    got = {fd: b"" for fd in by_fd}
    closed = {}
    poller = select.poll()
    for fd in by_fd:
        poller.register(fd, select.POLLIN)
    while len(closed) < len(socks):
        left = until - time.monotonic()
        if left <= 0:
            break
        for fd, _ in poller.poll(min(left, 0.5) * 1000):
            try:
                chunk = by_fd[fd].recv(4096)
            except BlockingIOError:
                continue
            except ConnectionResetError:
                chunk = b""
            if chunk:
                got[fd] += chunk
            else:
                closed[fd] = (time.monotonic() - origin, got[fd])
                poller.unregister(fd)
    return closed


class IdleFlood(unittest.TestCase):
    """Defaults for the two new limits; max_connections lowered to 300 so that a 320-socket
    flood is enough to fill the whole server under the old code."""
    FLOOD = 320
    PER_ADDRESS = 256   # the default max_connections_per_address
    FIRST_BYTE = 5.0    # the default first_byte_timeout_ms, in seconds

    @classmethod
    def setUpClass(cls):
        cls.srv = CofferServer(args=["--threads", "2"])
        cls.srv.args += ["--config", config_file(cls.srv, "max_connections = 300\n")]
        cls.srv.start()

    @classmethod
    def tearDownClass(cls):
        cls.srv.close()

    def test_flood_from_one_address_neither_starves_another_nor_outlives_the_first_byte_deadline(self):
        start = time.monotonic()
        flood = open_idle(self.srv, self.FLOOD)
        try:
            # (a) While the flood is up, another address is served (before: 503, every slot taken).
            time.sleep(0.3)
            status, body = signed_call(self.srv, "ListSecrets", {"MaxResults": 1}, OTHER)
            self.assertEqual(status, 200, body)
            self.assertIn("SecretList", body)
            # The flood is inside its first-byte window still; the call must have come during it.
            self.assertLess(time.monotonic() - start, self.FIRST_BYTE - 1.0)
            # (b) The server closes every flood socket: the ones over the address's cap at once with
            # a 503, the admitted ones silently after the first-byte deadline (before: 60 s).
            closed = watch_closes(flood, start, start + self.FIRST_BYTE + 3.0)
            self.assertEqual(len(closed), self.FLOOD,
                             "%d of %d idle sockets still open %.1f s after connecting"
                             % (self.FLOOD - len(closed), self.FLOOD, time.monotonic() - start))
            refused = [t for t, data in closed.values() if data]
            silent = [t for t, data in closed.values() if not data]
            self.assertEqual(len(refused), self.FLOOD - self.PER_ADDRESS)
            for t, data in closed.values():
                if data:
                    self.assertTrue(data.startswith(b"HTTP/1.1 503 "), data[:40])
                    self.assertIn(b"ServiceUnavailableException", data)
            self.assertLess(max(refused), 2.0)
            # Not before the deadline (each counts from its accept, just after `start`).
            self.assertGreater(min(silent), self.FIRST_BYTE - 0.2)
        finally:
            for s in flood:
                s.close()
        # The flooding address is served again afterwards.
        self.assertEqual(self.srv.client().list_secrets(MaxResults=1)["ResponseMetadata"]["HTTPStatusCode"], 200)


class ConfiguredLimits(unittest.TestCase):
    """The TOML keys max_connections_per_address and first_byte_timeout_ms take effect."""

    @classmethod
    def setUpClass(cls):
        cls.srv = CofferServer(args=["--threads", "1"])
        cls.srv.args += ["--config", config_file(
            cls.srv, "max_connections_per_address = 4\nfirst_byte_timeout_ms = 1000\n")]
        cls.srv.start()

    @classmethod
    def tearDownClass(cls):
        cls.srv.close()

    def test_cap_and_deadline_follow_the_config(self):
        start = time.monotonic()
        socks = open_idle(self.srv, 6)
        try:
            status, _ = signed_call(self.srv, "ListSecrets", {"MaxResults": 1}, OTHER)
            self.assertEqual(status, 200)
            closed = watch_closes(socks, start, start + 4.0)
            self.assertEqual(len(closed), 6)
            refused = [t for t, data in closed.values() if data]
            silent = [t for t, data in closed.values() if not data]
            self.assertEqual(len(refused), 2)
            self.assertEqual(len(silent), 4)
            self.assertGreater(min(silent), 0.8)
            self.assertLess(max(refused), 0.8)
        finally:
            for s in socks:
                s.close()


if __name__ == "__main__":
    unittest.main()
