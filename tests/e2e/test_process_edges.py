"""The process-level edges, with real mitmdump / mitmweb: a report that cannot be written at exit goes to
a fallback and the exit status says so; a bad option is one line, no traceback; the banner states the
addresses mitmproxy really bound."""

from __future__ import annotations

import os
import shutil
import signal
import stat
import subprocess
from pathlib import Path

import httpx
import pytest

from pinscope.commands import mitm
from pinscope.demo.launcher import free_port
from tests.e2e.conftest import ADDONS, pinscope_cli
from tests.e2e.tool import Tool
from tests.flowkit import ACCESS

pytestmark = pytest.mark.e2e

PROXY_LISTENING = r"proxy (?:to \S+ )?listening at (\S+?):(\d+)\."  # HTTP(S) or reverse proxy
BANNER_PROXY = r"pinscope: proxy (.+?) \((this machine only|reachable from other machines);"
EXPOSED = "pinscope: WARNING: reachable from other machines: "


def mitmdump_command(confdir: Path, *extra: str) -> list[str]:
    """Plain `mitmdump -s addons/pinscope_addon.py`, proxy on a free loopback port."""
    return [*mitm.tool_command("mitmdump"), "-s", str(ADDONS / "pinscope_addon.py"), "--listen-host",
            "127.0.0.1", "--listen-port", "0", "--set", f"confdir={confdir}", *extra]


def web_args(confdir: Path) -> list[str]:
    return ["--listen-port", "0", "--web-port", str(free_port()), "--set", "web_open_browser=false",
            "--set", f"confdir={confdir}"]


@pytest.mark.parametrize(("tool", "how", "sig"), [
    ("mitmdump -s", "folder removed", signal.SIGINT),
    ("pinscope web", "folder replaced by a file", signal.SIGTERM),
])
def test_a_report_that_cannot_be_written_at_exit_goes_to_a_fallback_and_fails_the_exit(
        ca_dir: Path, tmp_path: Path, tool: str, how: str, sig: int) -> None:
    folder, temp = tmp_path / "reports", tmp_path / "temp"
    folder.mkdir()
    temp.mkdir()
    extra = ["--set", f"pinscope_report={folder / 'session.json'}"]
    if tool == "mitmdump -s":
        command, env = mitmdump_command(ca_dir, *extra), dict(os.environ)
    else:
        command, env = pinscope_cli("web", *web_args(ca_dir), *extra)
    env["TMPDIR"] = str(temp)  # where tempfile.gettempdir() points the fallback
    running = Tool(command, env)
    port = running.wait_for(PROXY_LISTENING).group(2)
    shutil.rmtree(folder)
    if how == "folder replaced by a file":
        folder.write_text("not a folder")
    with httpx.Client(proxy=f"http://127.0.0.1:{port}", timeout=20) as client:
        answer = client.get(f"http://127.0.0.1:{free_port()}/collect?t={ACCESS}")  # nothing listens: 502
    assert answer.status_code == 502
    status = running.stop(sig)
    fallbacks = list(temp.glob("session.*.json"))
    assert status != 0, running.output
    assert len(fallbacks) == 1, running.output
    assert stat.S_IMODE(fallbacks[0].stat().st_mode) == 0o600
    assert '"pinscope-report/1"' in fallbacks[0].read_text() and '"flows": 1' in fallbacks[0].read_text()
    said = [line for line in running.lines if str(fallbacks[0]) in line]
    assert len(said) == 1 and "cannot write the report to" in said[0]
    assert "Traceback" not in running.output


BAD_OPTIONS = {
    "pinscope_report=/nonexistent/x.html": "folder /nonexistent does not exist",
    "pinscope_ratelimit_warn=2": "pinscope_ratelimit_warn must be a fraction between 0 and 1",
    "pinscope_min_severity=fatal": "pinscope_min_severity must be one of error, warning, info",
    "pinscope_silence=no-such-rule": "pinscope_silence: unknown rule id(s) no-such-rule",
}


@pytest.mark.parametrize(("tool", "option"), [
    *(("mitmdump -s", option) for option in BAD_OPTIONS),
    ("pinscope dump", "pinscope_report=/nonexistent/x.html"),
    ("pinscope web", "pinscope_silence=no-such-rule"),
])
def test_a_bad_option_is_one_line_without_a_traceback(ca_dir: Path, tool: str, option: str) -> None:
    if tool == "mitmdump -s":
        command, env = mitmdump_command(ca_dir, "--set", option), None
    else:
        name = tool.split()[1]
        command, env = pinscope_cli(name, *(web_args(ca_dir) if name == "web" else
                                            ["--listen-port", "0", "--set", f"confdir={ca_dir}"]),
                                    "--set", option)
    done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=60,
                          stdin=subprocess.DEVNULL)
    output = done.stdout + done.stderr
    assert done.returncode != 0, output
    assert "Traceback" not in output and "File \"" not in output, output
    assert len([line for line in output.splitlines() if BAD_OPTIONS[option] in line]) == 1, output


@pytest.mark.parametrize(("command_args", "exposed"), [
    (["web"], []),
    (["web", "--web-ho", "0.0.0.0", "--listen-host="], ["proxy 0.0.0.0:", "web UI 0.0.0.0:"]),
    (["web", "--mode", "reverse:http://127.0.0.1:9@0.0.0.0:{port}"], ["proxy 0.0.0.0:{port}"]),
    (["web", "--set", "web_host=", "--set", "listen_host=0.0.0.0"], []),  # pinscope web's flags win
    (["dump"], []),
], ids=["web", "web-ho-and-listen-host", "mode-at-host", "set-loses-to-flags", "dump"])
def test_the_banner_states_what_mitmproxy_bound(ca_dir: Path, command_args: list[str],
                                                exposed: list[str]) -> None:
    port = str(free_port())
    args = [arg.replace("{port}", port) for arg in command_args]
    common = web_args(ca_dir) if args[0] == "web" else ["--listen-port", "0", "--set", f"confdir={ca_dir}"]
    if "--mode" in args:
        common = common[2:]  # the mode names its own port
    command, env = pinscope_cli(args[0], *common, *args[1:])
    running = Tool(command, env)
    try:
        bound = running.wait_for(PROXY_LISTENING)
        proxy = running.wait_for(BANNER_PROXY)
        if args[0] == "web":
            running.wait_for(r"pinscope: web UI http://")
        warned = [line for line in running.lines if EXPOSED in line]
    finally:
        running.stop()
    host = "0.0.0.0" if bound.group(1) == "*" else bound.group(1)
    assert f"{host}:{bound.group(2)}" in proxy.group(1).split(", "), running.output  # mitmproxy's own word
    assert (proxy.group(2) == "this machine only") == (host == "127.0.0.1")
    expected = [e.replace("{port}", port) for e in exposed]
    if not expected:
        assert warned == [], running.output
    else:
        assert len(warned) == 1 and all(e in warned[0] for e in expected), running.output
