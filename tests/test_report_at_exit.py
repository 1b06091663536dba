"""report_at_exit.py: the report at exit is written where asked, else to a fallback said in one line, and
mitmproxy's exit status fails; a report that cannot be built still gives its summary."""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import shutil
import stat
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from mitmproxy.test import taddons

from pinscope import report_at_exit
from pinscope.addon import Pinscope
from pinscope.engine import Engine
from pinscope.exchange import from_flow
from pinscope.report.build import build_report
from tests.flowkit import ACCESS, error, flow


@pytest.fixture
def temp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The temp folder pinscope falls back to, private to this test."""
    folder = tmp_path / "temp"
    folder.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(folder))
    return folder


def errors(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR]


@contextlib.contextmanager
def finished_session(target: Path) -> Iterator[Pinscope]:
    """A Pinscope addon (in its mitmproxy context) that saw one 401 and writes its report to `target`."""
    addon = Pinscope()
    with taddons.context(addon) as tctx:
        tctx.configure(addon, pinscope_report=str(target))
        f = flow("GET", "/v5/pins/1", status=401, body=error(3, "Not authorized"))
        addon.request(f)
        addon.response(f)
        yield addon


def test_a_vanished_folder_sends_the_report_to_the_temp_folder(tmp_path: Path, temp: Path, caplog) -> None:
    target = tmp_path / "reports" / "session.json"
    target.parent.mkdir()
    with finished_session(target) as addon, caplog.at_level(logging.INFO, logger="pinscope"):
        shutil.rmtree(target.parent)
        addon.done()
    [written] = temp.glob("session.*.json")
    assert stat.S_IMODE(written.stat().st_mode) == 0o600
    assert json.loads(written.read_text())["findings"][0]["rule"] == "insufficient-scope"
    assert errors(caplog) == [f"pinscope: cannot write the report to {target} (report {target}: folder "
                              f"{target.parent} does not exist); it was written to {written} instead"]


def test_a_target_that_became_a_folder_falls_back_beside_it(tmp_path: Path, temp: Path, caplog) -> None:
    target = tmp_path / "session.md"
    report = build_report(Engine().session, Engine().catalog)
    target.mkdir()
    with caplog.at_level(logging.INFO, logger="pinscope"):
        assert report_at_exit.save(report, target) is False
    [written] = tmp_path.glob("session.*.md")
    assert stat.S_IMODE(written.stat().st_mode) == 0o600 and list(temp.iterdir()) == []
    assert len(errors(caplog)) == 1 and str(written) in errors(caplog)[0]


def test_a_report_that_cannot_go_anywhere_is_said_lost(tmp_path: Path, monkeypatch, caplog) -> None:
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path / "no-temp"))
    target = tmp_path / "gone" / "session.json"
    with caplog.at_level(logging.INFO, logger="pinscope"):
        assert report_at_exit.save(build_report(Engine().session, Engine().catalog), target) is False
    [said] = errors(caplog)
    assert said.startswith(f"pinscope: report LOST: cannot write {target}") and "no-temp" in said


def test_a_report_that_cannot_be_built_still_writes_its_summary(tmp_path: Path, monkeypatch, caplog) -> None:
    def broken(session, catalog):
        raise ValueError(f"bug quoting traffic: Bearer {ACCESS}\nsecond line")

    monkeypatch.setattr(report_at_exit, "build_report", broken)
    target = tmp_path / "session.json"
    with finished_session(target) as addon, caplog.at_level(logging.DEBUG, logger="pinscope"):
        addon.done()
    data = json.loads(target.read_text())
    assert data["summary"]["flows"] == 1 and data["summary"]["severities"]["error"] == 1
    assert data["findings"] == [] and data["tokens"] == []
    [said] = errors(caplog)
    assert said.startswith("pinscope: the full report could not be built (ValueError: bug quoting traffic")
    assert ACCESS not in caplog.text and ACCESS[:12] not in said and "second line" not in said


def test_the_exit_status_fails_only_after_the_rest_of_the_task_ran() -> None:
    after: list[str] = []

    async def tool_main() -> None:  # as mitmproxy's main(): every done() hook runs in this one task
        assert report_at_exit.exit_nonzero_after_done(3)
        after.append("the other addons' done() hooks")

    with pytest.raises(SystemExit) as exited:
        asyncio.run(tool_main())
    assert exited.value.code == 3 and after == ["the other addons' done() hooks"]
    assert report_at_exit.exit_nonzero_after_done() is False  # no event loop: nothing to fail


def test_the_summary_only_report_is_a_valid_report() -> None:
    engine = Engine()
    engine.analyze(from_flow(flow("GET", "/v5/boards", status=401, body=error(3, "Not authorized"))))
    from pinscope.report.build import minimal_report

    report = minimal_report(engine.session, engine.catalog, generated_at=0)
    assert report.summary.flows == 1 and report.findings == [] and report.scope_plan is None


def test_a_report_without_even_its_summary_is_said_lost(tmp_path: Path, monkeypatch, caplog) -> None:
    def broken(session, catalog):
        raise RuntimeError("bug")

    monkeypatch.setattr(report_at_exit, "build_report", broken)
    monkeypatch.setattr(report_at_exit, "minimal_report", broken)
    with caplog.at_level(logging.INFO, logger="pinscope"):
        assert report_at_exit.report_at_exit(Engine().session, Engine().catalog, tmp_path / "r.json") is None
    assert errors(caplog)[-1] == \
        "pinscope: report LOST: not even its summary could be built (RuntimeError: bug)"
    assert not (tmp_path / "r.json").exists()
