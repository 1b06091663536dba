"""Report sections from pinscope.intel: the scope plan, and a forecast per token in rate limits."""

from __future__ import annotations

from datetime import datetime

from pydantic import Field

from pinscope.catalog import Catalog
from pinscope.intel import Forecast, ScopePlan, pace_text, plan_scopes
from pinscope.session import Session
from pinscope.report.base import Count, Model, UrlText
from pinscope.report.units import duration
from pinscope.timefmt import when

class PlannedOperation(Model):
    """One operation the session called, and the scope sets it accepts."""

    operation: str = Field(description="METHOD /v5/path/{template}")
    operation_id: str
    scope_sets: list[list[str]] = Field(description="alternatives (any one set); every scope of a set")
    requests: Count


class TokenScopeFit(Model):
    """One token with a known grant against the calls it made itself."""

    token: str = Field(description="the token's label, e.g. pina…1a2b3c4d")
    granted: list[str]
    missing: list[str] = Field(description="the smallest set of scopes to add for every call it made")
    missing_alternatives: list[list[str]] = Field(
        description="every smallest addition, when several tie (else empty)")
    excessive: list[str] = Field(description="granted scopes no call of the session needed")


class ScopePlanReport(Model):
    """The least-privilege scopes for the operations this session called."""

    operations: list[PlannedOperation]
    scopes: list[str] = Field(description="the recommended smallest set (fewest secret, then write scopes)")
    minimal_sets: list[list[str]] = Field(description="every smallest satisfying set")
    tied: bool = Field(description="several different sets are equally small")
    authorization_url: UrlText | None = Field(
        description="the OAuth authorize URL for the planned scopes; placeholders when the app was not seen")
    app_id: str | None = Field(description="the app id (client_id) seen on /oauth/token")
    unknown_operations: list[str] = Field(description="called operations the catalogue does not know")
    tokens: list[TokenScopeFit]


class ForecastReport(Model):
    """Where one token's budget in the category was heading at its last response."""

    token: str
    as_of: datetime = Field(description="the last response of this token in the category")
    pace_per_second: float | None = Field(description="recent requests per second; null with too few")
    requests: Count = Field(description="responses in the lookback")
    lookback_seconds: float = Field(description="the binding window (60 s when not stated)")
    remaining: int | None
    limit: int | None
    window_seconds: int | None
    reset_at: datetime | None
    seconds_to_exhaustion: float | None
    exhausts_at: datetime | None = Field(description="when remaining reaches 0 at this pace (charts)")
    exhausts_before_reset: bool
    warns: bool = Field(description="enough recent calls and quota used to trust the projection "
                                    "(the test rate-limit-forecast applies)")
    safe_pace_per_second: float | None = Field(description="the fastest pace that lasts until the reset")


def _sorted(sets: tuple[frozenset[str], ...]) -> list[list[str]]:
    return [sorted(s) for s in sets]


def session_scope_plan(session: Session, catalog: Catalog) -> ScopePlanReport:
    """The scope plan of a session's calls, as report data."""
    return scope_plan_report(plan_scopes(session, catalog))


def scope_plan_report(plan: ScopePlan) -> ScopePlanReport:
    """The plan as report data."""
    return ScopePlanReport(
        operations=[PlannedOperation(operation=c.operation.label, operation_id=c.operation.operation_id,
                                     scope_sets=_sorted(c.operation.scope_sets), requests=c.requests)
                    for c in plan.operations],
        scopes=sorted(plan.scopes), minimal_sets=_sorted(plan.minimal_sets), tied=plan.tied,
        authorization_url=plan.authorization_url, app_id=plan.app_id,
        unknown_operations=list(plan.unknown_operations),
        tokens=[TokenScopeFit(token=t.label, granted=sorted(t.granted), missing=sorted(t.lacks),
                              missing_alternatives=_sorted(t.missing) if len(t.missing) > 1 else [],
                              excessive=sorted(t.excessive)) for t in plan.tokens],
    )


def _round(value: float | None, digits: int = 3) -> float | None:
    return round(value, digits) if value is not None else None


