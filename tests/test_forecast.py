"""The rate-limit forecast: pace, projection, the rule firing before a 429, and report numbers."""

from __future__ import annotations

import io
import re
from collections import deque

import pytest
from rich.console import Console

from pinscope.console import print_summary
from pinscope.engine import Engine
from pinscope.exchange import from_flow
from pinscope.intel import forecast_state, pace_text, session_forecasts
from pinscope.intel.forecast import MIN_REQUESTS, recent_pace
from pinscope.ratelimit import RateLimitPolicy
from pinscope.report import build_report
from pinscope.report.html import render_html
from pinscope.report.markdown import render_markdown
from pinscope.session import RateState
from pinscope.simulator.limits import RateLimiter
from tests.flowkit import T0, error, flow

MINUTE_QUOTA = RateLimitPolicy(limit=20, windows=((100, 1), (20, 60)), remaining=None, reset_seconds=None)


def state(times: list[float], remaining: int, reset_at: float,
          policy: RateLimitPolicy = MINUTE_QUOTA) -> RateState:
    """A RateState whose history has one point per time, remaining counting down to `remaining`."""
    start = remaining + len(times) - 1
    rate = RateState(policy=RateLimitPolicy(policy.limit, policy.windows, remaining, 1.0),
                     remaining=remaining, reset_at=reset_at)
    rate.history = deque((t, start - i, False) for i, t in enumerate(times))
    return rate


def test_recent_pace_counts_only_the_lookback() -> None:
    assert recent_pace([0, 0.1, 0.2, 0.3], now=0.3, lookback=1) == (4, pytest.approx(10.0))
    assert recent_pace([0, 60, 80, 100], now=100, lookback=60) == (3, pytest.approx(0.05))
    assert recent_pace([5], now=5, lookback=60) == (1, None)
    assert recent_pace([5, 5, 5], now=5, lookback=60) == (3, None)  # one instant: no pace to measure
    assert recent_pace([1, 2, 30], now=10, lookback=60) == (2, pytest.approx(1.0))  # later points ignored


def test_burst_projects_exhaustion_inside_the_window() -> None:
    f = forecast_state(state([0, 0.1, 0.2, 0.3, 0.4, 0.5], remaining=14, reset_at=59.5), "pina…t", "org_read")
    assert f is not None and f.now == 0.5 and f.lookback == 60 and f.requests == 6
    assert f.pace == pytest.approx(10.0) and f.exhaust_in == pytest.approx(1.4)
    assert f.reset_in == pytest.approx(59.0) and f.exhausts_before_reset and f.warns
    assert f.safe_pace == pytest.approx(14 / 59)


def test_slow_pace_lasts_until_the_reset() -> None:
    f = forecast_state(state([0, 10, 20, 30, 40, 50], remaining=14, reset_at=60), "pina…t", "org_read")
    assert f is not None and f.pace == pytest.approx(0.1) and f.exhaust_in == pytest.approx(140)
    assert not f.exhausts_before_reset and not f.warns


def test_warning_needs_enough_responses_and_a_real_share_used() -> None:
    few = forecast_state(state([0, 0.1, 0.2, 0.3][: MIN_REQUESTS - 1], remaining=16, reset_at=60), "t", "c")
    assert few is not None and few.exhausts_before_reset and not few.warns
    big = RateLimitPolicy(limit=1000, windows=((1000, 60),), remaining=None, reset_seconds=None)
    barely = forecast_state(state([i * 0.05 for i in range(10)], 990, 60, big), "t", "c")
    assert barely is not None and barely.exhausts_before_reset and not barely.warns  # 1% used


def test_unknown_reset_never_warns() -> None:
    f = forecast_state(state([0, 0.1, 0.2, 0.3, 0.4, 0.5], remaining=14, reset_at=59.5), "t", "c")
    assert f is not None
    rate = state([0, 0.1, 0.2, 0.3, 0.4, 0.5], remaining=14, reset_at=59.5)
    rate.reset_at = None
    unknown = forecast_state(rate, "t", "c")
    assert unknown is not None and unknown.reset_in is None and not unknown.warns and f.warns


def test_pace_text_units() -> None:
    assert pace_text(12.5) == "12.5 req/s" and pace_text(100) == "100 req/s"
    assert pace_text(0.5) == "30 req/min" and pace_text(1 / 60) == "1 req/min"


def simulated(gap: float, count: int, scale: float) -> list:
    """`count` GET /v5/boards calls `gap` s apart, answered as the simulator's rate limiter would."""
    clock = [0.0]
    limiter = RateLimiter(clock=lambda: clock[0], scale=scale)
    flows = []
    for i in range(count):
        clock[0] = i * gap
        verdict = limiter.take("pinscope_demo/app", "org_read")
        flows.append(flow("GET", "/v5/boards", at=clock[0], headers=verdict.headers,
                          status=200 if verdict.allowed else 429,
                          body={"items": []} if verdict.allowed else error(8, "Rate limit exceeded")))
    return flows


