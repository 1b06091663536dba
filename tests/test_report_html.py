"""The HTML and Markdown reports rendered from a demo-like session: content, escaping, no secrets."""

from __future__ import annotations

import base64
import hashlib
import re
import stat
from pathlib import Path

import pytest
from mitmproxy import http

from pinscope.engine import Engine
from pinscope.report import Report, build_report, write_report
from pinscope.report.html import SCRIPT, render_html, stylesheet
from pinscope.report.markdown import render_markdown
from pinscope.report.markup import Html, el, esc, link
from pinscope.session import Session
from pinscope.tokens import classify_token
from tests.flowkit import ACCESS, ACCESS_2, SANDBOX, SECRETS, T0, error, flow, ratelimit, token_grant
from tests.test_report import run

HOSTILE = '<script>alert("pwned")</script>'


def demo_flows() -> list[http.HTTPFlow]:
    """A budget that falls to 429 and recovers, scope and auth errors, a 5xx, the sandbox, hostile data."""
    flows = [token_grant("pins:read user_accounts:read boards:write"),
             flow("GET", "/v5/user_account", at=1, body={"username": "demo"}, headers=ratelimit(99))]
    for i in range(30):  # a burst on org_read: the budget falls to 0
        flows.append(flow("GET", f"/v5/pins/{100 + i}", at=2 + i * 0.1, body={"id": str(i)},
                          headers=ratelimit(max(0, 90 - 3 * i), reset=30), rid=f"rid-pin-{i}"))
    flows += [flow("GET", f"/v5/pins/{200 + i}", at=5.1 + i * 0.2, status=429, rid=f"rid-429-{i}",
                   body=error(8, "Rate limit exceeded"), headers=ratelimit(0, reset=25)) for i in range(3)]
    flows += [
        flow("GET", "/v5/pins/300", at=40, body={"id": "300"}, headers=ratelimit(99)),
        flow("GET", "/v5/boards", at=41, status=401, body=error(3, "Not authorized"), rid="rid-scope"),
        flow("GET", "/v5/pins/301", at=42, status=500, body=error(1, "Internal error"), rid="rid-500"),
        flow("GET", f'/v5/pins/"><img src=x onerror=alert(1)>?q={HOSTILE}', at=43, status=404,
             body=error(50, f"{HOSTILE} Pin not found"), rid="rid-<b>"),
        flow("GET", f"/v5/pins/302?access_token={ACCESS}", at=44, token=None, body={}),
    ]
    for i in range(8):  # a second token and category, its grant never seen
        flows.append(flow("GET", "/v5/ad_accounts", at=50 + i * 5, token=ACCESS_2, body={"items": []},
                          headers=ratelimit(1000 - 120 * i, reset=60, limit="1000, 1000;w=60")))
    flows.append(flow("GET", "/v5/boards", host=SANDBOX, at=95, token=ACCESS_2, body={"items": []}))
    flows.append(flow("GET", "/v5/user_account", host=SANDBOX, at=96, token=ACCESS_2, status=401,
                      body=error(2, f"Authentication failed. {ACCESS_2}")))
    return flows


@pytest.fixture(scope="module")
def report() -> Report:
    engine, _ = run(demo_flows())
    return build_report(engine.session, engine.catalog, generated_at=T0 + 120)


@pytest.fixture(scope="module")
def page(report: Report) -> str:
    return render_html(report)


def clean(text: str) -> str:
    """Text every output must satisfy: no repr leaks, no secrets."""
    assert "object at 0x" not in text and "Traceback" not in text
    leaked = [s for s in SECRETS if s in text]
    assert not leaked, f"secrets in output: {leaked}"
    return text


def test_every_section_renders(page: str) -> None:
    clean(page)
    for section in ("summary", "findings", "tokens", "rate-limits", "endpoints", "sandbox"):
        assert f'<section id="{section}" class="section">' in page and f'href="#{section}"' in page


