"""Rate limits: rate-limited, spam-blocked, rate-limit-low, retry-before-reset."""

from __future__ import annotations

from collections.abc import Iterator

from pinscope.detectors.base import Context, detects, operation_label, said, token_label
from pinscope.exchange import Exchange
from pinscope.findings import Finding
from pinscope.ratelimit import RateLimitPolicy

SHORTEST_WINDOW = 1.0  # seconds: the universal 100/s limit's window, when no Reset header says more


def _seconds(value: float) -> str:
    """`1`, `0.5`, `60`: seconds without a needless `.0`."""
    return f"{value:.1f}".removesuffix(".0")


def _window(policy: RateLimitPolicy) -> str:
    """`100 per 1 s`, or the bare quota when the window is not stated."""
    if policy.limit is None:
        return "an unstated quota"
    window = policy.binding_window
    return f"{policy.limit} per {window} s" if window else f"{policy.limit}"


def _mentions_spam(ex: Exchange) -> bool:
    """Pinterest's spam blocks are 429s whose message (or message_detail) says so."""
    return "spam" in ex.error_message.lower()


@detects("rate-limited", "spam-blocked", errors_only=True)
def rate_limited(ex: Exchange, ctx: Context) -> Iterator[Finding]:
    """Any 429: a rate limit with the policy and reset, or a spam block."""
    if not ex.is_api or ex.status != 429:
        return
    op = ctx.operation
    state = ctx.session.rate(ex.credential, op.category if op else None)
    params: dict[str, object] = {
        "operation": operation_label(ex, op),
        "category": (op.category if op else None) or "unknown",
        "token": token_label(ex),
        "code": ex.error_code if ex.error_code is not None else "none",
        "said": said(ex, ctx),
        "count": (state.limited if state else 0) + 1,
        "rid": ex.request_id or "none",
    }
    if _mentions_spam(ex):
        yield Finding("spam-blocked", params)
        return
    policy = ex.rate_limit
    if policy is None or policy.reset_seconds is None:
        described = f"policy {policy.describe()} without X-RateLimit-Reset" if policy else "no X-RateLimit headers"
        yield Finding("rate-limited", {**params, "reset": _seconds(SHORTEST_WINDOW), "policy": described},
                      "no_reset")
        return
    yield Finding("rate-limited", {
        **params,
        "policy": policy.describe(),
        "binding": _window(policy),
        "remaining": policy.remaining if policy.remaining is not None else "unknown",
        "reset": _seconds(policy.reset_seconds),
    })


def is_low(policy: RateLimitPolicy, warn: float) -> bool:
    """Whether remaining is at or under `warn` (a fraction) of the binding quota: rate-limit-low's test."""
    return policy.remaining is not None and bool(policy.limit) and policy.remaining <= warn * policy.limit


@detects("rate-limit-low")
def rate_limit_low(ex: Exchange, ctx: Context) -> Iterator[Finding]:
    """A successful answer whose remaining budget is at or under the warning threshold."""
    if not ex.is_api or ex.status is None or ex.status == 429:
        return
    policy = ex.rate_limit
    if policy is None or not is_low(policy, ctx.settings.ratelimit_warn):
        return
    op = ctx.operation
    yield Finding("rate-limit-low", {
        "operation": operation_label(ex, op),
        "category": (op.category if op else None) or "unknown",
        "token": token_label(ex),
        "remaining": policy.remaining,
        "binding": _window(policy),
        "percent": f"{100 * policy.remaining / policy.limit:.0f}",
        "warn_percent": f"{100 * ctx.settings.ratelimit_warn:g}",
        "policy": policy.describe(),
        "reset": _seconds(policy.reset_seconds) if policy.reset_seconds is not None else "unknown",
    }, "default" if policy.reset_seconds is not None else "no_reset")


@detects("retry-before-reset", phase="request")
def retry_before_reset(ex: Exchange, ctx: Context) -> Iterator[Finding]:
    """A request in a token + category whose last 429 window has not reset yet."""
    op = ctx.operation
    if not ex.is_api or op is None or op.category is None:
        return
    state = ctx.session.rate(ex.credential, op.category)
    if state is None or state.last_limited_reset_at is None or state.last_limited_reset_at <= ex.timestamp:
        return
    yield Finding("retry-before-reset", {
        "operation": op.label,
        "category": op.category,
        "token": token_label(ex),
        "early": _seconds(state.last_limited_reset_at - ex.timestamp),
        "count": state.limited,
    })


DETECTORS = (rate_limited, rate_limit_low, retry_before_reset)
