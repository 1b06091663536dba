"""Property-based tests of the header parsers: rate-limit headers (duplicated, absurd, undecodable)
and Authorization values, as mitmproxy hands them over (surrogate-escaped undecodable bytes)."""

from __future__ import annotations

import math

from hypothesis import given
from hypothesis import strategies as st

from pinscope.masking import mask_secrets
from pinscope.ratelimit import MAX_VALUE, parse_limit, parse_ratelimit
from pinscope.redact import mask_pairs, mask_query, masked_query
from pinscope.tokens import TOKEN_IN_TEXT, parse_authorization
from tests.flowkit import APP_SECRET, AUTH_CODE
from tests.test_fuzz_strategies import AUTHORIZATIONS, FUZZ, RATE_VALUES, TOKENS, secret_free

header_text = st.one_of(st.sampled_from(RATE_VALUES), st.text(max_size=40),
                        st.binary(max_size=30).map(lambda b: b.decode("utf-8", "surrogateescape")))
# Duplicated headers reach the parser joined by ", ", as exchange.py joins them.
joined = st.lists(header_text, min_size=1, max_size=3).map(", ".join)


@FUZZ
@given(st.dictionaries(st.sampled_from(("x-ratelimit-limit", "x-ratelimit-remaining", "x-ratelimit-reset",
                                        "content-type")), joined))
def test_rate_limit_headers_always_parse_to_sane_numbers(headers: dict[str, str]) -> None:
    policy = parse_ratelimit(headers)
    if policy is None:
        assert not {"x-ratelimit-limit", "x-ratelimit-remaining", "x-ratelimit-reset"} & set(headers)
        return
    assert policy.limit is None or 0 <= policy.limit <= MAX_VALUE
    assert policy.remaining is None or 0 <= policy.remaining <= MAX_VALUE
    assert policy.reset_seconds is None or (math.isfinite(policy.reset_seconds) and 0 <= policy.reset_seconds)
    assert all(0 <= quota <= MAX_VALUE and 0 < window <= MAX_VALUE for quota, window in policy.windows)
    assert len(policy.windows) <= 16
    assert isinstance(policy.describe(), str)


@FUZZ
@given(header_text)
def test_parse_limit_is_stable_and_cached_safely(value: str) -> None:
    assert parse_limit(value) == parse_limit(value) == parse_limit(str(value))


@FUZZ
@given(st.one_of(st.sampled_from(AUTHORIZATIONS), header_text,
                 st.tuples(st.sampled_from(("Bearer ", "bearer ", "Basic ", "", "Token ")),
                           st.sampled_from(TOKENS) | st.text(max_size=60)).map("".join)))
def test_any_authorization_value_becomes_a_label_without_the_secret(value: str) -> None:
    credential = parse_authorization(value)
    assert credential is not None
    label = credential.label
    assert secret_free(label) and secret_free(repr(credential))
    assert not TOKEN_IN_TEXT.search(label)
    assert len(credential.fingerprint) == 8


@FUZZ
@given(st.lists(st.tuples(st.text(max_size=12) | st.sampled_from(("access_token", "code", "??code", *TOKENS)),
                          st.text(max_size=12) | st.sampled_from(TOKENS)), max_size=5))
def test_masked_fields_and_query_never_show_a_token(pairs: list[tuple[str, str]]) -> None:
    assert not TOKEN_IN_TEXT.search(repr(mask_pairs(pairs)))
    assert not TOKEN_IN_TEXT.search(masked_query(pairs))


@FUZZ
@given(st.text(max_size=20), st.sampled_from(("code", "Client_Secret", "access_token", "refresh_token")),
       st.sampled_from((AUTH_CODE, APP_SECRET, *TOKENS)), st.sampled_from(("?", "&", "#", ";")), st.text(max_size=20))
def test_secret_url_parameters_in_any_text_are_masked(before: str, key: str, secret: str, sep: str,
                                                       after: str) -> None:
    text = f"{before}http://localhost:8085/{sep}{key}={secret}&state=1 {after}"
    assert secret not in mask_secrets(text)


@FUZZ
@given(st.lists(st.tuples(st.text(max_size=30), st.text(max_size=60)), max_size=6))
def test_mask_query_is_mask_pairs_and_masked_query_at_once(pairs: list[tuple[str, str]]) -> None:
    assert mask_query(pairs) == (mask_pairs(pairs), masked_query(pairs))


def test_only_whole_secret_names_are_secret() -> None:
    from pinscope.redact import is_secret_name

    assert [is_secret_name(k) for k in ("country_code", "zip_code", "code", "auth_code", "x_api_key",
                                        "data[client_secret]", "page_token")] == [
        False, False, True, True, True, True, True]
