"""Live throughput: the same load through `mitmdump` alone and `mitmdump` with pinscope, on loopback.

mitmdump runs as a reverse proxy to a local HTTPS upstream, keeping the client's Host header, so
Pinterest-host requests are analysed exactly as in regular proxy mode. Rounds alternate
(plain, pinscope, plain, pinscope, ...) so drift on a shared machine hits both sides alike.
"""

from __future__ import annotations

import contextlib
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from pinbench import load
from pinscope.commands.mitm import entry_script, tool_command

LOCALHOST = "127.0.0.1"
START_TIMEOUT = 30.0


@dataclass(frozen=True)
class Throughput:
    """Requests per second of each side (one entry per round) and the ratio of the medians."""

    generator: str
    plain: list[load.Run]
    pinscope: list[load.Run]

    @property
    def ratio(self) -> float:
        """Median rate with pinscope / median rate without."""
        return statistics.median(r.rate for r in self.pinscope) / statistics.median(r.rate for r in self.plain)


def free_port() -> int:
    """A port on 127.0.0.1 free right now."""
    with socket.socket() as sock:
        sock.bind((LOCALHOST, 0))
        return sock.getsockname()[1]


def _wait_listening(port: int, proc: subprocess.Popen, what: str) -> None:
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"{what} exited with status {proc.returncode} before listening")
        with contextlib.suppress(OSError), socket.create_connection((LOCALHOST, port), timeout=0.5):
            return
        time.sleep(0.1)
    raise RuntimeError(f"{what} did not listen on {LOCALHOST}:{port} within {START_TIMEOUT:.0f} s")


def stop(proc: subprocess.Popen, timeout: float) -> None:
    """End a child process: asked first, killed if it has not gone within `timeout` seconds."""
    proc.terminate()
    try:
        proc.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


@contextlib.contextmanager
def upstream(workdir: Path) -> Iterator[int]:
    """The local HTTPS upstream (a child process); yields its port."""
    proc = subprocess.Popen([sys.executable, "-m", "pinbench.upstream", "--tls", str(workdir)],
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
                            cwd=Path(__file__).resolve().parent.parent)
    try:
        assert proc.stdout is not None
        yield int(proc.stdout.readline())
    finally:
        assert proc.stdin is not None
        proc.stdin.close()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def reverse_proxy_command(upstream: str, port: int, with_pinscope: bool, workdir: Path,
                          extra: tuple[str, ...] = ()) -> list[str]:
    """mitmdump reverse-proxying to `upstream` on 127.0.0.1:`port` (Host header kept), `extra` scripts
    or options, then pinscope when asked: the one command line every benchmark proxy uses."""
    command = [*tool_command("mitmdump"), "--mode", f"reverse:{upstream}",
               "--listen-host", LOCALHOST, "--listen-port", str(port), "--flow-detail", "0",
               "--set", "keep_host_header=true", "--set", f"confdir={workdir / 'mitmproxy'}", *extra]
    return command + (["-s", str(entry_script())] if with_pinscope else [])


@contextlib.contextmanager
def mitmdump(upstream_port: int, with_pinscope: bool, workdir: Path) -> Iterator[int]:
    """mitmdump as a reverse proxy to the upstream, with or without pinscope; yields its port."""
    port = free_port()
    command = reverse_proxy_command(f"https://{LOCALHOST}:{upstream_port}", port, with_pinscope, workdir,
                                    ("--set", "ssl_insecure=true"))
    proc = subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE, text=True)
    try:
        _wait_listening(port, proc, "mitmdump")
        yield port
    finally:
        proc.terminate()
        try:
            _, err = proc.communicate(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            _, err = proc.communicate()
        if with_pinscope and "pinscope:" in (err or "") and "failed" in err:
            raise RuntimeError(f"pinscope reported a failure under load:\n{err[-2000:]}")


def _run(port: int, count: int, connections: int, timeout: float, workdir: Path) -> load.Run:
    if load.generator() == "wrk":
        return load.wrk(port, count, connections, timeout, workdir)
    return load.python_client(port, count, connections)


def measure(count: int, rounds: int, connections: int = 8, timeout: float = 120.0) -> Throughput:
    """`rounds` alternating runs of `count` requests each side; a short warm-up before each."""
    plain: list[load.Run] = []
    with_pinscope: list[load.Run] = []
    with tempfile.TemporaryDirectory(prefix="pinscope-bench-") as tmp:
        workdir = Path(tmp)
        with upstream(workdir) as up:
            for _ in range(rounds):
                for side, runs in ((False, plain), (True, with_pinscope)):
                    with mitmdump(up, side, workdir) as port:
                        _run(port, min(2000, count), connections, timeout, workdir)  # warm-up (and wrk's probe)
                        run = _run(port, count, connections, timeout, workdir)
                    if run.errors or run.requests < count:
                        raise RuntimeError(f"load run incomplete: {run.requests} of {count} requests, "
                                           f"{run.errors} transport errors")
                    runs.append(run)
    return Throughput(load.generator(), plain, with_pinscope)
