"""tokens.py: classification, Authorization parsing, masking; no raw secret survives."""

from __future__ import annotations

import base64
import hashlib

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pinscope.tokens import TOKEN_IN_TEXT, classify_token, fingerprint, mask, parse_authorization
from tests.flowkit import ACCESS, APP_ID, APP_SECRET, REFRESH, basic

TOKEN_BODY = st.text(alphabet="ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.",
                     min_size=20, max_size=80)


def test_fingerprint_is_short_sha256() -> None:
    assert fingerprint(ACCESS) == hashlib.sha256(ACCESS.encode()).hexdigest()[:8]
    assert fingerprint(ACCESS) != fingerprint(REFRESH)


@pytest.mark.parametrize(("token", "kind", "prefix"), [
    (ACCESS, "access", "pina"),
    ("pina.AMAxxxxxxxxxxxxxxxxxxxxxxx", "access", "pina"),
    (REFRESH, "refresh", "pinr"),
    ("pinr_zzzzzzzzzzzzzzzzzzzzzzzzz", "refresh", "pinr"),
    ("pin_aXXXXXXXXXXXXXXXXXXXXXXXX", "foreign", "pin"),
    ("AQ3oldv3tokenXXXXXXXXXXXXXX", "foreign", ""),  # "AQ3" is not alphabetic: no prefix kept
    ("pinapple", "foreign", "pin"),
])
def test_classify_token(token: str, kind: str, prefix: str) -> None:
    cred = classify_token(token)
    assert (cred.kind, cred.prefix, cred.fingerprint) == (kind, prefix, fingerprint(token))
    assert cred.label == f"{prefix or 'token'}…{fingerprint(token)}"


def test_bearer_access_token() -> None:
    cred = parse_authorization(f"Bearer {ACCESS}")
    assert cred is not None and cred.kind == "access" and cred.problem is None
    assert parse_authorization(f"bearer   {ACCESS}  ") == cred


def test_absent_header_is_none() -> None:
    assert parse_authorization(None) is None


def test_basic_client_credentials_keep_only_app_id_and_fingerprint() -> None:
    cred = parse_authorization(basic())
    assert cred is not None and cred.kind == "client"
    assert cred.app_id == APP_ID and cred.fingerprint == fingerprint(APP_SECRET)
    assert cred.label == f"app {APP_ID} (secret …{fingerprint(APP_SECRET)})"


MALFORMED = [  # (header, Credential.problem): a phrase name of rules/malformed-authorization.toml
    (f"Basic {APP_ID}:{APP_SECRET}", "basic_unencoded"),
    ("Basic %%%not-base64%%%", "basic_not_base64"),
    ("Basic " + base64.b64encode(b"no-colon-here").decode(), "basic_no_pair"),
    (ACCESS, "no_bearer_scheme"),
    ("garbage", "no_scheme"),
    (f"Token {ACCESS}", "unsupported_scheme"),
    (f"{APP_SECRET} extra", "unknown_shape"),
]


@pytest.mark.parametrize(("header", "problem"), MALFORMED)
def test_malformed_headers_say_why(header: str, problem: str) -> None:
    cred = parse_authorization(header)
    assert cred is not None and cred.kind == "malformed" and cred.problem == problem
    assert APP_SECRET not in repr(cred) and ACCESS not in repr(cred)


def test_an_unsupported_scheme_is_named_and_nothing_else_is() -> None:
    assert parse_authorization(f"Token {ACCESS}").scheme == "Token"
    assert parse_authorization(f"{APP_SECRET} extra").scheme is None  # it may be the secret itself


def test_unencoded_basic_keeps_a_numeric_app_id_only() -> None:
    assert parse_authorization(f"Basic {APP_ID}:{APP_SECRET}").app_id == APP_ID
    sneaky = "Basic " + base64.b64encode(f"{APP_SECRET}:x".encode()).decode()
    assert parse_authorization(sneaky).app_id is None  # a non-numeric "id" might be a pasted secret


def test_mask_labels_tokens_and_hides_other_secrets() -> None:
    assert mask(ACCESS) == classify_token(ACCESS).label
    assert mask(APP_SECRET) == f"…{fingerprint(APP_SECRET)}"


def test_token_in_text_finds_tokens_not_words() -> None:
    text = f"url?x=1&access_token={ACCESS} and refresh {REFRESH}; pinapple pina_short"
    assert TOKEN_IN_TEXT.findall(text) == [ACCESS, REFRESH]


@given(body=TOKEN_BODY, sep=st.sampled_from("._"), kind=st.sampled_from("ar"))
def test_no_credential_repr_holds_the_token(body: str, sep: str, kind: str) -> None:
    token = f"pin{kind}{sep}{body}"
    for header in (f"Bearer {token}", token, f"Token {token}"):
        cred = parse_authorization(header)
        assert cred is not None and token not in repr(cred) and token not in cred.label


@given(st.text(max_size=200))
def test_parse_authorization_never_raises(value: str) -> None:
    parse_authorization(value)
