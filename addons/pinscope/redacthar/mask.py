"""Secrets in the parts of a message replaced by labels, keeping each part's shape for re-analysis.

Text goes through masking.mask_secrets (the reports' masking, without clean()'s length cap), then
every v5 token label (`pina…28a73821`) becomes a *stand-in*, `pina_REDACTED-28a73821`: the same
prefix and fingerprint, but still shaped like a token (`pin[ar]_` and 16+ characters), so a
re-analysis still tells an access token from a refresh token, still sees a token leak to another
host or in a URL, and links a grant's token to the calls that use it.
"""

from __future__ import annotations

import base64
import binascii
import json
import re
from typing import Any
from urllib.parse import parse_qsl, quote, unquote

from pinscope.masking import KnownSecrets, mask_secrets
from pinscope.redact import is_secret, is_secret_name
from pinscope.tokens import KNOWN_SCHEMES, V5_TOKEN, fingerprint, mask
from pinscope.untrusted import MAX_JSON_DEPTH

STAND_IN = "REDACTED-"
_LABEL = re.compile(r"(pin[ar])…([0-9a-f]{8})")
PUBLIC_FIELDS = frozenset({"token_type"})  # a secret's name by its words, but OAuth's `bearer`: no secret
_STAND_IN = re.compile(r"pin[ar]_" + STAND_IN + r"[0-9a-f]{8}")


def stand_in(prefix: str, print_: str) -> str:
    """A v5 token's replacement: `pina_REDACTED-28a73821` (its kind and fingerprint, token-shaped)."""
    return f"{prefix}_{STAND_IN}{print_}"


class Masker:
    """Masks the parts of messages; every secret it replaces is learned, to be masked where it recurs."""

    def __init__(self, known: KnownSecrets | None = None) -> None:
        self.known = known if known is not None else KnownSecrets()

    def value(self, secret: str) -> str:
        """A whole value known to be secret: a v5 token's stand-in, else its label (`…1a2b3c4d`)."""
        if not secret or _STAND_IN.fullmatch(secret) or secret.startswith("…"):
            return secret  # already masked (a capture redacted before)
        self.known.learn(len(secret), fingerprint(secret))
        match = V5_TOKEN.match(secret)
        return stand_in(secret[:4], fingerprint(secret)) if match else mask(secret)

    def text(self, text: str) -> str:
        """Free text with every secret shape and every known secret masked (no length cap)."""
        if _STAND_IN.search(text):  # a stand-in would be masked again as a token: shield them
            parts = _STAND_IN.split(text)
            kept = _STAND_IN.findall(text)
            return "".join(self.text(p) + (kept[i] if i < len(kept) else "") for i, p in enumerate(parts))
        masked = mask_secrets(text, self.known)
        return _LABEL.sub(lambda m: stand_in(m[1], m[2]), masked) if "…" in masked else masked

    def pairs(self, text: str) -> str:
        """A query string or form body with secret values masked, re-encoded (`&`-joined)."""
        out = []
        for key, value in parse_qsl(text, keep_blank_values=True):
            shown = self.value(value) if value and is_secret(key, value) else self.text(value)
            out.append(f"{_quote(self.text(key))}={_quote(shown)}")
        return "&".join(out)

    def path(self, path: str) -> str:
        """A URL path, each segment masked as decoded text (a percent-encoded token is found too)."""
        segments = path.split("/")
        out = []
        for segment in segments:
            decoded = _unquote(segment)
            masked = self.text(decoded)
            out.append(segment if masked == decoded else _quote(masked, "=:@"))
        return "/".join(out)

    def authorization(self, value: str) -> str:
        """An Authorization value with its credential masked and its shape kept (tokens.parse_authorization
        reads the result as the same kind of credential, with the same problem if it is malformed)."""
        stripped = value.strip()
        scheme, _, rest = stripped.partition(" ")
        rest = rest.strip()
        lowered = scheme.lower()
        if lowered == "bearer" and rest:
            return f"{scheme} {self.value(rest)}"
        if lowered == "basic" and rest:
            return f"{scheme} {self._basic(rest)}"
        if lowered in KNOWN_SCHEMES and rest:
            return f"{scheme} {self.value(rest)}"
        # No scheme, or an unknown one (maybe the secret itself): every word masked, the count kept.
        return " ".join(self.value(word) for word in stripped.split())

    def _basic(self, encoded: str) -> str:
        """Basic credentials: base64(app_id:label) for a well-formed pair, else a value as malformed."""
        if ":" in encoded and not encoded.endswith("="):  # app_id:secret without base64: keep the mistake
            app_id, _, secret = encoded.partition(":")
            return f"{app_id if app_id.isdigit() else self.value(app_id)}:{self.value(secret)}"
        try:
            decoded = base64.b64decode(encoded, validate=True).decode("utf-8")
        except (binascii.Error, UnicodeDecodeError, ValueError):
            return self.value(encoded)  # a label is no valid base64 either: still "not valid base64"
        app_id, sep, secret = decoded.partition(":")
        if not sep or not secret:  # still no app_id:app_secret once masked
            return base64.b64encode(self.value(decoded).encode()).decode()
        app_id = app_id if app_id.isdigit() and len(app_id) <= 20 else self.value(app_id)
        return base64.b64encode(f"{app_id}:{self.value(secret)}".encode()).decode()

    def cookie(self, value: str) -> str:
        """A Cookie header: every cookie's value masked, names kept."""
        return "; ".join(self._cookie_pair(part.strip()) for part in value.split(";") if part.strip())

    def set_cookie(self, value: str) -> str:
        """A Set-Cookie header: the cookie's value masked, its attributes kept."""
        first, sep, attributes = value.partition(";")
        return self._cookie_pair(first.strip()) + (sep + self.text(attributes) if sep else "")

    def _cookie_pair(self, pair: str) -> str:
        name, sep, value = pair.partition("=")
        return f"{self.text(name)}={self.value(value)}" if sep and value else self.text(pair)

    def json(self, data: Any, depth: int = 0) -> Any:
        """A JSON value with secret-named keys' strings and every secret shape masked, to MAX_JSON_DEPTH."""
        if depth > MAX_JSON_DEPTH:
            return None  # deeper than pinscope reads: dropped rather than passed on unread
        if isinstance(data, dict):
            return {self.text(str(k)): self._field(str(k), v, depth) for k, v in data.items()}
        if isinstance(data, list):
            return [self.json(item, depth + 1) for item in data]
        if isinstance(data, str):
            return self.text(data)
        return data

    def _field(self, key: str, value: Any, depth: int) -> Any:
        if isinstance(value, str) and value and is_secret_name(key) and key.lower() not in PUBLIC_FIELDS:
            if key.lower().endswith("code") and value.isdigit() and len(value) < 6:
                return value  # a Pinterest error code, as masking._masked_assignment keeps it
            return self.value(value)
        return self.json(value, depth + 1)

    def json_text(self, text: str) -> str | None:
        """A JSON document masked and written back (None when `text` is no JSON)."""
        try:
            data = json.loads(text)
        except (ValueError, RecursionError):
            return None
        masked = self.json(data)
        return text if masked == data else json.dumps(masked, ensure_ascii=False)


def _quote(text: str, safe: str = "") -> str:
    return quote(text, safe=safe, errors="surrogateescape")


def _unquote(text: str) -> str:
    return unquote(text, errors="surrogateescape") if "%" in text else text
