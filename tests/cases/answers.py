"""Cases for the answer table (rules/answers/table.toml): the answers Pinterest really sent (FACTS §8),
exact messages included, and the rules that explain no answer but say what Pinterest said."""

from __future__ import annotations

from tests.cases.base import case
from tests.cases.forecast import burst
from tests.flowkit import SANDBOX, error, flow, token_grant

RESTRICTED = "Your application does not have access to this restricted feature: pin_search"
CONSUMER = "Your application consumer type is not supported, please contact support."
PERMISSIONS = "Your token does not have sufficient permissions to perform this operation. Please re-authorize."
AUTH_FAILED = error(2, "Authentication failed.")

CASES = [
    # The worked example of docs/answers.md: code 654 (FACTS §1) became one row and this pair of cases.
    case("business-account-required/hit-code-654", lambda: [
        flow("POST", "/v5/catalogs/feeds", status=403, request_json={"name": "feed"},
             body=error(654, "You must be a business account to act as a merchant.")),
    ], "business-account-required"),
    case("business-account-required/miss-other-403-on-a-beta-operation", lambda: [
        flow("POST", "/v5/catalogs/feeds", status=403, request_json={"name": "feed"},
             body=error(29, "You are not permitted to access that resource.")),
    ], "beta-endpoint"),
    case("restricted-feature/hit-restricted-feature-message", lambda: [
        flow("GET", "/v5/search/partner/pins?term=cats", status=401, body=error(3, RESTRICTED)),
    ], "restricted-feature"),
    case("restricted-feature/hit-restricted-operation-grant-covers", lambda: [
        token_grant("boards:read pins:read"),
        flow("GET", "/v5/search/partner/pins?term=cats", at=5, status=401, body=error(3, "Not authorized")),
    ], "restricted-feature"),
    case("restricted-feature/miss-sufficient-permissions", lambda: [
        flow("GET", "/v5/pins/123", status=401, body=error(3, PERMISSIONS)),
    ], "insufficient-scope"),
    case("app-not-approved/hit-consumer-type", lambda: [
        flow("GET", "/v5/user_account", status=401, body=error(3, CONSUMER)),
    ], "app-not-approved"),
    case("app-not-approved/miss-other-code-3", lambda: [
        flow("GET", "/v5/boards", status=401, body=error(3, PERMISSIONS)),
    ], "insufficient-scope"),
    case("pinterest-error/hit-not-found", lambda: [
        flow("GET", "/v5/pins/123", status=404, body=error(50, "Pin not found.")),
    ], "pinterest-error"),
    case("pinterest-error/hit-conflict-without-body", lambda: [
        flow("POST", "/v5/catalogs/feeds", status=409, request_json={}, body=None),
    ], "pinterest-error"),
    case("pinterest-error/miss-known-answer", lambda: [
        flow("GET", "/v5/boards", status=429, body=error(8, "Rate limit exceeded")),
    ], "rate-limited"),
    case("pinterest-error/miss-healthy", lambda: [
        flow("GET", "/v5/boards", body={"items": []}),
    ]),
    case("pinterest-error/miss-retired-version", lambda: [
        flow("GET", "/v1/me/", status=401, body=error(3, "Authorization failed.")),
    ], "wrong-api-version"),
    case("wrong-api-version/miss-no-v5-diagnosis-on-v1-with-known-grant", lambda: [
        token_grant("user_accounts:read"),
        flow("POST", "/v1/pins/", at=5, status=401, request_json={"board_id": "1"},
             body=error(3, "Authorization failed.")),
    ], "wrong-api-version"),
    case("production-token-on-sandbox/hit-authenticated-by-a-403", lambda: [
        flow("POST", "/v5/pins", status=403, request_json={"board_id": "1"},
             body=error(29, "You are not permitted to access that resource.")),
        flow("GET", "/v5/boards", host=SANDBOX, at=5, status=401, body=AUTH_FAILED),
    ], "production-token-on-sandbox", "sandbox-host-in-use"),
    case("authentication-failed/hit-unseen-token-on-sandbox", lambda: [
        flow("GET", "/v5/boards", host=SANDBOX, status=401, body=AUTH_FAILED),
    ], "authentication-failed", "sandbox-host-in-use"),
    case("authentication-failed/hit-no-token-on-an-unknown-operation", lambda: [
        flow("GET", "/v5/not_a_thing", token=None, status=401, body=AUTH_FAILED),
    ], "authentication-failed", "unknown-endpoint"),
    case("beta-endpoint/hit-ad-account-named", lambda: [
        flow("POST", "/v5/ad_accounts/123/ad_groups", status=403, request_json=[{"name": "g"}],
             body=error(7, "Not authorized to access this resource.")),
    ], "beta-endpoint"),
    case("plain-http/hit-no-token", lambda: [
        flow("GET", "/v5/boards", scheme="http", token=None, status=401, body=AUTH_FAILED),
    ], "plain-http", "missing-token"),
    case("authentication-failed/hit-unseen-token-on-production", lambda: [
        flow("GET", "/v5/user_account", status=401, body=AUTH_FAILED),
    ], "authentication-failed"),
    case("sandbox-endpoint-unavailable/hit-confirmed-once", lambda: [
        flow("GET", "/v5/user_account/following", host=SANDBOX, status=400,
             body=error(400, "This endpoint is not available in sandbox")),
    ], "sandbox-endpoint-unavailable", "sandbox-host-in-use"),
    case("rate-limit-forecast/hit-low-silenced-by-header", lambda: [
        *burst(17, 0.1),
        *[f for f in burst(18, 0.1)[17:] if not f.request.headers.update({"X-Pinscope-Silence": "rate-limit-low"})],
    ], "rate-limit-forecast"),
]
