"""Secret handling for plain strings: mask values, find tokens, read token grants.

Pure functions over text; pinscope.exchange calls them while it turns a flow into an Exchange.
"""

from __future__ import annotations

import json
import re
from typing import Any
from urllib.parse import quote, unquote

from pinscope.tokens import TOKEN_IN_TEXT, Credential, classify_token, mask

SECRET_FIELDS = frozenset({
    "access_token", "refresh_token", "code", "client_secret", "token", "app_secret",
    "password", "conversion_token",
})
QUERY_TOKEN_FIELDS = frozenset({"access_token", "refresh_token"})
FIELD_WORD = re.compile(r"[a-z_]+")
# `code=…` (and every other secret field) as a URL parameter inside some other text: a redirect URL.
URL_SECRET = re.compile(r"(?<=[?&#;])(" + "|".join(sorted(SECRET_FIELDS)) + r")=([^&#\s\"'<>]+)", re.IGNORECASE)
# The cheap pre-filter: the start of a v5 token ("pina_", "pinr.") anywhere in bytes.
TOKEN_START = re.compile(rb"pin[ar][._]")

Found = tuple[tuple[str, Credential], ...]


def is_secret(key: str, value: str) -> bool:
    """Whether a field's value must be masked (by its name or by its token shape)."""
    key = key.lower()
    return (key in SECRET_FIELDS or TOKEN_IN_TEXT.search(value) is not None
            or any(word in SECRET_FIELDS for word in FIELD_WORD.findall(key)))  # `??code`, `data[code]`


def mask_pairs(pairs: list[tuple[str, str]]) -> dict[str, str]:
    """Masked fields; a repeated key (`ids=1&ids=2`) keeps every value, comma-joined as Pinterest reads it."""
    out: dict[str, str] = {}
    for key, value in pairs:
        value = mask(value) if is_secret(key, value) else value
        key = mask_tokens(key)  # `?pina_…` alone makes the token a key
        out[key] = f"{out[key]},{value}" if key in out else value
    return out


def mask_query(pairs: list[tuple[str, str]]) -> tuple[dict[str, str], str]:
    """mask_pairs() and masked_query() of the same pairs, masking each secret once (a SHA-256 each)."""
    out: dict[str, str] = {}
    shown: list[str] = []
    for key, value in pairs:
        secret = is_secret(key, value)
        masked = mask(value) if secret else value
        stored_key = mask_tokens(key)
        out[stored_key] = f"{out[stored_key]},{masked}" if stored_key in out else masked
        shown.append(f"{_shown_key(key)}={masked if secret else _quote(value, ',:')}")
    return out, "&".join(shown)


def masked_query(pairs: list[tuple[str, str]]) -> str:
    """The query string with secret values replaced by their labels (labels left readable)."""
    return "&".join(
        f"{_shown_key(key)}={mask(value) if is_secret(key, value) else _quote(value, ',:')}"
        for key, value in pairs
    )


def _shown_key(key: str) -> str:
    """A query key as the masked URL shows it: tokens as labels, anything else percent-encoded."""
    return mask_tokens(key) if TOKEN_IN_TEXT.search(key) else _quote(key, "")


def _quote(text: str, safe: str) -> str:
    """Percent-encode; undecodable bytes (kept as surrogates by mitmproxy) come back as `%FF`."""
    return quote(text, safe=safe, errors="surrogateescape")


def mask_tokens(text: str) -> str:
    """`text` with every v5 token in it replaced by its label."""
    return TOKEN_IN_TEXT.sub(lambda m: mask(m.group()), text) if "pin" in text else text


def mask_url_secrets(text: str) -> str:
    """`text` with secret URL parameters (`?code=…`, `&client_secret=…`) and tokens replaced by labels."""
    if "=" in text:
        text = URL_SECRET.sub(lambda m: f"{m[1]}={mask(unquote(m[2]))}", text)
    return mask_tokens(text)


def tokens_in(where: str, text: str) -> Found:
    """Every v5 token in `text`, as (where, Credential)."""
    return tuple((where, classify_token(token)) for token in TOKEN_IN_TEXT.findall(text))


def query_tokens(pairs: list[tuple[str, str]]) -> Found:
    """Tokens in a query string: v5 tokens in any value, anything under an `*_token` key."""
    found: list[tuple[str, Credential]] = []
    for key, value in pairs:
        tokens = TOKEN_IN_TEXT.findall(value)
        if not tokens and key.lower() in QUERY_TOKEN_FIELDS and value:
            tokens = [value]
        found.extend((key, classify_token(token)) for token in tokens)
    return tuple(dict.fromkeys(found))


def loads(body: bytes | None) -> Any:
    """Parse JSON defensively: any failure is None."""
    if not body:
        return None
    try:
        return json.loads(body)
    except (ValueError, RecursionError):
        return None
