"""Ad account analytics: one row per period with data; all-zero rows are left out [FACTS §0, §6]."""

from __future__ import annotations

import datetime as dt
import hashlib
from typing import Any

from pinscope.simulator.errors import INVALID_ANALYTICS, error
from pinscope.simulator.wire import Reply

GRANULARITIES = {"TOTAL", "DAY", "HOUR", "WEEK", "MONTH"}  # [spec Granularity]
WINDOW_DAYS = {"0", "1", "7", "14", "30", "60"}  # allowed attribution windows [FACTS §6]
REPORT_TIMES = {"TIME_OF_AD_ACTION", "TIME_OF_CONVERSION"}  # [FACTS §6]
MAX_SPAN_DAYS = 90  # non-HOUR: start at most 90 days back, span at most 90 days [FACTS §6]
MAX_HOUR_DAYS_BACK = 8


def _date(text: str | None) -> dt.date | None:
    try:
        return dt.date.fromisoformat(text or "")
    except ValueError:
        return None


def _problem(query: dict[str, str], today: dt.date) -> str | None:
    """Why these parameters are invalid, or None."""
    start, end = _date(query.get("start_date")), _date(query.get("end_date"))
    granularity = query.get("granularity", "")
    if start is None or end is None or not query.get("columns") or granularity not in GRANULARITIES:
        return "start_date, end_date, columns and granularity are required"
    back = MAX_HOUR_DAYS_BACK if granularity == "HOUR" else MAX_SPAN_DAYS
    if end < start or (end - start).days > MAX_SPAN_DAYS or (today - start).days > back:
        return f"dates must satisfy start_date <= end_date, a span of at most {MAX_SPAN_DAYS} days, " \
               f"and start_date at most {back} days back"
    for name in ("click_window_days", "engagement_window_days", "view_window_days"):
        if name in query and query[name] not in WINDOW_DAYS:
            return f"{name} must be one of {', '.join(sorted(WINDOW_DAYS, key=int))}"
    if "conversion_report_time" in query and query["conversion_report_time"] not in REPORT_TIMES:
        return "conversion_report_time must be TIME_OF_AD_ACTION or TIME_OF_CONVERSION"
    return None


def _metric(account_id: str, day: dt.date, column: str) -> int | float:
    """A stable value; about one day in four had no delivery at all (every metric 0)."""
    h = int(hashlib.sha256(f"{account_id}:{day}:{column}".encode()).hexdigest(), 16)
    if int(hashlib.sha256(f"{account_id}:{day}".encode()).hexdigest(), 16) % 4 == 0:
        return 0
    if "CTR" in column or "RATE" in column:
        return round((h % 500) / 10_000, 4)
    scale = 10_000 if "MICRO" in column else 1
    return (h % 900 + 100) * scale


def _period(day: dt.date, granularity: str) -> dt.date | None:
    """The first day of the period `day` falls in (None for TOTAL)."""
    if granularity == "WEEK":
        return day - dt.timedelta(days=day.weekday())
    if granularity == "MONTH":
        return day.replace(day=1)
    return None if granularity == "TOTAL" else day  # HOUR is reported per day here


def ad_account_rows(account_id: str, query: dict[str, str], today: dt.date) -> Reply:
    """GET /ad_accounts/{id}/analytics [spec AdAccountAnalyticsResponse]."""
    problem = _problem(query, today)
    if problem:
        return error(INVALID_ANALYTICS, message_detail=problem)
    start, end = dt.date.fromisoformat(query["start_date"]), dt.date.fromisoformat(query["end_date"])
    columns = [c for c in query["columns"].split(",") if c]
    granularity = query["granularity"]
    rows: dict[dt.date | None, dict[str, Any]] = {}
    day = start
    while day <= end:
        row = rows.setdefault(_period(day, granularity), {c: 0 for c in columns})
        for column in columns:
            row[column] += _metric(account_id, day, column)
        day += dt.timedelta(days=1)
    out = []
    for period, values in rows.items():
        if not any(values.values()):
            continue  # Pinterest drops rows whose metrics are all 0 [FACTS §0]
        row = {"AD_ACCOUNT_ID": account_id}
        if period is not None:
            row["DATE"] = period.isoformat()
        row.update({c: round(v, 4) if isinstance(v, float) else v for c, v in values.items()})
        out.append(row)
    return Reply(200, out)
