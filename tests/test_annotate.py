"""Annotations: comment lines, markers, metadata, and the mitmproxy filters they enable."""

from __future__ import annotations

import io

import pytest
from mitmproxy import flowfilter
from mitmproxy import io as mio

from pinscope.annotate import annotate, comment_line, set_context, stored_findings
from pinscope.engine import Engine
from pinscope.exchange import from_flow
from pinscope.findings import RenderedFinding
from pinscope.rulebook import Severity
from tests.flowkit import error, flow


def finding(rule: str = "insufficient-scope", severity: Severity = Severity.ERROR,
            message: str = "GET /v5/pins/{pin_id} needs pins:read") -> RenderedFinding:
    return RenderedFinding(rule, severity, "A title for the rule", message, "Do the concrete thing.",
                           "https://developers.pinterest.com/docs/", None)


RATE = finding("rate-limited", Severity.ERROR, "429 in category org_read; reset in 12 s")
WARN = finding("scope-not-granted", Severity.WARNING, "token lacks boards:read")
INFO = finding("sandbox-host-in-use", Severity.INFO, "calls go to the sandbox")


def test_comment_line_is_rule_message_fix_on_one_line() -> None:
    f = finding(message="first\nsecond")
    assert comment_line(f) == "insufficient-scope: first second Fix: Do the concrete thing."


def test_annotate_writes_comment_marker_and_metadata() -> None:
    f = flow("GET", "/v5/pins/1", status=401)
    assert annotate(f, [finding(), WARN])
    assert f.comment.splitlines() == [comment_line(finding()), comment_line(WARN)]
    assert f.marked == ":no_entry:"
    assert f.metadata["pinscope"] == [finding().as_dict(), WARN.as_dict()]
    assert {"rule", "severity", "title", "message", "fix", "docs"} <= set(f.metadata["pinscope"][0])


def test_existing_comment_is_kept_and_lines_are_not_duplicated() -> None:
    f = flow("GET", "/v5/pins/1")
    f.comment = "my own note"
    annotate(f, [finding()])
    assert not annotate(f, [finding()]), "a second run of the same hook must change nothing"
    assert f.comment.splitlines() == ["my own note", comment_line(finding())]
    assert len(f.metadata["pinscope"]) == 1


def test_later_errors_move_ahead_of_earlier_warnings() -> None:
    f = flow("GET", "/v5/boards", status=401)
    f.comment = "my own note"
    annotate(f, [WARN, INFO])  # request phase
    annotate(f, [RATE])  # response phase: an error, which mitmweb's narrow column must show first
    assert f.comment.splitlines() == ["my own note", comment_line(RATE), comment_line(WARN), comment_line(INFO)]
    assert [item["rule"] for item in f.metadata["pinscope"]] == [WARN.rule, INFO.rule, RATE.rule]


def test_no_findings_change_nothing() -> None:
    f = flow("GET", "/v5/pins/1")
    before = f.get_state()
    assert not annotate(f, [])
    assert f.get_state() == before


@pytest.mark.parametrize(("first", "second", "marker"), [
    (WARN, finding(), ":no_entry:"),  # upgraded
    (finding(), WARN, ":no_entry:"),  # never downgraded
    (INFO, WARN, ":warning:"),
    (INFO, INFO, ":information_source:"),
])
def test_marker_tracks_worst_severity(first: RenderedFinding, second: RenderedFinding,
                                      marker: str) -> None:
    f = flow("GET", "/v5/pins/1")
    annotate(f, [first])
    annotate(f, [second])
    assert f.marked == marker


def test_foreign_marker_is_kept() -> None:
    f = flow("GET", "/v5/pins/1")
    f.marked = ":star:"
    annotate(f, [finding()])
    assert f.marked == ":star:"
    assert "insufficient-scope" in f.comment


def test_context_names_operation_scopes_category_and_token_label(engine: Engine) -> None:
    f = flow("GET", "/v5/boards/42/pins")
    ex = from_flow(f)
    set_context(f, ex, engine.match(ex))
    context = f.metadata["pinscope_context"]
    op = engine.catalog.match("GET", "/boards/42/pins").operation
    assert context["operation"] == "GET /v5/boards/{board_id}/pins"
    assert context["scopes"] == [sorted(s) for s in op.scope_sets] and context["scopes"]
    assert context["category"] == op.category
    assert context["sandbox"] is op.sandbox
    assert context["token"] == ex.credential.label


def test_context_for_unknown_path_and_no_token(engine: Engine) -> None:
    f = flow("GET", "/v5/no/such/thing", token=None)
    ex = from_flow(f)
    set_context(f, ex, engine.match(ex))
    assert f.metadata["pinscope_context"] == {
        "operation": None, "scopes": None, "category": None, "sandbox": None, "token": None}


def test_stored_findings_round_trip_and_skip_garbage() -> None:
    f = flow("GET", "/v5/pins/1")
    annotate(f, [finding(), WARN])
    f.metadata["pinscope"].append({"rule": "x"})
    assert stored_findings(f) == [finding(), WARN]


def test_mitmproxy_filters_select_annotated_flows() -> None:
    scope, rate, plain = flow("GET", "/v5/pins/1"), flow("GET", "/v5/pins/2"), flow("GET", "/v5/pins/3")
    annotate(scope, [finding()])
    annotate(rate, [RATE])
    annotate(plain, [INFO])
    flows = [scope, rate, plain]

    def matching(expr: str) -> list:
        filt = flowfilter.parse(expr)
        return [f for f in flows if filt(f)]

    assert matching("~comment insufficient-scope") == [scope]
    assert matching("~marker no_entry") == [scope, rate]
    assert matching("~marker information_source") == [plain]
    assert matching("~meta rate") == [rate]


def test_annotations_survive_saving_and_loading_flows() -> None:
    f = flow("GET", "/v5/pins/1", status=401, body=error(3, "Not authorized"))
    ex = from_flow(f)
    set_context(f, ex, Engine().match(ex))
    annotate(f, [finding(), WARN])
    buf = io.BytesIO()
    mio.FlowWriter(buf).add(f)
    buf.seek(0)
    (loaded,) = list(mio.FlowReader(buf).stream())
    assert loaded.comment == f.comment
    assert loaded.marked == ":no_entry:"
    assert loaded.metadata["pinscope"] == f.metadata["pinscope"]
    assert loaded.metadata["pinscope_context"] == f.metadata["pinscope_context"]
