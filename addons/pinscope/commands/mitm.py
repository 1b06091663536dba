"""Starting mitmweb / mitmdump with the pinscope addon (shared by the web and dump commands)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pinscope
from pinscope.commands import CommandError

LOCALHOST = "127.0.0.1"


def entry_script() -> Path:
    """The `-s` script mitmproxy loads: `pinscope/mitm_entry.py`, which exposes `addons`."""
    path = Path(pinscope.__file__).resolve().parent / "mitm_entry.py"
    if not path.is_file():
        raise CommandError(f"the addon entry script {path} is missing; reinstall pinscope")
    return path


def tool_command(tool: str) -> list[str]:
    """How to start a mitmproxy tool from this interpreter's environment (a venv included)."""
    bindir = Path(sys.executable).parent
    for name in (tool, f"{tool}.exe"):
        candidate = bindir / name
        if candidate.is_file() and os.access(candidate, os.X_OK):
            return [str(candidate)]
    return [sys.executable, "-c",
            f"import sys; from mitmproxy.tools.main import {tool}; sys.exit({tool}())"]


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
