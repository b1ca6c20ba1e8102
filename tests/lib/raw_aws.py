"""Raw AWS JSON 1.1 requests for the black-box suites: signed with botocore's own SigV4Auth
over exactly the headers and body given, sent with http.client, answered as parsed JSON with
the wire's member order. For what the SDKs never send (no ClientRequestToken, a header left
out of the signature, a source address of one's choosing).

    from raw_aws import call, sign, post
    status, headers, body = call(srv.url, "ListSecrets", {}, ak, sk)
"""
import http.client
import json
import urllib.parse

import botocore.auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

JSON_1_1 = "application/x-amz-json-1.1"


def sign(url, data, ak, sk, target="secretsmanager.ListSecrets", content_type=JSON_1_1,
         extra=None, region="us-east-1", service="secretsmanager"):
    """Headers [(name, value)] of a POST to `url` + "/" with body `data` (bytes), signed by
    botocore's SigV4Auth over every header given: X-Amz-Target and Content-Type unless None,
    then `extra` ({name: value})."""
    headers = {}
    if content_type is not None:
        headers["Content-Type"] = content_type
    if target is not None:
        headers["X-Amz-Target"] = target
    headers.update(extra or {})
    req = AWSRequest(method="POST", url=url.rstrip("/") + "/", data=data, headers=headers)
    botocore.auth.SigV4Auth(Credentials(ak, sk), service, region).add_auth(req)
    return list(req.prepare().headers.items())


def parse(raw):
    """A response body as JSON (member order kept), {} when empty, {"_raw": …} otherwise."""
    if not raw.strip():
        return {}
    try:
        return json.loads(raw)
    except ValueError:
        return {"_raw": raw[:200]}


def post(url, data, headers, source=None, timeout=30):
    """POSTs `data` to `url` (a path and query may follow the host) with `headers` (a dict or
    [(name, value)]), from `source` (an address to bind) if given. Returns (status, headers,
    parsed body)."""
    u = urllib.parse.urlsplit(url)
    target = (u.path or "/") + ("?" + u.query if u.query else "")
    cls = http.client.HTTPSConnection if u.scheme == "https" else http.client.HTTPConnection
    conn = cls(u.hostname, u.port, timeout=timeout,
               source_address=(source, 0) if source else None)
    try:
        conn.putrequest("POST", target, skip_host=True, skip_accept_encoding=True)
        items = headers.items() if isinstance(headers, dict) else headers
        names = set()
        for k, v in items:
            conn.putheader(k, v)
            names.add(k.lower())
        if "host" not in names:
            conn.putheader("Host", u.netloc)
        if "content-length" not in names:
            conn.putheader("Content-Length", str(len(data)))
        conn.endheaders(data)
        resp = conn.getresponse()
        return resp.status, resp.headers, parse(resp.read())
    finally:
        conn.close()


def call(url, op, body, ak, sk, region="us-east-1", prefix="secretsmanager", source=None):
    """A signed JSON 1.1 call of `prefix`.`op` with exactly `body` (a dict, nothing filled in),
    signed as the SDKs sign. Returns (status, headers, parsed body)."""
    data = json.dumps(body).encode()
    service = "kms" if prefix == "TrentService" else prefix
    headers = sign(url, data, ak, sk, target=prefix + "." + op, region=region, service=service)
    return post(url.rstrip("/") + "/", data, headers, source=source)
