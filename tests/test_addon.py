"""The addon in a mitmproxy test context: options, hooks, annotations, failures, untouched traffic."""

from __future__ import annotations

import io
import itertools
import logging
from collections.abc import Iterator

import pytest
from mitmproxy import exceptions, flowfilter
from mitmproxy.flow import Error
from mitmproxy.test import taddons

from pinscope import exchange
from pinscope.addon import Pinscope
from pinscope.detectors import detects
from pinscope.engine import Engine
from tests.flowkit import error, flow, token_grant


@pytest.fixture
def addon() -> Pinscope:
    return Pinscope()


@pytest.fixture
def tctx(addon: Pinscope) -> Iterator[taddons.context]:
    with taddons.context(addon) as ctx:
        ctx.configure(addon)
        yield ctx


def run(addon: Pinscope, *flows) -> None:
    """Each flow through request, then response (or error when it has none)."""
    for f in flows:
        addon.request(f)
        if f.response is not None:
            addon.response(f)
        else:
            f.error = f.error or Error("connection closed")
            addon.error(f)


_PINS = itertools.count(123)


def scope_401():
    """A 401 code 3 on a Pin of its own: two of them are two calls, not a retry (see recovery.py)."""
    return flow("GET", f"/v5/pins/{next(_PINS)}", status=401, body=error(3, "Not authorized: missing scopes"))


def rules_of(f) -> list[str]:
    return [item["rule"] for item in f.metadata.get("pinscope", [])]


def test_insufficient_scope_flow_is_annotated(tctx, addon: Pinscope) -> None:
    f = scope_401()
    run(addon, f)
    assert rules_of(f) == ["insufficient-scope"]
    assert f.comment == "insufficient-scope: needs boards:read AND pins:read"  # rule id and essence
    assert f.metadata["pinscope"][0]["message"].startswith("GET /v5/pins/{pin_id} needs ")
    assert f.marked == ":no_entry:"
    assert f.metadata["pinscope_context"]["operation"] == "GET /v5/pins/{pin_id}"
    assert flowfilter.parse("~comment insufficient-scope")(f)
    assert flowfilter.parse("~marker no_entry")(f)


def test_request_phase_finding_is_visible_before_the_response(tctx, addon: Pinscope) -> None:
    run(addon, token_grant("pins:read user_accounts:read"))
    f = flow("GET", "/v5/boards", at=5, body={"items": []})
    addon.request(f)
    assert rules_of(f) == ["scope-not-granted"] and f.marked == ":warning:"


def test_rate_limited_flow_matches_meta_filter(tctx, addon: Pinscope) -> None:
    if "rate-limited" not in addon.engine.rules:
        pytest.skip("rate-limited rule not written yet")
    f = flow("GET", "/v5/pins/1", status=429, body=error(8, "Rate limit exceeded"),
             headers={"x-ratelimit-limit": "100, 100;w=1", "x-ratelimit-remaining": "0",
                      "x-ratelimit-reset": "1"})
    run(addon, f)
    assert "rate-limited" in rules_of(f)
    assert flowfilter.parse("~meta rate")(f) and not flowfilter.parse("~meta rate")(scope_401())


@pytest.mark.parametrize(("option", "value", "words"), [
    ("pinscope_ratelimit_warn", "abc", "between 0 and 1"),
    ("pinscope_ratelimit_warn", "1.5", "between 0 and 1"),
    ("pinscope_ratelimit_warn", "nan", "between 0 and 1"),
    ("pinscope_silence", ["insufficient-scope", "no-such-rule"], "no-such-rule; valid ids: "),
    ("pinscope_min_severity", "fatal", "error, warning, info"),
])
def test_bad_option_values_are_rejected(tctx, addon: Pinscope, option: str, value, words: str) -> None:
    with pytest.raises(exceptions.OptionsError, match=words) as err:
        tctx.configure(addon, **{option: value})
    if option == "pinscope_silence":
        assert "insufficient-scope" in str(err.value).split("valid ids:")[1]


def test_options_reach_engine_settings(tctx, addon: Pinscope) -> None:
    tctx.configure(addon, pinscope_ratelimit_warn="0.25", pinscope_min_severity="warning",
                   pinscope_silence=["insufficient-scope, scope-not-granted"])
    settings = addon.engine.settings
    assert settings.ratelimit_warn == 0.25 and settings.min_severity == "warning"
    assert settings.silence == {"insufficient-scope", "scope-not-granted"}


