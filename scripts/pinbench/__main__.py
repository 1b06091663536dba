"""`scripts/bench`: measure pinscope's cost and print every figure against its target."""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Callable
from dataclasses import asdict, is_dataclass

from pinbench import bombs, har, inproc, live, load, longurl, offline, simulator
from pinbench.report import Figure, machine, print_figures

SECTIONS = ("inproc", "live", "offline", "memory", "har", "hostile", "simulator")
# (full, --quick) sizes
SIZES = {"inproc": (50_000, 5_000), "live": (20_000, 3_000), "live_rounds": (3, 1),
         "offline": (100_000, 5_000), "memory": (1_000_000, 20_000),
         "har": (200, 20),  # MB of HAR
         "simulator": (20_000, 1_000)}  # requests each way


def run_inproc(quick: bool) -> tuple[list[Figure], object]:
    costs = inproc.measure(SIZES["inproc"][quick])
    pin, other = costs["pinterest"], costs["other"]
    return [
        Figure("detection, Pinterest flow, median", pin.median_us, "us", "<=", 40, f"{pin.flows} flows"),  # issue 11
        Figure("detection, Pinterest flow, p99", pin.p99_us, "us", None, None, ""),
        Figure("detection, other flow, median", other.median_us, "us", "<", 5, f"{other.flows} flows"),
        Figure("detection, other flow, p99", other.p99_us, "us", None, None, ""),
    ], costs


def run_live(quick: bool) -> tuple[list[Figure], object]:
    result = live.measure(SIZES["live"][quick], SIZES["live_rounds"][quick])
    rates = lambda runs: ", ".join(f"{r.rate:.0f}" for r in runs)  # noqa: E731
    note = (f"{result.generator}; req/s plain [{rates(result.plain)}], with pinscope [{rates(result.pinscope)}]; "
            f"{min(r.requests for r in result.plain + result.pinscope)}+ requests per run")
    return [Figure("live throughput, with / without pinscope", result.ratio, "x", ">=", 0.93, note)], result  # issue 11


def run_offline(quick: bool) -> tuple[list[Figure], object]:
    result = offline.offline(SIZES["offline"][quick])
    note = (f"{result.flows} flows: analyze {result.pinscope.seconds:.1f} s, "
            f"mitmdump -nr {result.mitmdump.seconds:.1f} s")
    return [Figure("offline, pinscope analyze / mitmdump -nr", result.ratio, "x", "<=", 1.15, note)], result


def run_memory(quick: bool) -> tuple[list[Figure], object]:
    result = offline.memory(SIZES["memory"][quick])
    note = (f"{result.flows} flows: analyze peak {result.pinscope.rss_mib:.0f} MiB, "
            f"reading alone {result.baseline.rss_mib:.0f} MiB")
    return [Figure("memory, peak RSS above reading alone", result.above_mib, "MiB", "<", 150, note)], result


def run_har(quick: bool) -> tuple[list[Figure], object]:
    result = har.memory(SIZES["har"][quick])
    note = f"{result.size_mb:.0f} MB, {result.entries} entries, analyzed in {result.pinscope.seconds:.1f} s"
    return [Figure("memory, pinscope analyze of a large HAR, peak", result.pinscope.rss_mib, "MiB", "<", 150, note)], result


def run_hostile(quick: bool) -> tuple[list[Figure], object]:
    costs = bombs.measure_bombs(("br",) if quick else None)
    url = longurl.measure_url(1 if quick else 5)
    figures = []
    for bomb in costs:
        figures += [
            Figure(f"1 GiB {bomb.encoding} bomb: added RSS", bomb.added_rss_mib, "MiB", "<", 50,
                   f"{bomb.encoded_bytes:,} bytes encoded; mitmdump alone +{bomb.alone_rss_mib:.1f} MiB, "
                   f"{bomb.baseline_rss_mib:.0f} MiB before"),
            Figure(f"1 GiB {bomb.encoding} bomb: event-loop delay", bomb.loop_delay_ms, "ms", "<", 50,
                   f"mitmdump alone {bomb.alone_delay_ms:.1f} ms"),
        ]
    worst = max(url.shapes, key=url.shapes.__getitem__)
    figures.append(Figure("4 MB URL cost, worst shape", url.worst_ms, "ms", "<", 100, f"{worst}; hooks, in process"))
    return figures, {"bombs": {bomb.encoding: bomb for bomb in costs}, "url": url}


def run_simulator(quick: bool) -> tuple[list[Figure], object]:
    result = simulator.measure(SIZES["simulator"][quick])
    mix = f"create/read/list mix, {simulator.USERS} users"
    return [
        Figure("simulator, in process (Simulator.handle)", result.in_process.rate, "req/s", None, None,
               f"{result.in_process.requests} requests, {mix}"),
        Figure("simulator, loopback (pinscope simulate)", result.loopback.rate, "req/s", None, None,
               f"{result.loopback.requests} requests, {mix}, {result.connections} client threads"),
    ], result


RUNNERS: dict[str, Callable[[bool], tuple[list[Figure], object]]] = {
    "inproc": run_inproc, "live": run_live, "offline": run_offline, "memory": run_memory, "har": run_har,
    "hostile": run_hostile, "simulator": run_simulator}


def main(argv: list[str] | None = None) -> int:
    """Run the chosen sections; 1 with --strict when a target is missed."""
    parser = argparse.ArgumentParser(prog="scripts/bench", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="small sizes: a smoke run, not a result")
    parser.add_argument("--only", choices=SECTIONS, action="append", help="run only this section (repeatable)")
    parser.add_argument("--json", metavar="PATH", help="also write every measurement as JSON")
    parser.add_argument("--strict", action="store_true", help="exit 1 when a target is missed")
    args = parser.parse_args(argv)
    print(machine(load.generator()), flush=True)
    figures: list[Figure] = []
    raw: dict[str, object] = {}
    for name in args.only or SECTIONS:
        started = time.monotonic()
        print(f"\n== {name} ...", flush=True)
        found, raw[name] = RUNNERS[name](args.quick)
        print_figures(found)
        print(f"   ({time.monotonic() - started:.0f} s)", flush=True)
        figures += found
    print("\n== summary" + (" (--quick: smoke sizes, not a result)" if args.quick else ""))
    print_figures(figures)
    if args.json:
        with open(args.json, "w", encoding="utf-8") as out:
            json.dump({k: asdict(v) if is_dataclass(v) else _plain(v) for k, v in raw.items()}, out, indent=2)
    missed = [f for f in figures if f.met is False]
    return 1 if args.strict and missed else 0


def _plain(value: object) -> object:
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    return asdict(value) if is_dataclass(value) else value


if __name__ == "__main__":
    sys.exit(main())
