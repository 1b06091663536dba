"""Canary: the whole demo scenario runs with recognisable secrets, then every artifact is searched.

The secrets are known in advance: the simulator's apps have fixed secrets, and it issues its access
tokens, refresh tokens and authorization codes from a seeded counter, so the first few hundred of
each are computed here with the simulator's own code. The scenario then runs three ways:
- through `pinscope dump` (mitmdump) saving every flow: its output, its report, each flow's comment,
  metadata and Pinterest view are searched;
- `pinscope analyze` of those saved flows, writing a report in every format the writer supports;
- `pinscope demo --headless`, exactly as a user runs it.
No secret, and no v5-shaped token at all, may appear in any of them.
"""

from __future__ import annotations

import datetime as dt
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from mitmproxy import contentviews, http
from mitmproxy.test import taddons

from pinscope.addon import Pinscope
from pinscope.demo.client import DemoClient
from pinscope.demo.localsite import LocalSite
from pinscope.demo.scenario import GRANTS, RATE_SCALE, REFRESH_REUSE, steps
from pinscope.report.write import RENDERERS
from pinscope.simulator import DEMO_STANDARD, DEMO_TRIAL, DEMO_UNAPPROVED, DEMO_USER, SimConfig
from pinscope.simulator.state import SimState
from pinscope.tokens import TOKEN_IN_TEXT
from tests.e2e.conftest import pinscope_cli, read_capture, running_dump

pytestmark = pytest.mark.e2e
ISSUED = 300  # of each kind: far more than the scenario uses
TIMEOUT = 180


def issued_secrets() -> list[str]:
    """The first ISSUED access tokens, refresh tokens and authorization codes any simulator run issues."""
    state = SimState(SimConfig(), clock=lambda: 0.0)
    scopes = frozenset({"pins:read"})
    out: list[str] = []
    for _ in range(ISSUED):
        out.append(state.mint("access", DEMO_STANDARD.app_id, DEMO_USER, scopes, "production")[0])
        out.append(state.mint("refresh", DEMO_STANDARD.app_id, DEMO_USER, scopes, "production")[0])
        out.append(state.issue_code(DEMO_STANDARD, DEMO_USER, scopes, "production", DEMO_STANDARD.redirect_uri))
    return out


@pytest.fixture(scope="module")
def artifacts(ca_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, str]]:
    """Every text pinscope produced, by name; plus the wallet the scenario really used (`wallet:`)."""
    work = tmp_path_factory.mktemp("canary")
    texts: dict[str, str] = {}
    with running_dump(ca_dir, work, RATE_SCALE, REFRESH_REUSE) as mitm:
        with LocalSite() as site, DemoClient(mitm.proxy_url, mitm.ca_cert, site.url) as client:
            outcomes = client.run([*GRANTS, *steps(dt.datetime.now(dt.UTC).date())])
            wallet = dict(client.wallet)
        capture = read_capture(mitm, work)
    assert all(outcome.error is None for outcome in outcomes)
    texts["dump: output"] = capture.output
    texts["dump: report.json"] = (work / "report.json").read_text(encoding="utf-8")
    with taddons.context(Pinscope()):  # registers the Pinterest view
        for index, flow in enumerate([*capture.flows, *capture.shortcuts]):
            texts[f"flow {index}: comment"] = flow.comment
            texts[f"flow {index}: metadata"] = repr(flow.metadata)
            texts[f"flow {index}: Pinterest view"] = "\n".join(
                contentviews.prettify_message(message, flow, "pinterest").text
                for message in (flow.request, flow.response) if isinstance(message, http.Message))

    reports = [work / f"analyze{suffix}" for suffix in RENDERERS]
    command, env = pinscope_cli("analyze", str(work / "flows.mitm"), *[f"--report={p}" for p in reports])
    done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=TIMEOUT)
    assert done.returncode == 0, done.stderr
    texts |= {"analyze: stdout": done.stdout, "analyze: stderr": done.stderr}
    texts |= {f"analyze: {p.name}": p.read_text(encoding="utf-8") for p in reports}

    command, env = pinscope_cli("demo", "--headless", "--listen-port", "0", "--report", "demo.html")
    done = subprocess.run(command, cwd=work, env=env, capture_output=True, text=True, timeout=TIMEOUT,
                          stdin=subprocess.DEVNULL)
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    texts |= {"demo: stdout": done.stdout, "demo: stderr": done.stderr,
              "demo: demo.html": (work / "demo.html").read_text(encoding="utf-8")}
    texts["wallet:"] = "\n".join(v for k, v in wallet.items() if not k.endswith("_basic"))
    yield texts


def test_the_canaries_went_through_pinscope(artifacts: dict[str, str]) -> None:
    """The simulator issued the scenario's tokens as computed here, and pinscope had findings on them."""
    used = artifacts["wallet:"].split()
    issued = set(issued_secrets())
    assert any(u.startswith("pina_") and u in issued for u in used)
    assert any(u.startswith("pinr.") and u in issued for u in used)
    for name in ("dump: report.json", "analyze: analyze.json", "demo: stdout"):
        assert "insufficient-scope" in artifacts[name] and "pina…" in artifacts[name], name


def test_no_secret_reaches_any_artifact(artifacts: dict[str, str]) -> None:
    secrets = [*issued_secrets(), *artifacts["wallet:"].split(), DEMO_STANDARD.secret, DEMO_TRIAL.secret,
               DEMO_UNAPPROVED.secret]
    found = [(name, secret[:12]) for name, text in artifacts.items() if name != "wallet:"
             for secret in secrets if secret in text]
    shaped = [(name, match[:12]) for name, text in artifacts.items() if name != "wallet:"
              for match in TOKEN_IN_TEXT.findall(text)]
    assert found == [] and shaped == []
    assert len([n for n in artifacts if n.startswith("analyze: analyze")]) == len(RENDERERS)
