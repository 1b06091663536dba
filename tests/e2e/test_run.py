"""`pinscope run --simulator -- python client.py` as a user runs it: real processes, clients unchanged.

The clients read nothing but the environment `run` gives them; each gets a token from the simulator's
shortcut and calls an operation it lacks the scope for (or one it has, for the clean run).
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

from pinscope.demo import CONTROL_HOST
from pinscope.simulator import DEMO_STANDARD
from tests.e2e.conftest import pinscope_cli

pytestmark = pytest.mark.e2e

WAIT = 120  # seconds: a bound on a hung run, never a timing assertion
CLIENT = """\
import sys
{imports}
token = post("https://{control}/_sim/token", data={{"app_id": "{app_id}", "scope": "{scope}"}}).json()["access_token"]
answer = get("https://api.pinterest.com/v5/{path}", headers={{"Authorization": "Bearer " + token}})
print("answered", answer.status_code, flush=True)
sys.exit({status})
"""
REQUESTS = "import requests\npost, get = requests.post, requests.get"
HTTPX = "import httpx\npost, get = httpx.post, httpx.get"
# Ignores the proxy variables: its own proxy setting (a closed loopback port), so nothing leaves the machine.
IGNORING = """\
import requests
session = requests.Session()
session.trust_env = False
session.proxies = {{"https": "http://127.0.0.1:9"}}
try:
    session.get("https://api.pinterest.com/v5/boards", timeout=10)
except requests.RequestException as err:
    print("not through pinscope:", type(err).__name__, flush=True)
