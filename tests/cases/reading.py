"""Cases for bodies pinscope does not read: body-not-read.

Over-cap bodies here are gzip runs of a JSON list (a few KB on the wire), so tests that decode
them with mitmproxy stay quick.
"""

from __future__ import annotations

import gzip
import json

from mitmproxy import http

from pinscope.untrusted import MAX_BODY_BYTES
from tests.cases.base import case
from tests.flowkit import flow

BIG_LIST = json.dumps({"items": [{"id": "813744226420795884", "name": "board"}] * 30_000}).encode()
assert len(BIG_LIST) > MAX_BODY_BYTES


def encoded(message: http.Message, content: bytes, coding: str = "gzip") -> None:
    """Give `message` this body, gzip-encoded (its raw bytes; mitmproxy is not asked to encode)."""
    message.raw_content = gzip.compress(content, mtime=0) if coding == "gzip" else content
    message.headers["content-encoding"] = coding


def answered_with(body: bytes, coding: str = "gzip", host: str | None = None) -> http.HTTPFlow:
    """GET /v5/boards answered 200 with `body` under `coding`."""
    f = flow("GET", "/v5/boards", **({"host": host, "token": None} if host else {}), body={})
    encoded(f.response, body, coding)
    return f


def sent_with(body: bytes) -> http.HTTPFlow:
    """POST /v5/pins with a gzip-encoded JSON request `body`."""
    f = flow("POST", "/v5/pins", request_json={}, status=201, body={"id": "1"})
    encoded(f.request, body)
    return f


def both_unread() -> http.HTTPFlow:
    """POST /v5/pins whose request and answer both decode over the cap."""
    f = sent_with(BIG_LIST)
    encoded(f.response, BIG_LIST)
    return f


CASES = [
    case("body-not-read/hit-response-decodes-over-cap", lambda: [answered_with(BIG_LIST)], "body-not-read"),
    case("body-not-read/hit-request-decodes-over-cap", lambda: [sent_with(BIG_LIST)], "body-not-read"),
    case("body-not-read/hit-both-bodies", lambda: [both_unread()], "body-not-read"),
    case("body-not-read/miss-small-compressed-answer", lambda: [
        answered_with(json.dumps({"items": [], "bookmark": None}).encode()),
    ]),
    case("body-not-read/miss-other-host", lambda: [
        answered_with(BIG_LIST, host="cdn.example"),  # other hosts' answers are never decoded at all
    ]),
]
