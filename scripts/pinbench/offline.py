"""Offline speed and memory: `pinscope analyze` of a capture against mitmproxy reading the same file.

Every command runs in a child process under a small wrapper that reports the child's peak RSS.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from pinbench import capture
from pinscope.commands.mitm import tool_command

# Runs argv[1:] with stdout discarded; prints its peak RSS (KiB on Linux) and wall time as JSON.
WRAPPER = """
import json, resource, subprocess, sys, time
start = time.perf_counter()
subprocess.run(sys.argv[1:], check=True, stdout=subprocess.DEVNULL)
print(json.dumps({"rss_kib": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss,
                  "seconds": time.perf_counter() - start}))
"""
# mitmproxy reading every flow of the file and doing nothing else: the memory baseline.
READ_ONLY = ("import collections, sys; from mitmproxy import io; "
             "collections.deque(io.FlowReader(open(sys.argv[1], 'rb')).stream(), maxlen=0)")


@dataclass(frozen=True)
class Measured:
    """One child process: wall seconds and peak resident memory."""

    seconds: float
    rss_mib: float


@dataclass(frozen=True)
class Offline:
    """`pinscope analyze` against `mitmdump -nr` on the same capture."""

    flows: int
    pinscope: Measured
    mitmdump: Measured

    @property
    def ratio(self) -> float:
        """pinscope's time / mitmdump's time."""
        return self.pinscope.seconds / self.mitmdump.seconds


@dataclass(frozen=True)
class Memory:
    """Peak RSS of `pinscope analyze` against mitmproxy reading the same capture."""

    flows: int
    pinscope: Measured
    baseline: Measured

    @property
    def above_mib(self) -> float:
        """What analysis adds on top of reading, in MiB."""
        return self.pinscope.rss_mib - self.baseline.rss_mib


def measure(command: list[str], timeout: float) -> Measured:
    """Run `command` under the RSS wrapper."""
    out = subprocess.run([sys.executable, "-c", WRAPPER, *command], capture_output=True, text=True,
                         timeout=timeout, check=True).stdout
    data = json.loads(out.strip().splitlines()[-1])
    return Measured(data["seconds"], data["rss_kib"] / 1024)


def analyze_command(path: Path) -> list[str]:
    """`pinscope analyze PATH` with this interpreter."""
    return [sys.executable, "-m", "pinscope.cli", "analyze", str(path)]


def offline(count: int, timeout: float = 1800.0) -> Offline:
    """Time both tools on a fresh capture of `count` flows."""
    with tempfile.TemporaryDirectory(prefix="pinscope-bench-") as tmp:
        path = capture.write(Path(tmp) / "capture.mitm", count)
        mitmdump = measure([*tool_command("mitmdump"), "-n", "-r", str(path), "--flow-detail", "0",
                            "--set", f"confdir={tmp}/mitmproxy"], timeout)
        pinscope = measure(analyze_command(path), timeout)
    return Offline(count, pinscope, mitmdump)


def memory(count: int, timeout: float = 3600.0) -> Memory:
    """Peak RSS of both on a fresh capture of `count` flows (the two run side by side)."""
    with tempfile.TemporaryDirectory(prefix="pinscope-bench-") as tmp:
        path = capture.write(Path(tmp) / "capture.mitm", count)
        with ThreadPoolExecutor(2) as pool:
            baseline = pool.submit(measure, [sys.executable, "-c", READ_ONLY, str(path)], timeout)
            pinscope = pool.submit(measure, analyze_command(path), timeout)
            return Memory(count, pinscope.result(), baseline.result())
