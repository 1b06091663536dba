"""Cases for recovery rules: what the client did after an error (retry-without-backoff, ...)."""

from __future__ import annotations

from tests.cases.base import case
from tests.flowkit import ACCESS_2, error, flow, ratelimit

BOOM = error(1, "Something went wrong on our end. Sorry about that.")
PIN = {"board_id": "1022106146605358865", "media_source": {"source_type": "image_url",
                                                           "url": "https://example.com/a.jpg"}}
CREATED = {"id": "1022106146605358866"}
SCOPE = error(3, "Authentication failed.")
BAD_PARAMS = error(1, "Invalid parameters.")
BOARDS = {"items": []}


def _hammer(gaps: tuple[float, ...], **last) -> list:
    """A 503, then retries `gaps` seconds apart; the last answer as `last` says (503 by default)."""
    times = [0.0]
    for gap in gaps:
        times.append(times[-1] + gap)
    flows = [flow("GET", "/v5/boards", at=t, status=503, body=BOOM) for t in times[:-1]]
    return flows + [flow("GET", "/v5/boards", at=times[-1], **({"status": 503, "body": BOOM} | last))]


CASES = [
    case("retry-without-backoff/hit-third-quick-attempt", lambda: _hammer((0.05, 0.05), status=200, body=BOARDS),
         "retry-without-backoff"),
    case("retry-without-backoff/miss-one-quick-retry", lambda: _hammer((0.05,), status=200, body=BOARDS)),
    case("retry-without-backoff/miss-backed-off", lambda: _hammer((1.0, 2.0), status=200, body=BOARDS)),
    case("retry-without-backoff/miss-other-token", lambda: [
        *_hammer((0.05,)), flow("GET", "/v5/boards", at=0.15, token=ACCESS_2, body=BOARDS),
    ]),
    case("write-retried-after-5xx/hit-post-again", lambda: [
        flow("POST", "/v5/pins", request_json=PIN, status=500, body=BOOM),
        flow("POST", "/v5/pins", at=2, request_json=PIN, status=201, body=CREATED),
    ], "write-retried-after-5xx"),
    case("write-retried-after-5xx/miss-read-first", lambda: [
        flow("POST", "/v5/pins", request_json=PIN, status=500, body=BOOM),
        flow("GET", "/v5/boards/1022106146605358865/pins", at=1, body=BOARDS),
        flow("POST", "/v5/pins", at=2, request_json=PIN, status=201, body=CREATED),
    ]),
    case("write-retried-after-5xx/miss-after-4xx", lambda: [
        flow("POST", "/v5/pins", request_json=PIN, status=429, body=error(8, "Rate limit exceeded."),
             headers=ratelimit(0, reset=1)),
        flow("POST", "/v5/pins", at=2, request_json=PIN, status=201, body=CREATED),
    ]),
    case("retry-unrecoverable/hit-code-3", lambda: [
        flow("GET", "/v5/boards", status=401, body=SCOPE),
        flow("GET", "/v5/boards", at=5, body=BOARDS),
    ], "retry-unrecoverable"),
    case("retry-unrecoverable/hit-invalid-parameters", lambda: [
        flow("POST", "/v5/pins", request_json=PIN, status=400, body=BAD_PARAMS),
        flow("POST", "/v5/pins", at=5, request_json=PIN, status=201, body=CREATED),
    ], "retry-unrecoverable"),
    case("retry-unrecoverable/miss-new-token", lambda: [
        flow("GET", "/v5/boards", status=401, body=SCOPE),
        flow("GET", "/v5/boards", at=5, token=ACCESS_2, body=BOARDS),
    ]),
    case("retry-unrecoverable/miss-after-5xx", lambda: [
        flow("GET", "/v5/boards", status=500, body=BOOM),
        flow("GET", "/v5/boards", at=5, body=BOARDS),
    ]),
]