def test_silence_option_hides_the_rule(tctx, addon: Pinscope) -> None:
    tctx.configure(addon, pinscope_silence=["insufficient-scope"])
    f = scope_401()
    run(addon, f)
    assert rules_of(f) == [] and f.comment == "" and f.marked == ""


def test_min_severity_hides_lower_findings(tctx, addon: Pinscope) -> None:
    tctx.configure(addon, pinscope_min_severity="error")
    run(addon, token_grant("pins:read user_accounts:read"))
    f = flow("GET", "/v5/boards", at=5, body={"items": []})
    run(addon, f)
    assert rules_of(f) == []


def test_silence_header_is_honoured_in_both_phases_and_stripped(tctx, addon: Pinscope) -> None:
    run(addon, token_grant("pins:read"))
    f = flow("GET", "/v5/pins/123", at=5, status=401, body=error(3, "Not authorized"),
             request_headers={"X-Pinscope-Silence": "insufficient-scope, scope-not-granted"})
    addon.request(f)
    assert "x-pinscope-silence" not in f.request.headers
    addon.response(f)
    assert rules_of(f) == []
    unsilenced = flow("GET", "/v5/pins/124", at=6, status=401, body=error(3, "Not authorized"))
    run(addon, unsilenced)
    assert set(rules_of(unsilenced)) == {"insufficient-scope"}  # the answer confirmed the prediction


def test_a_confirmed_prediction_is_replaced_on_the_flow_and_in_the_session(tctx, addon: Pinscope) -> None:
    run(addon, token_grant("pins:read"))
    f = flow("GET", "/v5/pins/123", at=5, status=401, body=error(3, "Not authorized"))
    f.comment = "my own note"
    response, f.response = f.response, None
    addon.request(f)
    assert rules_of(f) == ["scope-not-granted"] and "scope-not-granted:" in f.comment
    f.response = response
    addon.response(f)
    assert rules_of(f) == ["insufficient-scope"]
    assert f.comment.splitlines()[0] == "my own note" and "scope-not-granted:" not in f.comment
    assert len(f.comment.splitlines()) == 2 and f.marked == ":no_entry:"
    session = addon.engine.session
    assert "scope-not-granted" not in session.rules and session.rules["insufficient-scope"].count == 1
    assert sum(session.severities.values()) == 1


def test_error_flow_runs_response_phase_with_status_none(tctx) -> None:
    seen: list[tuple[int | None, str | None]] = []

    @detects("insufficient-scope")
    def spy(ex, ctx):
        seen.append((ex.status, ex.error))
        return []

    addon = Pinscope(Engine(detectors=(spy,)))
    f = flow("GET", "/v5/pins/1", status=None)
    run(addon, f)
    assert seen == [(None, "connection closed")]
    assert f.metadata["pinscope_context"]["operation"] == "GET /v5/pins/{pin_id}"


class BrokenEngine(Engine):
    def on_request(self, ex, now=None):
        raise RuntimeError("engine bug")

    on_response = on_request


def test_failing_engine_never_raises_and_logs_once_per_hook(tctx, caplog) -> None:
    addon = Pinscope(BrokenEngine())
    flows = [flow("GET", "/v5/pins/1", request_headers={"X-Pinscope-Silence": "x"}),
             flow("GET", "/v5/pins/2"), flow("GET", "/v5/pins/3", status=None)]
    with caplog.at_level(logging.DEBUG, logger="pinscope"):
        run(addon, *flows)
    failures = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert sorted(r.getMessage().split()[1] for r in failures) == ["error", "request", "response"]
    assert all(f.comment == "" and f.marked == "" for f in flows)
    assert "x-pinscope-silence" not in flows[0].request.headers


def test_failing_detector_does_not_cost_the_flow(tctx) -> None:
    @detects("insufficient-scope")
    def boom(ex, ctx):
        raise ValueError("detector bug")

    addon = Pinscope(Engine(detectors=(boom,)))
    f = scope_401()
    run(addon, f)
    assert f.response.status_code == 401 and rules_of(f) == []


def test_failing_detector_is_logged_once_by_rule_id_while_the_others_annotate(tctx, caplog) -> None:
    from pinscope.detectors import ALL

    @detects("rate-limited", "spam-blocked")
    def broken(ex, ctx):
        raise ZeroDivisionError("detector bug")

    addon = Pinscope(Engine(detectors=(broken, *ALL)))
    flows = [scope_401(), scope_401()]
    before = [f.response.get_state() for f in flows]
    with caplog.at_level(logging.DEBUG, logger="pinscope"):
        run(addon, *flows)
    failures = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert len(failures) == 1 and "rate-limited,spam-blocked" in failures[0].getMessage()
    assert "broken" in failures[0].getMessage() and "raise ZeroDivisionError" in failures[0].getMessage()  # the frames, not exc_info (see describe_error)
    assert all(rules_of(f) == ["insufficient-scope"] for f in flows)  # the other detectors still ran
    assert [f.response.get_state() for f in flows] == before and addon.failed_hooks == set()


