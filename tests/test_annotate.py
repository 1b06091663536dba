"""Annotations: comment lines, markers, metadata, and the mitmproxy filters they enable."""

from __future__ import annotations

import io

import pytest
from mitmproxy import flowfilter
from mitmproxy import io as mio

from pinscope.annotate import annotate, comment_line, set_context, stored_findings
from pinscope.engine import Engine
from pinscope.exchange import from_flow
from pinscope.findings import Finding, RenderedFinding, render
from pinscope.rulebook import Severity, default_rules
from tests.flowkit import error, flow


def finding(rule: str = "insufficient-scope", severity: Severity = Severity.ERROR,
            message: str = "GET /v5/pins/{pin_id} needs pins:read", essence: str = "missing pins:read"
            ) -> RenderedFinding:
    return RenderedFinding(rule, severity, "A title for the rule", message, "Do the concrete thing.",
                           "https://developers.pinterest.com/docs/", None, essence)


RATE = finding("rate-limited", Severity.ERROR, "429 in category org_read; reset in 12 s", "org_read, resets in 12 s")
WARN = finding("scope-not-granted", Severity.WARNING, "token lacks boards:read", "missing boards:read")
INFO = finding("sandbox-host-in-use", Severity.INFO, "calls go to the sandbox", "sandbox data")


def test_comment_line_is_rule_id_and_essence_on_one_line() -> None:
    assert comment_line(finding(essence="missing\nboards:read")) == "insufficient-scope: missing boards:read"


def test_comment_line_of_a_finding_stored_before_essences_shows_its_message() -> None:
    assert comment_line(finding(message="first\nsecond", essence="")) == "insufficient-scope: first second"


@pytest.mark.parametrize(("rule", "variant", "params", "line"), [
    ("insufficient-scope", "grant_known", {"operation": "GET /v5/boards", "scope_sets": "boards:read",
     "token": "pina…28a73821", "granted": "pins:read", "missing": "boards:read"},
     "insufficient-scope: missing boards:read"),
    ("rate-limited", "default", {"operation": "GET /v5/ad_accounts", "category": "org_analytics", "reset": 42},
     "rate-limited: org_analytics, resets in 42 s"),
    ("sandbox-token-on-production", "issued", {"operation": "GET /v5/boards", "host": "api.pinterest.com",
     "home_host": "api-sandbox.pinterest.com"}, "sandbox-token-on-production: use api-sandbox.pinterest.com"),
])
def test_comment_starts_with_rule_id_and_essence_never_method_or_path(
        rule: str, variant: str, params: dict[str, object], line: str) -> None:
    rendered = render(Finding(rule, params, variant), default_rules()[rule])
    f = flow("GET", "/v5/boards", status=401)
    annotate(f, [rendered])
    assert f.comment == line
    assert params["operation"] in rendered.message, "the full message keeps the operation"
    assert f.metadata["pinscope"][0]["essence"] == line.split(": ", 1)[1]
    assert f.metadata["pinscope"][0]["message"] == rendered.message and f.metadata["pinscope"][0]["fix"]


def test_essence_params_are_cleaned_like_the_message() -> None:
    token = "pina_" + "A" * 60  # a token-shaped param must not reach the comment raw
    rendered = render(Finding("token-leak", {"kind": "access token", "tokens": token, "host": "evil.example\x1b[2J"}),
                      default_rules()["token-leak"])
    assert token not in rendered.essence and "\x1b" not in rendered.essence
    assert rendered.essence.startswith("access token pina…")


def test_annotate_writes_comment_marker_and_metadata() -> None:
    f = flow("GET", "/v5/pins/1", status=401)
    assert annotate(f, [finding(), WARN])
    assert f.comment.splitlines() == [comment_line(finding()), comment_line(WARN)]
    assert f.marked == ":no_entry:"
    assert f.metadata["pinscope"] == [finding().as_dict(), WARN.as_dict()]
    assert {"rule", "severity", "title", "message", "fix", "docs", "essence"} <= set(f.metadata["pinscope"][0])


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
    assert matching("~comment rate-limited") == [rate]


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
