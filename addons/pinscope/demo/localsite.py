"""A small non-Pinterest HTTP server on 127.0.0.1: where the demo leaks a token, and a byte-exact echo.

It stands for the user's own site or a third-party service. It records every request it receives,
so the end-to-end tests can compare what arrived with what the client sent.
"""

from __future__ import annotations

import hashlib
import threading
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType

LOCALHOST = "127.0.0.1"
MAX_BODY = 1 << 20


@dataclass(frozen=True, slots=True)
class Received:
    """One request as the site saw it."""

    method: str
    path: str
    headers: dict[str, str]
    body: bytes


def payload(path: str, size: int = 4096) -> bytes:
    """The bytes the site answers for `path`: deterministic, binary, not valid UTF-8."""
    out = b""
    counter = 0
    while len(out) < size:
        out += hashlib.sha256(f"{path}:{counter}".encode()).digest()
        counter += 1
    return b"\xff\xfe" + out[: size - 2]


class _Handler(BaseHTTPRequestHandler):
    server: _Server

    def _answer(self) -> None:
        length = min(int(self.headers.get("content-length") or 0), MAX_BODY)
        body = self.rfile.read(length) if length > 0 else b""
        self.server.received.append(Received(self.command, self.path, dict(self.headers.items()), body))
        if self.path.startswith("/images/"):
            status, content, kind = 404, b"no such image\n", "text/plain"
        elif self.command == "POST" and self.path.startswith("/collect"):
            status, content, kind = 204, b"", "text/plain"
        else:
            status, content, kind = 200, payload(self.path), "application/octet-stream"
        self.send_response(status)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(content)))
        self.end_headers()
        self.wfile.write(content)

    do_GET = do_POST = do_PUT = do_DELETE = _answer  # noqa: N815 (http.server's naming)

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - quiet: the demo prints
        pass


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self) -> None:
        super().__init__((LOCALHOST, 0), _Handler)
        self.received: list[Received] = []


class LocalSite:
    """The server on a free port; a context manager that serves on a daemon thread."""

    def __init__(self) -> None:
        self._server = _Server()
        self._thread = threading.Thread(target=self._server.serve_forever, name="pinscope-local-site",
                                        daemon=True)

    @property
    def url(self) -> str:
        """`http://127.0.0.1:PORT`."""
        return f"http://{LOCALHOST}:{self._server.server_port}"

    @property
    def received(self) -> list[Received]:
        """Requests received so far, oldest first."""
        return list(self._server.received)

    def __enter__(self) -> LocalSite:
        self._thread.start()
        return self

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)
