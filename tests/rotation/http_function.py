#!/usr/bin/python3
"""A URL rotation function for Coffer's end-to-end tests: pg_single_user behind HTTP.

Coffer POSTs the event JSON to a `url` binding with the temporary credentials, region and its
own URL in headers (docs/functions.md, "URL functions"). This server turns those headers into
the environment pg_single_user expects and runs its handler; 200 on success, 500 when the
handler raises. Each request gets its own copy of the environment (no os.environ writes), so
requests on several threads do not see each other's credentials.

In a test:
    fn = HttpFunction(env={"STEP_LOG": path}).start()   # a thread on 127.0.0.1:<free port>
    url = fn.url                                          # for `url = "..."` in the binding
    fn.stop()
Or standalone: http_function.py [PORT]  (prints the URL, serves until killed).
"""
import http.server
import json
import logging
import os
import sys
import threading

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import pg_single_user  # noqa: E402

# Header -> the variable pg_single_user reads.
HEADERS = {
    "X-Coffer-Access-Key-Id": "AWS_ACCESS_KEY_ID",
    "X-Coffer-Secret-Access-Key": "AWS_SECRET_ACCESS_KEY",
    "X-Coffer-Session-Token": "AWS_SESSION_TOKEN",
    "X-Coffer-Region": "AWS_REGION",
    "X-Coffer-Endpoint-Url": "SECRETS_MANAGER_ENDPOINT",
}


class _Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.0"

    def do_POST(self):  # noqa: N802 (http.server's name)
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length)
        env = dict(self.server.base_env)
        if self.server.on_secret and self.headers.get("X-Coffer-Secret-Access-Key"):
            self.server.on_secret(self.headers["X-Coffer-Secret-Access-Key"])
        for header, variable in HEADERS.items():
            if self.headers.get(header) is not None:
                env[variable] = self.headers[header]
        try:
            event = json.loads(body)
            pg_single_user.handle(event, env)
            status, reply = 200, {"ok": True}
            self.server.calls.append((event.get("Step"), event.get("ClientRequestToken"), 200))
        except Exception as e:  # noqa: BLE001 -- reported as HTTP 500
            status, reply = 500, {"errorType": type(e).__name__, "errorMessage": str(e)}
            self.server.calls.append((self._step(body), None, 500))
        data = json.dumps(reply).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    @staticmethod
    def _step(body):
        try:
            return json.loads(body).get("Step")
        except ValueError:
            return None

    def log_message(self, fmt, *args):  # quiet: the test's output is its own
        pass


class HttpFunction:
    """The server on a thread. `calls` lists (step, token, status) per request."""

    def __init__(self, env=None, host="127.0.0.1", port=0, on_secret=None):
        """`on_secret`: called with each secret access key received (a test's hygiene record)."""
        self._server = http.server.ThreadingHTTPServer((host, port), _Handler)
        self._server.on_secret = on_secret
        self._server.daemon_threads = True
        self._server.base_env = dict(env or {})
        self._server.calls = []
        self._thread = None

    @property
    def url(self):
        host, port = self._server.server_address[:2]
        return "http://%s:%d/" % (host, port)

    @property
    def calls(self):
        return self._server.calls

    def start(self):
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()
        return self

    def stop(self):
        self._server.shutdown()
        self._server.server_close()
        if self._thread:
            self._thread.join()


if __name__ == "__main__":
    logging.basicConfig(stream=sys.stdout, format="[%(levelname)s]\t%(message)s")
    fn = HttpFunction(env={k: v for k, v in os.environ.items()
                           if k in ("EXCLUDE_CHARACTERS", "PASSWORD_LENGTH", "FAIL_STEP",
                                    "STEP_LOG")},
                      port=int(sys.argv[1]) if len(sys.argv) > 1 else 0)
    print(fn.url, flush=True)
    try:
        fn._server.serve_forever()
    except KeyboardInterrupt:
        pass
