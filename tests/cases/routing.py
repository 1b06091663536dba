"""Cases for requests the catalogue cannot route (all flagged on the request)."""

from __future__ import annotations

from tests.cases.base import case
from tests.flowkit import error, flow

NOT_FOUND = error(404, "Not found.")

CASES = [
    case("unknown-endpoint/hit-typo", lambda: [
        flow("GET", "/v5/pin/8135", status=404, body=NOT_FOUND),
    ], "unknown-endpoint"),
    case("unknown-endpoint/hit-nothing-close", lambda: [
        flow("GET", "/v5/zzzzzzzzzzzzzzzzzzzzzzzzzzzzzz", status=404, body=NOT_FOUND),
    ], "unknown-endpoint"),
    case("unknown-endpoint/miss-known-operation", lambda: [
        flow("GET", "/v5/pins/8135", body={"id": "8135"}),
    ]),
    case("unknown-endpoint/miss-cors-preflight", lambda: [
        flow("OPTIONS", "/v5/pin/8135", token=None, status=204, body=None),
    ]),
    case("method-not-allowed/hit-put-pin", lambda: [
        flow("PUT", "/v5/pins/8135", request_json={"title": "x"}, status=405, body=error(5, "Method not allowed.")),
    ], "method-not-allowed"),
    case("method-not-allowed/miss-patch-pin", lambda: [
        flow("PATCH", "/v5/pins/8135", request_json={"title": "x"}, body={"id": "8135", "title": "x"}),
    ]),
    case("wrong-api-version/hit-v3", lambda: [
        flow("GET", "/v3/users/me/", status=404, body=NOT_FOUND),
    ], "wrong-api-version"),
    case("wrong-api-version/hit-v1-with-v5-equivalent", lambda: [
        flow("GET", "/v1/pins/8135/", status=404, body=NOT_FOUND),
    ], "wrong-api-version"),
    case("wrong-api-version/hit-nothing-close", lambda: [
        flow("GET", "/v3/zzzzzzzzzzzzzzzzzzzzzzzzzzzzzz/", status=404, body=NOT_FOUND),
    ], "wrong-api-version"),
    case("wrong-api-version/miss-v5", lambda: [
        flow("GET", "/v5/user_account", body={"username": "me"}),
    ]),
    case("invalid-id-format/hit-prefixed-ad-account", lambda: [
        flow("GET", "/v5/ad_accounts/act_549755885175/campaigns", status=400,
             body=error(1, "ad_account_id must match ^\\d+$")),
    ], "invalid-id-format"),
    case("invalid-id-format/hit-too-long", lambda: [
        flow("GET", "/v5/ad_accounts/5497558851751234567890/campaigns", status=400,
             body=error(1, "Invalid ad account id")),
    ], "invalid-id-format"),
    case("invalid-id-format/hit-query-parameter", lambda: [
        flow("GET", "/v5/boards?ad_account_id=my-shop", status=400, body=error(1, "Invalid ad account id")),
    ], "invalid-id-format"),
    case("invalid-id-format/miss-numeric-ids", lambda: [
        flow("GET", "/v5/ad_accounts/549755885175/campaigns?ad_account_id=549755885175", body={"items": []}),
    ]),
]
