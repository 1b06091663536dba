"""How pinscope shows moments: aware UTC datetimes, written `2026-01-01 00:00:05 UTC`."""

from __future__ import annotations

from datetime import UTC, datetime

FORMAT = "%Y-%m-%d %H:%M:%S UTC"


def when(timestamp: float) -> datetime:
    """An epoch timestamp as an aware UTC datetime."""
    return datetime.fromtimestamp(timestamp, UTC)


def format_time(moment: datetime | None) -> str:
    """`2026-01-01 00:00:05 UTC` (or `-`), as findings, reports and the terminal show times."""
    return moment.astimezone(UTC).strftime(FORMAT) if moment else "-"


def format_timestamp(timestamp: float) -> str:
    """An epoch timestamp written as format_time() writes it."""
    return when(timestamp).strftime(FORMAT)
