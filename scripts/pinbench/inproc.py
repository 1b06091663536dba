"""Detection cost per flow, in-process: what the addon's request and response hooks cost."""

from __future__ import annotations

import gc
import statistics
import time
from dataclasses import dataclass

from pinbench import mix
from pinscope.addon import Pinscope


@dataclass(frozen=True)
class Cost:
    """Per-flow cost in microseconds for one group of flows."""

    flows: int
    median_us: float
    p99_us: float


def _summary(samples: list[float]) -> Cost:
    samples.sort()
    return Cost(len(samples), statistics.median(samples), samples[min(len(samples) - 1, int(len(samples) * 0.99))])


def measure(count: int, warmup: int = 500) -> dict[str, Cost]:
    """Run `count` mix flows through a fresh addon's request+response hooks; cost by group."""
    addon = Pinscope()
    for _, flow in mix.flows(warmup, seed=1):
        addon.request(flow)
        addon.response(flow)
    pairs = list(mix.flows(count))  # built before timing: flow construction is mitmproxy's cost
    samples: dict[str, list[float]] = {"pinterest": [], "other": []}
    per_kind: dict[str, list[float]] = {}
    clock = time.perf_counter_ns
    gc.collect()
    for kind, flow in pairs:
        start = clock()
        addon.request(flow)
        addon.response(flow)
        elapsed = (clock() - start) / 1000
        samples["pinterest" if kind.pinterest else "other"].append(elapsed)
        per_kind.setdefault(kind.name, []).append(elapsed)
    if addon.failed_hooks:
        raise RuntimeError(f"addon hooks failed during the benchmark: {sorted(addon.failed_hooks)}")
    result = {group: _summary(values) for group, values in samples.items()}
    result.update({f"kind:{name}": _summary(values) for name, values in per_kind.items()})
    return result
