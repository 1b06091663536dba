"""Hostile bodies: 1 GiB decompression bombs of every encoding, in process and through a real mitmdump.

The bombs are generated here (a few KB to 1 MB each). Whatever could decode one runs in a child
process under an address-space limit, so a regression fails a test instead of exhausting the machine:
the Exchange is built in a spawned worker, and mitmdump itself starts with RLIMIT_AS set.
"""

from __future__ import annotations

import contextlib
import os
import resource
import socket
import subprocess
import threading
import time
import zlib
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor
from http.client import HTTPConnection
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import brotli
import pytest
from backports import zstd
from mitmproxy import http, io

import pinscope
from pinscope import exchange
from pinscope.commands.mitm import entry_script, tool_command
from pinscope.engine import Engine
from pinscope.exchange.body import REQUEST_BODY, RESPONSE_BODY
from pinscope.exchange.decode import Unread
from pinscope.untrusted import MAX_BODY_BYTES
from tests.bounded import bounded_worker
from tests.flowkit import ACCESS, PROD, flow

GIB = 1 << 30
CHUNK = bytes(16 << 20)
ADDED_RSS_LIMIT = 50 << 20  # the target for the proxy; in-process decoding stays far below it
CHILD_ADDRESS_SPACE = 1 << 30  # a worker that decoded a bomb whole would hit this at once
MITMDUMP_ADDRESS_SPACE = 2 << 30  # mitmdump needs about 150 MB; the old code needed 3 GB per bomb
START_TIMEOUT = 30.0
LOCALHOST = "127.0.0.1"
ADDONS = str(Path(pinscope.__file__).resolve().parent.parent)  # mitmdump loads the pinscope under test


