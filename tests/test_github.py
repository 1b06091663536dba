"""GitHub Actions output of `analyze`: the step summary and one annotation per rule, safe from traffic text."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from mitmproxy import io as mitm_io

from pinscope.analyze import analyze_flows
from pinscope.cli import main
from pinscope.engine import Engine
from pinscope.exchange import from_flow
from pinscope.report import build_report
from pinscope.report.github import PER_KIND, annotation, annotations, escape_data, escape_property
from pinscope.rulebook import Severity
from tests.canaries import CASES, exposed
from tests.flowkit import T0
from tests.test_canaries import to_flow
from tests.test_capture import write_mitm
from tests.test_report import scenario

LEVELS = {"token-leak": "error", "authentication-failed": "error", "insufficient-scope": "error",
          "missing-token": "error", "rate-limited": "error", "scope-not-granted": "warning",
          "retry-before-reset": "warning", "token-in-url": "warning", "rate-limit-low": "warning",
          "server-error": "warning", "sandbox-host-in-use": "notice"}
# A workflow command as GitHub's runner reads one line: `::name props::data`.
COMMAND = re.compile(r"^::(?P<name>[a-z-]+)(?: (?P<props>.*?))?::(?P<data>.*)$")


def unescape(text: str) -> str:
    """What the runner makes of an escaped value (GitHub's own order: %25 last)."""
    for code, char in (("%0D", "\r"), ("%0A", "\n"), ("%3A", ":"), ("%2C", ","), ("%25", "%")):
        text = text.replace(code, char)
    return text


def commands(stdout: str) -> list[re.Match]:
    """Every line the runner would take as a workflow command."""
    return [m for line in stdout.splitlines() if (m := COMMAND.match(line))]


@pytest.fixture
def actions(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """Run as a GitHub Actions step: the summary file already holds an earlier step's text."""
    summary = tmp_path / "step_summary.md"
    summary.write_text("earlier step\n", encoding="utf-8")
    monkeypatch.setenv("GITHUB_ACTIONS", "true")
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(summary))
    monkeypatch.chdir(tmp_path)  # no project pinscope.toml
    return summary


def analyze(capture: Path, *options: str) -> int:
    return main(["analyze", str(capture), *options])


def test_one_annotation_per_rule_and_the_summary_appended(actions: Path, tmp_path: Path,
                                                         capsys: pytest.CaptureFixture) -> None:
    assert analyze(write_mitm(tmp_path / "s.mitm", scenario()), "--fail-on", "warning") == 1
    found = commands(capsys.readouterr().out)
    titles = {unescape(m["props"]).removeprefix("title=pinscope ").split(":")[0]: m for m in found}
    assert len(found) == len(titles) == len(LEVELS)
    assert {rule: m["name"] for rule, m in titles.items()} == LEVELS
    scope = unescape(titles["insufficient-scope"]["data"]).split("\n")
    assert scope[0].startswith("GET /v5/boards needs boards:read") and scope[1].startswith("Fix: Mint")
    assert "x-pinterest-rid: rid-b1" in scope[2] and scope[3].startswith("Docs: https://")
    summary = actions.read_text(encoding="utf-8")
    assert summary.startswith("earlier step\n## pinscope\n")
    assert "| Findings | 15: 5 error, 9 warning, 1 info |" in summary
    assert "**14 findings at or above warning** (`--fail-on warning`): pinscope fails this step." in summary
    assert "| error | `insufficient-scope` | 1 | Token lacks the scopes this operation needs |" in summary


@pytest.mark.parametrize("errors", [PER_KIND, PER_KIND + 3])
def test_past_githubs_ten_of_a_kind_the_last_shown_counts_the_rest(errors: int) -> None:
    engine = Engine()
    for f in scenario():
        engine.analyze(from_flow(f))
    report = build_report(engine.session, engine.catalog)
    error, warning = (next(f for f in report.findings if f.severity == s) for s in (Severity.ERROR, Severity.WARNING))
    many = [error.model_copy(update={"rule": f"rule-{n}"}) for n in range(errors)] + [warning]
    found = commands("\n".join(annotations(report.model_copy(update={"findings": many}))))
    kinds = [m["name"] for m in found]
    assert kinds.count("error") == PER_KIND and kinds.count("warning") == 1  # all GitHub will show
    counted = [unescape(m["data"]) for m in found if "more rules" in m["data"]]
    if errors > PER_KIND:
        assert counted == ["4 more rules found at this level: see the step summary or the report for every finding."]
        assert "rule-8" in unescape(found[PER_KIND - 2]["props"]) and "rule-9" not in "".join(m["props"] for m in found)
    else:
        assert counted == []


def test_summary_says_when_nothing_gates(actions: Path, tmp_path: Path) -> None:
    assert analyze(write_mitm(tmp_path / "s.mitm", scenario())) == 0
    assert "No `--fail-on`: findings do not fail this step." in actions.read_text(encoding="utf-8")


def test_outside_actions_nothing_is_added(actions: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                          capsys: pytest.CaptureFixture) -> None:
    monkeypatch.setenv("GITHUB_ACTIONS", "false")
    assert analyze(write_mitm(tmp_path / "s.mitm", scenario())) == 0
    assert commands(capsys.readouterr().out) == []
    assert actions.read_text(encoding="utf-8") == "earlier step\n"


def test_an_unwritable_summary_is_a_warning(actions: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                            capsys: pytest.CaptureFixture) -> None:
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(tmp_path / "missing" / "summary.md"))
    assert analyze(write_mitm(tmp_path / "s.mitm", scenario()), "--fail-on", "error") == 1
    out, err = capsys.readouterr()
    assert len(commands(out)) == len(LEVELS)
    assert "pinscope: warning: GITHUB_STEP_SUMMARY" in err