def test_findings_worst_first_with_fix_docs_and_examples(page: str, report: Report) -> None:
    positions = [page.index(f'id="rule-{f.rule}"') for f in report.findings]
    assert positions == sorted(positions)
    scope = next(f for f in report.findings if f.rule == "insufficient-scope")
    block = page[page.index('id="rule-insufficient-scope"'):]
    block = block[:block.index("</details>")]
    assert esc(scope.fix) in block and f'href="{scope.docs}"' in block and "rid-scope" in block
    assert "GET /v5/boards" in block and ">401<" in block and "Not authorized" in block
    assert 'class="finding error" id="rule-insufficient-scope" open' in page
    assert "Text for a Pinterest support ticket" in page


def test_tokens_show_missing_scopes_highlighted(page: str, report: Report) -> None:
    main = next(t for t in report.tokens if t.label == classify_token(ACCESS).label)
    assert main.missing_scopes == ["boards:read"]
    assert '<span class="scope missing">boards:read</span>' in page
    assert '<span class="scope used">pins:read</span>' in page
    assert '<span class="scope spare">boards:write</span>' in page, "granted, never needed"
    assert classify_token(ACCESS_2).label in page and "grant not seen" in page


def test_rate_limit_charts_plot_every_point(page: str, report: Report) -> None:
    charts = re.findall(r'<section class="card rate" id="rate-([a-z_]+)">(.*?)</section>', page, re.S)
    assert {name for name, _ in charts} == {r.category for r in report.rate_limits} >= {"org_read", "ads_read"}
    for name, body in charts:
        rate = next(r for r in report.rate_limits if r.category == name)
        assert body.count('<svg viewBox=') == 1
        assert body.count('<circle class="point') == sum(p.remaining is not None for p in rate.points) > 1
        assert body.count('<g class="limited">') == rate.rate_limited
        assert f"{rate.published.trial_per_day:,}" in body and "Published quota" in body
    org = dict(charts)["org_read"]
    assert org.count('<g class="limited">') == 3 and 'data-remaining="0"' in org
    assert "approximate" in org and "quota 100" in org


def test_endpoints_latency_and_error_rate(page: str, report: Report) -> None:
    pins = next(e for e in report.endpoints if e.operation == "GET /v5/pins/{pin_id}")
    assert pins.error_rate == pytest.approx(pins.errors / pins.requests, abs=1e-4)
    assert f'<meter value="{pins.error_rate:.4f}"' in page and f"{pins.error_rate:.0%}" in page
    assert "60 ms" in page and "rid-500" in page


def test_sandbox_checklist_only_when_the_sandbox_was_used(page: str) -> None:
    assert "Point the base URL at production" in page and "Request Standard access" in page
    empty = render_html(build_report(Session(), Engine().catalog, generated_at=T0))
    assert 'id="sandbox"' not in empty and "No findings" in clean(empty)


def test_hostile_values_are_escaped(page: str, report: Report) -> None:
    assert report.findings and any(HOSTILE in e.error_message for f in report.findings for e in f.flows
                                   if e.error_message), "the hostile message reached the report"
    assert page.count("<script") == 1, "only pinscope's own script"
    assert "<img" not in page and 'rid-<b>' not in page
    assert "&lt;script&gt;alert(&quot;pwned&quot;)&lt;/script&gt;" in page
    assert "rid-&lt;b&gt;" in page


def test_self_contained_with_a_strict_policy(page: str) -> None:
    assert not re.search(r"<(link|img|iframe|object|embed|audio|video)\b|@import|url\(|<[^>]*\ssrc=", page)
    hrefs = re.findall(r'href="([^"]*)"', page)
    assert all(h.startswith(("#", "https://developers.pinterest.com/")) for h in hrefs), hrefs
    policy = re.search(r'http-equiv="Content-Security-Policy" content="([^"]+)"', page).group(1)
    digest = lambda text: base64.b64encode(hashlib.sha256(text.encode()).digest()).decode()  # noqa: E731
    assert f"style-src 'sha256-{digest(stylesheet())}'" in policy
    assert f"script-src 'sha256-{digest(SCRIPT)}'" in policy and "default-src 'none'" in policy
    assert f"<style>{stylesheet()}</style>" in page and f"<script>{SCRIPT}</script>" in page


