"""One capture, two paths: live through the addon (request hook, then response hook) and `pinscope analyze`.

Both must give the same report (findings, examples, tokens, budgets, endpoints) and the same summary.
"""

from __future__ import annotations

import io
import json
import stat
from collections.abc import Callable
from pathlib import Path

import pytest
from mitmproxy import http
from mitmproxy.test import taddons
from rich.console import Console

from pinscope import cli
from pinscope.addon import Pinscope
from pinscope.report import build_report
from tests.flowkit import SECRETS, T0
from tests.test_capture import write_mitm
from tests.test_report import scenario
from tests.test_report_html import demo_flows

WIDTH = 100


def live(flows: list[http.HTTPFlow], tmp_path: Path, **options) -> tuple[Pinscope, str]:
    """Run flows through the addon as mitmproxy does, then end the session; (addon, terminal text)."""
    addon = Pinscope()
    out = io.StringIO()
    addon.console = Console(file=out, width=WIDTH, color_system=None)
    with taddons.context(addon) as tctx:
        tctx.configure(addon, **options)
        for f in flows:
            response, f.response = f.response, None  # the request hook runs before any response exists
            addon.request(f)
            f.response = response
            if response is not None:
                addon.response(f)
        addon.done()
    return addon, out.getvalue()


def offline(flows: list[http.HTTPFlow], tmp_path: Path, capsys, *report: str) -> str:
    """`pinscope analyze` on a flow file of the same flows; its standard output."""
    capture = write_mitm(tmp_path / "capture.mitm", flows)
    assert cli.main(["analyze", str(capture), *(a for path in report for a in ("--report", path))]) == 0
    return capsys.readouterr().out


def comparable(data: dict) -> dict:
    """A JSON report without the moment it was written."""
    return {k: v for k, v in data.items() if k != "generated_at"}


@pytest.mark.parametrize("make", [scenario, demo_flows], ids=["scenario", "demo"])
def test_same_report_live_and_offline(make: Callable[[], list[http.HTTPFlow]], tmp_path: Path,
                                      capsys) -> None:
    live_json, offline_json = tmp_path / "live.json", tmp_path / "offline.json"
    addon, _ = live(make(), tmp_path, pinscope_report=str(live_json))
    offline(make(), tmp_path, capsys, str(offline_json))
    live_data, offline_data = json.loads(live_json.read_text()), json.loads(offline_json.read_text())
    assert [f["rule"] for f in live_data["findings"]], "the capture has findings"
    assert live_data["findings"] == offline_data["findings"]
    assert comparable(live_data) == comparable(offline_data)


def test_request_phase_examples_get_their_response(tmp_path: Path) -> None:
    addon, _ = live(scenario(), tmp_path)
    report = build_report(addon.engine.session, addon.engine.catalog, generated_at=T0)
    early = next(f for f in report.findings if f.rule == "scope-not-granted")  # said on the request
    assert early.flows[0].status == 200 and early.flows[0].request_id == "rid-0001"
    # Its prediction on the call Pinterest refused is replaced by the answer's finding, shown once:
    confirmed = next(f for f in report.findings if f.rule == "insufficient-scope")
    assert confirmed.flows[0].status == 401 and confirmed.flows[0].request_id == "rid-b1"
    assert confirmed.flows[0].error_code == 3 and all(f.status is not None for f in early.flows)


def test_dump_ends_with_the_summary_analyze_prints(tmp_path: Path, capsys, monkeypatch) -> None:
    monkeypatch.setenv("COLUMNS", str(WIDTH))
    _, terminal = live(scenario(), tmp_path, pinscope_terminal=True)
    printed = offline(scenario(), tmp_path, capsys)
    summary = terminal[terminal.index("pinscope: "):]
    assert summary == printed, "dump and analyze end with the same summary"
    assert "Findings" in summary and summary.count("╭─") >= 3, "a table and a panel per error rule"
    assert "Fix: " in summary and not any(secret in terminal for secret in SECRETS)


def test_without_terminal_or_report_done_prints_nothing(tmp_path: Path) -> None:
    _, terminal = live(scenario(), tmp_path)
    assert terminal == ""


def test_html_report_when_mitmproxy_exits(tmp_path: Path) -> None:
    target = tmp_path / "session.html"
    live(demo_flows(), tmp_path, pinscope_report=str(target))
    text = target.read_text(encoding="utf-8")
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    assert 'id="rate-org_read"' in text and "insufficient-scope" in text
    assert not any(secret in text for secret in SECRETS)
