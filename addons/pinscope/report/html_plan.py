"""HTML report parts from pinscope.intel: the scope-plan section, and forecasts on the rate-limit charts."""

from __future__ import annotations

from collections.abc import Sequence

from pinscope.report.markup import Html, el, join, table
from pinscope.report.model import RateLimitReport, Report
from pinscope.report.plan import (NO_SCOPES, TIE_ADVICE, TIED, ForecastReport, forecast_line, forecast_sentence,
                                  forecast_verdict, operations_called, url_note)
from pinscope.report.svg import SERIES, Layer, Scale, coord


def _chips(scopes: Sequence[str], cls: str) -> Html:
    return join((el("span", s, cls=f"scope {cls}") for s in scopes), " ") if scopes else Html("none")


def _accepts(scope_sets: list[list[str]]) -> Html:
    if not scope_sets:
        return el("span", "no scopes (app id and secret)", cls="muted")
    return join((join((el("span", s, cls="scope unknown") for s in alt), " AND ") for alt in scope_sets),
                el("span", " OR ", cls="muted"))


def scope_plan(report: Report) -> Html | None:
    """The smallest scope set(s), the authorization URL, each operation's scopes, each token's fit."""
    plan = report.scope_plan
    if plan is None:
        return None
    if not plan.scopes:
        return el("p", NO_SCOPES, cls="muted")
    parts = [el("p", f"Smallest set of scopes for the {operations_called(plan)}: ",
                _chips(plan.scopes, "used"))]
    if plan.tied:
        sets = join((el("code", ", ".join(s)) for s in plan.minimal_sets), " or ")
        parts.append(el("p", TIED, sets, ". " + TIE_ADVICE, cls="tie"))
    parts += [el("p", el("strong", "Authorization URL"), f" ({url_note(plan)}):"),
              el("pre", el("code", plan.authorization_url, cls="url"), cls="auth-url"),
              table(["Operation", "Calls", "Accepts"],
                    ([el("code", o.operation), o.requests, _accepts(o.scope_sets)] for o in plan.operations),
                    cls="plan-operations")]
    if plan.unknown_operations:
        parts.append(el("p", "Not in the catalogue: ", ", ".join(plan.unknown_operations), cls="muted"))
    if plan.tokens:
        rows = ([el("code", t.token),
                 join((el("span", s, cls="scope spare" if s in t.excessive else "scope used") for s in t.granted),
                      " ") if t.granted else "none",
                 _chips(t.missing, "missing"), _chips(t.excessive, "spare")] for t in plan.tokens)
        parts += [el("h3", "Tokens with a known grant"),
                  table(["Token", "Granted", "Missing for its calls", "Excessive (no call needed)"], rows,
                        cls="plan-tokens")]
    return join(parts)


def forecast_facts(r: RateLimitReport) -> Html:
    """One line per token's forecast: what is known of pace, remaining, exhaustion and reset, and the verdict."""
    if not r.forecasts:
        return Html("")
    items = []
    for f in r.forecasts:
        sentence = forecast_sentence(f)
        items.append(el("li", el("code", f.token), f": {sentence}: " if sentence else ": ",
                        el("span", forecast_verdict(f), cls="bad" if f.warns else None)))
    return el("div", el("strong", "Forecast at the last response"), el("ul", *items), cls="forecast")


def projection_layers(r: RateLimitReport) -> list[Layer]:
    """A dashed line per token from its last point to zero, for forecasts that run out before the reset."""
    colours = {token: i % SERIES for i, token in enumerate(dict.fromkeys(p.token for p in r.points))}
    return [_projection(f, f.remaining, f.exhausts_at.timestamp(), colours.get(f.token, 0))
            for f in r.forecasts
            if f.warns and f.exhausts_at is not None and f.remaining is not None]


def projection_end(r: RateLimitReport) -> float | None:
    """The latest projected exhaustion, so the chart's time axis can reach it."""
    ends = [f.exhausts_at.timestamp() for f in r.forecasts if f.warns and f.exhausts_at]
    return max(ends, default=None)


def projection_note(r: RateLimitReport) -> str:
    """The chart legend's words for the projection lines, when there are any."""
    return "; dotted to zero: where the recent pace runs out before the reset" if projection_end(r) else ""


def _projection(f: ForecastReport, remaining: int, exhausts_at: float, colour: int) -> Layer:
    tip = f"{f.token}: {forecast_line(f)}"

    def draw(scale: Scale) -> str:
        x1, y1 = scale.x(f.as_of.timestamp()), scale.y(remaining)
        x2, y2 = scale.x(exhausts_at), scale.y(0)
        line = Html(f'<line class="line projection s{colour}" x1="{coord(x1)}" y1="{coord(y1)}" '
                    f'x2="{coord(x2)}" y2="{coord(y2)}"/>')
        return str(el("g", line, el("title", tip), cls="projection"))
    return draw
