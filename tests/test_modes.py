"""What pinscope writes is the user's alone (mode 0600), and its web UI stays on this machine behind
mitmweb's access token, saying so."""

from __future__ import annotations

import os
import signal
import stat
import subprocess
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from pinscope.cli import main
from pinscope.commands import dump, mitm, web
from pinscope.demo import launcher
from pinscope.engine import Engine
from pinscope.exchange import from_flow
from pinscope.report import write_report
from pinscope.report.build import build_report
from pinscope.report.write import RENDERERS
from pinscope.session import Session
from tests.e2e.conftest import pinscope_cli
from tests.e2e.tool import Tool
from tests.flowkit import flow


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture
def open_umask() -> Iterator[None]:
    """A umask that would leave new files readable by everyone (0644): what pinscope must not rely on."""
    previous = os.umask(0o022)
    yield
    os.umask(previous)


@pytest.mark.parametrize("suffix", list(RENDERERS))
def test_reports_are_written_0600_in_every_format(tmp_path: Path, open_umask: None, suffix: str) -> None:
    engine = Engine()
    engine.analyze(from_flow(flow("GET", "/v5/boards")))
    target = write_report(build_report(engine.session, engine.catalog), tmp_path / f"report{suffix}")
    assert mode(target) == 0o600
    target.chmod(0o644)  # replacing an existing, readable report makes it private again
    write_report(build_report(Session(), engine.catalog), target)
    assert mode(target) == 0o600


def test_analyze_writes_its_reports_0600(tmp_path: Path, open_umask: None) -> None:
    from mitmproxy import io

    capture = tmp_path / "in.mitm"
    with capture.open("wb") as out:
        io.FlowWriter(out).add(flow("GET", "/v5/boards", status=401, body={"code": 3, "message": "no"}))
    reports = [tmp_path / f"out{suffix}" for suffix in RENDERERS]
    command, env = pinscope_cli("analyze", str(capture), *[f"--report={r}" for r in reports])
    done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert [mode(r) for r in reports] == [0o600] * len(reports)


@pytest.mark.e2e
def test_dump_captures_and_reports_are_0600(tmp_path: Path, open_umask: None) -> None:
    """`pinscope dump -w` (mitmproxy writes the capture, full of raw tokens) runs under a private umask."""
    capture, report = tmp_path / "flows.mitm", tmp_path / "report.json"
    command, env = pinscope_cli("dump", "--listen-port", "0", "--set", f"confdir={tmp_path / 'conf'}",
                                "-w", str(capture), "--set", f"pinscope_report={report}")
    running = Tool(command, env)
    running.wait_for(r"pinscope: proxy ")  # said from running(): interrupted earlier, done() never runs
    assert running.stop(signal.SIGINT) == 0, running.output
    assert capture.exists() and report.exists(), running.output
    assert (mode(capture), mode(report)) == (0o600, 0o600)
    assert mode(tmp_path / "conf") == 0o700


def test_launch_sets_the_private_umask(monkeypatch: pytest.MonkeyPatch, open_umask: None) -> None:
    seen: list[int] = []

    def fake_exec(path: str, argv: list[str]) -> None:
        seen.append(os.umask(0o022))  # read it back without leaving it changed for later tests
        raise OSError(2, "not really started")

    monkeypatch.setattr(mitm.os, "execv", fake_exec)
    with pytest.raises(mitm.CommandError):
        mitm.launch(["/nonexistent/mitmdump"])
    assert seen == [0o077]


def test_web_binds_to_this_machine_keeps_the_token_and_asks_for_the_banner(capsys, monkeypatch) -> None:
    monkeypatch.setattr(web, "launch", lambda command: 0)
    assert main(["web"]) == 0
    assert "it says where the web UI and the proxy listen" in capsys.readouterr().err
    command = web.build_command([])
    assert command[command.index("--web-host") + 1] == "127.0.0.1"
    assert command[command.index("--listen-host") + 1] == "127.0.0.1"
    assert "pinscope_banner=true" in command and "pinscope_banner=true" in dump.build_command([])
    assert not any(arg.startswith("web_password") for arg in command), "the token stays on"


@pytest.mark.e2e
def test_mitmweb_refuses_the_ui_without_its_token(tmp_path: Path) -> None:
    started = launcher.start("web", tmp_path / "conf")
    try:
        assert started.web_url is not None and "token=" in started.web_url
        base = started.web_url.split("?")[0].rstrip("/")
        assert base.startswith("http://127.0.0.1:")
        with httpx.Client(timeout=10) as client:
            assert client.get(f"{base}/options.json").status_code in (401, 403)
            token = started.web_url.split("token=")[1].split("&")[0]
            answer = client.get(f"{base}/options.json", headers={"Authorization": f"Bearer {token}"})
            assert answer.status_code == 200
            assert answer.json()["web_host"]["value"] == "127.0.0.1"
    finally:
        started.stop()
