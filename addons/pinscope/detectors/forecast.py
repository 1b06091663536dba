"""Rate-limit forecast: rate-limit-forecast, the warning that comes before the 429."""

from __future__ import annotations

from pinscope.detectors.base import Context, Findings, detects, token_label
from pinscope.detectors.ratelimits import is_low, quota
from pinscope.exchange import Exchange
from pinscope.findings import Finding
from pinscope.intel.forecast import MIN_USED, forecast, pace_text
from pinscope.ratelimit import RateLimitPolicy


def _seconds(value: float) -> str:
    """`0.05`, `0.8`, `12`, `60`: as many decimals as a human needs."""
    text = f"{value:.0f}" if value >= 10 else f"{value:.1f}" if value >= 1 else f"{value:.2f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def _low(policy: RateLimitPolicy, ctx: Context) -> bool:
    """Whether rate-limit-low speaks for this flow (unless silenced, by option or by header)."""
    return "rate-limit-low" not in ctx.silenced and is_low(policy, ctx.settings.ratelimit_warn)


@detects("rate-limit-forecast", api=True, operation=True, statuses=(100, 599))
def rate_limit_forecast(ex: Exchange, ctx: Context) -> Findings:
    """A response whose recent pace would use up the remaining budget before the window resets."""
    op = ctx.operation
    policy = ex.rate_limit
    if not ex.is_api or ex.status is None or ex.status == 429 or ex.credential is None:
        return ()
    if op is None or op.category is None or policy is None or policy.remaining is None \
            or policy.reset_seconds is None or _low(policy, ctx):
        return ()
    if policy.limit and policy.limit - policy.remaining < MIN_USED * policy.limit:
        return ()  # too little of the quota used to warn at any pace (Forecast.warns): skip the history
    state = ctx.session.rate(ex.credential, op.category)
    # Detectors run before the session folds this exchange in: add its own point.
    points = [*(state.history if state else ()), (ex.timestamp, policy.remaining, False)]
    seen = forecast(points, policy, ex.timestamp + policy.reset_seconds, ctx.now,
                    ex.credential.label, op.category)
    pace, exhaust, reset = seen.pace, seen.exhaust_in, seen.reset_in
    if not seen.warns or pace is None or exhaust is None or reset is None:
        return ()
    return (Finding("rate-limit-forecast", {
        "operation": op.label,
        "category": op.category,
        "token": token_label(ex),
        "pace": pace_text(pace),
        "requests": seen.requests,
        "span": _seconds((seen.requests - 1) / pace),
        "remaining": policy.remaining,
        "binding": quota(policy.limit, seen.window),
        "exhaust": _seconds(exhaust),
        "reset": _seconds(reset),
        "safe_pace": pace_text(seen.safe_pace or 0.0),
    }),)


DETECTORS = (rate_limit_forecast,)
