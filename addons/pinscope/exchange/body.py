"""Reading a message's body within the caps, and why it was not read: shared by the request and the answer."""

from __future__ import annotations

from mitmproxy import http

from pinscope.exchange.decode import Unread, decode_body
from pinscope.untrusted import MAX_BODY_BYTES

REQUEST_BODY = "request_body"  # how Exchange.unread names each body (Unread.body: a phrase name)
RESPONSE_BODY = "response_body"


def read_body(message: http.Message, content_encoding: str | None, what: str) -> tuple[bytes | None, tuple[Unread, ...]]:
    """(decoded body or None, why it was not read: empty when it was, or when there is none).

    Never mitmproxy's get_content(): that decodes the whole body and fills mitmproxy's decode cache.
    """
    raw = message.raw_content
    if raw is None:  # mitmproxy streamed it on (stream_large_bodies): pinscope never sees the bytes
        return None, (Unread("streamed", body=what),)
    if not content_encoding and len(raw) <= MAX_BODY_BYTES:  # most bodies: as they are
        return raw or None, ()
    decoded = decode_body(raw, content_encoding)
    return decoded.body, (() if decoded.reason is None else (decoded.reason._replace(body=what),))
