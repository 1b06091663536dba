"""The `pinscope` command, in-process through cli.main and once as the installed console script."""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from mitmproxy.tools.web.web_columns import AVAILABLE_WEB_COLUMNS

from pinscope import cli
from pinscope.commands import dump, web
from pinscope.rulebook import default_rules
from tests.flowkit import SECRETS, flow, token_grant
from tests.test_capture import write_har, write_mitm
from tests.test_report import scenario

PINSCOPE = Path(sys.executable).parent / "pinscope"


def call(capsys, *argv: str) -> tuple[int, str, str]:
    code = cli.main(list(argv))
    out, err = capsys.readouterr()
    assert not any(secret in out + err for secret in SECRETS)
    return code, out, err


def one_line_error(err: str, *pieces: str) -> None:
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert "error" in lines[0] and all(p in lines[0] for p in pieces), lines[0]


@pytest.fixture
def capture(tmp_path: Path) -> Path:
    return write_mitm(tmp_path / "session.mitm", scenario())


def warnings_only(tmp_path: Path) -> Path:
    return write_mitm(tmp_path / "warn.mitm", [
        token_grant("pins:read"), flow("GET", "/v5/boards", at=5, body={"items": []})])


def test_analyze_prints_summary_and_writes_reports(capsys, tmp_path: Path, capture: Path) -> None:
    code, out, err = call(capsys, "analyze", str(capture), "--report", str(tmp_path / "r.json"),
                          "--report", str(tmp_path / "r.md"))
    assert code == 0 and err == ""
    assert "11 flows, 10 to the Pinterest API" in out and "insufficient-scope" in out and "Fix:" in out
    assert f"report written to {tmp_path / 'r.json'}" in out
    data = json.loads((tmp_path / "r.json").read_text())
    assert data["schema"] == "pinscope-report/1"
    assert "insufficient-scope" in {f["rule"] for f in data["findings"]}
    markdown = (tmp_path / "r.md").read_text()
    assert "`insufficient-scope`" in markdown
    assert not any(s in json.dumps(data) + markdown for s in SECRETS)


def test_analyze_har(capsys, tmp_path: Path) -> None:
    code, out, _ = call(capsys, "analyze", str(write_har(tmp_path / "s.har", scenario())))
    assert code == 0 and "insufficient-scope" in out


def test_fail_on_error(capsys, capture: Path) -> None:
    code, _, err = call(capsys, "analyze", str(capture), "--fail-on", "error")
    assert code == 1
    assert "at or above error (--fail-on error)" in err


def test_fail_on_warning_counts_warnings_only_when_shown(capsys, tmp_path: Path) -> None:
    path = str(warnings_only(tmp_path))
    assert call(capsys, "analyze", path, "--fail-on", "error")[0] == 0
    assert call(capsys, "analyze", path, "--fail-on", "warning")[0] == 1
    assert call(capsys, "analyze", path, "--fail-on", "warning", "--min-severity", "error")[0] == 0


def test_silenced_rules_do_not_fail_the_gate(capsys, tmp_path: Path) -> None:
    path = str(warnings_only(tmp_path))
    code, out, _ = call(capsys, "analyze", path, "--fail-on", "warning", "--silence", "scope-not-granted")
    assert code == 0 and "scope-not-granted" not in out and "No findings." in out


def test_silence_accepts_commas_and_spaces(capsys, capture: Path) -> None:
    code, out, _ = call(capsys, "analyze", str(capture), "--silence", "insufficient-scope,scope-not-granted",
                        "--silence", "rate-limited")
    assert code == 0
    assert not {"insufficient-scope", "scope-not-granted", "rate-limited"} & set(out.split())


def test_healthy_capture_passes(capsys, tmp_path: Path) -> None:
    path = write_mitm(tmp_path / "ok.mitm", [token_grant("boards:read pins:read"),
                                             flow("GET", "/v5/pins/1", at=1, body={"id": "1"})])
    code, out, _ = call(capsys, "analyze", str(path), "--fail-on", "warning")
    assert code == 0 and "No findings." in out


