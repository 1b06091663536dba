"""How pinscope shows moments: aware UTC datetimes, written `2026-01-01 00:00:05 UTC`."""

from __future__ import annotations

import math
from datetime import UTC, datetime

FORMAT = "%Y-%m-%d %H:%M:%S UTC"
# What when() can show: 1970-01-01 up to 9999-12-31 23:59:59 UTC (datetime's last second). Moments
# read from traffic are bounded long before (bounds.LATEST_TIMESTAMP); this keeps any sum of them safe.
EARLIEST = 0.0
LATEST = 253_402_300_799.0


def when(timestamp: float) -> datetime:
    """An epoch timestamp as an aware UTC datetime; never raises (NaN: the epoch, others clamped)."""
    if isinstance(timestamp, bool) or not isinstance(timestamp, int | float) or \
            (isinstance(timestamp, float) and math.isnan(timestamp)):
        timestamp = EARLIEST
    return datetime.fromtimestamp(min(max(timestamp, EARLIEST), LATEST), UTC)


def format_time(moment: datetime | None) -> str:
    """`2026-01-01 00:00:05 UTC` (or `-`), as findings, reports and the terminal show times."""
    return moment.astimezone(UTC).strftime(FORMAT) if moment else "-"


def format_timestamp(timestamp: float) -> str:
    """An epoch timestamp written as format_time() writes it."""
    return when(timestamp).strftime(FORMAT)


def format_span(seconds: float) -> str:
    """A duration for people: `45 s`, `12 min`, `3.5 h`, `2 days` (findings say how long ago)."""
    seconds = abs(seconds)
    if seconds < 120:
        return f"{seconds:.0f} s"
    if seconds < 7200:
        return f"{seconds / 60:.0f} min"
    if seconds < 172800:
        return f"{seconds / 3600:.1f} h"
    return f"{seconds / 86400:.0f} days"
