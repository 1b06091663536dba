"""Cases for requests Pinterest refused as invalid, checked against the operation's schema in the spec."""

from __future__ import annotations

from tests.cases.base import case
from tests.flowkit import error, flow

INVALID = error(1, "Invalid parameters.")
IMAGE = {"source_type": "image_url", "url": "https://example.com/summer.jpg"}
AD_ACCOUNT = "549755885175"
CAMPAIGN = {"ad_account_id": AD_ACCOUNT, "name": "Spring sale", "objective_type": "AWARENESS"}
# A catalogue batch over MAX_CHECKED_BODY_BYTES (about 150 KiB): too large to validate on the spot.
BIG_BATCH = {"country": "US", "language": "EN", "operation": "UPSERT", "items": [
    {"item_id": f"sku-{i}", "attributes": {"title": "Linen shirt", "link": "https://example.com/p",
                                           "image_link": ["https://example.com/p.jpg"]}} for i in range(1300)]}

CASES = [
    case("invalid-request/hit-wrong-source-type", lambda: [
        flow("POST", "/v5/pins", status=400, body=INVALID,
             request_json={"board_id": "8135", "media_source": {"source_type": "url", "url": IMAGE["url"]}}),
    ], "invalid-request"),
    case("invalid-request/hit-missing-board-name", lambda: [
        flow("POST", "/v5/boards", status=400, body=INVALID, request_json={"description": "Summer recipes"}),
    ], "invalid-request"),
    case("invalid-request/hit-body-ad-account-pattern", lambda: [
        flow("POST", f"/v5/ad_accounts/{AD_ACCOUNT}/campaigns", status=400,
             body=error(1, "ad_account_id must match ^\\d+$"),
             request_json=[{**CAMPAIGN, "ad_account_id": f"act_{AD_ACCOUNT}"}]),
    ], "invalid-request"),
    case("invalid-request/hit-wrong-type", lambda: [
        flow("POST", "/v5/boards", status=400, body=INVALID, request_json={"name": "Summer", "is_ads_only": "yes"}),
    ], "invalid-request"),
    case("invalid-request/hit-query-over-maximum", lambda: [
        flow("GET", f"/v5/ad_accounts/{AD_ACCOUNT}/campaigns?page_size=1000&entity_statuses=ACTIVE,LIVE",
             status=400, body=INVALID),
    ], "invalid-request"),
    case("invalid-request/hit-several-fields", lambda: [
        flow("POST", "/v5/pins", status=400, body=INVALID,
             request_json={"board_id": "my board", "title": "x" * 101, "media_source": {"source_type": "image_url"}}),
    ], "invalid-request"),
    case("invalid-request/hit-spec-finds-nothing", lambda: [  # the spec does not require board_id
        flow("POST", "/v5/pins", status=400, body=error(1, "board_id is required"),
             request_json={"media_source": IMAGE}),
    ], "invalid-request"),
    case("invalid-request/hit-body-too-large", lambda: [
        flow("POST", "/v5/catalogs/items/batch", status=400, body=INVALID, request_json=BIG_BATCH),
    ], "invalid-request"),
    case("invalid-request/miss-created", lambda: [
        flow("POST", "/v5/pins", status=201, request_json={"board_id": "8135", "media_source": IMAGE},
             body={"id": "813744226420795884", "board_id": "8135"}),
    ]),
    case("invalid-request/miss-authentication-failed", lambda: [
        flow("POST", "/v5/pins", status=401, body=error(2, "Authentication failed."),
             request_json={"board_id": "8135", "media_source": {"source_type": "url"}}),
    ], "authentication-failed"),
    case("invalid-request/miss-code-1104", lambda: [  # no report token: the answer is about the access token
        flow("GET", "/v5/catalogs/reports", status=400, body=error(1104, "Token is not valid or has expired.")),
    ], "token-expired"),
    case("invalid-request/miss-other-host", lambda: [
        flow("POST", "/v5/pins", host="example.com", token=None, status=400, body=INVALID,
             request_json={"media_source": {"source_type": "url"}}),
    ]),
]
