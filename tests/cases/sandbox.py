"""Cases for sandbox vs production rules."""

from __future__ import annotations

from tests.cases.base import case
from tests.flowkit import SANDBOX, error, flow, token_grant

AUTH_FAILED = error(2, "Authentication failed.")
TRIAL_REFUSED = error(29, "Apps with Trial access may not create Pins in production. Please use API Sandbox "
                          "https://api-sandbox.pinterest.com instead.")
PIN = {"board_id": "1022106146605358865",
       "media_source": {"source_type": "image_url", "url": "https://example.com/a.jpg"}}


def sandbox_call(at: float = 0.0):
    """A successful sandbox call: uses up the once-per-session sandbox-host-in-use notice."""
    return flow("GET", "/v5/user_account", host=SANDBOX, at=at, body={"username": "me"})


CASES = [
    case("sandbox-token-on-production/hit-worked-on-sandbox", lambda: [
        sandbox_call(),
        flow("GET", "/v5/user_account", at=5, status=401, body=AUTH_FAILED),
    ], "sandbox-token-on-production"),
    case("sandbox-token-on-production/hit-issued-on-sandbox", lambda: [
        token_grant("user_accounts:read", host=SANDBOX),
        flow("GET", "/v5/user_account", at=5, status=401, body=AUTH_FAILED),
    ], "sandbox-token-on-production"),
    case("sandbox-token-on-production/miss-never-seen-on-sandbox", lambda: [
        flow("GET", "/v5/user_account", status=401, body=AUTH_FAILED),
    ], "authentication-failed"),
    case("sandbox-token-on-production/miss-worked-on-production-too", lambda: [
        sandbox_call(),
        flow("GET", "/v5/user_account", at=2, body={"username": "me"}),
        flow("GET", "/v5/user_account", at=5, status=401, body=AUTH_FAILED),
    ], "authentication-failed"),
    case("production-token-on-sandbox/hit-worked-on-production", lambda: [
        flow("GET", "/v5/user_account", body={"username": "me"}),
        flow("GET", "/v5/user_account", host=SANDBOX, at=5, status=401, body=AUTH_FAILED),
    ], "production-token-on-sandbox", "sandbox-host-in-use"),
    case("production-token-on-sandbox/hit-issued-on-production", lambda: [
        token_grant("user_accounts:read"),
        flow("GET", "/v5/user_account", host=SANDBOX, at=5, status=401, body=AUTH_FAILED),
    ], "production-token-on-sandbox", "sandbox-host-in-use"),
    case("production-token-on-sandbox/miss-worked-on-sandbox", lambda: [
        sandbox_call(),
        flow("GET", "/v5/user_account", host=SANDBOX, at=5, status=401, body=AUTH_FAILED),
    ], "authentication-failed"),
    case("sandbox-endpoint-unavailable/hit-on-request", lambda: [
        sandbox_call(),
        flow("GET", "/v5/user_account/following", host=SANDBOX, at=5, status=None),
    ], "sandbox-endpoint-unavailable"),
    case("sandbox-endpoint-unavailable/hit-confirmed-400", lambda: [
        sandbox_call(),
        flow("GET", "/v5/user_account/following", host=SANDBOX, at=5, status=400,
             body=error(400, "This endpoint is not available in sandbox.")),
    ], "sandbox-endpoint-unavailable"),
    case("sandbox-endpoint-unavailable/miss-enabled-operation", lambda: [
        sandbox_call(),
        sandbox_call(at=5),
    ]),
    case("sandbox-endpoint-unavailable/miss-on-production", lambda: [
        flow("GET", "/v5/user_account/following", body={"items": []}),
    ]),
    case("sandbox-host-in-use/hit-first-sandbox-call", lambda: [
        flow("GET", "/v5/user_account"),
        flow("GET", "/v5/boards", host=SANDBOX, at=5, body={"items": []}),
    ], "sandbox-host-in-use"),
    case("sandbox-host-in-use/miss-second-sandbox-call", lambda: [
        sandbox_call(),
        flow("GET", "/v5/boards", host=SANDBOX, at=5, body={"items": []}),
    ]),
    case("sandbox-host-in-use/miss-production", lambda: [
        flow("GET", "/v5/boards", body={"items": []}),
    ]),
    case("trial-production-write/hit-create-pin", lambda: [
        flow("POST", "/v5/pins", request_json=PIN, status=403, body=TRIAL_REFUSED),
    ], "trial-production-write"),
    case("trial-production-write/miss-pin-created", lambda: [
        flow("POST", "/v5/pins", request_json=PIN, status=201, body={"id": "813744226420795884"}),
    ]),
    # permission-denied (issue 4) owns other 403 code 29s; silenced so this case stays about this rule.
    case("trial-production-write/miss-other-code-29", lambda: [
        flow("POST", "/v5/pins", request_json=PIN, status=403,
             body=error(29, "You are not permitted to access that resource.")),
    ], silence=frozenset({"permission-denied"})),
]