def test_light_dark_and_print_styles() -> None:
    css = stylesheet()
    assert "@media (prefers-color-scheme: dark)" in css and "@media print" in css
    assert "details::details-content" in css and "beforeprint" in SCRIPT


def test_html_file_is_private(tmp_path: Path, report: Report) -> None:
    path = write_report(report, tmp_path / "report.html")
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert clean(path.read_text(encoding="utf-8")).startswith("<!DOCTYPE html>")


def test_markdown_carries_the_same_content(report: Report) -> None:
    text = clean(render_markdown(report))
    for piece in ("## Sandbox to production", "Point the base URL at production", "**boards:read**",
                  "Needed by its calls", "Published quota", "Trial 1,000/day per app", "Error rate"):
        assert piece in text, piece
    assert "\\<script\\>alert\\(\"pwned\"\\)\\</script\\> Pin not found" in text, "shown, never raw HTML"
    outside_fences = re.sub(r"```text\n.*?```", "", text, flags=re.S)
    outside_code = re.sub(r"(`+)[^`].*?\1", "", outside_fences)  # code spans render nothing inside
    assert not re.search(r"(?<!\\)<(img|script)", outside_code)
    assert not re.search(r"(?<!\\)!?(?<!\\)\[[^\]]*(?<!\\)\]\(", outside_code), "no link or image from traffic"


def test_markdown_support_blocks(report: Report) -> None:
    text = clean(render_markdown(report))
    blocks = re.findall(r"For a Pinterest support ticket:\n\n```text\n(.*?)\n```", text, re.S)
    errors = [f for f in report.findings if f.severity.value == "error" and f.flows]
    assert len(blocks) == len(errors) > 0
    limited = blocks[[f.rule for f in errors].index("rate-limited")]
    assert "1. GET /v5/pins/{pin_id}" in limited and "status: 429" in limited and "code: 8" in limited
    assert "message: Rate limit exceeded" in limited
    assert "x-pinterest-rid values: rid-429-0, rid-429-1, rid-429-2" in limited
    assert all("`" not in block for block in blocks)
    auth = blocks[[f.rule for f in errors].index("authentication-failed")]
    assert classify_token(ACCESS_2).label in auth, "a token in Pinterest's message is masked to its label"


def test_markup_helpers_escape_by_default() -> None:
    assert esc("<a & 'b'>") == "&lt;a &amp; &#x27;b&#x27;&gt;" and esc(None) == "-"
    assert esc(Html("<b>")) == "<b>"
    assert el("td", "<x>", cls='a"b', data_n=1, hidden=True, skip=None) == \
        '<td class="a&quot;b" data-n="1" hidden>&lt;x&gt;</td>'
    assert link("javascript:alert(1)", "docs") == "docs"
    assert link("https://example.com/?a=1&b=2") == \
        '<a href="https://example.com/?a=1&amp;b=2" rel="noopener noreferrer">https://example.com/?a=1&amp;b=2</a>'


@pytest.mark.parametrize("flows", [
    [flow("GET", "/v5/pins/1", status=429, body=error(8, "Rate limit exceeded"))],  # no headers at all
    [flow("GET", "/v5/pins/1", body={}, headers=ratelimit(7))],  # one point: no time span
], ids=["429-without-headers", "single-point"])
def test_sparse_rate_data_still_charts(flows) -> None:
    engine, _ = run(flows)
    report = build_report(engine.session, engine.catalog, generated_at=T0)
    page = clean(render_html(report))
    (rate,) = report.rate_limits
    svg = page[page.index("<svg viewBox="):page.index("</svg>")]
    assert page.count("<svg viewBox=") == 1 and not re.search(r"\b(nan|inf)\b", svg, re.I)
    assert page.count('<circle class="point') == sum(p.remaining is not None for p in rate.points)
    assert page.count('<g class="limited">') == rate.rate_limited
