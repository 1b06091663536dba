"""Run mitmweb / mitmdump with pinscope (and optionally the mounted simulator) as a child process.

The command lines are the ones `pinscope web` and `pinscope dump` build; this module only adds the
child-process handling the demo and the end-to-end tests need: free ports, a private confdir (where
mitmproxy creates its CA), waiting until the proxy listens, and a clean stop that lets addons run
`done()` (so `pinscope_report` is written).
"""

from __future__ import annotations

import collections
import os
import re
import signal
import socket
import subprocess
import threading
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from rich.console import Console
from rich.text import Text

from pinscope.commands import CommandError, dump, web
from pinscope.commands.mitm import LOCALHOST, simulator_args, simulator_script  # noqa: F401 - re-exported
from pinscope.report import Report

Tool = Literal["web", "dump"]
# Other modes say which: "HTTP(S) proxy (upstream mode) listening at ...".
PROXY_LISTENING = re.compile(r"HTTP\(S\) proxy (?:\(\S+ mode\) )?listening at (?:\S+?):(\d+)\.")
WEB_LISTENING = re.compile(r"Web server listening at (http://\S+)")
DASHBOARD = re.compile(r"pinscope: dashboard (?:(http://\S+)|not started)")  # dashboard.live's lines
# Logged before the listening line when a script or option fails; mitmproxy then exits (errorcheck).
# `pinscope: invalid option: ` is addon_options.one_line_at_startup()'s line.
STARTUP_ERROR = re.compile(r"error in script |Addon error: |Error logged during startup|"
                           r"pinscope: invalid option: ")
CA_FILE = "mitmproxy-ca-cert.pem"
START_TIMEOUT = 30.0
STOP_TIMEOUT = 15.0
KEPT_LINES = 400


def free_port(preferred: int = 0) -> int:
    """`preferred` when it is free on 127.0.0.1, else any port that was free a moment ago."""
    with socket.socket() as sock:
        try:
            sock.bind((LOCALHOST, preferred))
        except OSError:
            sock.bind((LOCALHOST, 0))
        return sock.getsockname()[1]


@dataclass
class MitmProcess:
    """A running mitmweb or mitmdump: its addresses, CA and recent output."""

    process: subprocess.Popen[str]
    confdir: Path
    output: collections.deque[str] = field(default_factory=lambda: collections.deque(maxlen=KEPT_LINES))
    proxy_port: int | None = None
    web_url: str | None = None  # with mitmweb's access token
    dashboard_url: str | None = None  # with the dashboard's token (pinscope web sets pinscope_dashboard)
    dashboard_said: threading.Event = field(default_factory=threading.Event)  # its line came, URL or not
    startup_error: bool = False
    ready: threading.Event = field(default_factory=threading.Event)

    @property
    def proxy_url(self) -> str:
        """`http://127.0.0.1:PORT`, for a client's proxy setting."""
        return f"http://{LOCALHOST}:{self.proxy_port}"

    @property
    def ca_cert(self) -> Path:
        """mitmproxy's CA certificate (PEM) in this process's confdir."""
        return self.confdir / CA_FILE

    def tail(self, lines: int = 30) -> str:
        """The last lines the tool printed, for error messages."""
        return "".join(list(self.output)[-lines:])

    def _read(self, tool: Tool) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self.output.append(line)
            if STARTUP_ERROR.search(line) and not self.ready.is_set():
                self.startup_error = True
            if (found := PROXY_LISTENING.search(line)) and self.proxy_port is None:
                self.proxy_port = int(found.group(1))
            if (found := WEB_LISTENING.search(line)) and self.web_url is None:
                self.web_url = found.group(1)
            if (found := DASHBOARD.search(line)) and not self.dashboard_said.is_set():
                self.dashboard_url = found.group(1)
                self.dashboard_said.set()
            if self.proxy_port is not None and (tool == "dump" or self.web_url is not None):
                self.ready.set()
        self.ready.set()  # the output ended: wake the waiter, which then sees the exit
        self.dashboard_said.set()

    def stop(self, timeout: float = STOP_TIMEOUT) -> int:
        """Interrupt (addons run `done()`), wait, kill if it hangs; the exit status."""
        if self.process.poll() is None:
            if os.name == "posix":
                self.process.send_signal(signal.SIGINT)
            else:  # Windows cannot send SIGINT to a child: terminate it (its addons then skip done())
                self.process.terminate()
            try:
                self.process.wait(timeout)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        return self.process.returncode


def start(tool: Tool, confdir: Path, extra: Sequence[str] = (), *, listen_port: int = 0, web_port: int = 0,
          timeout: float = START_TIMEOUT, simulator: bool = False, own_session: bool = False) -> MitmProcess:
    """Start `pinscope web|dump [--simulator]` as a child on 127.0.0.1 and wait until it listens (port 0: any
    free one; `own_session`: out of the terminal's process group, so Ctrl-C reaches it only through stop())."""
    confdir.mkdir(parents=True, exist_ok=True)
    args = ["--listen-port", str(listen_port), "--set", f"confdir={confdir}"]
    if tool == "web":  # mitmweb prints port 0 as its web address: pick a real one
        args += ["--web-port", str(web_port or free_port()), "--set", "web_open_browser=false"]
        command = web.build_command([*args, *extra], simulator=simulator)
    else:
        command = dump.build_command([*args, *extra], simulator=simulator)
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}  # the listening line must arrive while it matters
    try:
        process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                                   encoding="utf-8", errors="replace", env=env, stdin=subprocess.DEVNULL,
                                   start_new_session=own_session and os.name == "posix")
    except OSError as err:
        raise CommandError(f"cannot start {command[0]}: {err.strerror or err}") from None
    mitm = MitmProcess(process, confdir)
    threading.Thread(target=mitm._read, args=(tool,), name=f"pinscope-{tool}-output", daemon=True).start()
    try:
        started = mitm.ready.wait(timeout) and mitm.proxy_port is not None
    except BaseException:  # Ctrl-C or SIGTERM while it starts: never leave it running
        mitm.stop()
        raise
    if not started or mitm.startup_error or process.poll() is not None:
        if mitm.startup_error:
            _wait_quietly(process)  # mitmproxy exits by itself; let it finish printing
        mitm.stop()
        raise CommandError(f"mitm{tool} did not start (exit status {process.returncode}); "
                           f"its output ended with:\n{mitm.tail()}")
    if not mitm.ca_cert.is_file():
        mitm.stop()
        raise CommandError(f"mitm{tool} started but created no CA at {mitm.ca_cert}")
    return mitm


def _wait_quietly(process: subprocess.Popen[str], timeout: float = 5.0) -> None:
    try:
        process.wait(timeout)
    except subprocess.TimeoutExpired:
        pass


def stopped_report(mitm: MitmProcess, written: Path, out: Console) -> Report | None:
    """Stop mitmdump (its addon writes the JSON report at exit) and read it; None, said on `out`, if it wrote none."""
    status = mitm.stop()
    if not written.is_file():
        out.print(Text(f"pinscope demo: mitmdump (exit status {status}) wrote no report; "
                       f"its output ended with:\n{mitm.tail()}", "red"), soft_wrap=True)
        return None
    out.print()
    return Report.model_validate_json(written.read_text(encoding="utf-8"))
