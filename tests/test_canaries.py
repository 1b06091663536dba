"""Planted secrets (tests/canaries.py) never reach any output: analyze, reports, the addon's flow annotations,
its Pinterest view, its terminal lines or its log. Nor do terminal escapes or Markdown links from traffic."""

from __future__ import annotations

import io
import logging
import re
import subprocess
from pathlib import Path

import pytest
from mitmproxy import contentviews, http
from mitmproxy import io as mitm_io
from mitmproxy.test import taddons, tflow
from rich.console import Console

from pinscope.addon import Pinscope
from pinscope.report.write import RENDERERS
from tests.canaries import CASES, Case, escapes, exposed
from tests.e2e.conftest import pinscope_cli

T0 = 1_767_225_600.0


def to_flow(case: Case, index: int) -> http.HTTPFlow:
    """A real mitmproxy flow for one case."""
    request = http.Request.make(case.method, f"https://{case.host}{case.path}", case.request_body,
                                case.request_headers)
    request.timestamp_start, request.timestamp_end = T0 + index, T0 + index + 0.01
    response = http.Response.make(case.status, case.response_body, case.response_headers)
    response.timestamp_start, response.timestamp_end = T0 + index + 0.05, T0 + index + 0.06
    return tflow.tflow(req=request, resp=response)


@pytest.fixture(scope="module")
def capture(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("canaries") / "canaries.mitm"
    with path.open("wb") as out:
        writer = mitm_io.FlowWriter(out)
        for index, case in enumerate(CASES):
            writer.add(to_flow(case, index))
    return path


@pytest.fixture(scope="module")
def offline(capture: Path) -> dict[str, str]:
    """Every text `pinscope analyze` and `pinscope scopes --plan` produce for the capture."""
    reports = [capture.with_name(f"report{suffix}") for suffix in RENDERERS]
    texts: dict[str, str] = {}
    command, env = pinscope_cli("analyze", str(capture), *[f"--report={p}" for p in reports])
    done = subprocess.run(command, env={**env, "COLUMNS": "200"}, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    texts |= {"analyze: stdout": done.stdout, "analyze: stderr": done.stderr}
    texts |= {f"analyze: {p.name}": p.read_text(encoding="utf-8") for p in reports}
    command, env = pinscope_cli("scopes", "--plan", str(capture))
    done = subprocess.run(command, env={**env, "COLUMNS": "200"}, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    texts |= {"scopes: stdout": done.stdout, "scopes: stderr": done.stderr}
    return texts


@pytest.fixture(scope="module")
def in_proxy() -> dict[str, str]:
    """The addon in process, as `pinscope dump` runs it: comments, metadata, views, terminal, log."""
    addon, terminal = Pinscope(), io.StringIO()
    addon.console = Console(file=terminal, width=200, color_system=None)
    log = io.StringIO()
    handler = logging.StreamHandler(log)
    logging.getLogger().addHandler(handler)
    texts: dict[str, str] = {}
    try:
        with taddons.context(addon) as tctx:
            tctx.configure(addon, pinscope_terminal=True)
            for index, case in enumerate(CASES):
                flow = to_flow(case, index)
                response, flow.response = flow.response, None
                addon.request(flow)
                flow.response = response
                addon.response(flow)
                texts[f"{case.name}: comment"] = flow.comment
                texts[f"{case.name}: metadata"] = repr(flow.metadata)
                texts[f"{case.name}: view"] = "\n".join(
                    contentviews.prettify_message(message, flow, "pinterest").text
                    for message in (flow.request, flow.response))
            addon.done()
    finally:
        logging.getLogger().removeHandler(handler)
    return texts | {"terminal": terminal.getvalue(), "log": log.getvalue()}


def test_the_cases_were_diagnosed(offline: dict[str, str], in_proxy: dict[str, str]) -> None:
    """Not vacuous: the flows got findings that quote what Pinterest said, masked."""
    report = offline["analyze: report.json"]
    for rule in ("bulk-item-errors", "token-leak", "malformed-authorization", "server-error"):
        assert rule in report, rule
    assert "Authentication failed for …" in report, "an echoed bearer token shows as its label"
    assert "Invalid client_secret …" in report and "(app secret …" in report
    assert "client_secret" in in_proxy["form with a charset: view"]
    assert "bulk-item-errors" in in_proxy["bulk item error quotes a token: comment"]


def test_no_planted_secret_reaches_any_output(offline: dict[str, str], in_proxy: dict[str, str]) -> None:
    assert exposed(offline) == []
    assert exposed(in_proxy) == []


def test_no_terminal_escape_reaches_any_output(offline: dict[str, str], in_proxy: dict[str, str]) -> None:
    assert escapes(offline) == []
    assert escapes(in_proxy) == []


def test_markdown_report_renders_no_link_or_image_from_traffic(offline: dict[str, str]) -> None:
    text = offline["analyze: report.md"]
    outside_code = re.sub(r"(`+)[^`].*?\1", "", re.sub(r"```text\n.*?```", "", text, flags=re.S))
    assert "beacon.example" in text, "the hostile text is there, escaped"
    assert not re.search(r"(?<!\\)!?(?<!\\)\[[^\]]*(?<!\\)\]\(", outside_code)
    assert not re.search(r"(?<!\\)<(img|script)", outside_code)
    assert not re.search(r"(?<!\\)<https?://[^>]*(beacon|evil)\.example", outside_code), "no autolink from traffic"
