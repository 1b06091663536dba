"""HTML report sections about the traffic: rate limits (with charts), endpoints, the sandbox."""

from __future__ import annotations

from pinscope.published import PublishedQuota
from pinscope.report.markup import Html, el, join, link, table
from pinscope.report.model import RateLimitReport, Report
from pinscope.report.html_plan import forecast_facts, projection_end, projection_layers, projection_note
from pinscope.report.svg import SERIES, rate_chart


def rate_limits(report: Report) -> Html:
    """Per category: the chart of remaining quota, lowest remaining, 429s, the published quota."""
    if not report.rate_limits:
        return el("p", "No rate-limit headers or 429 responses seen.", cls="muted")
    return join(_category(r) for r in report.rate_limits)


def _category(r: RateLimitReport) -> Html:
    low = r.lowest_remaining
    lowest = el("span", f"{low:,}", cls="bad" if low == 0 else None) if low is not None else "not in the headers"
    limited = el("span", r.rate_limited, cls="bad" if r.rate_limited else None)
    facts = el("dl", el("dt", "Policy seen"), el("dd", r.policy or "no X-RateLimit headers"),
               el("dt", "Lowest remaining"), el("dd", lowest),
               el("dt", "429 responses"), el("dd", limited), el("dt", "Tokens"), el("dd", r.tokens), cls="facts")
    what = el("span", f" {r.published.what}", cls="muted what") if r.published else ""
    return el("section", el("h3", el("code", r.category), what), _published(r.published), facts,
              forecast_facts(r), _figure(r), cls="card rate", id=f"rate-{r.category}")


def _figure(r: RateLimitReport) -> Html:
    """The chart with a legend naming only what it draws; a sentence instead when there is nothing to draw."""
    if not any(p.remaining is not None or p.limited for p in r.points):
        return el("p", "No X-RateLimit-Remaining values or 429 responses to chart.", cls="muted")
    caption = f"Remaining {r.category} quota over time"
    notes: list[object] = [" in the binding window"]
    if any(p.limited for p in r.points):
        notes += ["; ", el("span", "✕", cls="x429"), " a 429 response"]
    if _window_began(r):
        notes.append("; dashed: a new window began")
    chart = rate_chart(r.points, r.limit, caption, projection_layers(r), projection_end(r))
    return el("figure", chart, el("figcaption", _legend(r), caption, *notes, projection_note(r)))


def _window_began(r: RateLimitReport) -> bool:
    """Whether some token's remaining rose between two samples (the chart draws that rise dashed)."""
    last: dict[str | None, int] = {}
    for p in r.points:
        if p.remaining is None:
            continue
        if p.token in last and p.remaining > last[p.token]:
            return True
        last[p.token] = p.remaining
    return False


def _published(quota: PublishedQuota | None) -> Html:
    if quota is None:
        return el("p", "Pinterest publishes no quota for this category.", cls="muted")
    parts: list[object] = [el("strong", "Published quota: ")]
    limits = []
    if quota.trial_per_day:
        limits.append(f"Trial {quota.trial_per_day:,} requests/day per app")
    if quota.standard_per_minute:
        limits.append(f"Standard {quota.standard_per_minute:,} requests/min per user per app")
    parts.append(" · ".join(limits) or "not stated")
    if quota.approximate:
        parts += [" ", el("span", "approximate", cls="badge approx",
                          title="from a secondary copy of Pinterest's rate-limits page")]
    if quota.note:
        parts += [el("br"), el("span", quota.note, cls="muted small")]
    return el("p", *parts, cls="published")


def _legend(r: RateLimitReport) -> Html:
    tokens = list(dict.fromkeys(p.token for p in r.points if p.token))
    if len(tokens) < 2:
        return Html("")
    return el("span", *(el("span", el("span", "", cls=f"swatch s{i % SERIES}"), el("code", t), cls="key")
                        for i, t in enumerate(tokens)), cls="chart-legend")


def endpoints(report: Report) -> Html:
    """Calls, errors, error rate and latency per operation."""
    if not report.endpoints:
        return el("p", "No Pinterest API operations called.", cls="muted")
    rows = ([join([el("code", e.operation), el("div", e.operation_id, cls="muted small")]),
             e.category, e.requests, el("span", e.errors, cls="bad" if e.errors else None), _rate(e.error_rate),
             _ms(e.latency_median_ms), _ms(e.latency_p95_ms),
             el("div", join((el("code", rid) for rid in e.request_ids), " "), cls="rids") if e.request_ids else None]
            for e in report.endpoints)
    return table(["Operation", "Category", "Calls", "Errors", "Error rate", "Median", "p95",
                  "x-pinterest-rid of 5xx"], rows, cls="endpoints")


def _rate(rate: float) -> Html:
    return join([el("meter", f"{rate:.0%}", value=f"{rate:.4f}", min="0", max="1", low="0.05",
                    high="0.25", optimum="0"), f" {rate:.0%}"])


def _ms(value: float | None) -> Html | None:
    return None if value is None else el("span", f"{value:,.0f} ms", cls="nowrap")


def sandbox(report: Report) -> Html | None:
    """The production checklist, only when the sandbox host was used."""
    box = report.sandbox
    if box is None:
        return None
    who = ", ".join(box.tokens) if box.tokens else "no token that succeeded there"
    steps = el("ol", *(el("li", el("strong", s.title), el("p", s.detail, " ", link(str(s.docs), "Docs")))
                       for s in box.steps), cls="checklist")
    return join([el("p", f"{box.flows:,} Pinterest API flow{'s' if box.flows != 1 else ''} went to ",
                    el("code", "api-sandbox.pinterest.com"), f" (tokens: {who}). Sandbox data is "
                    "visible only to you. Before going to production:"),
                 steps, el("p", "Source: ", link(box.source), cls="muted small")])
