"""Cases for scope, token and OAuth rules."""

from __future__ import annotations

from tests.cases.base import case
from tests.flowkit import ACCESS, APP_ID, APP_SECRET, AUTH_CODE, REFRESH, basic, error, flow, token_grant

CASES = [
    case("insufficient-scope/hit-grant-unknown", lambda: [
        flow("GET", "/v5/pins/123", status=401, body=error(3, "Not authorized: missing scopes")),
    ], "insufficient-scope"),
    case("insufficient-scope/hit-grant-known", lambda: [
        token_grant("pins:read"),
        flow("GET", "/v5/pins/123", at=5, status=401, body=error(3, "Not authorized: missing scopes")),
    ], "insufficient-scope"),  # the answer confirms scope-not-granted's prediction: said once
    case("insufficient-scope/miss-401-code-2", lambda: [
        flow("GET", "/v5/pins/123", status=401, body=error(2, "Authentication failed.")),
    ], "authentication-failed"),
    case("scope-not-granted/hit-before-any-401", lambda: [
        token_grant("pins:read user_accounts:read"),
        flow("GET", "/v5/boards", at=5, status=None),
    ], "scope-not-granted"),
    case("scope-not-granted/miss-grant-covers", lambda: [
        token_grant("boards:read pins:read"),
        flow("GET", "/v5/pins/123", at=5, body={"id": "123"}),
    ]),
    case("scope-not-granted/miss-grant-unknown", lambda: [
        flow("GET", "/v5/boards", body={"items": []}),
    ]),
]

REFRESH_FORM = {"grant_type": "refresh_token", "refresh_token": REFRESH}
AUTH_FAILED = error(2, "Authentication failed.")