@pytest.mark.parametrize("argv,pieces", [
    (["analyze", "{tmp}/absent.mitm"], ["no such file"]),
    (["analyze", "{tmp}/notes.txt"], ["unknown format"]),
    (["analyze", "{tmp}/broken.har"], ["not a valid HAR file"]),
    (["analyze", "{cap}", "--report", "{tmp}/r.pdf"], [".json, .md, .html"]),
    (["analyze", "{cap}", "--report", "{tmp}/no/such/dir/r.json"], ["does not exist"]),
    (["analyze", "{cap}", "--fail-on", "info"], ["--fail-on", "invalid choice"]),
    (["analyze", "{cap}", "--min-severity", "loud"], ["--min-severity"]),
    (["analyze", "{cap}", "--silence", "no-such-rule"], ["unknown rule id", "no-such-rule"]),
    (["analyze", "{cap}", "--bogus"], ["unrecognized arguments: --bogus"]),
    (["analyze"], ["CAPTURE"]),
    (["rules", "no-such-rule"], ["unknown rule id 'no-such-rule'"]),
    (["scopes", "GET", "/v5/nowhere/1"], ["unknown operation GET /v5/nowhere/1"]),
    (["scopes", "PUT", "/v5/pins/1"], ["that path allows", "GET"]),
    (["scopes", "G3T", "/v5/pins/1"], ["not an HTTP method"]),
    (["scopes", "GET", "/v3/pins/1"], ["v5 only"]),
    (["simulate", "--features", "pin_serch"], ["unknown feature 'pin_serch'"]),
    (["frobnicate"], ["invalid choice"]),
    ([], ["COMMAND"]),
])
def test_bad_input_is_one_line_and_exit_2(capsys, tmp_path: Path, capture: Path, argv, pieces) -> None:
    (tmp_path / "notes.txt").write_text("hello\n")
    (tmp_path / "broken.har").write_text("{nope")
    argv = [a.format(tmp=tmp_path, cap=capture) for a in argv]
    code, out, err = call(capsys, *argv)
    assert code == 2 and out == ""
    one_line_error(err, *pieces)


def test_report_path_is_checked_before_the_analysis(capsys, tmp_path: Path) -> None:
    code, out, err = call(capsys, "analyze", str(tmp_path / "absent.mitm"), "--report", str(tmp_path / "r.txt"))
    assert code == 2 and "report" in err and "capture" not in err


def test_rules_table_and_one_rule(capsys) -> None:
    code, out, _ = call(capsys, "rules")
    assert code == 0
    for rule_id in default_rules():
        assert rule_id in out
    code, out, _ = call(capsys, "rules", "scope-not-granted")
    assert code == 0 and default_rules()["scope-not-granted"].title in " ".join(out.split())


@pytest.mark.parametrize("path", ["/v5/pins/123", "/pins/{pin_id}", "https://api.pinterest.com/v5/pins/9?x=1"])
def test_scopes(capsys, path: str) -> None:
    code, out, _ = call(capsys, "scopes", "get", path)
    assert code == 0
    for piece in ("GET /v5/pins/{pin_id}", "pins/get", "boards:read AND pins:read", "org_read", "Sandbox"):
        assert piece in out


