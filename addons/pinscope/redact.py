"""Secret handling for plain strings: mask values, find tokens, read token grants.

Pure functions over text; exchange.py calls them while it turns a flow into an Exchange.
"""

from __future__ import annotations

import json
import re
from typing import Any
from urllib.parse import quote

from pinscope.tokens import TOKEN_IN_TEXT, Credential, classify_token, mask

SECRET_FIELDS = frozenset({
    "access_token", "refresh_token", "code", "client_secret", "token", "app_secret",
    "password", "conversion_token",
})
QUERY_TOKEN_FIELDS = frozenset({"access_token", "refresh_token"})
# The cheap pre-filter: the start of a v5 token ("pina_", "pinr.") anywhere in bytes.
TOKEN_START = re.compile(rb"pin[ar][._]")

Found = tuple[tuple[str, Credential], ...]


def is_secret(key: str, value: str) -> bool:
    """Whether a field's value must be masked (by its name or by its token shape)."""
    return key.lower() in SECRET_FIELDS or TOKEN_IN_TEXT.search(value) is not None


def mask_pairs(pairs: list[tuple[str, str]]) -> dict[str, str]:
    """Masked fields; a repeated key (`ids=1&ids=2`) keeps every value, comma-joined as Pinterest reads it."""
    out: dict[str, str] = {}
    for key, value in pairs:
        value = mask(value) if is_secret(key, value) else value
        out[key] = f"{out[key]},{value}" if key in out else value
    return out


def masked_query(pairs: list[tuple[str, str]]) -> str:
    """The query string with secret values replaced by their labels (labels left readable)."""
    return "&".join(
        f"{quote(key, safe='')}={mask(value) if is_secret(key, value) else quote(value, safe=',:')}"
        for key, value in pairs
    )


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
