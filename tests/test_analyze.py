"""Offline analysis of captures the tests write: the same findings as analysing the flows directly."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from mitmproxy.test import tflow
from rich.console import Console

from pinscope import analyze
from pinscope.analyze import analyze_capture, analyze_flows
from pinscope.capture import CaptureError, open_capture
from pinscope.engine import Engine
from pinscope.exchange import from_flow
from pinscope.report import build_report
from tests.flowkit import ACCESS, T0
from tests.test_capture import write_har, write_mitm
from tests.test_report import run, scenario


def offline(path: Path, console: Console | None = None, **kwargs):
    engine = Engine()
    count = analyze_capture(open_capture(path), engine, console, **kwargs)
    return count, build_report(engine.session, engine.catalog, generated_at=T0)


def direct():
    engine, _ = run(scenario())
    return build_report(engine.session, engine.catalog, generated_at=T0)


def test_flow_file_gives_the_same_report(tmp_path: Path) -> None:
    count, report = offline(write_mitm(tmp_path / "cap.mitm", scenario()))
    assert count == len(scenario())
    assert report == direct()
    assert any(f.rule == "insufficient-scope" for f in report.findings)


def test_har_gives_the_same_findings(tmp_path: Path) -> None:
    count, report = offline(write_har(tmp_path / "cap.har", scenario()))
    expected = direct()
    assert count == len(scenario())
    assert report.summary == expected.summary
    assert report.findings == expected.findings
    assert report.tokens == expected.tokens
    assert report.rate_limits == expected.rate_limits
    assert [e.operation for e in report.endpoints] == [e.operation for e in expected.endpoints]


def test_analyze_flows_counts_what_it_analyzed() -> None:
    engine = Engine()
    assert analyze_flows(engine, scenario()[:3]) == 3
    assert engine.session.flows == 3 and "insufficient-scope" in engine.session.rules


def test_long_capture_shows_a_progress_bar(tmp_path: Path) -> None:
    path = write_mitm(tmp_path / "long.mitm", scenario())
    out = io.StringIO()
    console = Console(file=out, width=100, color_system=None, force_terminal=True)
    count, report = offline(path, console, progress_min_bytes=1)
    assert count == len(scenario()) and report == direct()
    assert "analyzing long.mitm" in out.getvalue()


def test_short_capture_shows_no_progress_bar(tmp_path: Path) -> None:
    out = io.StringIO()
    console = Console(file=out, width=100, color_system=None, force_terminal=True)
    offline(write_mitm(tmp_path / "short.mitm", scenario()), console)
    assert out.getvalue() == ""


def test_corrupt_data_mid_capture_is_a_capture_error(tmp_path: Path) -> None:
    path = write_mitm(tmp_path / "cap.mitm", scenario())
    path.write_bytes(path.read_bytes() + b"99:not a flow")
    with pytest.raises(CaptureError, match="cap.mitm"):
        offline(path)


def failing_on(bad: int, error: Exception):
    """A from_flow that fails on the `bad`-th flow it converts."""
    seen = iter(range(1_000_000))

    def convert(flow):
        if next(seen) == bad:
            raise error
        return from_flow(flow)
    return convert


@pytest.mark.parametrize("writer,what", [(write_mitm, "flow"), (write_har, "HAR entry")])
def test_a_flow_that_loads_but_cannot_be_analysed_is_a_capture_error(tmp_path: Path, monkeypatch,
                                                                     writer, what: str) -> None:
    """mitmproxy rebuilds flow state without type checks: a flow may load and fail only when read."""
    monkeypatch.setattr(analyze, "from_flow", failing_on(2, TypeError("unhashable: 'dict'\nsecond line")))
    path = writer(tmp_path / ("cap.mitm" if writer is write_mitm else "cap.har"), scenario())
    with pytest.raises(CaptureError) as err:
        offline(path)
    assert str(err.value) == f"capture {path}: {what} 2 cannot be analysed (TypeError: unhashable: 'dict')"


def test_the_flow_index_counts_flows_pinscope_skips(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setattr(analyze, "from_flow", failing_on(1, KeyError("x")))
    path = write_mitm(tmp_path / "mixed.mitm", [scenario()[0], tflow.ttcpflow(), scenario()[1]])
    with pytest.raises(CaptureError, match="flow 2 cannot be analysed"):
        offline(path)


def test_the_messages_of_failed_flows_are_cleaned(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setattr(analyze, "from_flow", failing_on(0, ValueError(f"bad \x1b[2J{ACCESS}")))
    with pytest.raises(CaptureError) as err:
        offline(write_mitm(tmp_path / "cap.mitm", scenario()))
    assert ACCESS not in str(err.value) and "\x1b" not in str(err.value)


def test_a_bug_is_not_blamed_on_the_capture(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setattr(analyze, "from_flow", failing_on(0, NameError("name 'x' is not defined")))
    with pytest.raises(NameError):
        offline(write_mitm(tmp_path / "cap.mitm", scenario()))
