"""Starting mitmweb / mitmdump with the pinscope addon (shared by the web and dump commands)."""

from __future__ import annotations

import os
import subprocess
import sys
from argparse import ArgumentParser, Namespace
from pathlib import Path

import pinscope
from pinscope.commands import CommandError
from pinscope.demo import CONTROL_HOST
from pinscope.settings import project_settings, proxy_args

LOCALHOST = "127.0.0.1"


def entry_script() -> Path:
    """The `-s` script mitmproxy loads: `pinscope/mitm_entry.py`, which exposes `addons`."""
    path = Path(pinscope.__file__).resolve().parent / "mitm_entry.py"
    if not path.is_file():
        raise CommandError(f"the addon entry script {path} is missing; reinstall pinscope")
    return path


def simulator_script() -> Path:
    """The `-s` script that mounts the Pinterest simulator inside mitmproxy (pinscope/demo/mitm_sim.py)."""
    return Path(pinscope.__file__).resolve().parent / "demo" / "mitm_sim.py"


def simulator_args(rate_scale: float | None = None, refresh_reuse: str | None = None) -> list[str]:
    """mitmproxy arguments mounting the simulator (needs connection_strategy=lazy, see simulator.mount)."""
    args = ["-s", str(simulator_script()), "--set", "connection_strategy=lazy"]
    if rate_scale is not None:
        args += ["--set", f"pinscope_sim_rate_scale={rate_scale}"]
    if refresh_reuse is not None:
        args += ["--set", f"pinscope_sim_refresh_reuse={refresh_reuse}"]
    return args


def tool_command(tool: str) -> list[str]:
    """How to start a mitmproxy tool from this interpreter's environment (a venv included)."""
    bindir = Path(sys.executable).parent
    for name in (tool, f"{tool}.exe"):
        candidate = bindir / name
        if candidate.is_file() and os.access(candidate, os.X_OK):
            return [str(candidate)]
    return [sys.executable, "-c",
            f"import sys; from mitmproxy.tools.main import {tool}; sys.exit({tool}())"]


SIMULATOR_FLAG = "--simulator"
SIMULATOR_HELP = (f"answer api.pinterest.com and api-sandbox.pinterest.com from pinscope's Pinterest API simulator "
                  f"inside the proxy, so your own client, unchanged, rehearses offline; get a token with "
                  f"POST https://{CONTROL_HOST}/_sim/token (app_id, scope) through the proxy")


def add_simulator_flag(parser: ArgumentParser) -> None:
    """`--simulator`: shared by `web`, `dump` and `run`."""
    parser.add_argument(SIMULATOR_FLAG, action="store_true", help=SIMULATOR_HELP)


def wants_simulator(args: Namespace) -> tuple[bool, list[str]]:
    """(--simulator given, the mitmproxy arguments without it): also after pinscope's `--` separator."""
    extra = list(args.mitmproxy_args)
    return bool(args.simulator) or SIMULATOR_FLAG in extra, [arg for arg in extra if arg != SIMULATOR_FLAG]


def tool_args(args: Namespace) -> tuple[bool, list[str]]:
    """(--simulator given, the arguments for mitmweb/mitmdump): pinscope.toml's `--set`s, then the user's."""
    simulator, extra = wants_simulator(args)
    # pinscope.toml before the user's arguments; an option the user sets is left to them
    return simulator, [*proxy_args(project_settings(Path.cwd()), extra), *extra]


PRIVATE_UMASK = 0o077  # what the tool writes (`-w` captures, HAR, reports) holds raw tokens: owner only


def launch(command: list[str]) -> int:
    """Become the mitmproxy tool (exec), so signals and the exit status are the tool's own."""
    sys.stdout.flush()
    sys.stderr.flush()
    os.umask(PRIVATE_UMASK)  # inherited by the tool: files it creates are 0600, folders 0700
    if os.name == "posix":
        try:
            os.execv(command[0], command)
        except OSError as err:
            raise CommandError(f"cannot start {command[0]}: {err.strerror or err}") from None
    try:  # Windows has no real exec: wait for the child instead
        return subprocess.call(command)
    except OSError as err:
        raise CommandError(f"cannot start {command[0]}: {err.strerror or err}") from None
