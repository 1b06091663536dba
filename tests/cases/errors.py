"""Cases for error answers: server errors, ramped-down and beta endpoints, bulk items, permissions.

How 401/403 answers split between rules (each case states the exact set):
- beta operation, code 29/7/none -> beta-endpoint only (never permission-denied as well);
- beta operation, code 3 -> insufficient-scope only; code 2625/2626 -> account-under-review only;
- other operation, code 29 -> permission-denied, unless the message points at the sandbox
  (trial-production-write only).
"""

from __future__ import annotations

from tests.cases.base import case
from tests.flowkit import basic, error, flow, token_grant

AD_ACCOUNT = "549755885175"
INTERNAL = error(500, "Internal server error.")
NOT_PERMITTED = error(29, "You are not permitted to access that resource.")
TRIAL_REFUSED = error(29, "Apps with Trial access may not create Pins in production. Please use API Sandbox "
                          "https://api-sandbox.pinterest.com instead.")
MULTI_PIN_ANALYTICS = "/v5/pins/analytics?pin_ids=1,2&start_date=2025-12-01&end_date=2025-12-03&metric_types=IMPRESSION"


def boom(at: float, rid: str, path: str = "/v5/boards"):
    """A 500 on `path`."""
    return flow("GET", path, at=at, status=500, body=INTERNAL, rid=rid)


CASES = [
    case("server-error/hit-500", lambda: [boom(0, "rid-a")], "server-error"),
    case("server-error/hit-502-without-body", lambda: [
        flow("GET", "/v5/boards", status=502, body=None),
    ], "server-error"),
    case("server-error/miss-third-is-persistent", lambda: [
        boom(0, "rid-1"), boom(1, "rid-2"), boom(2, "rid-3"),
    ], "server-error-persistent"),
    case("server-error/miss-healthy", lambda: [flow("GET", "/v5/boards", body={"items": []})]),
    case("server-error-persistent/hit-third-5xx", lambda: [
        boom(0, "rid-1"), boom(1, "rid-2"), boom(2, "rid-3"),
    ], "server-error-persistent"),
    case("server-error-persistent/miss-spread-over-operations", lambda: [
        boom(0, "rid-1"), boom(1, "rid-2"), boom(2, "rid-3", "/v5/pins/8135"),
    ], "server-error"),
    case("endpoint-ramped-down/hit-4197", lambda: [
        flow("POST", f"/v5/ad_accounts/{AD_ACCOUNT}/events", request_json={"data": []}, status=503,
             body=error(4197, "The endpoint has been ramped down and is currently not accepting any traffic.")),
    ], "endpoint-ramped-down"),
    case("endpoint-ramped-down/miss-plain-503", lambda: [
        flow("POST", f"/v5/ad_accounts/{AD_ACCOUNT}/events", request_json={"data": []}, status=503, body=None),
    ], "server-error"),
    case("beta-endpoint/hit-multi-pin-analytics-403", lambda: [
        flow("GET", MULTI_PIN_ANALYTICS, status=403, body=NOT_PERMITTED),
    ], "beta-endpoint"),
    case("beta-endpoint/hit-code-7", lambda: [
        flow("GET", MULTI_PIN_ANALYTICS, status=401, body=error(7, "Not authorized to access board or Pin.")),
    ], "beta-endpoint"),
    case("beta-endpoint/miss-code-3-is-a-scope-problem", lambda: [
        flow("GET", MULTI_PIN_ANALYTICS, status=401, body=error(3, "Not authorized: missing scopes")),
    ], "insufficient-scope"),
    case("beta-endpoint/miss-beta-operation-200", lambda: [
        flow("GET", MULTI_PIN_ANALYTICS, body={"1": {}, "2": {}}),
    ]),
    case("permission-denied/hit-ad-account", lambda: [
        flow("GET", f"/v5/ad_accounts/{AD_ACCOUNT}/campaigns", status=403, body=NOT_PERMITTED),
    ], "permission-denied"),
    case("permission-denied/hit-save-pin", lambda: [
        flow("POST", "/v5/pins/8135/save", request_json={"board_id": "1022106146605358865"}, status=403,
             body=NOT_PERMITTED),
    ], "permission-denied"),
    case("permission-denied/miss-trial-write", lambda: [
        flow("POST", "/v5/pins", request_json={"board_id": "1022106146605358865"}, status=403, body=TRIAL_REFUSED),
    ], "trial-production-write"),
    case("permission-denied/miss-beta-operation", lambda: [
        flow("GET", MULTI_PIN_ANALYTICS, status=403, body=NOT_PERMITTED),
    ], "beta-endpoint"),
    case("bulk-item-errors/hit-campaigns", lambda: [
        flow("POST", f"/v5/ad_accounts/{AD_ACCOUNT}/campaigns", request_json=[{"name": "a"}, {"name": "b"}],
             body={"items": [{"data": {"id": "626736533506"}, "exceptions": []},
                             {"data": None, "exceptions": [{"code": 2, "message": "Advertiser not found."}]}]}),
    ], "bulk-item-errors"),
    case("bulk-item-errors/hit-catalog-batch", lambda: [
        flow("GET", "/v5/catalogs/items/batch/595953100599279259", body={
            "batch_id": "595953100599279259", "status": "COMPLETED",
            "items": [{"item_id": "DS0294-M", "status": "FAILURE",
                       "errors": [{"attribute": "title", "code": 106, "message": "Title is missing."}]}]}),
    ], "bulk-item-errors"),
    case("bulk-item-errors/miss-all-items-ok", lambda: [
        flow("POST", f"/v5/ad_accounts/{AD_ACCOUNT}/campaigns", request_json=[{"name": "a"}],
             body={"items": [{"data": {"id": "626736533506"}, "exceptions": []}]}),
    ]),
    case("client-credentials-2fa/hit-1201", lambda: [
        flow("POST", "/v5/oauth/token", authorization=basic(), form={"grant_type": "client_credentials"},
             status=401, body=error(1201, "Two-factor authentication required.")),
    ], "client-credentials-2fa"),
    case("client-credentials-2fa/miss-granted", lambda: [
        token_grant("ads:read", grant_type="client_credentials"),
    ]),
    case("account-under-review/hit-2626-beta-operation", lambda: [
        flow("POST", "/v5/catalogs/feeds", request_json={"name": "feed"}, status=403,
             body=error(2626, "We are reviewing your account. Please see business hub for more details. "
                              "https://www.pinterest.com/business/hub/")),
    ], "account-under-review"),
    case("account-under-review/hit-2625", lambda: [
        flow("GET", "/v5/catalogs/feeds", status=403,
             body=error(2625, "Sorry, you cannot perform this action as your account has been disapproved.")),
    ], "account-under-review"),
    case("account-under-review/miss-healthy", lambda: [
        flow("GET", "/v5/catalogs/feeds", body={"items": []}),
    ]),
]
