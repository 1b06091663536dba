"""Rate-limit forecast: the recent pace of a (token, category) and when its budget would run out."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from pinscope.ratelimit import RateLimitPolicy
from pinscope.session import RateState, Session

Point = tuple[float, int | None, bool]  # (time, remaining, was 429), as RateState.history keeps them
DEFAULT_LOOKBACK = 60.0  # seconds: Pinterest's category windows are per minute [FACTS §2]
MIN_REQUESTS = 5  # fewer recent requests than this say nothing about a pace
MIN_USED = 0.2  # a warning needs this share of the binding quota already used: a few quick calls are no trend


@dataclass(frozen=True)
class Forecast:
    """Where one (token, category) budget is heading, as of `now`."""

    token: str  # the token's label
    category: str
    now: float
    lookback: float  # seconds the pace is measured over
    requests: int  # responses seen in the lookback
    pace: float | None  # requests per second; None with too few requests to tell
    remaining: int | None
    limit: int | None  # quota of the binding window
    window: int | None  # seconds of the binding window
    reset_in: float | None  # seconds until the binding window resets

    @property
    def exhaust_in(self) -> float | None:
        """Seconds until `remaining` is used up at this pace (None when unknown or idle)."""
        if self.pace is None or self.remaining is None or self.pace <= 0:
            return None
        return self.remaining / self.pace

    @property
    def exhausts_before_reset(self) -> bool:
        """Whether the projection runs out inside the current window."""
        exhaust, reset = self.exhaust_in, self.reset_in
        return exhaust is not None and reset is not None and exhaust < reset

    @property
    def warns(self) -> bool:
        """Exhausts before the reset, on enough evidence: a real pace, a real share of the quota used."""
        if not self.exhausts_before_reset or self.requests < MIN_REQUESTS:
            return False
        if self.limit and self.remaining is not None:
            return self.limit - self.remaining >= MIN_USED * self.limit
        return True

    @property
    def safe_pace(self) -> float | None:
        """The fastest pace that lasts until the reset (requests per second)."""
        if self.remaining is None or not self.reset_in:
            return None
        return self.remaining / self.reset_in


def pace_text(per_second: float) -> str:
    """`12.5 req/s`, or `30 req/min` under one per second."""
    if per_second >= 1:
        return f"{per_second:.1f}".removesuffix(".0") + " req/s"
    return f"{per_second * 60:.1f}".removesuffix(".0") + " req/min"


def recent_pace(times: Iterable[float], now: float, lookback: float) -> tuple[int, float | None]:
    """(requests in (now - lookback, now], requests per second over their span)."""
    low = now - lookback
    recent = [t for t in times if low < t <= now]  # a list, not sorted: runs per response over 500 points
    if len(recent) < 2:
        return len(recent), None
    span = max(recent) - min(recent)
    # n requests span n - 1 intervals; a span of zero (one instant) has no measurable pace.
    return len(recent), (len(recent) - 1) / span if span > 0 else None


def forecast(points: Sequence[Point], policy: RateLimitPolicy | None, reset_at: float | None,
             now: float, token: str, category: str) -> Forecast:
    """The forecast from response points, the latest policy and its reset time."""
    window = policy.binding_window if policy else None
    lookback = float(window) if window else DEFAULT_LOOKBACK
    requests, pace = recent_pace([point[0] for point in points], now, lookback)
    remaining = policy.remaining if policy and policy.remaining is not None else \
        next((r for _, r, _ in reversed(points) if r is not None), None)
    return Forecast(
        token=token, category=category, now=now, lookback=lookback, requests=requests, pace=pace,
        remaining=remaining, limit=policy.limit if policy else None, window=window,
        reset_in=max(0.0, reset_at - now) if reset_at is not None else None,
    )


def forecast_state(state: RateState, token: str, category: str, now: float | None = None) -> Forecast | None:
    """The forecast of a session's RateState, as of `now` (default: its last point); None if empty."""
    if now is None:
        if not state.history:
            return None
        now = state.history[-1][0]
    return forecast(list(state.history), state.policy, state.reset_at, now, token, category)


def session_forecasts(session: Session, now: float | None = None) -> list[Forecast]:
    """A forecast per (token, category) the session saw rate-limit data for, by category then token."""
    out = []
    for (fingerprint, category), state in session.rates.items():
        known = session.tokens.get(fingerprint)
        label = known.credential.label if known else f"…{fingerprint}"
        result = forecast_state(state, label, category, now)
        if result is not None:
            out.append(result)
    return sorted(out, key=lambda f: (f.category, f.token))
