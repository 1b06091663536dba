"""How the benchmark prints: the machine, then one line per figure against its target."""

from __future__ import annotations

import os
import platform
from dataclasses import dataclass
from importlib.metadata import version
from pathlib import Path


@dataclass(frozen=True)
class Figure:
    """One measured value and its target (`op` None: reported, no target)."""

    name: str
    value: float
    unit: str
    op: str | None
    target: float | None
    note: str

    @property
    def met(self) -> bool | None:
        """Whether the target is met (None when there is none)."""
        if self.op is None or self.target is None:
            return None
        return {"<": self.value < self.target, "<=": self.value <= self.target,
                ">=": self.value >= self.target}[self.op]


def _cpu() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def _memory_gib() -> str:
    try:
        kib = int(Path("/proc/meminfo").read_text().split()[1])
        return f"{kib / 1024 / 1024:.0f} GiB"
    except (OSError, ValueError, IndexError):
        return "unknown memory"


def machine(generator: str) -> str:
    """One paragraph describing where the numbers come from."""
    load = ", ".join(f"{x:.2f}" for x in os.getloadavg()) if hasattr(os, "getloadavg") else "n/a"
    return (f"machine: {_cpu()}, {os.cpu_count()} cores, {_memory_gib()}, {platform.system()} {platform.release()}\n"
            f"python {platform.python_version()}, mitmproxy {version('mitmproxy')}, pinscope {version('pinscope')}, "
            f"load generator {generator}, load average {load}")


def _number(value: float, unit: str) -> str:
    text = f"{value:.3f}" if unit == "x" else f"{value:.1f}"
    return f"{text} {unit}" if unit != "x" else text


def print_figures(figures: list[Figure]) -> None:
    """`name  value  target  ok|MISSED  note` lines."""
    for f in figures:
        target = f"{f.op} {_number(f.target, f.unit)}" if f.op and f.target is not None else ""
        verdict = {True: "ok", False: "MISSED", None: ""}[f.met]
        print(f"  {f.name:44} {_number(f.value, f.unit):>11}  {target:>12}  {verdict:6}  {f.note}".rstrip(), flush=True)
