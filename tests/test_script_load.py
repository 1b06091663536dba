"""The `-s` scripts: loaded by mitmproxy's own script loader and by a real mitmdump process."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from mitmproxy import contentviews
from mitmproxy import io as mio
from mitmproxy.addons import script
from mitmproxy.test import taddons

from pinscope.addon import Pinscope
from tests.flowkit import SECRETS, error, flow

ROOT = Path(__file__).resolve().parent.parent
SCRIPT = ROOT / "addons" / "pinscope_addon.py"
ENTRY = ROOT / "addons" / "pinscope" / "mitm_entry.py"


def scope_401():
    return flow("GET", "/v5/pins/123", status=401, body=error(3, "Not authorized: missing scopes"))


def test_script_exposes_addons_and_annotates_a_flow() -> None:
    with taddons.context() as tctx:
        module = tctx.script(str(SCRIPT))
        rehearsal, addon = module.addons  # the rehearsal first: it answers before pinscope diagnoses
        assert (type(rehearsal).__name__, type(addon).__name__) == ("Rehearsal", "Pinscope")
        assert tctx.options.pinscope_min_severity == "info"
        f = scope_401()
        tctx.master.event_loop.run_until_complete(tctx.cycle(module, f))
        assert f.comment.startswith("insufficient-scope: ") and f.marked == ":no_entry:"
        assert contentviews.prettify_message(f.response, f).view_name == "Pinterest"


def test_reloading_the_script_keeps_one_working_contentview() -> None:
    with taddons.context() as tctx:
        loader = script.Script(str(SCRIPT), False)
        first = loader.ns
        loader.loadscript()  # what mitmproxy does when the script file changes
        module = loader.ns
        assert module is not first and module.addons[0] is not first.addons[0]
        views = [name for name in contentviews.registry if name == "pinterest"]
        assert views == ["pinterest"]
        f = scope_401()
        tctx.master.event_loop.run_until_complete(tctx.cycle(module, f))
        assert contentviews.prettify_message(f.response, f).view_name == "Pinterest"


def test_entry_script_for_installed_wheel_loads_and_leaves_sys_path_clean() -> None:
    package_dir = str(ENTRY.parent)
    with taddons.context() as tctx:
        module = tctx.script(str(ENTRY))
        assert isinstance(module.addons[-1], Pinscope)
    assert package_dir not in sys.path, "pinscope's folder would shadow top-level modules"


def _mitmdump(tmp_path: Path, *args: str) -> subprocess.CompletedProcess:
    """mitmdump in a fresh process where `import pinscope` only works through the -s script."""
    code = (
        "import sys, importlib.util\n"
        "sys.meta_path[:] = [f for f in sys.meta_path if 'editable' not in repr(f)]\n"
        "assert importlib.util.find_spec('pinscope') is None, 'pinscope must not be importable'\n"
        "from mitmproxy.tools.main import mitmdump\n"
        "sys.argv = ['mitmdump', *sys.argv[1:]]\n"
        "sys.exit(mitmdump())\n"
    )
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    return subprocess.run([sys.executable, "-c", code, *args], cwd=tmp_path, env=env,
                          capture_output=True, text=True, timeout=60)


@pytest.mark.e2e
def test_mitmdump_runs_the_script_without_pinscope_installed(tmp_path: Path) -> None:
    capture, annotated = tmp_path / "in.mitm", tmp_path / "out.mitm"
    other = flow("GET", "/", host="example.com", token=None, body={"ok": True})
    with capture.open("wb") as fh:
        writer = mio.FlowWriter(fh)
        for f in (scope_401(), other):
            writer.add(f)
    result = _mitmdump(tmp_path, "-n", "-q", "-r", str(capture), "-s", str(SCRIPT),
                       "-w", str(annotated), "--set", "pinscope_terminal=true")
    assert result.returncode == 0, result.stderr
    with annotated.open("rb") as fh:
        hit, plain = list(mio.FlowReader(fh).stream())
    assert hit.comment.startswith("insufficient-scope: ") and hit.marked == ":no_entry:"
    assert hit.metadata["pinscope"][0]["rule"] == "insufficient-scope"
    assert plain.comment == "" and plain.marked == "" and plain.metadata == {}
    assert "insufficient-scope" in result.stdout
    assert not [s for s in SECRETS if s in result.stdout + result.stderr]


@pytest.mark.e2e
def test_mitmdump_rejects_a_bad_option_at_start(tmp_path: Path) -> None:
    result = _mitmdump(tmp_path, "-n", "-s", str(SCRIPT), "--set", "pinscope_silence=no-such-rule")
    assert result.returncode != 0
    assert "unknown rule id(s) no-such-rule" in result.stdout + result.stderr
