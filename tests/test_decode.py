"""exchange.decode: every Content-Encoding round-trips, and nothing is read past the cap."""

from __future__ import annotations

import gzip
import json
import zlib

import brotli
import pytest
from backports import zstd
from hypothesis import given
from hypothesis import strategies as st
from mitmproxy.net import encoding

from pinscope.exchange.decode import Decoded, Unread, decode_body
from pinscope.untrusted import MAX_BODY_BYTES, MAX_CODINGS
from tests.test_fuzz_strategies import FUZZ

BODY = json.dumps({"items": [{"id": str(n), "name": f"board {n}"} for n in range(500)]}).encode()
CAP = 4096  # a small cap for the over-cap cases: the same code paths, a thousand times less work


def raw_deflate(data: bytes) -> bytes:
    """deflate without the zlib wrapper, as some servers send it."""
    compressor = zlib.compressobj(6, zlib.DEFLATED, -zlib.MAX_WBITS)
    return compressor.compress(data) + compressor.flush()


ENCODERS = {
    "gzip": lambda data: gzip.compress(data, mtime=0),
    "x-gzip": lambda data: gzip.compress(data, mtime=0),
    "deflate": zlib.compress,
    "br": brotli.compress,
    "zstd": zstd.compress,
}


@pytest.mark.parametrize("name", sorted(ENCODERS))
def test_each_encoding_round_trips(name: str) -> None:
    assert decode_body(ENCODERS[name](BODY), name) == Decoded(BODY)


def test_raw_deflate_and_mitmproxys_own_encoders_decode() -> None:
    assert decode_body(raw_deflate(BODY), "deflate") == Decoded(BODY)
    for name in ("gzip", "deflate", "br", "zstd"):
        assert decode_body(encoding.encode(BODY, name), name) == Decoded(BODY), name


@pytest.mark.parametrize("field", [None, "", "identity", "none", " Identity ", "identity, identity"])
def test_identity_is_the_body_itself(field: str | None) -> None:
    assert decode_body(BODY, field) == Decoded(BODY)


def test_names_are_case_insensitive_and_spaced() -> None:
    assert decode_body(gzip.compress(BODY), " GZIP ") == Decoded(BODY)


def test_a_chain_decodes_in_reverse_order() -> None:
    twice = brotli.compress(gzip.compress(BODY))  # gzip applied first, then br
    assert decode_body(twice, "gzip, br") == Decoded(BODY)
    assert decode_body(twice, "br, gzip").body is None
    assert decode_body(zstd.compress(zlib.compress(BODY)), "deflate,zstd") == Decoded(BODY)


def test_several_gzip_members_and_zstd_frames_are_one_body() -> None:
    assert decode_body(gzip.compress(b"ab") + gzip.compress(b"cd"), "gzip") == Decoded(b"abcd")
    assert decode_body(zstd.compress(b"ab") + zstd.compress(b"cd"), "zstd") == Decoded(b"abcd")


def test_no_body_is_no_reason() -> None:
    assert decode_body(None, "gzip") == Decoded(None)
    assert decode_body(b"", "br") == Decoded(None)


@pytest.mark.parametrize("name", sorted(ENCODERS))
def test_decoded_size_over_the_cap_is_refused(name: str) -> None:
    at_cap, over = bytes(CAP), bytes(CAP + 1)
    assert decode_body(ENCODERS[name](at_cap), name, CAP) == Decoded(at_cap)
    refused = Decoded(None, Unread("bomb", CAP, name))
    assert decode_body(ENCODERS[name](over), name, CAP) == refused


@pytest.mark.parametrize("name", ["gzip", "br", "zstd"])
def test_the_default_cap_is_one_mib_decoded(name: str) -> None:
    assert decode_body(ENCODERS[name](bytes(MAX_BODY_BYTES)), name).body == bytes(MAX_BODY_BYTES)
    refused = decode_body(ENCODERS[name](bytes(MAX_BODY_BYTES + 1)), name)
    assert refused == Decoded(None, Unread("bomb", MAX_BODY_BYTES, name))


