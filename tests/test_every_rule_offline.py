"""Issue 2's bar, offline: one capture holding every rule's hit case, analyzed by the CLI.

The JSON and Markdown reports must name every rule, and no fake secret may reach them or the terminal.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from mitmproxy import http
from mitmproxy import io as mio

from pinscope.cli import main
from pinscope.rulebook import default_rules
from tests.cases import ALL_CASES
from tests.flowkit import ACCESS, ACCESS_2, APP_SECRET, AUTH_CODE, REFRESH

CASE_GAP = 3600.0  # seconds between cases: each case's own timing (resets, bursts) is kept intact
TOKENS = (ACCESS, ACCESS_2, REFRESH)
# What every fake secret contains, whichever case's copy of it: none may reach an output.
MARKS = ("FAKEACCESSTOKEN", "FAKEREFRESHTOKEN", APP_SECRET, AUTH_CODE)


def retokened(flow: http.HTTPFlow, case: int) -> http.HTTPFlow:
    """The flow with this case's own copies of the fake tokens, so cases do not share a token's history."""
    swaps = [(t.encode(), (t[:-4] + f"{case:04d}").encode()) for t in TOKENS]
    for message in (flow.request, flow.response):
        if message is None:
            continue
        for name, value in list(message.headers.items(multi=True)):
            for old, new in swaps:
                value = value.replace(old.decode(), new.decode())
            message.headers[name] = value
        content = message.content or b""
        for old, new in swaps:
            content = content.replace(old, new)
        message.content = content
    return flow


def shifted(flow: http.HTTPFlow, by: float) -> http.HTTPFlow:
    """The flow moved `by` seconds later, request and response alike."""
    for message in (flow.request, flow.response):
        if message is not None:
            message.timestamp_start += by
            message.timestamp_end = (message.timestamp_end or message.timestamp_start) + by
    return flow


@pytest.fixture(scope="module")
def capture(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Every hit case's flows, one case after another, in one .mitm file."""
    path = tmp_path_factory.mktemp("every-rule") / "every-rule.mitm"
    with path.open("wb") as out:
        writer = mio.FlowWriter(out)
        for i, case in enumerate(c for c in ALL_CASES if c.is_hit and not c.settings):
            for flow in case.flows():
                writer.add(retokened(shifted(flow, i * CASE_GAP), i))
    return path


def test_analyze_reports_every_rule_without_secrets(capture: Path, tmp_path: Path,
                                                    capsys: pytest.CaptureFixture[str]) -> None:
    assert all(mark.encode() in capture.read_bytes() for mark in MARKS), "the capture must hold the secrets"
    as_json, as_md = tmp_path / "report.json", tmp_path / "report.md"
    status = main(["analyze", str(capture), "--report", str(as_json), "--report", str(as_md)])
    out = capsys.readouterr()
    assert status == 0, out.err
    reported = {finding["rule"] for finding in json.loads(as_json.read_text())["findings"]}
    assert reported == set(default_rules())
    markdown = as_md.read_text()
    assert all(rule in markdown for rule in default_rules())
    for text in (as_json.read_text(), markdown, out.out, out.err):
        assert not [mark for mark in MARKS if mark in text]


def test_fail_on_error_gates_the_same_capture(capture: Path) -> None:
    assert main(["analyze", str(capture), "--fail-on", "error"]) == 1
    every_error = [rule.id for rule in default_rules().values() if rule.severity.value == "error"]
    silenced = [arg for rule in every_error for arg in ("--silence", rule)]
    assert main(["analyze", str(capture), "--fail-on", "error", *silenced]) == 0
