"""Cases for ads analytics rules (fixtures are dated 2026-01-01 UTC, flowkit's T0).

Every ads analytics request also gets analytics-conversion-settings (info): it always shows the
effective settings, so it appears in the expected set of every analytics case.
"""

from __future__ import annotations

from urllib.parse import urlencode

from tests.cases.base import case
from tests.flowkit import error, flow

AD_ACCOUNT = "549755885175"
CONVERSION = "analytics-conversion-settings"


def analytics(kind: str = "", **query: str) -> str:
    """`/v5/ad_accounts/<id>/<kind>analytics?...` with DAY granularity over Dec 1-3 by default."""
    params = {"start_date": "2025-12-01", "end_date": "2025-12-03", "granularity": "DAY",
              "columns": "SPEND_IN_DOLLAR,TOTAL_CONVERSIONS", **query}
    return f"/v5/ad_accounts/{AD_ACCOUNT}/{kind}analytics?{urlencode(params)}"


def row(date: str, **ids: str) -> dict:
    """One analytics row."""
    return {"DATE": date, "SPEND_IN_DOLLAR": 12.5, **ids}


ACCOUNT_ROWS = [row(d, AD_ACCOUNT_ID=AD_ACCOUNT) for d in ("2025-12-01", "2025-12-02", "2025-12-03")]
INVALID = error(1, "Invalid ad account ads analytics parameters.")
REPORT = {"level": "CAMPAIGN", "granularity": "DAY", "columns": ["SPEND_IN_DOLLAR"]}

CASES = [
    case("analytics-conversion-settings/hit-defaults", lambda: [
        flow("GET", analytics(), body=ACCOUNT_ROWS),
    ], CONVERSION),
    case("analytics-conversion-settings/hit-differs", lambda: [
        flow("GET", analytics(click_window_days="7", conversion_report_time="TIME_OF_CONVERSION"),
             body=ACCOUNT_ROWS),
    ], CONVERSION),
    case("analytics-conversion-settings/hit-async-report", lambda: [
        flow("POST", f"/v5/ad_accounts/{AD_ACCOUNT}/reports", body={"token": "r1", "report_status": "IN_PROGRESS"},
             request_json={**REPORT, "start_date": "2025-12-01", "end_date": "2025-12-31", "view_window_days": 7}),
    ], CONVERSION),
    case("analytics-conversion-settings/miss-not-analytics", lambda: [
        flow("GET", f"/v5/ad_accounts/{AD_ACCOUNT}", body={"id": AD_ACCOUNT, "name": "Shop"}),
    ]),
    case("analytics-rows-omitted/hit-missing-campaign-and-date", lambda: [
        flow("GET", analytics("campaigns/", campaign_ids="111,222"),
             body=[row("2025-12-01", CAMPAIGN_ID="111"), row("2025-12-03", CAMPAIGN_ID="111")]),
    ], "analytics-rows-omitted", CONVERSION),
    case("analytics-rows-omitted/hit-empty-answer", lambda: [
        flow("GET", analytics("campaigns/", campaign_ids="111", granularity="TOTAL"), body=[]),
    ], "analytics-rows-omitted", CONVERSION),
    case("analytics-rows-omitted/miss-every-row-present", lambda: [
        flow("GET", analytics("campaigns/", campaign_ids="111,222"),
             body=[row(d, CAMPAIGN_ID=c) for c in ("111", "222")
                   for d in ("2025-12-01", "2025-12-02", "2025-12-03")]),
    ], CONVERSION),
    case("analytics-rows-omitted/miss-aggregated-rows", lambda: [
        flow("GET", analytics("campaigns/", campaign_ids="111,222", aggregate_report_rows="true"),
             body=[row(d) for d in ("2025-12-01", "2025-12-02", "2025-12-03")]),
    ], CONVERSION),
    case("analytics-date-range/hit-beyond-90-days", lambda: [
        flow("GET", analytics(start_date="2025-09-01", end_date="2025-09-30"), status=400, body=INVALID),
    ], "analytics-date-range", CONVERSION),
    case("analytics-date-range/hit-span-over-90-days", lambda: [
        flow("GET", analytics(start_date="2025-10-05", end_date="2026-01-05"), status=400, body=INVALID),
    ], "analytics-date-range", CONVERSION),
    case("analytics-date-range/hit-hour-9-days-back", lambda: [
        flow("GET", analytics(start_date="2025-12-23", end_date="2025-12-24", granularity="HOUR"),
             status=400, body=INVALID),
    ], "analytics-date-range", CONVERSION),
    case("analytics-date-range/hit-async-span", lambda: [
        flow("POST", f"/v5/ad_accounts/{AD_ACCOUNT}/reports", status=400, body=INVALID,
             request_json={**REPORT, "start_date": "2025-06-01", "end_date": "2025-12-31"}),
    ], "analytics-date-range", CONVERSION),
    case("analytics-date-range/miss-within-90-days", lambda: [
        flow("GET", analytics(start_date="2025-10-05", end_date="2025-12-31", granularity="TOTAL"),
             body=[{"AD_ACCOUNT_ID": AD_ACCOUNT, "SPEND_IN_DOLLAR": 3.0}]),
    ], CONVERSION),
    case("analytics-date-range/miss-async-older-data", lambda: [
        flow("POST", f"/v5/ad_accounts/{AD_ACCOUNT}/reports", body={"token": "r1", "report_status": "IN_PROGRESS"},
             request_json={**REPORT, "start_date": "2025-03-01", "end_date": "2025-08-01"}),
    ], CONVERSION),
    case("metro-analytics-hint/hit-country-region", lambda: [
        flow("GET", analytics("targeting_", targeting_types="COUNTRY,REGION", granularity="TOTAL"),
             body={"data": []}),
    ], "metro-analytics-hint", CONVERSION),
    case("metro-analytics-hint/miss-with-location", lambda: [
        flow("GET", analytics("targeting_", targeting_types="REGION,LOCATION", granularity="TOTAL"),
             body={"data": [{"targeting_type": "LOCATION", "targeting_value": 500,
                             "metrics": {"AD_ACCOUNT_ID": AD_ACCOUNT, "SPEND_IN_DOLLAR": 240}}]}),
    ], CONVERSION),
]
