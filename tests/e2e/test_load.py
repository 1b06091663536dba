"""Under load, through `pinscope dump`, no flow is lost or altered.

Concurrent clients send a few thousand requests (Pinterest API calls that succeed or fail, other
traffic, binary uploads, compressed answers) through `pinscope dump` (mitmdump with pinscope, as a
regular proxy) to a local server: each request names 127.0.0.1 in its URL and, for the Pinterest
ones, api.pinterest.com in its Host header, so pinscope analyses it and nothing leaves the machine. Every
request must reach the server once, byte for byte; every answer must reach its client byte for byte;
and the saved flows must number exactly as many, the Pinterest ones analysed.
"""

from __future__ import annotations

import asyncio
import gzip
import hashlib
import json
import threading
from collections import Counter
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import httpx
import pytest

from pinscope.demo import launcher
from tests.e2e.conftest import read_capture

pytestmark = pytest.mark.e2e

REQUESTS = 2400
CLIENTS = 16
PINTEREST = "api.pinterest.com"
TOKEN = "pina_AMALOADTESTTOKEN00000000000000000000000000000001"


def request_body(n: int) -> bytes:
    """Request n's upload: empty, JSON or binary (not UTF-8), of varied sizes."""
    if n % 3 == 0:
        return b""
    if n % 3 == 1:
        return json.dumps({"board_id": str(n), "title": "pin " * (n % 50)}).encode()
    return hashlib.sha256(str(n).encode()).digest() * (1 + n % 700) + b"\xff\x00"


def answer(n: int) -> tuple[int, bytes, bool]:
    """(status, body, gzip it) the server sends for request n: every client knows it in advance."""
    if n % 10 == 4:
        return 401, json.dumps({"code": 3, "message": f"Not authorized ({n})"}).encode(), False
    if n % 10 == 7:
        return 429, json.dumps({"code": 8, "message": "Rate limit exceeded"}).encode(), False
    body = json.dumps({"id": str(n), "media": {"media_type": "image"}, "pad": "x" * (n % 400)}).encode()
    return 200, body, n % 4 == 0


class Upstream(BaseHTTPRequestHandler):
    """Answers per request number; records what each request carried."""

    protocol_version = "HTTP/1.1"
    seen: Counter[int]
    uploads: dict[int, str]
    lock = threading.Lock()

    def _serve(self) -> None:
        n = int(self.headers["x-load-n"])
        body = self.rfile.read(int(self.headers.get("content-length") or 0))
        with self.lock:
            self.seen[n] += 1
            self.uploads[n] = hashlib.sha256(body).hexdigest()
        status, content, zipped = answer(n)
        if zipped:
            content = gzip.compress(content)
        self.send_response(status)
        self.send_header("content-type", "application/json")
        self.send_header("content-length", str(len(content)))
        self.send_header("x-ratelimit-limit", "100, 100;w=1")
        self.send_header("x-ratelimit-remaining", str(100 - n % 100))
        if zipped:
            self.send_header("content-encoding", "gzip")
        self.end_headers()
        self.wfile.write(content)

    do_GET = do_POST = _serve

    def log_message(self, *args: object) -> None:  # quiet
        pass


@pytest.fixture
def upstream() -> Iterator[ThreadingHTTPServer]:
    handler = type("Handler", (Upstream,), {"seen": Counter(), "uploads": {}})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


async def send_all(proxy: str, base: str) -> list[tuple[int, int, bytes]]:
    """Every request, CLIENTS at a time over keep-alive connections; (n, status, decoded body)."""
    queue: asyncio.Queue[int] = asyncio.Queue()
    for n in range(REQUESTS):
        queue.put_nowait(n)
    results: list[tuple[int, int, bytes]] = []

    async def client() -> None:
        async with httpx.AsyncClient(proxy=proxy, timeout=60) as http:
            while not queue.empty():
                n = queue.get_nowait()
                pinterest = n % 2 == 0
                headers = {"x-load-n": str(n), "accept-encoding": "gzip"}
                if pinterest:  # a Pinterest API call, routed to the local server by its URL
                    headers |= {"host": PINTEREST, "authorization": f"Bearer {TOKEN}"}
                body = request_body(n)
                path = f"/v5/pins/{n}" if pinterest else f"/shop/{n}"
                response = await http.request("POST" if body else "GET", f"{base}{path}", content=body,
                                              headers=headers)
                results.append((n, response.status_code, response.content))

    await asyncio.gather(*(client() for _ in range(CLIENTS)))
    return results


def test_thousands_of_concurrent_flows_pass_unaltered_and_are_all_saved(ca_dir, tmp_path, upstream) -> None:
    base = f"http://127.0.0.1:{upstream.server_port}"
    mitm = launcher.start("dump", ca_dir, ["-w", str(tmp_path / "flows.mitm"),
                                           "--set", f"pinscope_report={tmp_path / 'report.json'}"])
    try:
        results = asyncio.run(send_all(mitm.proxy_url, base))
    finally:
        capture = read_capture(mitm, tmp_path)  # stops mitmdump
    handler = upstream.RequestHandlerClass
    assert sorted(n for n, _, _ in results) == list(range(REQUESTS))  # every answer arrived, once
    assert handler.seen == Counter(range(REQUESTS))  # every request reached the server, once
    altered_up = [n for n in range(REQUESTS) if handler.uploads[n] != hashlib.sha256(request_body(n)).hexdigest()]
    altered_down = [n for n, status, body in results if (status, body) != answer(n)[:2]]
    assert altered_up == [] and altered_down == []
    saved = [f for f in capture.flows if f.request.headers.get("x-load-n") is not None]
    assert len(saved) == REQUESTS
    pinterest = [f for f in saved if f.request.pretty_host == PINTEREST]
    assert len(pinterest) == REQUESTS // 2
    assert all("pinscope_context" in f.metadata for f in pinterest)  # pinscope analysed each of them
    assert not any("pinscope_context" in f.metadata for f in saved if f not in pinterest)
    assert "failed" not in capture.output and TOKEN not in capture.output
