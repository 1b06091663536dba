"""clean(): every secret shape masked, control characters gone, length capped, whatever the text."""

from __future__ import annotations

import string

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pinscope.tokens import fingerprint
from pinscope.masking import KnownSecrets
from pinscope.untrusted import MAX_TEXT_CHARS, Clean, clean, clean_url, cut

SECRET = "Zq7Kx2mWv9Lp4RtY8sNb3Hc6"  # high entropy: any 8-character slice of it is unmistakable
APP_SECRET = "3f9c0a7b5e1d2c4f6a8b0c2d4e6f8a0b1c3d5e7f"


def slices(secret: str, width: int = 8) -> list[str]:
    """Every `width`-character slice of a secret."""
    return [secret[i:i + width] for i in range(len(secret) - width + 1)]


def leaks(text: str, secret: str) -> list[str]:
    """The slices of `secret` that `text` shows."""
    return [piece for piece in slices(secret) if piece in text]


SHAPES = [
    "Authorization failed for pina_{s}",
    "refresh with pinr.{s} failed",
    "short token pina_{short} in a message",
    "client_secret {s} is invalid",
    "invalid client_secret={s}",
    "redirect to https://app.example/cb?code={s}&state=1",
    '{{"client_secret": "{s}", "x": 1}}',
    "api_key={s} apikey={s} password={s} secret={s} my_token={s} access_token={s}",
    "data[client_secret]={s}&grant_type=authorization_code",
    "x-api-key: {s}",
    "Authorization: Bearer {s}",
    "Authorization: Basic {s}==",
    "path /v5/pins/pina%5F{s}",
    "double encoded pina%255F{s}",
    "zero width pina_\u200b{s}",
    "nul inside pina\x00_{s}",
    "token: {s}",
]


@pytest.mark.parametrize("shape", SHAPES)
def test_every_shape_is_masked(shape: str) -> None:
    text = clean(shape.format(s=SECRET, short=SECRET[:6]))
    assert leaks(text, SECRET) == [] and SECRET[:6] not in text.replace("pina…", ""), text


def test_a_session_secret_is_masked_wherever_it_recurs() -> None:
    known = KnownSecrets()
    known.learn(len(APP_SECRET), fingerprint(APP_SECRET))
    for text in (f"bad client {APP_SECRET}.", f"({APP_SECRET})", f"x={APP_SECRET}&y=1"):
        assert leaks(clean(text, known=known), APP_SECRET) == [], text
    assert leaks(clean(f"bad client {APP_SECRET}."), APP_SECRET) != []  # only known secrets by fingerprint


def test_prose_around_secret_names_stays_readable() -> None:
    for text in ("Invalid token: expired", "Basic authentication failed", "code: 3 Invalid parameters",
                 "error code=2", "Bearer token required", "the secret is out"):
        assert clean(text) == text


def test_controls_zero_width_and_bidi_are_removed() -> None:
    text = clean("\x1b[2J\x1b]8;;http://evil\x07click\x1b]8;;\x07 \x9b31m \u202eevil\u202c \ufeffok\r\nnext")
    assert not any(c in text for c in "\x1b\x07\x9b\u202e\u202c\ufeff\r\n")
    assert text.endswith("ok next")


def test_length_is_capped_and_a_cut_secret_goes_entirely() -> None:
    text = clean("x " * 5000 + APP_SECRET)
    assert len(text) <= MAX_TEXT_CHARS and text.endswith("…")
    long_run = "a" * (MAX_TEXT_CHARS * 4 - 10) + " " + APP_SECRET * 2
    assert leaks(clean(long_run), APP_SECRET) == []
    assert cut("hello world " + APP_SECRET, 20) == "hello world …"


def test_clean_is_a_type_and_idempotent() -> None:
    once = clean(f"client_secret={SECRET} pina_{SECRET}")
    assert isinstance(once, Clean) and clean(once) is once and clean(str(once)) == once
    assert isinstance(clean_url("https://x.example/?code=1"), Clean)
    assert clean(None) == "" and clean(b"bytes \xff ok") == "bytes \ufffd ok"


def test_percent_encoding_only_shows_decoded_when_it_hid_a_secret() -> None:
    assert clean_url("https://x.example/a%20b?q=1%262") == "https://x.example/a%20b?q=1%262"
    assert "%5F" not in clean_url(f"https://x.example/pina%5F{SECRET}")


SECRETISH = st.text(alphabet=string.ascii_letters + string.digits, min_size=20, max_size=60)
AROUND = st.text(max_size=80)


@settings(max_examples=300, deadline=None)
@given(before=AROUND, after=AROUND, secret=SECRETISH,
       shape=st.sampled_from([s for s in SHAPES if "{short}" not in s]))
def test_no_shape_leaks_in_any_surrounding_text(before: str, after: str, secret: str, shape: str) -> None:
    text = clean(before + " " + shape.format(s=secret) + " " + after)
    assert not [piece for piece in slices(secret, 12) if piece in text and piece not in before + after]


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=3000), st.integers(min_value=10, max_value=800))
def test_output_is_one_capped_line_without_controls(text: str, limit: int) -> None:
    out = clean(text, limit)
    assert len(out) <= limit
    assert not any(ord(c) < 0x20 or 0x7F <= ord(c) <= 0x9F for c in out)
    assert clean(out, limit) == out


def test_words_after_a_secret_name_in_prose_stay() -> None:
    text = "Paste it into the Token Debugger. Then check the Basic settings."
    assert clean(text) == text
    assert "Zq7Kx2mW" not in clean("token Zq7Kx2mW") and "abc.def.ghi" not in clean("token abc.def.ghi")


def test_the_cheap_precheck_lets_every_secret_name_through() -> None:
    """masking._MAYBE skips text without a secret word: it must know every word SECRET_NAME knows."""
    import re

    from pinscope.masking import _MAYBE, SECRET_NAME

    names = ["client_secret", "app_secret", "secret", "password", "passwd", "pwd", "token", "x_api_key",
             "api-key", "apikey", "access_key", "private_key", "credential", "credentials", "signature",
             "sig", "code", "auth_code", "authorization_code", "my_refresh_token"]
    assert all(re.fullmatch(SECRET_NAME, name, re.IGNORECASE) for name in names)
    assert all(_MAYBE.search(name.lower()) for name in names)


def test_text_remembered_as_clean_is_masked_once_a_secret_in_it_becomes_known() -> None:
    secret = "Zq8vN2rT5kLm9wXa"  # no secret shape: only the session's memory can recognise it
    known = KnownSecrets()
    text = f"upstream said {secret} twice"
    assert clean(text, known=known) == text  # not known yet: the text is left (and remembered) as it is
    known.learn(len(secret), fingerprint(secret))
    assert secret not in clean(text, known=known)
