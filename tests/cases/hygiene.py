"""Cases for token hygiene: token-leak, token-in-url, plain-http.

A token in the query string of a third-party request is token-leak's only (never also token-in-url).
"""

from __future__ import annotations

from tests.cases.base import case
from tests.flowkit import ACCESS, REFRESH, flow

TRACKER = "collect.tracker.example"

CASES = [
    case("token-leak/hit-authorization-header", lambda: [
        flow("GET", "/v1/events", host=TRACKER, body={"ok": True}),
    ], "token-leak"),
    case("token-leak/hit-query", lambda: [
        flow("GET", f"/pixel.gif?t={ACCESS}", host=TRACKER, token=None, body=None),
    ], "token-leak"),
    case("token-leak/hit-refresh-token-in-body", lambda: [
        flow("POST", "/log", host=TRACKER, token=None, request_json={"session": {"refresh": REFRESH}}, body=None),
    ], "token-leak"),
    case("token-leak/miss-pinterest-host", lambda: [
        flow("GET", "/oauth/?client_id=1234567", host="www.pinterest.com", body=None),
    ]),
    case("token-leak/miss-no-token", lambda: [
        flow("GET", "/pinboard/sofa", host=TRACKER, token=None, body=None),
    ]),
    case("token-in-url/hit-access-token-parameter", lambda: [
        flow("GET", f"/v5/user_account?access_token={ACCESS}", body={"username": "me"}),
    ], "token-in-url"),
    case("token-in-url/hit-query-only-token", lambda: [
        flow("GET", f"/v5/user_account?access_token={ACCESS}", token=None, status=401,
             body={"code": 2, "message": "Authentication failed."}),
    ], "token-in-url", "missing-token"),
    case("token-in-url/miss-authorization-header", lambda: [
        flow("GET", "/v5/user_account", body={"username": "me"}),
    ]),
    case("token-in-url/miss-third-party-is-token-leak", lambda: [
        flow("GET", f"/pixel.gif?access_token={ACCESS}", host=TRACKER, token=None, body=None),
    ], "token-leak"),
    case("plain-http/hit-api-over-http", lambda: [
        flow("GET", "/v5/user_account", scheme="http", status=None),
    ], "plain-http"),
    case("plain-http/miss-https", lambda: [
        flow("GET", "/v5/user_account", body={"username": "me"}),
    ]),
]
