"""Credentials known by prefix and fingerprint: a raw secret never leaves this module."""

from __future__ import annotations

import base64
import binascii
import hashlib
import re
from dataclasses import dataclass
from typing import Literal

CredentialKind = Literal["access", "refresh", "foreign", "client", "malformed", "secret"]

# v5 tokens: access tokens start "pina", refresh tokens "pinr"; the separator varies ("pina_", "pinr.").
V5_TOKEN = re.compile(r"^pin([ar])[._]")
# Used to find tokens inside arbitrary text (leaks, URLs); long enough to skip ordinary words.
TOKEN_IN_TEXT = re.compile(r"pin[ar][._][A-Za-z0-9._~+/=-]{16,}")
FINGERPRINT_HEX = 8
# HTTP authentication schemes (IANA registry, plus common non-registered ones): only these are quoted.
KNOWN_SCHEMES = frozenset({"basic", "bearer", "digest", "dpop", "gnap", "hoba", "mutual", "negotiate", "ntlm",
                           "oauth", "privatetoken", "scram-sha-1", "scram-sha-256", "vapid", "concealed",
                           "aws4-hmac-sha256", "token", "apikey", "jwt", "hmac"})


def fingerprint(secret: str) -> str:
    """Short SHA-256 fingerprint of a secret (8 hex digits)."""
    return hashlib.sha256(secret.encode("utf-8", "surrogatepass")).hexdigest()[:FINGERPRINT_HEX]


@dataclass(frozen=True, slots=True)
class Credential:
    """What pinscope keeps of a secret: its kind, its public prefix and a fingerprint."""

    kind: CredentialKind
    prefix: str
    fingerprint: str
    app_id: str | None = None  # Basic auth: the app id is public (it is the OAuth client_id)
    problem: str | None = None  # why it is malformed: a phrase of rules/malformed-authorization.toml
    length: int = 0  # the secret's length: with the fingerprint, lets output mask it where it recurs
    scheme: str | None = None  # problem "unsupported_scheme": the scheme sent (one of KNOWN_SCHEMES)

    @property
    def label(self) -> str:
        """How a credential is shown everywhere: `pina…1a2b3c4d`."""
        if self.kind == "client":
            return f"app {self.app_id} (secret …{self.fingerprint})"
        return f"{self.prefix or 'token'}…{self.fingerprint}"


def classify_token(token: str) -> Credential:
    """Classify a bearer token by its prefix; never keep the token itself."""
    match = V5_TOKEN.match(token)
    if match:
        kind: CredentialKind = "access" if match.group(1) == "a" else "refresh"
        return Credential(kind, token[:4], fingerprint(token), length=len(token))
    # Not a v5 token: keep at most 3 characters of prefix so the label still hints at its origin.
    prefix = token[:3] if token[:3].isalpha() else ""
    return Credential("foreign", prefix, fingerprint(token), length=len(token))


def mask(secret: str) -> str:
    """The label of an arbitrary secret value (query parameter, form field)."""
    return classify_token(secret).label if V5_TOKEN.match(secret) else f"…{fingerprint(secret)}"


# A client sends the same Authorization value again and again: its Credential is worked out once.
# Keyed by the value's hash and length, so this table holds no secret (a collision needs 2**64 luck).
_CREDENTIALS: dict[tuple[int, int], Credential | None] = {}
MAX_CREDENTIALS = 256


def parse_authorization(value: str | None) -> Credential | None:
    """Parse an Authorization header into a Credential (None when absent)."""
    if value is None:
        return None
    key = (hash(value), len(value))
    if key in _CREDENTIALS:
        return _CREDENTIALS[key]
    if len(_CREDENTIALS) >= MAX_CREDENTIALS:
        _CREDENTIALS.clear()
    credential = _CREDENTIALS[key] = _parse_authorization(value)
    return credential


def _parse_authorization(value: str) -> Credential | None:
    """parse_authorization() without its memory."""
    value = value.strip()
    scheme, _, rest = value.partition(" ")
    rest = rest.strip()
    lowered = scheme.lower()
    if lowered == "bearer" and rest:
        return classify_token(rest)
    if lowered == "basic" and rest:
        return _parse_basic(rest)
    if not rest and V5_TOKEN.match(value):
        return _malformed(value, "no_bearer_scheme")
    if not rest:
        return _malformed(value, "no_scheme")
    if lowered in KNOWN_SCHEMES:
        return _malformed(rest, "unsupported_scheme", scheme)
    # Anything else may be the secret itself (`pina_… x`, an app secret): never quote it.
    return _malformed(value, "unknown_shape")


def _parse_basic(encoded: str) -> Credential:
    """Basic credentials: base64(app_id:app_secret); the secret is fingerprinted at once."""
    if ":" in encoded and not encoded.endswith("="):
        app_id, _, secret = encoded.partition(":")
        return Credential("malformed", "", fingerprint(secret), app_id=_public_app_id(app_id),
                          problem="basic_unencoded", length=len(secret))
    try:
        decoded = base64.b64decode(encoded, validate=True).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError, ValueError):
        return Credential("malformed", "", fingerprint(encoded), problem="basic_not_base64", length=len(encoded))
    app_id, sep, secret = decoded.partition(":")
    if not sep or not secret:
        return Credential("malformed", "", fingerprint(decoded), app_id=_public_app_id(app_id),
                          problem="basic_no_pair", length=len(decoded))
    return Credential("client", "", fingerprint(secret), app_id=_public_app_id(app_id), length=len(secret))


def _public_app_id(app_id: str) -> str | None:
    """App ids are numeric; anything else might be a secret pasted in the wrong place."""
    return app_id if app_id.isdigit() and len(app_id) <= 20 else None


def _malformed(value: str, problem: str, scheme: str | None = None) -> Credential:
    """A credential that could not be read as intended (`problem`: a phrase name, see Credential)."""
    cred = classify_token(value)
    return Credential("malformed", cred.prefix, cred.fingerprint, problem=problem, length=cred.length, scheme=scheme)
