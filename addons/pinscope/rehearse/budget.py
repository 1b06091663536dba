"""A rehearsal's rate-limit budget: Pinterest's published quotas scaled down, per token and category.

Pure bookkeeping on top of the simulator's `RateLimiter` (same fixed windows, same `X-RateLimit-*`
format, same 429 code 8 body): only the quota table differs, read from `rules/published/quotas.toml`.
No mitmproxy here: the addon passes in the host, the matched operation and the Authorization header.
"""

from __future__ import annotations

import time
from collections.abc import Callable, MutableMapping
from dataclasses import dataclass, field

from pinscope.catalog import Operation
from pinscope.published import quotas
from pinscope.rehearse.plan import RehearsalError
from pinscope.simulator import errors
from pinscope.simulator.limits import CATEGORY_WINDOW, UNIVERSAL, UNKNOWN_CATEGORY_QUOTA, RateLimiter, Verdict
from pinscope.simulator.wire import Reply
from pinscope.tokens import parse_authorization

HEADER_PREFIX = "x-ratelimit-"


def parse_fraction(text: str) -> float | None:
    """`""` is off (None); otherwise a number in (0, 1], else RehearsalError in one line."""
    text = text.strip()
    if not text:
        return None
    try:
        value = float(text)
    except ValueError:
        value = 0.0
    if not 0 < value <= 1:
        raise RehearsalError(f"pinscope_rehearse_budget must be a fraction above 0 and at most 1 "
                         f"(e.g. 0.1), not {text[:40]!r}")
    return value


def published_per_minute() -> dict[str, int]:
    """Standard per-minute quota per category; a category without a number gets the simulator's default."""
    return {name: quota.standard_per_minute or UNKNOWN_CATEGORY_QUOTA
            for name, quota in quotas().categories.items()}


@dataclass
class ScaledBudget(RateLimiter):
    """The simulator's limiter over the published quotas; the universal 100/s stays unscaled, as there."""

    quotas: dict[str, int] = field(default_factory=published_per_minute)

    def policies(self, category: str | None) -> list[tuple[int, int]]:
        """(quota, window seconds): the universal limit, then the category's scaled quota (at least 1)."""
        policies = [UNIVERSAL]
        if category:
            quota = self.quotas.get(category, UNKNOWN_CATEGORY_QUOTA)
            policies.append((max(1, int(quota * self.scale)), CATEGORY_WINDOW))
        return policies


@dataclass(frozen=True, slots=True)
class Charge:
    """What one request cost: the operation's category and the verdict with its headers."""

    category: str
    verdict: Verdict


@dataclass
class BudgetBook:
    """Charges Pinterest API calls to (host, token fingerprint, category) windows of a ScaledBudget."""

    scale: float
    clock: Callable[[], float] = time.time
    limiter: ScaledBudget = field(init=False)

    def __post_init__(self) -> None:
        self.limiter = ScaledBudget(self.clock, self.scale)

    def charge(self, host: str, operation: Operation, authorization: str | None) -> Charge | None:
        """Count one call of `operation` on a Pinterest host; None when it has no token or no category."""
        credential = parse_authorization(authorization)
        if credential is None or not operation.category:
            return None  # without a token Pinterest answers 401 before counting
        key = (host.lower(), credential.fingerprint)
        return Charge(operation.category, self.limiter.take(key, operation.category))


def rejection(verdict: Verdict) -> Reply:
    """The simulator's 429 code 8 for a spent budget, with the verdict's `X-RateLimit-*` headers."""
    return errors.error(errors.RATE_LIMITED, verdict.headers)


def rewrite_headers(headers: MutableMapping[str, str], scaled: dict[str, str]) -> None:
    """Replace every `X-RateLimit-*` header of a real answer by the scaled budget's."""
    for name in [n for n in headers if n.lower().startswith(HEADER_PREFIX)]:
        del headers[name]
    headers.update(scaled)