@pytest.mark.parametrize("text, data, prop", [
    ("50% done", "50%25 done", "50%25 done"),
    ("a\r\nb", "a%0D%0Ab", "a%0D%0Ab"),
    ("x::y, z", "x::y, z", "x%3A%3Ay%2C z"),
    ("%0A", "%250A", "%250A"),  # an escape in the text stays text
])
def test_escaping_follows_githubs_rules(text: str, data: str, prop: str) -> None:
    assert (escape_data(text), escape_property(text)) == (data, prop)


def test_a_hostile_message_cannot_forge_a_second_annotation() -> None:
    engine = Engine()
    analyze_flows(engine, scenario())
    finding = build_report(engine.session, engine.catalog, generated_at=T0).findings[0]
    hostile = "50%0A::error::forged\n::error title=x::forged\r\n::add-mask::x %"
    # model_copy skips the model's clean(): the escaping alone must hold, even for raw newlines.
    finding = finding.model_copy(update={
        "title": "t::itle, with\n::warning::forged", "fix": hostile,
        "flows": [finding.flows[0].model_copy(update={"message": hostile})]})
    line = annotation(finding)
    [command] = commands(line)
    assert "\n" not in line and "\r" not in line and command["name"] == "error"
    assert unescape(command["props"]) == "title=pinscope token-leak: t::itle, with\n::warning::forged"
    data = unescape(command["data"]).split("\n")
    assert data[0] == "50%0A::error::forged" and data[1] == "::error title=x::forged\r"


def test_no_planted_secret_in_the_summary_or_annotations(actions: Path, tmp_path: Path,
                                                         capsys: pytest.CaptureFixture) -> None:
    capture = tmp_path / "canaries.mitm"
    with capture.open("wb") as out:
        writer = mitm_io.FlowWriter(out)
        for index, case in enumerate(CASES):
            writer.add(to_flow(case, index))
    assert analyze(capture) == 0
    stdout = capsys.readouterr().out
    assert len(commands(stdout)) > 5
    summary = actions.read_text(encoding="utf-8")
    assert exposed({"annotations": stdout, "summary": summary}) == []
    assert exposed({"annotations": unescape(stdout)}) == []
