"""Cases for rate-limit rules."""

from __future__ import annotations

from tests.cases.base import case
from tests.flowkit import ACCESS_2, error, flow, ratelimit

LIMITED = error(8, "Rate limit exceeded. Please try again later.")
SPAM = {"code": 8, "message": "Too many requests", "message_detail": "Request blocked as spam",
        "status": "failure"}

CASES = [
    case("rate-limited/hit-code-8-with-headers", lambda: [
        flow("GET", "/v5/boards", status=429, body=LIMITED, headers=ratelimit(0, reset=1)),
    ], "rate-limited"),
    case("rate-limited/hit-bare-429", lambda: [
        flow("GET", "/v5/boards", status=429),
    ], "rate-limited"),
    case("rate-limited/miss-plenty-left", lambda: [
        flow("GET", "/v5/boards", body={"items": []}, headers=ratelimit(99)),
    ]),
    case("rate-limited/miss-spam", lambda: [
        flow("POST", "/v5/pins", request_json={"board_id": "1"}, status=429, body=SPAM),
    ], "spam-blocked"),
    case("spam-blocked/hit-message-detail", lambda: [
        flow("POST", "/v5/pins", request_json={"board_id": "1"}, status=429, body=SPAM),
    ], "spam-blocked"),
    case("spam-blocked/hit-message", lambda: [
        flow("POST", "/v5/pins", request_json={"board_id": "1"}, status=429,
             body=error(8, "Your Pin was flagged as spam")),
    ], "spam-blocked"),
    case("spam-blocked/miss-rate-limit", lambda: [
        flow("POST", "/v5/pins", request_json={"board_id": "1"}, status=429, body=LIMITED),
    ], "rate-limited"),
    case("rate-limit-low/hit-under-ten-percent", lambda: [
        flow("GET", "/v5/boards", body={"items": []}, headers=ratelimit(5)),
    ], "rate-limit-low"),
    case("rate-limit-low/hit-custom-threshold", lambda: [
        flow("GET", "/v5/boards", body={"items": []}, headers=ratelimit(40, reset=None)),
    ], "rate-limit-low", ratelimit_warn=0.5),
    case("rate-limit-low/hit-plain-integer-headers", lambda: [
        flow("GET", "/v5/boards", body={"items": []}, headers=ratelimit(10, limit="1000")),
    ], "rate-limit-low"),
    case("rate-limit-low/miss-above-threshold", lambda: [
        flow("GET", "/v5/boards", body={"items": []}, headers=ratelimit(11)),
    ]),
    case("rate-limit-low/miss-429-is-rate-limited", lambda: [
        flow("GET", "/v5/boards", status=429, body=LIMITED, headers=ratelimit(0)),
    ], "rate-limited"),
    case("retry-before-reset/hit-inside-window", lambda: [
        flow("GET", "/v5/boards", status=429, body=LIMITED, headers=ratelimit(0, reset=30)),
        flow("GET", "/v5/boards/1022106146605358865", at=5, body={"id": "1022106146605358865"}),
    ], "retry-before-reset"),
    case("retry-before-reset/hit-no-reset-header", lambda: [
        flow("GET", "/v5/boards", status=429),
        flow("GET", "/v5/boards", at=0.5, status=429),
    ], "retry-before-reset", "rate-limited"),
    case("retry-before-reset/miss-after-reset", lambda: [
        flow("GET", "/v5/boards", status=429, body=LIMITED, headers=ratelimit(0, reset=30)),
        flow("GET", "/v5/boards", at=31, body={"items": []}),
    ]),
    case("retry-before-reset/miss-other-category", lambda: [
        flow("GET", "/v5/boards", status=429, body=LIMITED, headers=ratelimit(0, reset=30)),
        flow("POST", "/v5/boards", at=5, request_json={"name": "x"}, status=201, body={"id": "1"}),
    ]),
    case("retry-before-reset/miss-other-token", lambda: [
        flow("GET", "/v5/boards", status=429, body=LIMITED, headers=ratelimit(0, reset=30)),
        flow("GET", "/v5/boards", at=5, token=ACCESS_2, body={"items": []}),
    ]),
]

CASES += [
    case("rate-limited/hit-remaining-only-headers", lambda: [
        flow("GET", "/v5/boards", status=429, body=LIMITED, headers={"x-ratelimit-remaining": "0",
                                                                    "x-ratelimit-reset": "2"}),
    ], "rate-limited"),
    case("rate-limit-low/miss-garbage-headers", lambda: [
        flow("GET", "/v5/boards", body={"items": []},
             headers={"x-ratelimit-limit": "lots", "x-ratelimit-remaining": "-1", "x-ratelimit-reset": "soon"}),
    ]),
]