def forecast_report(f: Forecast) -> ForecastReport:
    """One forecast as report data."""
    exhaust = f.exhaust_in
    return ForecastReport(
        token=f.token, as_of=when(f.now), pace_per_second=_round(f.pace), requests=f.requests,
        lookback_seconds=f.lookback, remaining=f.remaining, limit=f.limit, window_seconds=f.window,
        reset_at=when(f.now + f.reset_in) if f.reset_in is not None else None,
        seconds_to_exhaustion=_round(exhaust), exhausts_at=when(f.now + exhaust) if exhaust is not None else None,
        exhausts_before_reset=f.exhausts_before_reset, warns=f.warns, safe_pace_per_second=_round(f.safe_pace),
    )


def accepts_text(scope_sets: list[list[str]]) -> str:
    """`boards:read AND pins:read`, alternatives joined by `OR`; `no scopes` for app credentials."""
    return " OR ".join(" AND ".join(s) for s in scope_sets) or "no scopes (app id and secret)"


def operations_called(plan: ScopePlanReport) -> str:
    """`1 operation called`, `4 operations called`."""
    count = len(plan.operations)
    return f"{count} operation{'s' if count != 1 else ''} called"


NO_SCOPES = "No call of this session needed an OAuth scope."
TIED = "Several sets are equally small; any one works: "
TIE_ADVICE = "The first is recommended (fewest secret, then write scopes)."


def forecast_sentence(f: ForecastReport) -> str:
    """`12 req/s, 3 of 10 left, runs out in 250 ms, resets in 60 s`: only what is known, "" when nothing is."""
    parts = []
    if f.pace_per_second is not None:
        parts.append(pace_text(f.pace_per_second))
    if f.remaining is not None:
        parts.append(f"{_remaining(f)} left")
    if f.seconds_to_exhaustion is not None and f.remaining != 0:  # `0 left` says it already
        parts.append(f"runs out in {duration(f.seconds_to_exhaustion)}")
    if (reset_in := _reset_in(f)) is not None:
        parts.append(f"resets in {duration(reset_in)}")
    return ", ".join(parts)


def forecast_verdict(f: ForecastReport) -> str:
    """What the forecast says, in words, also when it cannot say much."""
    if f.warns:
        return "runs out before the reset"
    if f.pace_per_second is None:
        return "too few recent calls to tell"
    if f.remaining is None:
        return "no remaining count in the headers"
    if f.exhausts_before_reset:
        return "too few calls to tell"
    return "lasts until the reset" if f.reset_at else "no reset time in the headers"


def forecast_line(f: ForecastReport) -> str:
    """The sentence and the verdict: `12 req/s, 3 of 10 left, …: runs out before the reset`."""
    sentence = forecast_sentence(f)
    return f"{sentence}: {forecast_verdict(f)}" if sentence else forecast_verdict(f)


def url_note(plan: ScopePlanReport) -> str:
    """What the authorization URL still needs from the reader."""
    if plan.app_id is None:
        return "replace YOUR_APP_ID with your app id and YOUR_REDIRECT_URI with your registered redirect URI " \
               "(URL-encoded); add a random state parameter"
    return "app id as seen on /oauth/token; check the redirect URI and add a random state parameter"


def _reset_in(f: ForecastReport) -> float | None:
    return (f.reset_at - f.as_of).total_seconds() if f.reset_at else None


def _remaining(f: ForecastReport) -> str:
    """`3 of 10` (or `3` when the limit is unknown); only for a known remaining count."""
    return f"{f.remaining:,}" + (f" of {f.limit:,}" if f.limit else "")


def forecast_cells(f: ForecastReport) -> list[str]:
    """Pace, remaining of limit, resets in, runs out in, verdict: as tables show a forecast ("-": unknown)."""
    reset_in, exhaust = _reset_in(f), f.seconds_to_exhaustion
    return ["-" if f.pace_per_second is None else pace_text(f.pace_per_second),
            "-" if f.remaining is None else _remaining(f),
            "-" if reset_in is None else duration(reset_in),
            "-" if exhaust is None else duration(exhaust),
            forecast_verdict(f)]
