"""Ads analytics: omitted all-zero rows, conversion settings vs Ads Manager, date windows, metro data.

"Today" is the request's own timestamp (UTC), never the clock.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta

from pinscope.catalog import Operation
from pinscope.detectors.base import Context, Findings, detects, listed
from pinscope.exchange import Exchange
from pinscope.findings import Finding, Phrase

SYNC_ANALYTICS = re.compile(r"^/ad_accounts/\{ad_account_id\}(/\w+)?/(targeting_)?analytics$")
ASYNC_REPORT = "/ad_accounts/{ad_account_id}/reports"
# (parameter, Ads Manager's default): the rule's phrase named after a parameter words a value that differs
CONVERSION_DEFAULTS = (
    ("conversion_report_time", "TIME_OF_AD_ACTION"),
    ("click_window_days", "30"),
    ("engagement_window_days", "30"),
    ("view_window_days", "1"),
)
REPORT_TIME_PHRASES = {"TIME_OF_AD_ACTION": "ad_event_date", "TIME_OF_CONVERSION": "conversion_event_date"}
# (days back from today, days between start and end) the spec allows
SYNC_LIMITS = {"HOUR": (8, 3), "other": (90, 90)}
ASYNC_LIMITS = {"HOUR": (8, 3), "PRODUCT_ITEM": (92, 31), "other": (914, 186)}
GEO_TYPES = ("COUNTRY", "REGION", "GEO")
ID_PARAMS = ("campaign_ids", "ad_group_ids", "ad_ids", "product_group_ids", "pin_ids")
MAX_LISTED = 10
MAX_DAYS = 400  # never enumerate more dates than any analytics window allows


def _kind(op: Operation | None) -> str | None:
    """Which analytics call: "sync" (GET …/analytics), "async" (POST …/reports) or None."""
    if op is None:
        return None
    if op.method == "GET" and SYNC_ANALYTICS.match(op.path):
        return "sync"
    return "async" if op.method == "POST" and op.path == ASYNC_REPORT else None


def _params(ex: Exchange, kind: str) -> dict[str, str]:
    """The request's analytics parameters as text: query for GETs, JSON body for async reports."""
    if kind == "sync":
        return ex.query
    body = ex.request_json if isinstance(ex.request_json, dict) else {}
    return {k: ",".join(map(str, v)) if isinstance(v, list) else str(v) for k, v in body.items()}


def _day(text: str | None) -> date | None:
    try:
        return date.fromisoformat(text[:10]) if text else None
    except ValueError:
        return None


@detects("analytics-conversion-settings", phase="request", api=True, applies=lambda op: _kind(op) is not None)
def conversion_settings(ex: Exchange, ctx: Context) -> Findings:
    """Show the effective conversion settings (one param each, `left_out` when Pinterest's default
    applies); the "differs" variant names each one that is not Ads Manager's default."""
    op = ctx.operation
    kind = _kind(op)
    if not ex.is_api or op is None or kind is None:
        return ()
    params = _params(ex, kind)
    values = {name: params.get(name) or default for name, default in CONVERSION_DEFAULTS}
    shown = {name: value if name in params else Phrase("left_out", {"value": value}) for name, value in values.items()}
    differs = [Phrase(name, {"value": values[name]}) for name, default in CONVERSION_DEFAULTS
               if values[name] != default]
    report_time = values["conversion_report_time"]
    return (Finding("analytics-conversion-settings", {
        "operation": op.label, **shown,
        "report_time": Phrase(REPORT_TIME_PHRASES[report_time]) if report_time in REPORT_TIME_PHRASES else report_time,
        "windows": "/".join(values[name] for name, _ in CONVERSION_DEFAULTS[1:]),
        "differs": differs or None,
    }, "differs" if differs else "default"),)