def test_raw_deflate_over_the_cap_is_refused() -> None:
    refused = decode_body(raw_deflate(bytes(CAP + 1)), "deflate", CAP)
    assert refused == Decoded(None, Unread("bomb", CAP, "deflate"))


def test_encoded_size_over_the_cap_is_refused_before_decoding() -> None:
    assert decode_body(bytes(CAP + 1), None, CAP) == Decoded(None, Unread("larger", CAP))
    assert decode_body(b"\x00" * (MAX_BODY_BYTES + 1), "br") == Decoded(None, Unread("larger", MAX_BODY_BYTES))


def test_each_step_of_a_chain_is_capped() -> None:
    inner = gzip.compress(bytes(CAP * 4))  # small, but decodes past the cap
    assert decode_body(brotli.compress(inner), "gzip, br", CAP).reason == Unread("bomb", CAP, "gzip")


@pytest.mark.parametrize("name", ["gzip", "deflate", "br", "zstd"])
def test_a_truncated_stream_is_refused(name: str) -> None:
    whole = ENCODERS[name](BODY)
    refused = decode_body(whole[: len(whole) // 2], name)
    assert refused.body is None and refused.reason == Unread("truncated", coding=name)


@pytest.mark.parametrize("name", ["gzip", "deflate", "br", "zstd"])
def test_a_corrupt_stream_is_refused(name: str) -> None:
    whole = ENCODERS[name](BODY)
    corrupt = whole[:12] + bytes(b ^ 0x5A for b in whole[12:40]) + whole[40:]
    refused = decode_body(corrupt, name)
    assert refused.body is None and refused.reason is not None
    assert refused.reason.reason in ("invalid", "truncated") and refused.reason.coding == name


def test_not_compressed_at_all_is_refused() -> None:
    for name in ("gzip", "deflate", "br", "zstd"):
        assert decode_body(BODY, name).reason in (Unread("invalid", coding=name), Unread("truncated", coding=name))


def test_an_unknown_encoding_is_named_without_control_characters() -> None:
    assert decode_body(BODY, "compress") == Decoded(None, Unread("unknown_coding", coding="'compress'"))
    refused = decode_body(BODY, "gzip, x\x1b[2J" + "y" * 100)
    assert refused.body is None and refused.reason.reason == "unknown_coding"
    assert "\x1b" not in refused.reason.coding and len(refused.reason.coding) < 50


def test_a_long_chain_is_refused() -> None:
    chain = ", ".join(["gzip"] * (MAX_CODINGS + 1))
    assert decode_body(BODY, chain) == Decoded(None, Unread("codings", MAX_CODINGS))


def test_a_zstd_window_beyond_8_mib_is_refused() -> None:
    compressor = zstd.ZstdCompressor(options={zstd.CompressionParameter.window_log: 25})
    big_window = compressor.compress(BODY) + compressor.flush()  # streamed: the frame declares its window
    assert decode_body(big_window, "zstd").reason == Unread("invalid", coding="zstd")


def test_mitmproxys_decode_cache_is_left_alone() -> None:
    encoding.decode(gzip.compress(b"other"), "gzip")  # some earlier flow mitmproxy decoded itself
    cached = encoding._cache
    body = brotli.compress(BODY)
    assert decode_body(body, "br").body == BODY
    assert encoding._cache is cached


@FUZZ
@given(st.binary(max_size=2048), st.lists(st.sampled_from(("gzip", "deflate", "br", "zstd", "identity", "x")),
                                          max_size=3), st.booleans())
def test_any_bytes_decode_or_are_refused_within_the_cap(data: bytes, codings: list[str], valid: bool) -> None:
    if valid:  # really encoded, so the decoders get past their headers
        for name in codings:
            data = ENCODERS[name](data) if name in ENCODERS else data
    result = decode_body(data, ", ".join(codings), CAP)
    assert (result.body is None) == (result.reason is not None) or result == Decoded(None)
    assert result.body is None or len(result.body) <= CAP
