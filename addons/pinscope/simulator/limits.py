"""Per-(user, app, category) rate limits and Pinterest's X-RateLimit-* headers [FACTS §2]."""

from __future__ import annotations

import math
import threading
from collections.abc import Callable, Hashable
from dataclasses import dataclass, field

UNIVERSAL = (100, 1)  # Standard: 100 requests per second per user per app [doc RL]
CATEGORY_WINDOW = 60  # Standard category quotas are per minute per user per app [doc RL, AT]
# FACTS §2 "Std/min" column. ads_conversions: 120,000/min per ad account, kept per user here.
CATEGORY_PER_MINUTE = {
    "ads_read": 1000,
    "ads_write": 400,
    "ads_analytics": 300,
    "ads_conversions": 120_000,
    "org_read": 1000,
    "org_write": 100,
    "org_analytics": 60,
    "catalogs_read": 100,
    "catalogs_write": 100,
    "trends_read": 60,
    "advanced_auction_read": 50,
    "advanced_auction_write": 25,
}
UNKNOWN_CATEGORY_QUOTA = 1000  # msot_write has "?" in FACTS §2 [inf]


@dataclass(frozen=True, slots=True)
class Verdict:
    """Whether a request fits the budget, and the headers that say so."""

    allowed: bool
    headers: dict[str, str]


@dataclass
class RateLimiter:
    """Fixed windows per key, opened by the first request; the clock is injected."""

    clock: Callable[[], float]
    scale: float = 1.0
    _windows: dict[tuple, list[float]] = field(default_factory=dict)  # key -> [start, count]
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def policies(self, category: str | None) -> list[tuple[int, int]]:
        """(quota, window seconds): the universal limit, then the category's (scaled, at least 1)."""
        policies = [UNIVERSAL]
        if category:
            quota = CATEGORY_PER_MINUTE.get(category, UNKNOWN_CATEGORY_QUOTA)
            policies.append((max(1, int(quota * self.scale)), CATEGORY_WINDOW))
        return policies

    def take(self, key: Hashable, category: str | None) -> Verdict:
        """Count one request against every policy, unless one is exhausted (then nothing counts)."""
        now = self.clock()
        policies = self.policies(category)
        with self._lock:
            states = [(quota, window, self._slot(key, category, window, now)) for quota, window in policies]
            exhausted = [s for s in states if s[2][1] >= s[0]]
            if not exhausted:
                for _, _, slot in states:
                    slot[1] += 1
                # The binding window is the one with the fewest requests left (the shorter on a tie).
                binding = min(states, key=lambda s: (s[0] - s[2][1], s[1]))
            else:
                binding = max(exhausted, key=lambda s: s[2][0] + s[1])  # the one that frees up last
            quota, window, slot = binding
            remaining = max(0, quota - int(slot[1]))
            reset = max(0, math.ceil(slot[0] + window - now))
        return Verdict(not exhausted, headers(quota, policies, remaining, reset))

    def _slot(self, key: Hashable, category: str | None, window: int, now: float) -> list[float]:
        """The open window for (key, category), a fresh one when the last has run out."""
        name = category if window == CATEGORY_WINDOW else "*"  # the universal limit spans categories
        slot = self._windows.get((key, name, window))
        if slot is None or now >= slot[0] + window:
            slot = self._windows[(key, name, window)] = [now, 0]
        return slot


def headers(limit: int, policies: list[tuple[int, int]], remaining: int, reset: int) -> dict[str, str]:
    """`X-RateLimit-Limit: 100, 100;w=1, 1000;w=60` plus Remaining and Reset (delta seconds)."""
    listed = ", ".join(f"{q};w={w}" for q, w in policies)
    return {
        "X-RateLimit-Limit": f"{limit}, {listed}",
        "X-RateLimit-Remaining": str(remaining),
        "X-RateLimit-Reset": str(reset),
    }
