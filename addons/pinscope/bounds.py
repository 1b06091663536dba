"""Numbers read from traffic, checked where they are read: a finite number in a sane range, or not used.

A capture or an upstream can put anything where a number belongs: NaN, infinity (`1e400` in JSON),
`10**400`, a negative lifetime, `true`, a string. Each reader below says what it does with those.
"""

from __future__ import annotations

import math

# Epoch seconds a flow's timestamps may hold: 1970-01-01 to 2100-01-01 UTC. Every sum pinscope makes
# (timestamp + a lifetime or a rate-limit reset) then stays far inside what a datetime can show.
EARLIEST_TIMESTAMP = 0.0
LATEST_TIMESTAMP = 4_102_444_800.0
# OAuth lifetimes (`expires_in`, `refresh_token_expires_in`): Pinterest issues 30 days and 1 year.
# Outside 0..10 years the value is rejected (None): an unknown expiry, rather than a made-up date.
MAX_LIFETIME_SECONDS = 10 * 365 * 86_400
# A flow's latency (response end - request start): 0..1 day; anything else is rejected (None).
MAX_DURATION_MS = 86_400_000.0
# Larger integers are not numbers anyone means here; float() of them may raise OverflowError.
MAX_EXACT_INT = 2**53


def finite(value: object) -> float | None:
    """An int or float (never a bool or a string) as a finite float, else None; never raises."""
    if type(value) is float:  # mitmproxy's timestamps: the common case first
        return value if math.isfinite(value) else None
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    if isinstance(value, int):  # compared before float(): float(10**400) raises OverflowError
        return float(value) if -MAX_EXACT_INT <= value <= MAX_EXACT_INT else None
    return float(value) if math.isfinite(value) else None


def lifetime(value: object) -> float | None:
    """An OAuth lifetime in seconds within 0..MAX_LIFETIME_SECONDS, else None (rejected, not clamped)."""
    seconds = finite(value)
    return seconds if seconds is not None and 0 <= seconds <= MAX_LIFETIME_SECONDS else None


def timestamp(value: object) -> float:
    """A flow timestamp: clamped into EARLIEST..LATEST_TIMESTAMP; not a finite number: EARLIEST.

    Clamped rather than rejected, as every Exchange needs a moment; a corrupt capture's flows then
    sort first (1970) instead of breaking the session's time span or the report.
    """
    if type(value) is float and EARLIEST_TIMESTAMP <= value <= LATEST_TIMESTAMP:  # mitmproxy's: the common case
        return value
    moment = finite(value)
    if moment is None:
        return EARLIEST_TIMESTAMP
    return min(max(moment, EARLIEST_TIMESTAMP), LATEST_TIMESTAMP)


def duration_ms(start: float, end: object) -> float | None:
    """Milliseconds from `start` (already a timestamp()) to `end`, within 0..MAX_DURATION_MS, else None."""
    if type(end) is float:  # mitmproxy's: NaN and infinities fail the range check below
        milliseconds = (end - start) * 1000
        return milliseconds if end and 0 <= milliseconds <= MAX_DURATION_MS else None
    finish = finite(end)
    if finish is None or not finish:  # no response end yet (0 or None)
        return None
    milliseconds = (finish - start) * 1000
    return milliseconds if 0 <= milliseconds <= MAX_DURATION_MS else None
