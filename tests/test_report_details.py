"""Report details people read closely: support-ticket ids, rounded durations, forecasts in words,
rate-limit cards, the endpoints table, the order of "Most important", flow counts live and offline."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

import pytest
from mitmproxy.test import taddons

from pinscope import cli
from pinscope.addon import Pinscope
from pinscope.demo import CONTROL_HOST
from pinscope.report import Report, build_report
from pinscope.report.html import render_html
from pinscope.report.html_findings import summary
from pinscope.report.markdown import render_markdown
from pinscope.report.plan import ForecastReport, forecast_cells, forecast_line
from pinscope.report.rank import SECURITY_RULES, importance
from pinscope.report.units import duration
from pinscope.rulebook import default_rules
from pinscope.timefmt import when
from tests.flowkit import ACCESS_2, T0, error, flow, ratelimit, token_grant
from tests.test_capture import write_mitm
from tests.test_report import run
from tests.test_report_html import demo_flows


def report_of(flows) -> Report:
    engine, _ = run(flows)
    return build_report(engine.session, engine.catalog, generated_at=T0 + 120)


def persistent_5xx() -> Report:
    return report_of([token_grant("ads:read")] + [
        flow("GET", "/v5/ad_accounts", at=1 + i, status=500, body=error(1, "Internal"), rid=f"rid-5xx-{i}")
        for i in range(3)])


def test_support_ticket_quotes_every_recorded_request_id() -> None:
    report = persistent_5xx()
    persistent = next(f for f in report.findings if f.rule == "server-error-persistent")
    assert len(persistent.flows) == 1, "one example: the ids come from the operation's record"
    for text in (render_html(report), render_markdown(report)):
        start = text.index("Repeated server errors on one operation\nSeen")
        ticket = text[start:text.index("x-pinterest-rid values:", start)]
        rids_line = text[text.index("x-pinterest-rid values:", start):].splitlines()[0]
        assert all(f"rid-5xx-{i}" in rids_line for i in range(3)), rids_line
        assert ticket.count("\n1. GET /v5/ad_accounts") == 1


def test_a_ticket_of_a_client_error_adds_no_5xx_ids() -> None:
    report = report_of([token_grant("pins:read"),
                        flow("GET", "/v5/boards", at=1, status=401, body=error(3, "Not authorized"), rid="rid-401"),
                        flow("GET", "/v5/boards", at=2, status=500, body=error(1, "Internal"), rid="rid-500")])
    page = render_html(report)
    start = page.index("(diagnosed by pinscope rule insufficient-scope)")
    line = page[page.index("x-pinterest-rid values:", start):].split("<")[0]
    assert line == "x-pinterest-rid values: rid-401"


@pytest.mark.parametrize(("seconds", "text"), [
    (0, "0 s"), (0.0004, "under 1 ms"), (0.0140278, "14 ms"), (0.9996, "1 s"), (1.352, "1.4 s"), (2.0, "2 s"),
    (45.4, "45 s"), (150, "2.5 min"), (5400, "90 min"), (9000, "2.5 h")])
def test_durations_are_rounded_for_people(seconds: float, text: str) -> None:
    assert duration(seconds) == text


def forecast(**values) -> ForecastReport:
    base = dict(token="pina…1", as_of=T0_DT, pace_per_second=None, requests=1, lookback_seconds=60,
                remaining=None, limit=None, window_seconds=None, reset_at=None, seconds_to_exhaustion=None,
                exhausts_at=None, exhausts_before_reset=False, warns=False, safe_pace_per_second=None)
    return ForecastReport(**(base | values))


T0_DT = when(T0)


def test_forecast_lines_say_what_is_unknown_in_words() -> None:
    assert forecast_line(forecast()) == "too few recent calls to tell"
    assert forecast_line(forecast(remaining=9, limit=10, reset_at=T0_DT + timedelta(seconds=60))) == \
        "9 of 10 left, resets in 60 s: too few recent calls to tell"
    assert forecast_line(forecast(pace_per_second=2.0)) == "2 req/s: no remaining count in the headers"
    used_up = forecast(pace_per_second=20.0, remaining=0, limit=6, seconds_to_exhaustion=0.0, warns=True,
                       exhausts_before_reset=True, reset_at=T0_DT + timedelta(seconds=60))
    assert forecast_line(used_up) == "20 req/s, 0 of 6 left, resets in 60 s: runs out before the reset"
    assert forecast_cells(forecast())[-1] == "too few recent calls to tell"


def test_rate_cards_have_no_dash_lines_rounded_spans_and_legends_only_for_what_is_drawn() -> None:
    page = render_html(report_of(demo_flows()))
    assert "-, - left" not in page and "runs out in -" not in page and "resets in -" not in page
    assert "no headers" not in page
    for card in page.split('<section class="card rate"')[1:]:
        card = card[:card.index("</section>")]
        for over in card.split("time (UTC), over ")[1:]:
            number = over.split(" ")[0]
            assert len(number.replace(".", "")) <= 3, over[:20]  # 14 ms, 1.3 s, 2.5 min: no 0.0140278
        if "✕" in card:
            assert 'class="limited"' in card, "the 429 key only beside a chart with a 429"


def test_a_later_response_without_headers_keeps_the_policy_seen() -> None:
    page = render_html(report_of([
        token_grant("pins:write boards:read"),
        flow("POST", "/v5/pins", at=1, status=201, body={"id": "1"}, headers=ratelimit(9, reset=30, limit="10, 10;w=60")),
        flow("POST", "/v5/pins", at=2, status=429, body=error(8, "Rate limit exceeded"), token=ACCESS_2)]))
    card = page[page.index('id="rate-org_write"'):]
    card = card[:card.index("</section>")]
    assert "no X-RateLimit headers" not in card and "10/60s" in card and ">9<" in card


def test_an_empty_chart_has_no_legend() -> None:
    page = render_html(report_of([token_grant("pins:read"),
                                  flow("GET", "/v5/pins/1", at=1, body={"id": "1"}),
                                  flow("GET", "/v5/pins/2", at=2, body={"id": "2"})]))
    card = page[page.index('id="rate-org_read"'):]
    card = card[:card.index("</section>")]
    assert "No X-RateLimit-Remaining values or 429 responses to chart." in card
    assert "<figcaption" not in card and "<svg" not in card


def test_endpoint_request_ids_can_wrap() -> None:
    page = render_html(persistent_5xx())
    assert '<div class="rids"><code>rid-5xx-0</code> <code>rid-5xx-1</code> <code>rid-5xx-2</code></div>' in page
    assert ".rids { display: flex; flex-wrap: wrap;" in page


def test_importance_is_severity_then_reach_then_security_then_name() -> None:
    rules = default_rules()
    assert set(SECURITY_RULES) <= set(rules)
    counts = {"account-under-review": 1, "app-not-approved": 1, "authentication-failed": 1,
              "client-credentials-2fa": 1, "insufficient-scope": 1, "token-leak": 1, "plain-http": 1,
              "missing-token": 2, "server-error": 9, "token-in-url": 1}
    ranked = sorted(counts, key=lambda r: importance(r, rules[r].severity, counts[r]))
    assert ranked[:4] == ["missing-token", "token-leak", "plain-http", "account-under-review"]
    assert ranked[-2:] == ["server-error", "token-in-url"], "reach before security among warnings"


def test_most_important_puts_a_token_leak_first_among_equals() -> None:
    leak = flow("POST", "/collect", host="collector.example", at=97, status=204, body=None)
    report = report_of(demo_flows() + [leak])
    top = summary(report).split('class="worst"')[1]
    linked = [part.split('"')[0] for part in top.split('href="#rule-')[1:]]
    # rate-limited was seen 3 times; the other errors once each, the leak first of them (by name it was last).
    assert linked == ["rate-limited", "token-leak", "authentication-failed", "insufficient-scope", "missing-token"]
    assert [f.rule for f in report.findings] == sorted(
        (f.rule for f in report.findings),
        key=lambda r: next(importance(f.rule, f.severity, f.count) for f in report.findings if f.rule == r))


def live_report(flows, tmp_path: Path) -> dict:
    target = tmp_path / "live.json"
    addon = Pinscope()
    with taddons.context(addon) as tctx:
        tctx.configure(addon, pinscope_report=str(target))
        for f in flows:
            response, f.response = f.response, None
            addon.request(f)
            f.response = response
            addon.response(f)
        addon.done()
    return json.loads(target.read_text())


def with_other_traffic():
    return [token_grant("pins:read"), flow("GET", "/v5/pins/1", at=1, body={"id": "1"}),
            flow("GET", "/feed.xml", host="shop.example", token=None, at=2, body={}),
            flow("POST", "/_sim/authorize", host=CONTROL_HOST, token=None, at=0, body={"code": "c"})]


def test_live_and_offline_count_the_same_flows(tmp_path: Path, capsys) -> None:
    live = live_report(with_other_traffic(), tmp_path)
    capture = write_mitm(tmp_path / "capture.mitm", with_other_traffic())
    assert cli.main(["analyze", str(capture), "--report", str(tmp_path / "offline.json")]) == 0
    offline = json.loads((tmp_path / "offline.json").read_text())
    capsys.readouterr()
    # Every flow but the demo's simulator plumbing: the grant, the API call and the other site's feed.
    assert live["summary"]["flows"] == offline["summary"]["flows"] == 3
    assert live["summary"]["pinterest_flows"] == offline["summary"]["pinterest_flows"] == 2
