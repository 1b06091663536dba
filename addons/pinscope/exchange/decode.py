"""Decode a message body step by step, never past a cap on the decoded size.

mitmproxy's `get_content()` decodes a body whole and keeps the result in its decode cache
(`mitmproxy.net.encoding._cache`): a 1.6 KB brotli answer becomes 1 GiB in memory. Here each
Content-Encoding is fed through a streaming decompressor asked for a little output at a time, and
decoding stops as soon as the output passes the cap. mitmproxy's own decoders are never called.
"""

from __future__ import annotations

import sys
import zlib
from dataclasses import dataclass
from typing import NamedTuple

import brotli

if sys.version_info >= (3, 14):  # the same zstd module mitmproxy uses
    from compression import zstd
else:  # pragma: no cover - depends on the interpreter
    from backports import zstd

from pinscope.untrusted import MAX_BODY_BYTES, MAX_CODINGS, clean

STEP = 64 * 1024  # output asked of a decompressor per call: bounds how far one call can pass the cap
MAX_MEMBERS = 64  # gzip members or zstd frames in one body (each restart costs a new decompressor)
# RFC 9659: HTTP zstd decoders need not accept windows above 8 MiB; larger ones are refused rather
# than allocated.
ZSTD_WINDOW_LOG_MAX = 23
NAME_CHARS = 40  # characters of an unknown Content-Encoding quoted in a reason
IDENTITY = frozenset({"", "identity", "none"})  # "none": what mitmproxy also accepts as identity


class Unread(NamedTuple):
    """Why a body was not read, as data: rules/body-not-read.toml words it (pinscope.phrases.unread)."""

    reason: str  # larger, codings, unknown_coding, bomb, invalid, truncated; exchange.build adds streamed
    number: int | None = None  # larger, bomb: the cap in bytes; codings: the most Content-Encodings read
    coding: str | None = None  # the Content-Encoding concerned
    body: str = ""  # which body, set by exchange.body.read_body (REQUEST_BODY, RESPONSE_BODY)


@dataclass(frozen=True, slots=True)
class Decoded:
    """A decoded body, or None and why it was not read (`reason` None: there was no body)."""

    body: bytes | None
    reason: Unread | None = None


class _Refused(Exception):
    """Decoding stopped; `unread` says why."""

    def __init__(self, unread: Unread) -> None:
        super().__init__(unread.reason)
        self.unread = unread


def decode_body(raw: bytes | None, content_encoding: str | None, cap: int = MAX_BODY_BYTES) -> Decoded:
    """`raw` decoded per its Content-Encoding (a comma-separated chain), if it stays within `cap` bytes."""
    if not raw:
        return Decoded(None)
    if len(raw) > cap:
        return Decoded(None, Unread("larger", cap))
    if not content_encoding:  # most bodies: nothing to decode
        return Decoded(raw)
    codings = [name.strip() for name in content_encoding.split(",")]
    codings = [name for name in codings if name.lower() not in IDENTITY]
    if len(codings) > MAX_CODINGS:
        return Decoded(None, Unread("codings", MAX_CODINGS))
    body = raw
    try:
        for name in reversed(codings):  # the last coding listed was applied last
            decoder = DECODERS.get(name.lower())
            if decoder is None:
                # Quoted as Python quotes it: a space or a quote in the name stays visible.
                return Decoded(None, Unread("unknown_coding", coding=repr(clean(name, NAME_CHARS))))
            body = decoder(body, cap)
            if len(body) > cap:
                return Decoded(None, Unread("bomb", cap, name.lower()))
    except _Refused as refused:
        return Decoded(None, refused.unread)
    return Decoded(body or None)


def _gzip(data: bytes, cap: int) -> bytes:
    """gzip (or a zlib stream, as mitmproxy accepts), member after member."""
    return _zlib(data, cap, zlib.MAX_WBITS | 32, "gzip", members=MAX_MEMBERS)


def _deflate(data: bytes, cap: int) -> bytes:
    """deflate: zlib-wrapped as the RFC says, or raw as some servers send it."""
    try:
        return _zlib(data, cap, zlib.MAX_WBITS, "deflate", members=1)
    except _Refused as refused:
        if refused.unread.reason == "truncated":  # a zlib header was read: this is no raw stream either
            raise
        return _zlib(data, cap, -zlib.MAX_WBITS, "deflate", members=1)


def _zlib(data: bytes, cap: int, wbits: int, name: str, members: int) -> bytes:
    out = bytearray()
    decompressor = zlib.decompressobj(wbits)
    try:
        while True:
            out += decompressor.decompress(data, cap + 1 - len(out))
            if len(out) > cap:
                return bytes(out)
            data = decompressor.unconsumed_tail
            if decompressor.eof:
                data = decompressor.unused_data
                members -= 1
                if not data.strip(b"\0") or members == 0:  # zero padding, or members past the limit, ignored
                    return bytes(out)
                decompressor = zlib.decompressobj(wbits)
            elif not data:  # every byte read and the stream has not ended: cut short
                raise _Refused(Unread("truncated", coding=name))
    except zlib.error:
        raise _Refused(Unread("invalid", coding=name)) from None


def _brotli(data: bytes, cap: int) -> bytes:
    out = bytearray()
    decompressor = brotli.Decompressor()
    try:
        out += decompressor.process(data, output_buffer_limit=STEP)
        # It keeps the input it has not decoded yet; empty input asks for the next piece of output.
        while len(out) <= cap and not decompressor.is_finished():
            chunk = decompressor.process(b"", output_buffer_limit=STEP)
            if not chunk:  # nothing left to decode, and the stream has not ended
                break
            out += chunk
    except brotli.error:
        raise _Refused(Unread("invalid", coding="br")) from None
    if len(out) <= cap and not decompressor.is_finished():
        raise _Refused(Unread("truncated", coding="br"))
    return bytes(out)


def _zstd(data: bytes, cap: int) -> bytes:
    out = bytearray()
    options = {zstd.DecompressionParameter.window_log_max: ZSTD_WINDOW_LOG_MAX}
    frames = MAX_MEMBERS
    try:
        decompressor = zstd.ZstdDecompressor(options=options)
        while True:
            chunk = decompressor.decompress(data, max_length=STEP)
            out += chunk
            data = b""
            if len(out) > cap:
                return bytes(out)
            if decompressor.eof:
                data = decompressor.unused_data
                frames -= 1
                if not data or frames == 0:
                    return bytes(out)
                decompressor = zstd.ZstdDecompressor(options=options)
            elif decompressor.needs_input or not chunk:
                raise _Refused(Unread("truncated", coding="zstd"))
    except (zstd.ZstdError, EOFError):
        raise _Refused(Unread("invalid", coding="zstd")) from None


DECODERS = {"gzip": _gzip, "x-gzip": _gzip, "deflate": _deflate, "deflateraw": _deflate, "br": _brotli,
            "zstd": _zstd}