@detects("analytics-date-range", phase="request", api=True, applies=lambda op: _kind(op) is not None)
def date_range(ex: Exchange, ctx: Context) -> Findings:
    """start_date/end_date outside the window the operation accepts (days back, span, order)."""
    op = ctx.operation
    kind = _kind(op)
    if not ex.is_api or op is None or kind is None:
        return ()
    params = _params(ex, kind)
    start, end = _day(params.get("start_date")), _day(params.get("end_date"))
    if start is None or end is None:
        return ()
    granularity = (params.get("granularity") or "").upper()
    limits = SYNC_LIMITS if kind == "sync" else ASYNC_LIMITS
    key = "PRODUCT_ITEM" if params.get("level") == "PRODUCT_ITEM" else granularity
    max_back, max_span = limits.get(key, limits["other"])
    today = datetime.fromtimestamp(ex.timestamp, UTC).date()
    problems = []
    if end < start:
        problems.append(Phrase("end_before_start", {"start": start, "end": end}))
    if (today - start).days > max_back:
        problems.append(Phrase("too_far_back", {"start": start, "days": (today - start).days, "max_back": max_back}))
    if (end - start).days > max_span:
        problems.append(Phrase("too_long", {"days": (end - start).days, "max_span": max_span}))
    if problems:
        return (Finding("analytics-date-range", {
            "operation": op.label, "problems": problems,
            "granularity": granularity or Phrase("unspecified"), "today": today, "max_back": max_back,
            "max_span": max_span, "earliest": today - timedelta(days=max_back),
        }),)
    return ()


@detects("metro-analytics-hint", phase="request", api=True,
         applies=lambda op: op.path.endswith("/targeting_analytics"))
def metro_hint(ex: Exchange, ctx: Context) -> Findings:
    """Targeting analytics broken down by country/region/geo but not LOCATION (metro and zone)."""
    op = ctx.operation
    if not ex.is_api or op is None or not op.path.endswith("/targeting_analytics"):
        return ()
    types = {t.strip().upper() for t in ex.query.get("targeting_types", "").split(",") if t.strip()}
    geo = [t for t in GEO_TYPES if t in types]
    if geo and "LOCATION" not in types:
        return (Finding("metro-analytics-hint", {
            "operation": op.label, "geo_types": ", ".join(geo), "types": ",".join(sorted(types)),
        }),)
    return ()


def _rows(body: object) -> list[dict] | None:
    """Analytics rows: a JSON array, or targeting analytics' `data[].metrics`."""
    if isinstance(body, list):
        return [r for r in body if isinstance(r, dict)]
    if isinstance(body, dict) and isinstance(body.get("data"), list):
        return [r["metrics"] for r in body["data"] if isinstance(r, dict) and isinstance(r.get("metrics"), dict)]
    return None


def _missing_ids(query: dict[str, str], rows: list[dict]) -> list[Phrase]:
    """`campaign_ids 2, 3`: requested ids no row names (only where rows carry that id at all)."""
    if query.get("aggregate_report_rows", "").lower() == "true":
        return []
    out = []
    for name in ID_PARAMS:
        column = name.removesuffix("s").upper()
        wanted = [v.strip() for v in query.get(name, "").split(",") if v.strip()]
        if not wanted or (rows and not any(column in r for r in rows)):
            continue
        seen = {str(r.get(column)) for r in rows}
        missing = [v for v in dict.fromkeys(wanted) if v not in seen]
        if missing:
            out.append(Phrase("ids", {"name": name, "ids": listed(missing, MAX_LISTED)}))
    return out


def _missing_dates(query: dict[str, str], rows: list[dict]) -> list[Phrase]:
    """Dates of a DAY report with no row at all."""
    start, end = _day(query.get("start_date")), _day(query.get("end_date"))
    if query.get("granularity", "").upper() != "DAY" or start is None or end is None:
        return []
    if not 0 <= (end - start).days < MAX_DAYS:
        return []
    seen = {str(r.get("DATE", ""))[:10] for r in rows}
    days = (str(start + timedelta(days=i)) for i in range((end - start).days + 1))
    missing = [d for d in days if d not in seen]
    return [Phrase("dates", {"dates": listed(missing, MAX_LISTED)})] if missing else []


@detects("analytics-rows-omitted", api=True, statuses=(200, 200), applies=lambda op: _kind(op) == "sync")
def rows_omitted(ex: Exchange, ctx: Context) -> Findings:
    """A 200 analytics answer without rows for some requested ids or days: all-zero rows are dropped."""
    op = ctx.operation
    if not ex.is_api or ex.status != 200 or op is None or _kind(op) != "sync":
        return ()
    rows = _rows(ex.response_json)
    if rows is None:
        return ()
    missing = _missing_ids(ex.query, rows) + _missing_dates(ex.query, rows)
    if missing:
        return (Finding("analytics-rows-omitted", {"operation": op.label, "rows": len(rows), "missing": missing}),)
    return ()


DETECTORS = (conversion_settings, date_range, metro_hint, rows_omitted)