def test_web_command_line_and_how_to_open_it(capsys, monkeypatch) -> None:
    launched: list[list[str]] = []
    monkeypatch.setattr(web, "launch", lambda command: launched.append(command) or 0)
    code, _, err = call(capsys, "web", "--web-port", "9191", "--", "--set", "listen_port=9090")
    # The addresses are said by the addon once mitmweb listens: tests/e2e/test_process_edges.py.
    assert code == 0 and "it says where the web UI and the proxy listen" in err
    assert "pinscope_banner=true" in launched[0]
    (command,) = launched
    assert Path(command[0]).name.startswith("mitmweb") or command[:2] == [sys.executable, "-c"]
    assert Path(command[command.index("-s") + 1]).name == "mitm_entry.py"
    columns = [command[i + 1].split("=", 1)[1] for i, a in enumerate(command)
               if a == "--set" and command[i + 1].startswith("web_columns=")]
    assert "comment" in columns and set(columns) <= set(AVAILABLE_WEB_COLUMNS)
    assert command[command.index("--listen-host") + 1] == command[command.index("--web-host") + 1] == "127.0.0.1"
    assert command[-4:] == ["--web-port", "9191", "--set", "listen_port=9090"], "user arguments win"


def test_dump_command_line(capsys, monkeypatch) -> None:
    launched: list[list[str]] = []
    monkeypatch.setattr(dump, "launch", lambda command: launched.append(command) or 0)
    assert call(capsys, "dump", "-n", "-r", "x.mitm")[0] == 0
    (command,) = launched
    assert Path(command[0]).name.startswith("mitmdump") or command[:2] == [sys.executable, "-c"]
    assert command[command.index("--set") + 1] == "pinscope_terminal=true"
    assert command[-3:] == ["-n", "-r", "x.mitm"]


@pytest.mark.skipif(not PINSCOPE.exists(), reason="pinscope console script not installed")
def test_installed_console_script(tmp_path: Path, capture: Path) -> None:
    report = tmp_path / "ci.md"
    result = subprocess.run([str(PINSCOPE), "analyze", str(capture), "--report", str(report),
                             "--fail-on", "error"], capture_output=True, text=True, timeout=120)
    assert result.returncode == 1, result.stderr
    assert "insufficient-scope" in result.stdout and "--fail-on error" in result.stderr
    assert "`insufficient-scope`" in report.read_text()
    assert not any(s in result.stdout + result.stderr + report.read_text() for s in SECRETS)


@pytest.mark.e2e
@pytest.mark.skipif(not shutil.which("mitmdump", path=str(PINSCOPE.parent)), reason="no mitmdump")
def test_dump_replays_a_capture_through_mitmdump(tmp_path: Path, capture: Path) -> None:
    report = tmp_path / "live.json"
    result = subprocess.run([str(PINSCOPE), "dump", "-n", "-r", str(capture),
                             "--set", f"pinscope_report={report}"],
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert "ERROR insufficient-scope GET https://api.pinterest.com/v5/boards 401" in result.stdout
    live = json.loads(report.read_text())
    assert {f["rule"] for f in live["findings"]} >= {"insufficient-scope", "scope-not-granted"}
    assert not any(s in result.stdout + result.stderr + report.read_text() for s in SECRETS)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def web_options(port: int, deadline: float) -> dict:
    """mitmweb's options, once its UI answers (no proxy: the request stays on this machine)."""
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    request = urllib.request.Request(f"http://127.0.0.1:{port}/options.json",
                                     headers={"Authorization": "Bearer pinscope-test"})
    while True:
        try:
            with opener.open(request, timeout=2) as response:
                return json.loads(response.read())
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)  # polling for start-up, not an assertion


