"""What a 1 GiB decompression bomb costs the proxy, with pinscope and without.

A local upstream answers `GET api.pinterest.com/v5/boards` with 1 GiB of zeros compressed
(gzip, raw deflate, br, zstd, and the chain `gzip, br`). Each goes through a fresh mitmdump with
pinscope (reverse proxy keeping the Host header, so the answer is analysed as Pinterest's) and,
for comparison, through mitmdump alone. Measured: the peak RSS the bomb adds to mitmdump
(/proc VmHWM, reset just before) and the event loop's worst delay meanwhile (lagprobe.py). mitmdump
runs with a 2 GiB address-space limit, so a regression fails instead of taking the machine down.
"""

from __future__ import annotations

import contextlib
import json
import resource
import subprocess
import tempfile
import threading
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from http.client import HTTPConnection
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import brotli
from backports import zstd

from pinbench.lagprobe import LAG_HOST
from pinbench.live import LOCALHOST, _wait_listening, free_port, reverse_proxy_command, stop

GIB = 1 << 30
ADDRESS_SPACE = 2 << 30
TOKEN = "pina_AMABENCHACCESSTOKEN00000000000000000000000000001"  # fake
WARMUP = 20  # ordinary API calls before measuring: pinscope's lazy imports and caches are in place


def bombs() -> dict[str, tuple[str, bytes]]:
    """Name -> (Content-Encoding, body), each decoding to 1 GiB of zeros (generated in a few seconds)."""
    chunk = bytes(16 << 20)

    def streamed(compress: Callable[[bytes], bytes], finish: Callable[[], bytes]) -> bytes:
        return b"".join([*(compress(chunk) for _ in range(GIB // len(chunk))), finish()])

    gz = zlib.compressobj(9, zlib.DEFLATED, zlib.MAX_WBITS | 16)
    gzipped = streamed(gz.compress, gz.flush)
    br, zs = brotli.Compressor(quality=5), zstd.ZstdCompressor(level=3)
    return {"gzip": ("gzip", gzipped), "deflate": ("deflate", gzipped[10:-8]),
            "br": ("br", streamed(br.process, br.finish)), "zstd": ("zstd", streamed(zs.compress, zs.flush)),
            "gzip, br": ("gzip, br", brotli.compress(gzipped, quality=5))}


@dataclass(frozen=True)
class BombCost:
    """One bomb through mitmdump with pinscope and without."""

    encoding: str
    encoded_bytes: int
    added_rss_mib: float  # with pinscope
    loop_delay_ms: float  # with pinscope: the event loop's worst delay while the bomb passed
    alone_rss_mib: float  # mitmdump alone, same bomb
    alone_delay_ms: float
    baseline_rss_mib: float  # mitmdump with pinscope after the warm-up, before the bomb


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def do_GET(self) -> None:  # noqa: N802 - the stdlib's name
        coding, body = self.server.answers.get(self.path, ("identity", b'{"items": []}'))  # type: ignore[attr-defined]
        self.send_response(200)
        for name, value in (("content-type", "application/json"), ("content-encoding", coding),
                            ("content-length", str(len(body)))):
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


@contextlib.contextmanager
def upstream(answers: dict[str, tuple[str, bytes]]) -> Iterator[int]:
    """A local HTTP server answering each path from `answers`; yields its port."""
    server = ThreadingHTTPServer((LOCALHOST, 0), _Handler)
    server.daemon_threads = True
    server.answers = answers  # type: ignore[attr-defined]
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield server.server_address[1]
    finally:
        server.shutdown()
        server.server_close()


def _limit() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (ADDRESS_SPACE, ADDRESS_SPACE))


@contextlib.contextmanager
def mitmdump(upstream_port: int, with_pinscope: bool, workdir: Path) -> Iterator[tuple[int, int]]:
    """mitmdump (+ lag probe, + pinscope) reverse-proxying to the upstream; yields (port, pid)."""
    port = free_port()
    command = reverse_proxy_command(f"http://{LOCALHOST}:{upstream_port}", port, with_pinscope, workdir,
                                    ("-s", str(Path(__file__).with_name("lagprobe.py"))))
    proc = subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL, preexec_fn=_limit)
    try:
        _wait_listening(port, proc, "mitmdump")
        yield port, proc.pid
    finally:
        stop(proc, 15)


def fetch(port: int, host: str, path: str) -> tuple[str | None, bytes]:
    """(Content-Encoding, raw body) as the client gets them: nothing decoded."""
    conn = HTTPConnection(LOCALHOST, port, timeout=120)
    try:
        conn.request("GET", path, headers={"host": host, "authorization": f"Bearer {TOKEN}",
                                           "accept-encoding": "gzip, deflate, br, zstd"})
        response = conn.getresponse()
        return response.getheader("content-encoding"), response.read()
    finally:
        conn.close()


def _peak_mib(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError("no VmHWM in /proc status")


def _one(port: int, pid: int, coding: str, body: bytes) -> tuple[float, float, float]:
    """(added peak RSS in MiB, worst loop delay in ms, RSS before in MiB) for one bomb."""
    for _ in range(WARMUP):
        fetch(port, "api.pinterest.com", "/v5/boards")
    fetch(port, LAG_HOST, "/")  # resets the probe's maximum
    Path(f"/proc/{pid}/clear_refs").write_text("5")  # VmHWM starts again from the current RSS
    before = _peak_mib(pid)
    if fetch(port, "api.pinterest.com", "/v5/boards?bomb") != (coding, body):
        raise RuntimeError(f"the client did not get the {coding} bomb unchanged")
    lag = json.loads(fetch(port, LAG_HOST, "/")[1])["max_lag_ms"]
    return _peak_mib(pid) - before, lag, before


def measure_bombs(names: tuple[str, ...] | None = None) -> list[BombCost]:
    """Each bomb through a fresh mitmdump with pinscope, then through mitmdump alone."""
    out = []
    with tempfile.TemporaryDirectory(prefix="pinscope-bench-") as tmp:
        for name, (coding, body) in bombs().items():
            if names and name not in names:
                continue
            with upstream({"/v5/boards?bomb": (coding, body)}) as up:
                results = []
                for with_pinscope in (True, False):
                    with mitmdump(up, with_pinscope, Path(tmp)) as (port, pid):
                        results.append(_one(port, pid, coding, body))
            (rss, lag, base), (alone_rss, alone_lag, _) = results
            out.append(BombCost(name, len(body), rss, lag, alone_rss, alone_lag, base))
    return out


if __name__ == "__main__":  # python -m pinbench.bombs: a quick look
    print(*measure_bombs(("br",)), sep="\n")