"""
SLEEPER = "import time\nprint('ready', flush=True)\ntime.sleep(300)\n"


@dataclass
class Finished:
    status: int
    out: str
    err: str


def client(tmp_path: Path, imports: str, scope: str = "pins:read", path: str = "boards", status: int = 0) -> Path:
    script = tmp_path / "client.py"
    script.write_text(CLIENT.format(imports=imports, control=CONTROL_HOST, app_id=DEMO_STANDARD.app_id,
                                    scope=scope, path=path, status=status))
    return script


def pinscope_run(tmp_path: Path, *args: str) -> Finished:
    command, env = pinscope_cli("run", *args)
    done = subprocess.run(command, env=env, cwd=tmp_path, capture_output=True, text=True, timeout=WAIT)
    return Finished(done.returncode, done.stdout, done.stderr)


def proxy_folder(err: str) -> str:
    """The private folder `run` announced (mitmdump's confdir, in its command line)."""
    found = re.search(r"CA bundle (\S+)/ca-bundle\.pem", err)
    assert found, err
    return found.group(1)


def processes_naming(text: str) -> list[int]:
    """Process ids whose command line contains `text` (the process list, read from /proc)."""
    pids = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if text.encode() in (entry / "cmdline").read_bytes():
                    pids.append(int(entry.name))
            except OSError:  # it ended while being read
                pass
    return pids


@pytest.mark.parametrize("imports", [REQUESTS, HTTPX], ids=["requests", "httpx"])
def test_a_flagged_call_fails_the_run_and_the_summary_names_the_rule(tmp_path: Path, imports: str) -> None:
    script = client(tmp_path, imports)
    run = pinscope_run(tmp_path, "--simulator", "--fail-on", "error", "--report", "r.json", "--junit", "j.xml",
                       "--", sys.executable, str(script))
    assert run.status == 1, run.err
    assert run.out == "answered 401\n"  # standard output is COMMAND's own
    assert "insufficient-scope" in run.err
    assert "1 finding at or above error (--fail-on error)" in run.err
    assert '"rule": "insufficient-scope"' in (tmp_path / "r.json").read_text()
    assert 'classname="pinscope.insufficient-scope"' in (tmp_path / "j.xml").read_text()
    assert not Path(proxy_folder(run.err)).exists()  # the CA key and the bundle are gone


CURL = """\
set -e
token=$(curl -sS -X POST https://{control}/_sim/token -d app_id={app_id} -d scope=pins:read \\
        | {python} -c 'import json, sys; print(json.load(sys.stdin)["access_token"])')
curl -sS -o /dev/null -w 'answered %{{http_code}}\\n' -H "Authorization: Bearer $token" \\
     https://api.pinterest.com/v5/boards
"""


@pytest.mark.skipif(shutil.which("curl") is None, reason="curl is not installed")
def test_curl_is_intercepted_from_the_environment_alone(tmp_path: Path) -> None:
    """curl reads lower-case https_proxy and CURL_CA_BUNDLE: nothing set in the script itself."""
    (tmp_path / "client.sh").write_text(CURL.format(control=CONTROL_HOST, app_id=DEMO_STANDARD.app_id,
                                                    python=sys.executable))
    run = pinscope_run(tmp_path, "--simulator", "--fail-on", "error", "--", "sh", "client.sh")
    assert run.status == 1 and run.out == "answered 401\n", run.err
    assert "insufficient-scope" in run.err


def test_a_clean_client_passes(tmp_path: Path) -> None:
    script = client(tmp_path, REQUESTS, scope="user_accounts:read", path="user_account")
    run = pinscope_run(tmp_path, "--simulator", "--fail-on", "warning", "--", sys.executable, str(script))
    assert (run.status, run.out) == (0, "answered 200\n"), run.err
    assert "1 to the Pinterest API" in run.err and "No findings." in run.err


def test_commands_own_failure_wins_over_the_findings(tmp_path: Path) -> None:
    script = client(tmp_path, REQUESTS, status=3)
    run = pinscope_run(tmp_path, "--simulator", "--fail-on", "error", "--", sys.executable, str(script))
    assert run.status == 3 and "insufficient-scope" in run.err


def test_a_client_ignoring_the_proxy_variables_is_told_how_to_use_them(tmp_path: Path) -> None:
    (tmp_path / "client.py").write_text(IGNORING.format())
    run = pinscope_run(tmp_path, "--simulator", "--fail-on", "error", "--", sys.executable, "client.py")
    assert run.status == 0 and run.out.startswith("not through pinscope:")
    assert "No Pinterest API call went through the proxy" in run.err
    assert "trust_env=False" in run.err and "NODE_USE_ENV_PROXY=1" in run.err


@pytest.mark.parametrize("how, status", [("SIGTERM to run", 128 + signal.SIGTERM),
                                         ("Ctrl-C to the group", 128 + signal.SIGINT)])
def test_stopping_run_stops_command_and_leaves_no_proxy(tmp_path: Path, how: str, status: int) -> None:
    (tmp_path / "sleeper.py").write_text(SLEEPER)
    command, env = pinscope_cli("run", "--simulator", "--", sys.executable, "sleeper.py")
    with subprocess.Popen(command, env=env, cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                          text=True, start_new_session=True) as run:
        try:
            assert run.stdout is not None and run.stdout.readline() == "ready\n"  # COMMAND runs: so does the proxy
            if how == "SIGTERM to run":
                run.send_signal(signal.SIGTERM)
            else:  # what a terminal does: SIGINT to every process of the foreground group
                os.killpg(run.pid, signal.SIGINT)
            _, err = run.communicate(timeout=WAIT)
        finally:
            if run.poll() is None:
                os.killpg(run.pid, signal.SIGKILL)
    folder = proxy_folder(err)
    assert run.returncode == status, err
    assert processes_naming(folder) == [] and processes_naming(str(tmp_path / "sleeper.py")) == []
    assert "0 to the Pinterest API" in err  # the proxy was stopped cleanly and wrote its report


def test_a_killed_command_leaves_no_proxy(tmp_path: Path) -> None:
    run = pinscope_run(tmp_path, "--simulator", "--", sys.executable, "-c",
                       "import os, signal; os.kill(os.getpid(), signal.SIGKILL)")
    assert run.status == 128 + signal.SIGKILL
    assert processes_naming(proxy_folder(run.err)) == []
