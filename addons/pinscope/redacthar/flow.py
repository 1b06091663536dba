"""A copy of a flow with every secret masked: headers, cookies, the URL, form and JSON bodies, errors.

The copy is then turned into a HAR entry by mitmproxy's own exporter (savehar.SaveHar.flow_entry),
so cookies, queryString and postData.params are derived from the masked message, never the original.
"""

from __future__ import annotations

from mitmproxy import http
from mitmproxy.utils.strutils import is_mostly_bin

from pinscope.exchange import decode_body
from pinscope.phrases import reason, spoken
from pinscope.redacthar.mask import Masker
from pinscope.rulebook import default_rules
from pinscope.tokens import parse_authorization

CREDENTIAL_HEADERS = frozenset({"authorization", "proxy-authorization"})
FORM = "x-www-form-urlencoded"
SNIFF_BYTES = 1024  # bytes looked at for a NUL: text bodies have none, most binary formats do


def redact_flow(flow: http.HTTPFlow, masker: Masker) -> tuple[http.HTTPFlow, list[str], dict[str, str]]:
    """(a masked copy of `flow`, notes on what was dropped, credential header name -> its label)."""
    copy = flow.copy()
    notes: list[str] = []
    labels = _headers(copy.request, masker)
    target, sep, query = copy.request.data.path.decode("utf-8", "surrogateescape").partition("?")
    copy.request.path = masker.path(target) + (f"?{masker.pairs(query)}" if sep else "")
    _body(copy.request, "request body", masker, notes)
    if copy.response is not None:
        _headers(copy.response, masker)
        _body(copy.response, "response body", masker, notes)
    if copy.error is not None:
        copy.error.msg = masker.text(copy.error.msg)
    if copy.websocket is not None:  # not Pinterest API traffic; messages are not read, so not shared
        notes.append(f"{len(copy.websocket.messages)} WebSocket messages dropped")
        copy.websocket.messages = []
    return copy, notes, labels


def _headers(message: http.Message, masker: Masker) -> dict[str, str]:
    """Mask every header in place; credential headers keep their shape (see Masker.authorization)."""
    labels: dict[str, str] = {}
    fields = []
    for raw_name, raw_value in message.headers.fields:
        name = raw_name.decode("utf-8", "surrogateescape")
        value = raw_value.decode("utf-8", "surrogateescape")
        lowered = name.lower()
        if lowered in CREDENTIAL_HEADERS:
            masked = masker.authorization(value)
            credential = parse_authorization(value)
            if credential is not None and masked != value:  # unchanged: already a stand-in or a label
                labels[lowered] = credential.label
            value = masked
        elif lowered == "cookie":
            value = masker.cookie(value)
        elif lowered == "set-cookie":
            value = masker.set_cookie(value)
        else:
            value = masker.text(value)
        fields.append((masker.text(name).encode("utf-8", "surrogateescape"),
                       value.encode("utf-8", "surrogateescape")))
    message.headers = http.Headers(fields)
    return labels


def _body(message: http.Message, what: str, masker: Masker, notes: list[str]) -> None:
    """Mask a body in place (decoded, its Content-Encoding removed); drop what cannot be masked."""
    raw = message.raw_content
    if raw is None:
        notes.append(f"{what} not kept by mitmproxy (streamed)")
        return
    if not raw:
        return
    decoded = decode_body(raw, message.headers.get("content-encoding"))
    message.headers.pop("content-encoding", None)
    body = decoded.body or b""
    if decoded.reason is not None or _binary(body):
        # Unread bytes may hold anything: sharing them would share secrets no masking looked at.
        if decoded.reason is None:
            why = f"binary, {len(raw)} bytes"
        else:  # in the words of the body-not-read finding the analysis gives
            why = spoken(reason(decoded.reason), default_rules()["body-not-read"])
        notes.append(f"{what} dropped ({why})")
        message.content = b""
        return
    # Decoded here, within the cap: mitmproxy's get_text() would decode the body again, unbounded.
    # UTF-8 with surrogateescape gives every byte back unchanged where nothing was masked.
    text = body.decode("utf-8", "surrogateescape")
    if FORM in message.headers.get("content-type", "").lower():
        masked = masker.pairs(text)
    else:
        masked = masker.json_text(text) if text.lstrip()[:1] in ("{", "[") else None
        masked = masker.text(text) if masked is None else masked
    message.content = masked.encode("utf-8", "surrogateescape") if masked != text else body


def _binary(body: bytes) -> bool:
    """Binary content: mostly unprintable (mitmproxy's own test), or a NUL near the start."""
    return is_mostly_bin(body) or b"\x00" in body[:SNIFF_BYTES]