def rules_per_flow(flows: list) -> tuple[Engine, list[set[str]]]:
    engine = Engine()
    return engine, [{f.rule for f in engine.analyze(from_flow(fl))} for fl in flows]


@pytest.mark.parametrize(("gap", "count", "scale"), [
    (0.05, 14, 0.01),  # a 10/min category quota binds
    (0.005, 120, 1.0),  # the universal 100/s binds
])
def test_forecast_fires_before_the_first_429_of_a_burst(gap: float, count: int, scale: float) -> None:
    _, rules = rules_per_flow(simulated(gap, count, scale))
    first_429 = next(i for i, r in enumerate(rules) if "rate-limited" in r)
    warned = [i for i, r in enumerate(rules) if "rate-limit-forecast" in r]
    low = [i for i, r in enumerate(rules) if "rate-limit-low" in r]
    assert warned and warned[0] < first_429 and warned[0] < low[0]
    assert not set(warned) & set(low)  # one warning per flow: rate-limit-low takes over near the end


def test_slow_pace_never_warns_nor_hits_429() -> None:
    _, rules = rules_per_flow(simulated(10, 20, 0.01))
    assert not any("rate-limit-forecast" in r or "rate-limited" in r for r in rules)


def test_report_forecast_numbers() -> None:
    engine, rules = rules_per_flow(simulated(0.05, 7, 0.01))
    assert "rate-limit-forecast" in rules[-1]
    (live,) = session_forecasts(engine.session)
    assert live.category == "org_read" and live.remaining == 3 and live.limit == 10
    report = build_report(engine.session, engine.catalog, generated_at=T0 + 60)
    (category,) = report.rate_limits
    (f,) = category.forecasts
    assert f.as_of.timestamp() == pytest.approx(T0 + 0.3) and f.requests == 7
    assert f.pace_per_second == pytest.approx(20.0) and f.seconds_to_exhaustion == pytest.approx(0.15)
    assert f.exhausts_at is not None and f.exhausts_at.timestamp() == pytest.approx(T0 + 0.45)
    assert f.reset_at is not None and f.exhausts_at < f.reset_at and f.exhausts_before_reset
    markdown = render_markdown(report)
    assert "### Forecast" in markdown
    assert "| org_read | " + f.token + " | 20 req/s | 3 of 10 | 60 s | 150 ms | runs out before the reset |" \
        in markdown


def test_terminal_summary_names_the_forecast() -> None:
    engine, _ = rules_per_flow(simulated(0.05, 7, 0.01))
    out = io.StringIO()
    print_summary(Console(file=out, width=100, color_system=None),
                  build_report(engine.session, engine.catalog, generated_at=T0 + 60))
    assert "Forecast org_read pina…" in out.getvalue()
    assert "20 req/s, 3 of 10 left, runs out in 150 ms, resets in 60 s: runs out before the reset" in \
        " ".join(out.getvalue().split())


def chart_of(flows: list, category: str = "org_read") -> str:
    engine, _ = rules_per_flow(flows)
    page = render_html(build_report(engine.session, engine.catalog, generated_at=T0 + 60))
    section = page[page.index(f'id="rate-{category}"'):]
    return section[:section.index("</section>")]


def test_html_chart_draws_the_projection_to_zero() -> None:
    chart = chart_of(simulated(0.05, 7, 0.01))
    lines = re.findall(r'<line class="line projection s0" x1="([\d.]+)" y1="([\d.]+)" x2="([\d.]+)" y2="([\d.]+)"/>',
                       chart)
    assert len(lines) == 1
    x1, y1, x2, y2 = map(float, lines[0])
    last = re.findall(r'<circle class="point s0" cx="([\d.]+)" cy="([\d.]+)"', chart)[-1]
    assert (x1, y1) == tuple(map(float, last)) and x2 > x1 and y2 > y1  # from the last point down to 0
    assert x2 == pytest.approx(700.0)  # the time axis reaches the projected exhaustion
    assert "over 450 ms" in chart and "runs out before the reset" in chart and "dotted to zero" in chart


def test_html_chart_has_no_projection_for_a_slow_pace() -> None:
    chart = chart_of(simulated(10, 8, 0.01))
    assert "projection" not in chart and "dotted to zero" not in chart
    assert "Forecast at the last response" in chart and "lasts" in chart


def test_a_short_burst_is_not_reported_as_running_out() -> None:
    engine, rules = rules_per_flow(simulated(0.05, 3, 0.01))  # 3 quick calls: too few to call it a pace
    assert not any("rate-limit-forecast" in r for r in rules)
    report = build_report(engine.session, engine.catalog, generated_at=T0 + 60)
    (f,) = report.rate_limits[0].forecasts
    assert f.exhausts_before_reset and not f.warns
    assert "too few calls to tell" in render_markdown(report)
    assert "runs out before reset" not in render_markdown(report)
    out = io.StringIO()
    print_summary(Console(file=out, width=100, color_system=None), report)
    assert "Forecast org_read" not in out.getvalue()