@pytest.mark.e2e
@pytest.mark.skipif(not PINSCOPE.exists(), reason="pinscope console script not installed")
def test_web_starts_mitmweb_with_the_addon_and_comment_column() -> None:
    proxy_port, web_port = free_port(), free_port()
    proc = subprocess.Popen(
        [str(PINSCOPE), "web", "--listen-port", str(proxy_port), "--web-port", str(web_port),
         "--set", "web_open_browser=false", "--set", "web_password=pinscope-test"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        options = web_options(web_port, time.monotonic() + 60)
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
    assert "comment" in options["web_columns"]["value"]
    assert options["listen_host"]["value"] == "127.0.0.1" and options["web_host"]["value"] == "127.0.0.1"
    assert options["listen_port"]["value"] == proxy_port
    assert "pinscope_report" in options, "the pinscope addon was loaded"


def har_named_json(tmp_path: Path) -> Path:
    return write_har(tmp_path / "cap.json", scenario())


@pytest.mark.parametrize("report", [
    lambda cap: cap,
    lambda cap: cap.parent / "sub" / ".." / cap.name,
    lambda cap: (cap.parent / "link.json").symlink_to(cap) or cap.parent / "link.json",
    lambda cap: os.link(cap, cap.parent / "hard.json") or cap.parent / "hard.json",
    lambda cap: (cap.parent / "dir").symlink_to(cap.parent) or cap.parent / "dir" / cap.name,
], ids=["same", "dot-dot", "symlink", "hard-link", "symlinked-folder"])
def test_a_report_never_replaces_its_capture(capsys, tmp_path: Path, monkeypatch, report) -> None:
    capture = har_named_json(tmp_path)
    (tmp_path / "sub").mkdir()
    before = capture.read_bytes()
    target = report(capture)
    monkeypatch.setattr("pinscope.commands.analyze.analyze_path", lambda *a: pytest.fail("analysed first"))
    code, out, err = call(capsys, "analyze", str(capture), "--report", str(tmp_path / "ok.md"),
                          "--report", str(target))
    assert code == 2 and out == ""
    one_line_error(err, str(target), "is the capture being analysed")
    assert capture.read_bytes() == before and not (tmp_path / "ok.md").exists()


def test_relative_capture_and_absolute_report(capsys, tmp_path: Path, monkeypatch) -> None:
    har_named_json(tmp_path)
    monkeypatch.chdir(tmp_path)
    code, _, err = call(capsys, "analyze", "cap.json", "--report", str(tmp_path / "cap.json"))
    assert code == 2 and "is the capture being analysed" in err


def test_an_internal_error_is_one_line_without_a_traceback(capsys, monkeypatch, capture: Path) -> None:
    def broken(*args):
        raise RuntimeError(f"boom \x1b[2J{SECRETS[0]}\nsecond line")
    monkeypatch.setattr("pinscope.commands.analyze.build_report", broken)
    monkeypatch.delenv(cli.DEBUG_ENV, raising=False)
    code, out, err = call(capsys, "analyze", str(capture))
    assert code == cli.INTERNAL_ERROR and out == ""
    assert err.startswith("pinscope: internal error: RuntimeError: boom") and err.count("\n") == 1
    assert "\x1b" not in err and f"{cli.DEBUG_ENV}=1" in err
    monkeypatch.setenv(cli.DEBUG_ENV, "1")
    with pytest.raises(RuntimeError, match="boom"):
        cli.main(["analyze", str(capture)])


def closed_pipe(*argv: str) -> tuple[int, str]:
    """Run the installed `pinscope` with a standard output whose reader has already gone; (status, stderr)."""
    process = subprocess.Popen([str(PINSCOPE), *argv], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                               env={**os.environ, "COLUMNS": "80"})
    process.stdout.close()  # as `| head` does once it has read enough
    err = process.stderr.read().decode()
    process.stderr.close()
    return process.wait(timeout=120), err


def test_analyze_survives_a_closed_pipe(tmp_path: Path, capture: Path) -> None:
    report = tmp_path / "r.json"
    code, err = closed_pipe("analyze", str(capture), "--report", str(report))
    assert code == 0 and "Traceback" not in err and "BrokenPipe" not in err, err
    assert json.loads(report.read_text())["schema"] == "pinscope-report/1", "the report is still written"
    code, err = closed_pipe("analyze", str(capture), "--fail-on", "error")
    assert code == 1 and "at or above error" in err and "Traceback" not in err, "--fail-on still decides"


def test_rules_survives_a_closed_pipe() -> None:
    code, err = closed_pipe("rules")
    assert code == 0 and err == ""