def test_non_pinterest_flows_are_untouched_and_never_parsed(tctx, addon: Pinscope, monkeypatch) -> None:
    def forbidden(flow):
        raise AssertionError("non-Pinterest flow was parsed")

    monkeypatch.setattr(exchange, "from_flow", forbidden)
    ua = {"user-agent": "curl/8.5"}  # flowkit's default agent says "pinscope", which might leak
    flows = [
        flow("GET", "/index.html", host="example.com", token=None, body={"ok": True},
             request_headers=ua),
        flow("POST", "/api/items", host="shop.example.org", token=None, request_json={"a": 1},
             request_headers=ua),
        flow("GET", "/slow", host="example.net", token=None, status=None, request_headers=ua),
    ]
    before = [f.get_state() for f in flows]
    run(addon, *flows)
    flows[2].error = None  # set by run() itself, not by pinscope
    assert addon.failed_hooks == set()
    assert [f.get_state() for f in flows] == before


def test_other_traffic_is_scanned_once_unless_its_request_changes(tctx, addon: Pinscope, monkeypatch) -> None:
    scans = []
    candidate = exchange.candidate
    monkeypatch.setattr(exchange, "candidate", lambda request: scans.append(request.host) or candidate(request))
    ua = {"user-agent": "curl/8.5"}
    plain, rewritten = (flow("GET", "/v5/pins/1", host="example.com", token=None, body={"id": "1"},
                             request_headers=ua) for _ in range(2))
    for f in (plain, rewritten):
        addon.request(f)
    rewritten.request.host = "api.pinterest.com"  # another addon sent it to Pinterest after pinscope looked
    for f in (plain, rewritten):
        addon.response(f)
    assert scans == ["example.com", "example.com", "api.pinterest.com"]  # the unchanged one: once
    assert "pinscope_context" not in plain.metadata and "pinscope_context" in rewritten.metadata
    assert addon.engine.session.flows == 2 and addon.inflight.others == {}


def test_token_sent_elsewhere_is_analysed(tctx, addon: Pinscope) -> None:
    f = flow("GET", "/collect?t=pina_AMAFAKEACCESSTOKEN0000000000000000000000000001",
             host="analytics.example.com", token=None)
    run(addon, f)
    context = f.metadata["pinscope_context"]  # not an API call: no operation, but the leaked token
    assert context["operation"] is None and context["token"] == "pina…fe2f13c7"
    if "token-leak" in addon.engine.rules:
        assert "token-leak" in rules_of(f)


def test_terminal_lines_on_completion(tctx, addon: Pinscope) -> None:
    from rich.console import Console

    out = io.StringIO()
    addon.console = Console(file=out, width=200, color_system=None)
    run(addon, scope_401())
    assert out.getvalue() == ""
    tctx.configure(addon, pinscope_terminal=True)
    f = scope_401()
    addon.request(f)
    assert out.getvalue() == ""
    addon.response(f)
    lines = out.getvalue().splitlines()
    assert len(lines) == 1 and "insufficient-scope" in lines[0] and "401" in lines[0]


def test_report_option_is_checked_at_start_and_written_when_done(tctx, addon: Pinscope,
                                                                  tmp_path) -> None:
    for bad in ("report.txt", "missing-folder/report.json"):
        with pytest.raises(exceptions.OptionsError, match="pinscope_report: "):
            tctx.configure(addon, pinscope_report=str(tmp_path / bad))
    target = tmp_path / "session.json"
    tctx.configure(addon, pinscope_report=str(target))
    run(addon, scope_401())
    assert not target.exists()
    addon.done()
    assert '"insufficient-scope"' in target.read_text() and "pinscope-report/1" in target.read_text()


def test_report_command_writes_on_demand(tctx, addon: Pinscope, tmp_path) -> None:
    run(addon, scope_401())
    tctx.command(addon.report, str(tmp_path / "now.md"))
    assert "insufficient-scope" in (tmp_path / "now.md").read_text()
    with pytest.raises(exceptions.CommandError, match="pinscope.report: "):
        tctx.command(addon.report, str(tmp_path / "now.pdf"))
    assert tctx.master.commands.commands["pinscope.report"].help == \
        "Write the pinscope report now (.json, .md or .html)."


