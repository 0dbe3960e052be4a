"""An HTTP proxy on 127.0.0.1 in front of the S3 server that injects transient failures.

Requests whose method and path match a rule fail until that rule's budget is
spent: `503 SlowDown` (S3's own throttling answer), a connection closed with
no answer ("drop"), or an answer cut off half-way through its body ("cut").
Everything else is forwarded unchanged. Every request is counted, so tests can
assert retries.
"""

from __future__ import annotations

import http.client
import threading
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import unquote, urlparse

SLOW_DOWN = (
    b'<?xml version="1.0" encoding="UTF-8"?>\n'
    b"<Error><Code>SlowDown</Code><Message>Please reduce your request rate.</Message></Error>"
)


class FaultyProxy:
    def __init__(self, upstream: str) -> None:
        self.upstream = urlparse(upstream)
        self.failures: dict[tuple[str, str], tuple[int, str]] = {}
        self.seen: Counter[tuple[str, str]] = Counter()
        self._lock = threading.Lock()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    def fail(self, method: str, path_suffix: str, times: int, how: str = "slowdown") -> None:
        """Fail the next `times` requests of `method` whose path ends with `path_suffix`.

        `how`: "slowdown" (503), "drop" (close, no answer) or "cut" (half the body, then close)."""
        self.failures[(method, path_suffix)] = (times, how)

    def count(self, method: str, path_suffix: str) -> int:
        return sum(n for (m, p), n in self.seen.items() if m == method and p.endswith(path_suffix))

    def __enter__(self) -> FaultyProxy:
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._server.shutdown()
        self._server.server_close()

    def _failure(self, method: str, path: str) -> str | None:
        with self._lock:
            self.seen[(method, path)] += 1
            for (m, suffix), (left, how) in self.failures.items():
                if m == method and path.endswith(suffix) and left > 0:
                    self.failures[(m, suffix)] = (left - 1, how)
                    return how
        return None

    def _handler(self):
        proxy = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args) -> None:  # keep test output quiet
                pass

            def _relay(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else None
                path = unquote(self.path.split("?", 1)[0])
                how = proxy._failure(self.command, path)
                if how == "drop":
                    self.close_connection = True
                    return
                if how == "slowdown":
                    self.send_response(503)
                    self.send_header("Content-Type", "application/xml")
                    self.send_header("Content-Length", str(len(SLOW_DOWN)))
                    self.end_headers()
                    self.wfile.write(SLOW_DOWN)
                    return
                upstream = http.client.HTTPConnection(proxy.upstream.hostname, proxy.upstream.port, timeout=30)
                headers = {k: v for k, v in self.headers.items() if k.lower() not in ("expect", "connection")}
                upstream.request(self.command, self.path, body=body, headers=headers)
                response = upstream.getresponse()
                data = response.read()
                self.send_response(response.status)
                for key, value in response.getheaders():
                    if key.lower() not in ("content-length", "transfer-encoding", "connection"):
                        self.send_header(key, value)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                if how == "cut":
                    self.wfile.write(data[: len(data) // 2])
                    self.close_connection = True
                elif self.command != "HEAD":
                    self.wfile.write(data)
                upstream.close()

            do_GET = do_PUT = do_POST = do_DELETE = do_HEAD = _relay

        return Handler
