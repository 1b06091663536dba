"""Secret handling for plain strings: mask values, find tokens, read token grants.

Pure functions over text; pinscope.exchange calls them while it turns a flow into an Exchange.
"""

from __future__ import annotations

import json
import re
from typing import Any
from urllib.parse import quote

from pinscope.tokens import TOKEN_IN_TEXT, Credential, classify_token, fingerprint, mask
from pinscope.masking import SECRET_NAME

QUERY_TOKEN_FIELDS = frozenset({"access_token", "refresh_token"})
# A field name that holds a secret, alone or as a word of a longer name (`data[client_secret]`, `x-api-key`).
# `_` counts as part of a word: `country_code` is no `code`, while `x_api_key` matches from its start.
SECRET_KEY = re.compile(r"(?<![A-Za-z0-9_])(?:" + SECRET_NAME + r")(?![A-Za-z0-9])", re.IGNORECASE)

Found = tuple[tuple[str, Credential], ...]


def is_secret_name(key: str) -> bool:
    """Whether a field of this name holds a secret (`client_secret`, `data[code]`, `x_api_key`, `*_token`)."""
    return SECRET_KEY.search(key) is not None


def is_secret(key: str, value: str) -> bool:
    """Whether a field's value must be masked (by its name or by its token shape)."""
    return is_secret_name(key) or TOKEN_IN_TEXT.search(value) is not None


Secrets = list[tuple[int, str]]  # (length, fingerprint) of each secret value met, for KnownSecrets


def mask_pairs(pairs: list[tuple[str, str]], secrets: Secrets | None = None) -> dict[str, str]:
    """Masked fields; a repeated key (`ids=1&ids=2`) keeps every value, comma-joined as Pinterest reads it."""
    return mask_query(pairs, secrets)[0]


def mask_query(pairs: list[tuple[str, str]], secrets: Secrets | None = None) -> tuple[dict[str, str], str]:
    """Masked fields and the masked query string of the same pairs, masking each secret once.

    `secrets` collects (length, fingerprint) of every secret value, so later text can be masked too.
    """
    values: dict[str, list[str]] = {}  # joined once at the end: repeated keys must not cost n^2
    shown: list[str] = []
    for key, value in pairs:
        secret = is_secret(key, value) and value != ""
        masked = mask(value) if secret else value
        if secret and secrets is not None:
            secrets.append((len(value), fingerprint(value)))
        values.setdefault(mask_tokens(key), []).append(masked)  # `?pina_…` alone makes the token a key
        shown.append(f"{_shown_key(key)}={masked if secret else _quote(value, ',:')}")
    return {key: ",".join(parts) for key, parts in values.items()}, "&".join(shown)


def masked_query(pairs: list[tuple[str, str]]) -> str:
    """The query string with secret values replaced by their labels (labels left readable)."""
    return mask_query(pairs)[1]


def _shown_key(key: str) -> str:
    """A query key as the masked URL shows it: tokens as labels, anything else percent-encoded."""
    return mask_tokens(key) if TOKEN_IN_TEXT.search(key) else _quote(key, "")


def _quote(text: str, safe: str) -> str:
    """Percent-encode; undecodable bytes (kept as surrogates by mitmproxy) come back as `%FF`."""
    return quote(text, safe=safe, errors="surrogateescape")


def mask_tokens(text: str) -> str:
    """`text` with every v5 token in it replaced by its label."""
    # `pina`/`pinr` before the regex: `/v5/pins/…` says "pin" on every Pin call, never a token
    return TOKEN_IN_TEXT.sub(lambda m: mask(m.group()), text) if "pina" in text or "pinr" in text else text


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