def test_no_secret_reaches_comments_metadata_views_terminal_or_logs(tctx, addon: Pinscope,
                                                                    caplog) -> None:
    from mitmproxy import contentviews
    from rich.console import Console

    from tests.flowkit import ACCESS, APP_ID, APP_SECRET, REFRESH, SECRETS

    out = io.StringIO()
    addon.console = Console(file=out, width=300, color_system=None)
    tctx.configure(addon, pinscope_terminal=True)
    flows = [
        token_grant("pins:read"),
        token_grant("pins:read", grant_type="refresh_token", at=1),
        flow("GET", "/v5/boards", at=2, status=401, body=error(3, "Not authorized")),
        flow("GET", f"/v5/pins/1?access_token={ACCESS}", at=3, status=401, body=error(2, "Auth")),
        flow("GET", "/v5/pins/2", token=REFRESH, at=4, status=401, body=error(2, "Auth")),
        flow("POST", "/v5/oauth/token", authorization=f"Basic {APP_ID}:{APP_SECRET}", at=5,
             form={"grant_type": "refresh_token", "refresh_token": REFRESH}, status=400,
             body=error(283, "Refresh token invalid")),
        flow("POST", "/hook", host="example.com", token=ACCESS, request_json={"t": ACCESS}),
    ]
    with caplog.at_level(logging.DEBUG):
        run(addon, *flows)
    views = [contentviews.prettify_message(m, f, "pinterest").text
             for f in flows for m in (f.request, f.response) if m is not None]
    outputs = [f.comment for f in flows] + [repr(f.metadata) for f in flows] + views
    outputs += [out.getvalue(), caplog.text]
    assert sum(len(rules_of(f)) for f in flows) >= 3, "the secrets must pass through findings"
    leaked = [(secret, text[:80]) for text in outputs for secret in SECRETS if secret in text]
    assert leaked == []


def test_a_bad_option_at_start_up_is_one_logged_line_then_refused_once_running(tctx, addon: Pinscope,
                                                                              caplog) -> None:
    from mitmproxy.addons import errorcheck

    check = errorcheck.ErrorCheck()  # what stops mitmdump/mitmweb start-up on an error line (status 1)
    tctx.master.addons.add(check)
    try:
        with caplog.at_level(logging.INFO, logger="pinscope"):
            tctx.configure(addon, pinscope_ratelimit_warn="2")
        errors = [r for r in caplog.records if r.levelno >= logging.ERROR]
        assert [r.getMessage() for r in errors] == [
            "pinscope: invalid option: pinscope_ratelimit_warn must be a fraction between 0 and 1 (e.g. 0.1), "
            "not '2'"]
        assert errors[0].exc_info is None and check.logger.has_errored
        addon.running()
        with pytest.raises(exceptions.OptionsError, match="between 0 and 1"):
            tctx.configure(addon, pinscope_ratelimit_warn="3")
    finally:
        check.finish()


def test_requests_redirected_off_pinterest_do_not_grow_the_session(tctx, addon: Pinscope,
                                                                   monkeypatch) -> None:
    from pinscope import findinglog

    monkeypatch.setattr(findinglog, "MAX_COUNTED", 3)
    flows = [flow("GET", f"/v5/pins/{i}", at=i, token=None) for i in range(10)]
    for f in flows:
        addon.request(f)
        f.request.host = "elsewhere.example"  # an addon or the user redirected it before the answer
        addon.response(f)
    counted = addon.engine.session.findings._counted
    assert list(counted) == [f.id for f in flows[-3:]]  # bounded; the oldest went first
    answered = scope_401()
    run(addon, answered)  # a flow that completes makes room, then leaves nothing behind
    assert len(counted) < 3 and answered.id not in counted


def test_dump_prints_a_confirmed_cause_once(tctx, addon: Pinscope) -> None:
    from rich.console import Console

    from tests.flowkit import SANDBOX

    out = io.StringIO()
    addon.console = Console(file=out, width=200, color_system=None)
    tctx.configure(addon, pinscope_terminal=True)
    run(addon, flow("GET", "/v5/user_account/following", host=SANDBOX, status=400,
                    body=error(400, "This endpoint is not available in sandbox")))
    lines = out.getvalue().splitlines()
    assert sum("sandbox-endpoint-unavailable" in line for line in lines) == 1
    assert any("sandbox-host-in-use" in line for line in lines)
