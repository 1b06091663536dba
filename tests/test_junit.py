"""`analyze --junit`: the JUnit XML CI reads, parsed back by a JUnit reader (junitparser) and ElementTree."""

from __future__ import annotations

from pathlib import Path
from xml.etree import ElementTree as ET

import pytest
from junitparser import Failure, JUnitXml
from mitmproxy import io as mitm_io

from pinscope.cli import main
from tests.canaries import CASES, exposed
from tests.flowkit import error, flow
from tests.test_canaries import to_flow
from tests.test_capture import write_mitm
from tests.test_report import scenario

ERRORS = {"token-leak", "authentication-failed", "insufficient-scope", "missing-token", "rate-limited"}
# (rule, operation) of every finding of tests.test_report.scenario(): its exact test cases.
CASES_EXPECTED = {
    ("pinscope.token-leak", "(no operation)"),
    ("pinscope.authentication-failed", "GET /v5/pins/{pin_id}"),
    ("pinscope.insufficient-scope", "GET /v5/boards"),
    ("pinscope.missing-token", "GET /v5/pins/{pin_id}"),
    ("pinscope.rate-limited", "GET /v5/pins/{pin_id}"),
    ("pinscope.scope-not-granted", "GET /v5/pins/{pin_id}"),
    ("pinscope.scope-not-granted", "GET /v5/boards"),
    ("pinscope.retry-before-reset", "GET /v5/pins/{pin_id}"),
    ("pinscope.retry-before-reset", "GET /v5/boards"),
    ("pinscope.token-in-url", "GET /v5/pins/{pin_id}"),
    ("pinscope.rate-limit-low", "GET /v5/pins/{pin_id}"),
    ("pinscope.server-error", "GET /v5/pins/{pin_id}"),
    ("pinscope.sandbox-host-in-use", "GET /v5/boards"),
}


@pytest.fixture(autouse=True)
def outside_ci(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """No GitHub Actions and no project pinscope.toml around these runs."""
    monkeypatch.delenv("GITHUB_ACTIONS", raising=False)
    monkeypatch.chdir(tmp_path)


@pytest.fixture
def capture(tmp_path: Path) -> Path:
    return write_mitm(tmp_path / "session.mitm", scenario())


def junit(capture: Path, *options: str) -> tuple[int, Path]:
    """Run `pinscope analyze CAPTURE --junit out.xml OPTIONS`; the status and the file."""
    path = capture.with_name("out.xml")
    return main(["analyze", str(capture), "--junit", str(path), *options]), path


def cases(path: Path) -> dict[tuple[str, str], object]:
    """(classname, name) -> test case, as a JUnit reader sees them."""
    suites = list(JUnitXml.fromfile(str(path)))
    assert [s.name for s in suites] == ["pinscope"]
    found = {(case.classname, case.name): case for case in suites[0]}
    assert len(found) == suites[0].tests  # no duplicate (rule, operation)
    return found


def failed(found: dict) -> set[str]:
    return {classname.removeprefix("pinscope.") for (classname, _), case in found.items()
            if any(isinstance(r, Failure) for r in case.result)}


def test_one_case_per_rule_and_operation_failed_at_fail_on(capture: Path) -> None:
    status, path = junit(capture, "--fail-on", "error")
    assert status == 1
    found = cases(path)
    assert set(found) == CASES_EXPECTED
    assert failed(found) == ERRORS
    scope = found[("pinscope.insufficient-scope", "GET /v5/boards")]
    [failure] = scope.result
    assert failure.type == "error" and "missing boards:read" in failure.message
    assert "Fix: Mint a new token" in failure.text and "Docs: https://developers.pinterest.com/" in failure.text
    assert "GET https://api.pinterest.com/v5/boards -> 401 (x-pinterest-rid: rid-b1)" in scope.system_out
    passing = found[("pinscope.server-error", "GET /v5/pins/{pin_id}")]
    assert passing.is_passed and "Fix: Retry with exponential backoff" in passing.system_out
    assert "x-pinterest-rid: rid-500" in passing.system_out


def test_suite_counts_read_back_with_elementtree(capture: Path) -> None:
    _, path = junit(capture, "--fail-on", "warning")
    root = ET.parse(path).getroot()
    assert root.tag == "testsuites"
    [suite] = root.findall("testsuite")
    testcases = suite.findall("testcase")
    failures = [c for c in testcases if c.find("failure") is not None]
    assert suite.get("tests") == root.get("tests") == str(len(CASES_EXPECTED)) == str(len(testcases))
    assert suite.get("failures") == root.get("failures") == str(len(failures)) == str(len(testcases) - 1)
    assert (suite.get("errors"), suite.get("skipped"), suite.get("time")) == ("0", "0", "10.000")
    properties = {p.get("name"): p.get("value") for p in suite.iter("property")}
    assert properties["fail_on"] == "warning" and properties["pinterest_flows"] == "10"
    assert suite.get("timestamp") and "+" not in suite.get("timestamp")  # the schema's zone-less form


def test_without_fail_on_error_findings_fail_but_status_is_0(capture: Path) -> None:
    status, path = junit(capture)
    assert status == 0
    assert failed(cases(path)) == ERRORS


def test_a_clean_session_is_one_passing_case(tmp_path: Path) -> None:
    clean = write_mitm(tmp_path / "clean.mitm", [flow("GET", "/v5/user_account", body={"username": "x"})])
    status, path = junit(clean, "--fail-on", "warning")
    assert status == 0
    found = cases(path)
    assert list(found) == [("pinscope", "no findings")]
    assert next(iter(found.values())).is_passed


def test_characters_xml_forbids_do_not_break_the_file(tmp_path: Path) -> None:
    hostile = write_mitm(tmp_path / "hostile.mitm", [
        flow("GET", "/v5/boards", status=500, body=error(1, "broken \ufffe\uffff <x> & ]]> end"))])
    status, path = junit(hostile)
    assert status == 0
    [(_, case)] = cases(path).items()
    assert "<x> & ]]> end" in case.system_out


def test_no_planted_secret_in_the_junit_file(tmp_path: Path) -> None:
    capture = tmp_path / "canaries.mitm"
    with capture.open("wb") as out:
        writer = mitm_io.FlowWriter(out)
        for index, case in enumerate(CASES):
            writer.add(to_flow(case, index))
    status, path = junit(capture, "--fail-on", "warning")
    assert status == 1
    text = path.read_text(encoding="utf-8")
    assert len(cases(path)) > 5
    assert exposed({"junit": text}) == []


def test_an_unwritable_junit_path_fails_before_the_work(capture: Path, capsys: pytest.CaptureFixture) -> None:
    status = main(["analyze", str(capture), "--junit", str(capture.parent / "no" / "out.xml")])
    err = capsys.readouterr().err
    assert status == 2 and err.count("\n") == 1 and "junit" in err and "does not exist" in err
    assert main(["analyze", str(capture), "--junit", str(capture)]) == 2  # never replaces the capture
    assert capture.stat().st_size > 0
