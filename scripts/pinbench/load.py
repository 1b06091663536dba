"""Load generators for the live benchmark: wrk when installed, else a small asyncio client.

Both send the same cycle of mix requests over keep-alive connections and stop after `count`.
"""

from __future__ import annotations

import asyncio
import json
import re
import shutil
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

from pinbench import mix

CYCLE = 200  # distinct requests in the cycle each connection repeats


@dataclass(frozen=True)
class Run:
    """One load run: requests completed, seconds taken, transport errors."""

    requests: int
    seconds: float
    errors: int

    @property
    def rate(self) -> float:
        """Requests per second."""
        return self.requests / self.seconds if self.seconds else 0.0


def requests() -> list[tuple[str, str, dict[str, str], bytes]]:
    """(method, path, headers, body) of the cycle, as the mix draws them."""
    out = []
    for n, kind in enumerate(mix.kinds(CYCLE, seed=11)):
        headers = {"Host": kind.host, "x-bench-kind": str(mix.KINDS.index(kind)),
                   "user-agent": "pinscope-bench/1.0" if kind.pinterest else mix.BROWSER}
        if kind.bearer(n):
            headers["authorization"] = kind.bearer(n)
        body = json.dumps(kind.request_json).encode() if kind.request_json is not None else b""
        if body:
            headers["content-type"] = "application/json"
        out.append((kind.method, kind.path.format(n=100000 + n), headers, body))
    return out


def _lua() -> str:
    def quote(text: str) -> str:
        return json.dumps(text)  # a JSON string literal is a valid Lua string literal here

    rows = []
    for method, path, headers, body in requests():
        table = ", ".join(f"[{quote(k)}] = {quote(v)}" for k, v in headers.items())
        rows.append(f"  reqs[#reqs + 1] = wrk.format({quote(method)}, {quote(path)}, {{{table}}}, "
                    f"{quote(body.decode()) if body else 'nil'})")
    return "\n".join([
        "local reqs, i = {}, 0",
        "init = function(args)", *rows, "end",
        "request = function() i = i % #reqs + 1; return reqs[i] end",
    ])


def wrk(port: int, count: int, connections: int, timeout: float, workdir: Path) -> Run:
    """Run wrk against 127.0.0.1:port for long enough to complete `count` requests (at most `timeout` s).

    wrk runs for a duration, not a count: a 2-second probe sets the duration, a short run is repeated longer.
    """
    script = workdir / "mix.lua"
    script.write_text(_lua())
    seconds = 2.0
    probe = _wrk(port, connections, seconds, script)
    while True:
        seconds = min(timeout, max(seconds, 1.25 * count / max(probe.rate, 1.0) + 1))
        run = _wrk(port, connections, seconds, script)
        if run.requests >= count or seconds >= timeout or run.errors:
            return run
        probe = run


def _wrk(port: int, connections: int, seconds: float, script: Path) -> Run:
    out = subprocess.run(["wrk", "-t1", f"-c{connections}", f"-d{max(1, round(seconds))}s", "--timeout", "10s",
                          "-s", str(script), f"http://127.0.0.1:{port}/"],
                         capture_output=True, text=True, timeout=seconds + 30, check=True).stdout
    done = re.search(r"(\d+) requests in ([\d.]+)(us|ms|s|m)\b", out)
    if done is None:
        raise RuntimeError(f"cannot read wrk's output:\n{out}")
    scale = {"us": 1e-6, "ms": 1e-3, "s": 1.0, "m": 60.0}[done.group(3)]
    errors = sum(int(n) for n in re.findall(r"(?:connect|read|write|timeout) (\d+)", out))
    return Run(int(done.group(1)), float(done.group(2)) * scale, errors)


async def _client(port: int, reqs: list[bytes], quota: int, offset: int) -> tuple[int, int]:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    done = errors = 0
    try:
        for n in range(quota):
            writer.write(reqs[(offset + n) % len(reqs)])
            head = await reader.readuntil(b"\r\n\r\n")
            length = re.search(rb"(?i)\r\ncontent-length:\s*(\d+)", head)
            await reader.readexactly(int(length.group(1)) if length else 0)
            done += 1
    except (OSError, asyncio.IncompleteReadError):
        errors += 1
    finally:
        writer.close()
    return done, errors


def python_client(port: int, count: int, connections: int) -> Run:
    """The fallback load generator: asyncio keep-alive connections, `count` requests in all."""
    raw = []
    for method, path, headers, body in requests():
        lines = [f"{method} {path} HTTP/1.1", *(f"{k}: {v}" for k, v in headers.items()),
                 f"content-length: {len(body)}"]
        raw.append(("\r\n".join(lines) + "\r\n\r\n").encode() + body)

    async def main() -> list[tuple[int, int]]:
        share = -(-count // connections)
        return await asyncio.gather(*(_client(port, raw, share, i * 17) for i in range(connections)))

    start = time.perf_counter()
    results = asyncio.run(main())
    return Run(sum(d for d, _ in results), time.perf_counter() - start, sum(e for _, e in results))


def generator() -> str:
    """Which load generator runs: `wrk` when on PATH, else `python`."""
    return "wrk" if shutil.which("wrk") else "python"
