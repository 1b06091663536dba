"""Parse Pinterest's X-RateLimit-* headers, in the multi-policy and the plain integer forms."""

from __future__ import annotations

import re
from collections.abc import Mapping
from functools import lru_cache
from typing import NamedTuple

# Absurd values are clamped rather than trusted: no real quota, window or reset is this large.
MAX_VALUE = 10**9
# Digits read of one number: checked before int()/float(), so `10**400` or a megabyte of digits costs
# nothing; longer numbers are rejected (None), the same as text.
MAX_DIGITS = 12
# Policies read from one X-RateLimit-Limit value; the rest of a longer list is ignored.
MAX_POLICIES = 16
# Seconds as Pinterest writes them: ASCII digits, an optional fraction. Not `inf`, `nan`, `1e400`,
# `-1`, `1_000` or non-ASCII digits, all of which float() would accept.
_SECONDS = re.compile(rf"\d{{1,{MAX_DIGITS}}}(?:\.\d{{1,{MAX_DIGITS}}})?", re.ASCII)


class RateLimitPolicy(NamedTuple):
    """What one response says about the rate-limit budget (a named tuple: built for every answer, cheaply)."""

    limit: int | None  # quota of the binding window
    windows: tuple[tuple[int, int], ...]  # (quota, window seconds) for every policy listed
    remaining: int | None
    reset_seconds: float | None  # delta seconds until the binding window resets

    def describe(self) -> str:
        """`100/1s, 1000/60s` (or the bare limit when no windows are given)."""
        if self.windows:
            return ", ".join(f"{q}/{w}s" for q, w in self.windows)
        return f"{self.limit}" if self.limit is not None else "unknown"

    @property
    def binding_window(self) -> int | None:
        """Window (seconds) of the policy whose quota is the binding `limit`."""
        for quota, window in self.windows:
            if quota == self.limit:
                return window
        return None


def _int(text: str) -> int | None:
    """A non-negative integer of at most MAX_DIGITS digits (clamped to MAX_VALUE), or None."""
    text = text.strip()
    if len(text) > MAX_DIGITS or not text.isascii() or not text.isdigit():
        return None
    return min(int(text), MAX_VALUE)


def _number(text: str) -> float | None:
    """A non-negative decimal number of seconds (clamped to MAX_VALUE), or None."""
    if not _SECONDS.fullmatch(text := text.strip()):
        return None
    return min(float(text), MAX_VALUE)


def parse_limit(value: str) -> tuple[int | None, tuple[tuple[int, int], ...]]:
    """`100, 100;w=1, 1000;w=60` -> (100, ((100, 1), (1000, 60))); `100` -> (100, ())."""
    # A server sends the same few values over and over: remember short ones.
    return _parse_limit(value) if len(value) <= 200 else _parse_limit.__wrapped__(value)


@lru_cache(maxsize=256)
def _parse_limit(value: str) -> tuple[int | None, tuple[tuple[int, int], ...]]:
    limit: int | None = None
    windows: list[tuple[int, int]] = []
    for item in value.split(",", MAX_POLICIES)[:MAX_POLICIES]:
        quota_text, _, params = item.partition(";")
        quota = _int(quota_text)
        if quota is None:
            continue
        window = None
        for param in params.split(";"):
            key, _, val = param.partition("=")
            if key.strip().lower() == "w":
                window = _int(val)
        if window:
            windows.append((quota, window))
        elif limit is None:
            limit = quota
    if limit is None and windows:
        limit = min(q for q, _ in windows)
    return limit, tuple(windows)


def _first(value: str | None) -> str:
    """Duplicated headers arrive joined by commas; the first value is the one that binds."""
    return (value or "").partition(",")[0]


def parse_ratelimit(headers: Mapping[str, str]) -> RateLimitPolicy | None:
    """The policy from lower-cased response headers; None when no rate-limit header is present."""
    limit_h = headers.get("x-ratelimit-limit")
    remaining_h = headers.get("x-ratelimit-remaining")
    reset_h = headers.get("x-ratelimit-reset")
    if limit_h is None and remaining_h is None and reset_h is None:
        return None
    if len(limit_h or "") + len(remaining_h or "") + len(reset_h or "") <= 200:
        return _policy(limit_h, remaining_h, reset_h)  # a server repeats its values: remembered
    return _policy.__wrapped__(limit_h, remaining_h, reset_h)


@lru_cache(maxsize=1024)
def _policy(limit_h: str | None, remaining_h: str | None, reset_h: str | None) -> RateLimitPolicy:
    """The policy the three headers' values state (an immutable named tuple: safe to share)."""
    limit, windows = parse_limit(limit_h or "")
    return RateLimitPolicy(
        limit=limit,
        windows=windows,
        remaining=_int(_first(remaining_h)),
        reset_seconds=_number(_first(reset_h)),
    )