CASES += [
    case("token-expired/hit-known-expiry-passed", lambda: [
        token_grant("boards:read pins:read", expires_in=3600),
        flow("GET", "/v5/boards", at=7200, status=401, body=AUTH_FAILED),
    ], "token-expired"),
    case("token-expired/hit-code-1104", lambda: [
        flow("GET", "/v5/catalogs/reports", status=400, body=error(1104, "Token is not valid or has expired.")),
    ], "token-expired"),
    case("token-expired/hit-expired-message", lambda: [
        flow("GET", "/v5/boards", status=401, body=error(2, "Authentication failed. Access token expired.")),
    ], "token-expired"),
    case("token-expired/miss-expiry-not-reached", lambda: [
        token_grant("boards:read pins:read", expires_in=3600),
        flow("GET", "/v5/boards", at=60, status=401, body=AUTH_FAILED),
    ], "authentication-failed"),
    case("authentication-failed/hit-never-worked", lambda: [
        flow("GET", "/v5/user_account", status=401, body=AUTH_FAILED),
    ], "authentication-failed"),
    case("authentication-failed/hit-worked-before", lambda: [
        flow("GET", "/v5/user_account", body={"username": "someone"}),
        flow("GET", "/v5/boards", at=600, status=401, body=AUTH_FAILED),
    ], "authentication-failed"),
    case("authentication-failed/hit-app-credentials-rejected", lambda: [
        flow("POST", "/v5/oauth/token", authorization=basic(), status=401, body=AUTH_FAILED,
             form={"grant_type": "authorization_code", "code": AUTH_CODE, "redirect_uri": "http://localhost/"}),
    ], "authentication-failed"),
    case("authentication-failed/miss-success", lambda: [
        flow("GET", "/v5/user_account", body={"username": "someone"}),
    ]),
    case("authentication-failed/miss-refresh-grant-is-refresh-failed", lambda: [
        flow("POST", "/v5/oauth/token", authorization=basic(), form=REFRESH_FORM,
             status=401, body=AUTH_FAILED),
    ], "refresh-failed"),
    case("missing-token/hit-no-authorization", lambda: [
        flow("GET", "/v5/boards", token=None, status=401, body=AUTH_FAILED),
    ], "missing-token"),
    case("missing-token/hit-conversion-events", lambda: [
        flow("POST", "/v5/ad_accounts/549755885175/events", token=None, status=None,
             request_json={"data": []}),
    ], "missing-token"),
    case("missing-token/miss-bearer-present", lambda: [
        flow("GET", "/v5/boards", body={"items": []}),
    ]),
    case("missing-token/miss-token-endpoint-uses-basic", lambda: [
        token_grant("boards:read"),
    ]),
    case("malformed-authorization/hit-refresh-token-as-bearer", lambda: [
        flow("GET", "/v5/boards", token=REFRESH, status=401, body=AUTH_FAILED),
    ], "malformed-authorization"),
    case("malformed-authorization/hit-non-v5-token", lambda: [
        flow("GET", "/v5/boards", token="AQ3f0ldv3tokenFAKE000000000000000", status=401, body=AUTH_FAILED),
    ], "malformed-authorization"),
    case("malformed-authorization/hit-no-bearer-scheme", lambda: [
        flow("GET", "/v5/boards", authorization=ACCESS, status=401, body=AUTH_FAILED),
    ], "malformed-authorization"),
    case("malformed-authorization/hit-unencoded-client-secret", lambda: [
        flow("POST", "/v5/oauth/token", authorization=f"Basic {APP_ID}:{APP_SECRET}", status=401,
             body=AUTH_FAILED, form={"grant_type": "authorization_code", "code": AUTH_CODE}),
    ], "malformed-authorization"),
    case("malformed-authorization/hit-bearer-at-token-endpoint", lambda: [
        flow("POST", "/v5/oauth/token", status=None, form={"grant_type": "client_credentials",
                                                           "scope": "ads:read"}),
    ], "malformed-authorization"),
    case("malformed-authorization/hit-app-credentials-on-api", lambda: [
        flow("GET", "/v5/boards", authorization=basic(), status=401, body=AUTH_FAILED),
    ], "malformed-authorization"),
    case("malformed-authorization/miss-bearer-access-token", lambda: [
        flow("GET", "/v5/boards", body={"items": []}),
    ]),
    case("malformed-authorization/miss-conversion-token", lambda: [
        flow("POST", "/v5/ad_accounts/549755885175/events", token="convFAKEconversiontoken000000001",
             request_json={"data": []}, body={"num_events_received": 0}),
    ]),
    case("refresh-failed/hit-code-283", lambda: [
        flow("POST", "/v5/oauth/token", authorization=basic(), form=REFRESH_FORM,
             status=400, body=error(283, "The authorization grant is invalid")),
    ], "refresh-failed"),
    case("refresh-failed/hit-with-continuous-refresh", lambda: [
        flow("POST", "/v5/oauth/token", authorization=basic(), status=400,
             form={**REFRESH_FORM, "continuous_refresh": "true"},
             body=error(283, "The authorization grant is invalid")),
    ], "refresh-failed"),
    case("refresh-failed/miss-refresh-succeeded", lambda: [
        token_grant("boards:read", grant_type="refresh_token"),
    ]),
    case("refresh-failed/miss-authorization-code-grant", lambda: [
        flow("POST", "/v5/oauth/token", authorization=basic(), status=400,
             form={"grant_type": "authorization_code", "code": AUTH_CODE},
             body=error(283, "The authorization grant is invalid")),
    ], "pinterest-error"),
]

CASES += [
    case("authentication-failed/hit-app-deactivated", lambda: [
        flow("GET", "/v5/boards", status=401, body=error(2, "Authentication failed. App is deactivated.")),
    ], "authentication-failed"),
    case("refresh-failed/miss-bad-basic-auth", lambda: [
        flow("POST", "/v5/oauth/token", authorization=f"Basic {APP_ID}:{APP_SECRET}", form=REFRESH_FORM,
             status=401, body=AUTH_FAILED),
    ], "malformed-authorization"),
]
