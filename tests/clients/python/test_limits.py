"""Limits and fairness (issue #4 item 7): the per-account rate limit answers ThrottlingException
(HTTP 400, "Rate exceeded") and refills; unauthenticated requests do not drain an account's
bucket; a noisy client (many connections hammering, plus half-sent requests) cannot starve a
quiet one; the connection limit answers an AWS-shaped 503 and recovers."""
import json
import os
import socket
import threading
import time
import unittest

from botocore.exceptions import ClientError

from coffer_server import CofferServer
from test_hostile import build_request, host_port, read_response, send_raw


def config_file(srv, text):
    path = os.path.join(srv.data_dir, "limits.toml")
    with open(path, "w") as f:
        f.write(text)
    return path


class RateLimit(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.srv = CofferServer(args=["--rate-limit-rps", "2", "--rate-limit-burst", "5"]).start()
        cls.sm = cls.srv.client()

    @classmethod
    def tearDownClass(cls):
        cls.srv.close()

    def burst(self, n):
        ok, throttled, other = 0, [], []
        for _ in range(n):
            try:
                self.sm.list_secrets(MaxResults=1)
                ok += 1
            except ClientError as e:
                r = e.response
                if r["Error"]["Code"] == "ThrottlingException":
                    throttled.append(r)
                else:
                    other.append(r["Error"]["Code"])
        return ok, throttled, other

    def test_throttles_then_refills(self):
        time.sleep(3.0)  # full bucket
        ok, throttled, other = self.burst(40)
        self.assertEqual(other, [])
        self.assertGreaterEqual(ok, 5)
        self.assertGreater(len(throttled), 0, "40 quick requests at 2 rps were never throttled")
        r = throttled[0]
        self.assertEqual(r["ResponseMetadata"]["HTTPStatusCode"], 400)
        self.assertEqual(r["Error"]["Message"], "Rate exceeded")
        time.sleep(3.0)
        self.sm.list_secrets(MaxResults=1)  # refilled

    def test_throttling_body_is_aws_shaped(self):
        time.sleep(3.0)
        from test_hostile import sign_headers
        ak, sk = self.srv.credentials()
        seen = None
        for _ in range(40):
            hdrs = sign_headers(self.srv.url, b"{}", ak, sk)
            status, _, body = send_raw(self.srv.url, build_request(self.srv.url, b"{}", hdrs))
            if status != 200:
                seen = (status, body)
                break
        self.assertIsNotNone(seen)
        self.assertEqual(seen[0], 400)
        self.assertEqual(json.loads(seen[1]), {"__type": "ThrottlingException", "message": "Rate exceeded"})

    def test_unauthenticated_requests_do_not_drain_the_bucket(self):
        time.sleep(3.0)
        hdrs = [("Content-Type", "application/x-amz-json-1.1"), ("X-Amz-Target", "secretsmanager.ListSecrets")]
        for _ in range(50):
            status, _, _ = send_raw(self.srv.url, build_request(self.srv.url, b"{}", hdrs))
            self.assertEqual(status, 400)
        ok, throttled, other = self.burst(5)
        self.assertEqual((ok, len(throttled), other), (5, 0, []))


class Fairness(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.srv = CofferServer(args=["--threads", "2"])
        cls.srv.args += ["--config", config_file(cls.srv, "read_timeout_ms = 3000\n")]
        cls.srv.start()
        cls.sm = cls.srv.client()
        cls.sm.create_secret(Name="fair/s", SecretString="fair-value")

    @classmethod
    def tearDownClass(cls):
        cls.srv.close()

    def test_noisy_client_cannot_starve_a_quiet_one(self):
        stop = threading.Event()
        noisy_done = [0]
        lock = threading.Lock()
        noisy_clients = [self.srv.client() for _ in range(24)]

        def hammer(sm):
            while not stop.is_set():
                try:
                    sm.get_secret_value(SecretId="fair/s")
                    with lock:
                        noisy_done[0] += 1
                except Exception:  # noqa: BLE001
                    pass
        # plus 200 connections that send half a request and stall
        h, p = host_port(self.srv.url)
        stalled = []
        for _ in range(200):
            s = socket.create_connection((h, p), timeout=10)
            s.sendall(b"POST / HTTP/1.1\r\nHost: x\r\nX-Amz-Target: secretsmanager.ListSecrets\r\n")
            stalled.append(s)
        ts = [threading.Thread(target=hammer, args=(sm,)) for sm in noisy_clients]
        for t in ts:
            t.start()
        try:
            time.sleep(0.5)
            quiet = self.srv.client()
            worst = 0.0
            for _ in range(30):
                t0 = time.monotonic()
                self.assertEqual(quiet.get_secret_value(SecretId="fair/s")["SecretString"], "fair-value")
                worst = max(worst, time.monotonic() - t0)
            # generous: a starved client would wait for the noisy ones to stop (never, here)
            self.assertLess(worst, 10.0)
        finally:
            stop.set()
            for t in ts:
                t.join(60)
            for s in stalled:
                s.close()
        self.assertGreater(noisy_done[0], 0)


class ConnectionLimit(unittest.TestCase):
    def test_over_the_limit_gets_503_and_recovers(self):
        srv = CofferServer(args=["--threads", "1"])
        srv.args += ["--config", config_file(srv, "max_connections = 20\n")]
        srv.start()
        try:
            sm = srv.client()
            h, p = host_port(srv.url)
            held = [socket.create_connection((h, p), timeout=10) for _ in range(25)]
            time.sleep(0.5)
            status, _, body = send_raw(srv.url, b"GET /health HTTP/1.1\r\nHost: x\r\n\r\n", timeout=10)
            if status is not None:
                self.assertEqual(status, 503)
                self.assertIn("__type", json.loads(body))
            for s in held:
                s.close()
            deadline = time.monotonic() + 20
            while True:
                try:
                    sm.list_secrets(MaxResults=1)
                    break
                except Exception:  # noqa: BLE001
                    if time.monotonic() > deadline:
                        raise
                    time.sleep(0.2)
        finally:
            srv.close()


if __name__ == "__main__":
    unittest.main()
