"""Rate limits: rate-limited, spam-blocked, rate-limit-low, retry-before-reset."""

from __future__ import annotations

from typing import cast

from pinscope.detectors.base import Context, Findings, detects, explains, operation_label, said, token_label
from pinscope.exchange import Exchange
from pinscope.findings import UNKNOWN, Finding, Phrase
from pinscope.ratelimit import RateLimitPolicy

SHORTEST_WINDOW = 1.0  # seconds: the universal 100/s limit's window, when no Reset header says more


def _seconds(value: float) -> str:
    """`1`, `0.5`, `60`: seconds without a needless `.0`."""
    return f"{value:.1f}".removesuffix(".0")


def quota(limit: int | None, window: int | None) -> Phrase | int:
    """The binding quota as the rule words it: its `quota` phrase (`100 per 1 s`), the bare limit
    when no window is stated, or its `unstated_quota` phrase."""
    if limit is None:
        return Phrase("unstated_quota")
    return Phrase("quota", {"limit": limit, "window": window}) if window else limit


def _limited(ex: Exchange, ctx: Context) -> dict[str, object]:
    """What every 429 names: operation, category, token, Pinterest's words, how many so far."""
    op = ctx.operation
    state = ctx.session.rate(ex.credential, op.category if op else None)
    return {
        "operation": operation_label(ex, op),
        "category": (op.category if op else None) or UNKNOWN,
        "token": token_label(ex),
        "code": ex.error_code,
        "said": said(ex, ctx),
        "count": (state.limited if state else 0) + 1,
        "rid": ex.request_id,
    }


@explains("spam-blocked")
def spam_blocked(ex: Exchange, ctx: Context) -> Finding:
    """A 429 whose message says spam: a block, not a rate limit (api-quickstart reads it so)."""
    return Finding("spam-blocked", _limited(ex, ctx))


@explains("rate-limited")
def rate_limited(ex: Exchange, ctx: Context) -> Finding:
    """A 429: the policy and when it resets."""
    params = _limited(ex, ctx)
    policy = ex.rate_limit
    if policy is None or policy.reset_seconds is None:
        headers = Phrase("no_reset", {"policy": policy.describe()}) if policy else Phrase("no_headers")
        return Finding("rate-limited", {**params, "reset": _seconds(SHORTEST_WINDOW), "headers": headers},
                       "no_reset")
    return Finding("rate-limited", {
        **params,
        "policy": policy.describe(),
        "binding": quota(policy.limit, policy.binding_window),
        "remaining": policy.remaining if policy.remaining is not None else UNKNOWN,
        "reset": _seconds(policy.reset_seconds),
    })


def is_low(policy: RateLimitPolicy, warn: float) -> bool:
    """Whether remaining is at or under `warn` (a fraction) of the binding quota: rate-limit-low's test."""
    remaining, limit = policy.remaining, policy.limit
    if remaining is None or not limit:
        return False
    return remaining <= warn * limit


@detects("rate-limit-low", api=True, statuses=(100, 599))
def rate_limit_low(ex: Exchange, ctx: Context) -> Findings:
    """A successful answer whose remaining budget is at or under the warning threshold."""
    if not ex.is_api or ex.status is None or ex.status == 429:
        return ()
    policy = ex.rate_limit
    if policy is None or not is_low(policy, ctx.settings.ratelimit_warn):
        return ()
    op = ctx.operation
    return (Finding("rate-limit-low", {
        "operation": operation_label(ex, op),
        "category": (op.category if op else None) or UNKNOWN,
        "token": token_label(ex),
        "remaining": policy.remaining,
        "binding": quota(policy.limit, policy.binding_window),
        # is_low() held: remaining and limit are set
        "percent": f"{100 * cast(int, policy.remaining) / cast(int, policy.limit):.0f}",
        "warn_percent": f"{100 * ctx.settings.ratelimit_warn:g}",
        "policy": policy.describe(),
        "reset": _seconds(policy.reset_seconds) if policy.reset_seconds is not None else None,
    }, "default" if policy.reset_seconds is not None else "no_reset"),)


@detects("retry-before-reset", phase="request", api=True, operation=True)
def retry_before_reset(ex: Exchange, ctx: Context) -> Findings:
    """A request in a token + category whose last 429 window has not reset yet."""
    op = ctx.operation
    if not ex.is_api or op is None or op.category is None:
        return ()
    state = ctx.session.rate(ex.credential, op.category)
    if state is None or state.last_limited_reset_at is None or state.last_limited_reset_at <= ex.timestamp:
        return ()
    return (Finding("retry-before-reset", {
        "operation": op.label,
        "category": op.category,
        "token": token_label(ex),
        "early": _seconds(state.last_limited_reset_at - ex.timestamp),
        "count": state.limited,
    }),)


DETECTORS = (rate_limit_low, retry_before_reset)
BUILDERS = (spam_blocked, rate_limited)
