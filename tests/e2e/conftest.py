"""End-to-end fixtures: mitmproxy started through pinscope's own launcher, with the simulator mounted."""

from __future__ import annotations

import contextlib
import json
import os
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from mitmproxy import http, io

from pinscope.demo import CONTROL_HOST, launcher

ADDONS = Path(__file__).resolve().parents[2] / "addons"


@dataclass
class Capture:
    """What a finished mitmdump run left behind: its flows, the simulator shortcut calls, the report."""

    flows: list[http.HTTPFlow]  # in order, without the shortcut calls
    shortcuts: list[http.HTTPFlow]  # calls to the simulator's /_sim/ shortcuts on CONTROL_HOST
    report: dict
    output: str


@pytest.fixture(scope="session")
def ca_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One confdir for the session: mitmproxy creates its CA there once."""
    return tmp_path_factory.mktemp("mitmproxy-conf")


@contextlib.contextmanager
def running_dump(confdir: Path, workdir: Path, rate_scale: float | None = None,
                 refresh_reuse: str | None = None) -> Iterator[launcher.MitmProcess]:
    """mitmdump with pinscope and the simulator, saving flows and writing a report when stopped."""
    extra = [*launcher.simulator_args(rate_scale, refresh_reuse), "-w", str(workdir / "flows.mitm"),
             "--set", f"pinscope_report={workdir / 'report.json'}"]
    mitm = launcher.start("dump", confdir, extra)
    try:
        yield mitm
    finally:
        mitm.stop()


def read_capture(mitm: launcher.MitmProcess, workdir: Path) -> Capture:
    """Stop mitmdump (addons run done()), then read back its flows and its report."""
    status = mitm.stop()
    assert status == 0, mitm.tail()
    with open(workdir / "flows.mitm", "rb") as handle:
        flows = [f for f in io.FlowReader(handle).stream() if isinstance(f, http.HTTPFlow)]
    report = json.loads((workdir / "report.json").read_text(encoding="utf-8"))
    shortcuts = [f for f in flows if f.request.pretty_host == CONTROL_HOST]
    return Capture([f for f in flows if f not in shortcuts], shortcuts, report, mitm.tail(400))


def rules_of(flow: http.HTTPFlow) -> list[str]:
    """The rule ids pinscope stored on a flow, in order."""
    return [finding["rule"] for finding in flow.metadata.get("pinscope", [])]


def pinscope_cli(*args: str) -> tuple[list[str], dict[str, str]]:
    """The command line and environment to run this checkout's `pinscope` in a child process."""
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(ADDONS), env.get("PYTHONPATH", "")) if p)
    return [sys.executable, "-m", "pinscope.cli", *args], env