def _streamed(compress: Callable[[bytes], bytes], finish: Callable[[], bytes]) -> bytes:
    """1 GiB of zeros through a streaming compressor, 16 MiB at a time."""
    return b"".join([*(compress(CHUNK) for _ in range(GIB // len(CHUNK))), finish()])


@pytest.fixture(scope="module")
def bombs() -> dict[str, tuple[str, bytes]]:
    """Name -> (Content-Encoding, body): each decodes to 1 GiB (the chain: to a 1 MB gzip bomb first)."""
    gz = zlib.compressobj(9, zlib.DEFLATED, zlib.MAX_WBITS | 16)
    gzipped = _streamed(gz.compress, gz.flush)
    br = brotli.Compressor(quality=5)
    zs = zstd.ZstdCompressor(level=3)
    return {
        "gzip": ("gzip", gzipped),
        "deflate": ("deflate", gzipped[10:-8]),  # the raw deflate stream inside the gzip member
        "br": ("br", _streamed(br.process, br.finish)),
        "zstd": ("zstd", _streamed(zs.compress, zs.flush)),
        "gzip, br": ("gzip, br", brotli.compress(gzipped, quality=5)),
    }



@pytest.fixture(scope="module")
def worker() -> Iterator[ProcessPoolExecutor]:
    """One spawned worker process under CHILD_ADDRESS_SPACE for the whole module."""
    with bounded_worker(CHILD_ADDRESS_SPACE) as pool:
        yield pool


def _peak_rss(pid: int | str = "self") -> int:
    """VmHWM of a process, in bytes."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) * 1024
    raise RuntimeError("no VmHWM in /proc status")


def _reset_peak_rss(pid: int | str = "self") -> None:
    Path(f"/proc/{pid}/clear_refs").write_text("5")  # Linux: VmHWM starts again from VmRSS


def read_bomb_in_child(coding: str, body: bytes) -> dict[str, object]:
    """In the worker: the Exchange of an API answer carrying the bomb, and what reading it cost."""
    from mitmproxy.net import encoding

    from pinscope.exchange import from_flow

    answer = flow("GET", "/v5/boards", status=200, body={})
    answer.response.raw_content = body
    answer.response.headers["content-encoding"] = coding
    from_flow(flow("GET", "/v5/boards", status=200, body={"items": []}))  # imports and caches warmed up
    _reset_peak_rss()
    before = _peak_rss()
    ex = from_flow(answer)
    return {"unread": ex.unread, "body": ex.response_body, "added": _peak_rss() - before,
            "cached": encoding._cache.encoded is body or encoding._cache.decoded is not None
            and len(encoding._cache.decoded) > len(body),
            "untouched": answer.response.raw_content == body}


@pytest.mark.parametrize("name", ["gzip", "deflate", "br", "zstd", "gzip, br"])
def test_a_bomb_is_refused_in_process_without_memory(name: str, bombs, worker: ProcessPoolExecutor) -> None:
    coding, body = bombs[name]
    result = worker.submit(read_bomb_in_child, coding, body).result(timeout=120)
    last = coding.split(",")[0].strip()  # a chain is decoded from its end: the first coding bursts
    assert result["unread"] == (Unread("bomb", MAX_BODY_BYTES, last, RESPONSE_BODY),)
    assert result["body"] is None and result["untouched"] and not result["cached"]
    assert result["added"] < ADDED_RSS_LIMIT, f"{result['added'] / 2**20:.1f} MiB"


def test_other_hosts_answers_are_never_decoded(bombs) -> None:
    coding, body = bombs["br"]
    answer = flow("GET", "/feed?q=pina_colada", host="recipes.example", token=None, body={})
    answer.response.raw_content = body
    answer.response.headers["content-encoding"] = coding
    ex = exchange.from_flow(answer)  # offline analysis builds every flow's Exchange
    assert ex.response_body is None and ex.unread == () and ex.leaked == ()


def test_bodies_pinscope_does_not_read_say_why() -> None:
    odd = flow("GET", "/v5/boards", status=200, body={"items": []})
    odd.response.headers["content-encoding"] = "compress"
    streamed = flow("POST", "/v5/pins", request_json={"board_id": "1"}, status=201, body={})
    streamed.request.stream = True
    streamed.request.data.content = None  # what mitmproxy leaves when it streamed the body on
    assert exchange.from_flow(odd).unread == (Unread("unknown_coding", coding="'compress'", body=RESPONSE_BODY),)
    assert exchange.from_flow(streamed).unread == (Unread("streamed", body=REQUEST_BODY),)
    engine = Engine()
    message = next(f.message for f in engine.analyze(exchange.from_flow(odd)) if f.rule == "body-not-read")
    assert message.startswith("GET /v5/boards: pinscope left a body unread (response body: unknown")


# --- through a real mitmdump --------------------------------------------------------------------


class Upstream(ThreadingHTTPServer):
    """Serves `answers[path]` (Content-Encoding, body) for any host: the bomb as the API's answer."""

    daemon_threads = True

    def __init__(self, answers: dict[str, tuple[str, bytes]]) -> None:
        super().__init__((LOCALHOST, 0), _Handler)
        self.answers = answers


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def do_GET(self) -> None:  # noqa: N802 - the stdlib's name
        coding, body = self.server.answers.get(self.path, ("identity", b'{"items": []}'))  # type: ignore[attr-defined]
        self.send_response(200)
        self.send_header("content-type", "application/json")
        self.send_header("content-encoding", coding)
        self.send_header("content-length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind((LOCALHOST, 0))
        return sock.getsockname()[1]


def _limit_mitmdump() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (MITMDUMP_ADDRESS_SPACE, MITMDUMP_ADDRESS_SPACE))


@contextlib.contextmanager
def mitmdump(upstream: int, workdir: Path) -> Iterator[tuple[subprocess.Popen, int]]:
    """mitmdump with pinscope as a reverse proxy to `upstream`, keeping the client's Host header."""
    port = _free_port()
    command = [*tool_command("mitmdump"), "--mode", f"reverse:http://{LOCALHOST}:{upstream}",
               "--listen-host", LOCALHOST, "--listen-port", str(port), "--set", "keep_host_header=true",
               "--set", f"confdir={workdir / 'conf'}", "-s", str(entry_script()), "-w", str(workdir / "flows.mitm")]
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, (ADDONS, os.environ.get("PYTHONPATH"))))}
    log = (workdir / "mitmdump.log").open("w")
    proc = subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT, env=env,
                            preexec_fn=_limit_mitmdump)
    try:
        deadline = time.monotonic() + START_TIMEOUT
        while True:
            assert proc.poll() is None and time.monotonic() < deadline, (workdir / "mitmdump.log").read_text()
            with contextlib.suppress(OSError), socket.create_connection((LOCALHOST, port), timeout=0.5):
                break
            time.sleep(0.1)
        yield proc, port
    finally:
        proc.send_signal(2)  # SIGINT: addons run done(), the capture is closed
        try:
            proc.wait(15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        log.close()


def fetch(port: int, host: str, path: str, token: str | None = ACCESS) -> tuple[str | None, bytes]:
    """(Content-Encoding, raw body) as the client receives them through the proxy: nothing decoded."""
    conn = HTTPConnection(LOCALHOST, port, timeout=60)
    headers = {"host": host, "accept-encoding": "gzip, deflate, br, zstd", "user-agent": "curl/8.5"}
    if token:
        headers["authorization"] = f"Bearer {token}"
    try:
        conn.request("GET", path, headers=headers)
        response = conn.getresponse()
        return response.getheader("content-encoding"), response.read()
    finally:
        conn.close()


@pytest.mark.e2e
def test_bombs_pass_through_mitmdump_unread_and_unchanged(bombs, tmp_path: Path) -> None:
    answers = {f"/v5/boards?bomb={name.replace(', ', '-')}": bomb for name, bomb in bombs.items()}
    answers["/search?q=pina_colada"] = bombs["gzip"]
    server = Upstream(answers)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    added: dict[str, int] = {}
    try:
        with mitmdump(server.server_address[1], tmp_path) as (proc, port):
            assert fetch(port, PROD, "/v5/boards")[1] == b'{"items": []}'  # warm-up: pinscope's first flow
            for path, (coding, body) in answers.items():
                host = "recipes.example" if path.startswith("/search") else PROD
                _reset_peak_rss(proc.pid)
                before = _peak_rss(proc.pid)
                received = fetch(port, host, path, token=None if host != PROD else ACCESS)
                added[path] = _peak_rss(proc.pid) - before
                assert received == (coding, body), f"{path}: the client got other bytes"
    finally:
        server.shutdown()
        server.server_close()
    assert all(size < ADDED_RSS_LIMIT for size in added.values()), {k: f"{v / 2**20:.1f} MiB" for k, v in added.items()}
    log = (tmp_path / "mitmdump.log").read_text()
    assert proc.returncode == 0 and "hook failed" not in log, log[-2000:]
    with open(tmp_path / "flows.mitm", "rb") as handle:
        flows = {f.request.path: f for f in io.FlowReader(handle).stream() if isinstance(f, http.HTTPFlow)}
    for path, (coding, body) in answers.items():
        found = flows[path].metadata.get("pinscope", [])
        assert flows[path].response.raw_content == body
        if path.startswith("/search"):
            assert found == [], "a request without a Pinterest credential was analysed"
        else:
            rules = [finding["rule"] for finding in found]
            assert "body-not-read" in rules, (path, rules)
            message = next(f["message"] for f in found if f["rule"] == "body-not-read")
            assert "decodes to more than 1 MiB" in message, message
