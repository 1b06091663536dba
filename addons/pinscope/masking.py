"""Secret shapes in free text: the masking half of `untrusted.clean()`.

Tokens of any length, secrets after a secret's name (`client_secret X`, `?code=X`, `"api_key": "X"`),
credentials after an HTTP scheme, percent-encoded forms of all these, and the secrets this session
has met (known only by length and fingerprint) wherever they recur.
"""

from __future__ import annotations

import itertools
import re
from urllib.parse import unquote

from pinscope.tokens import fingerprint, mask

MAX_KNOWN_SECRETS = 1_000  # secrets of the session (by length and fingerprint) masked wherever they recur

# Field names whose value is a secret: exact words, and any name ending so (`data[client_secret]`,
# `x_api_key`, `id_token`, `refresh_token`). `code` (alone: not `country_code`) is the OAuth authorization code.
SECRET_NAME = (r"(?:(?:[A-Za-z0-9]+[_.-])*(?:secret|password|passwd|token|api[_-]?key|apikey|access[_-]?key|"
               r"private[_-]?key|credentials?|signature)|(?:auth(?:orization)?[_-])?code|pwd|sig)")
_NAME_BOUNDARY = r"(?<![A-Za-z0-9_])"
# `name=value`, `name: value`, `"name": "value"`, `name[…]=value`: any value (digits-only codes below 6 digits
# are Pinterest error codes, not secrets: see _masked_assignment()).
_ASSIGNED = re.compile(
    _NAME_BOUNDARY + r"(?P<name>" + SECRET_NAME + r")(?P<sep>[\"'\]]*\s{0,3}[:=]\s{0,3})"
    r"(?P<q>[\"'])?(?P<value>(?(q)[^\"'\n]{1,400}|[^\s&#\"',;<>(){}\[\]]{1,400}))", re.IGNORECASE)
# `client_secret abc123…` (a value after a space): only values that look like secrets (see _looks_secret()).
_SPACED = re.compile(_NAME_BOUNDARY + r"(?P<name>" + SECRET_NAME + r")(?P<sep>\s{1,3})"
                     r"(?P<value>[A-Za-z0-9._~+/=-]{8,400})", re.IGNORECASE)
# Credentials with an HTTP scheme: `Bearer x`, `Basic eDp5`, `token x`.
_SCHEMED = re.compile(r"(?<![A-Za-z0-9])(?P<name>Bearer|Basic|Digest|OAuth)(?P<sep>\s{1,3})"
                      r"(?P<value>[A-Za-z0-9._~+/=-]{6,4000})", re.IGNORECASE)
# Pinterest v5 tokens of ANY length (reading needs 16+ characters; output masks even a stub).
_V5_ANY = re.compile(r"pin[ar][._][A-Za-z0-9._~+/=-]+")
# Every word a shape above starts with, and `%` (an encoded shape): text without any is left as it is.
# Matched against the lower-cased text: an IGNORECASE alternation costs several times more.
_MAYBE = re.compile(r"pin[ar][._%]|bearer|basic|digest|oauth|secret|passw|pwd|token|key|credential|sig|code|%")
# Runs that may be a session secret seen earlier (app secrets, foreign bearer tokens, codes).
_RUN = re.compile(r"[A-Za-z0-9._~+/-]{8,}=*")


_SERIALS = itertools.count(1)


class KnownSecrets:
    """Secrets seen in this session, kept only as (length, fingerprint): masked wherever they recur."""

    def __init__(self, limit: int = MAX_KNOWN_SECRETS) -> None:
        self._by_length: dict[int, set[str]] = {}
        self._count = 0
        self._limit = limit
        self._shortest = 1 << 30  # no text shorter than the shortest secret can hold one
        self._serial = next(_SERIALS)  # unique per object, unlike id(): see stamp
        # Which secrets these are: changes whenever one is learnt (what clean() and render() remember
        # is keyed by it). An attribute, not a property: every clean() reads it.
        self.stamp: tuple[int, int] = (self._serial, 0)

    def __bool__(self) -> bool:
        return self._count > 0

    def learn(self, length: int, print_: str) -> None:
        """Remember one secret by its length and fingerprint (bounded: later ones are ignored)."""
        if length < 8 or self._count >= self._limit:
            return
        prints = self._by_length.get(length)
        if prints is None:  # not setdefault(): that builds (and drops) a set on every call
            prints = self._by_length[length] = set()
        if print_ not in prints:
            prints.add(print_)
            self._count += 1
            self._shortest = min(self._shortest, length)
            self.stamp = (self._serial, self._count)

    def may_hold(self, text: str) -> bool:
        """Whether `text` has a run of a length some secret has (the cheap test before holds())."""
        if len(text) < self._shortest:
            return False
        lengths = self._by_length
        return any(len(run) in lengths or len(run.rstrip(".-=~")) in lengths for run in _RUN.findall(text))

    def holds(self, text: str) -> bool:
        """Whether `text` is one of the secrets."""
        prints = self._by_length.get(len(text))
        if not prints:
            return False
        return fingerprint(text) in prints


def mask_secrets(text: str, known: KnownSecrets | None = None) -> str:
    """Every secret shape in `text` replaced by its label; percent-encoded secrets are decoded first."""
    if _MAYBE.search(text.lower()) is None and not (known and known.may_hold(text)):
        return text  # no shape below can match: most text (operation labels, scopes, prose) ends here
    masked = _mask_plain(text, known)
    if "%" in text:
        decoded = _percent_decoded(text)
        if decoded != text:
            masked_decoded = _mask_plain(decoded, known)
            if masked_decoded != decoded:  # the encoding hid a secret: show the decoded, masked text
                return masked_decoded
    return masked


def _mask_plain(text: str, known: KnownSecrets | None) -> str:
    if "pin" in text:
        text = _V5_ANY.sub(lambda m: mask(m.group()), text)
    text = _SCHEMED.sub(_masked_value, text)
    if "=" in text or ":" in text:
        text = _ASSIGNED.sub(_masked_assignment, text)
    text = _SPACED.sub(_masked_spaced, text)
    if known:
        text = _RUN.sub(lambda m: _masked_known(m.group(), known), text)
    return text


def _percent_decoded(text: str) -> str:
    """`text` percent-decoded until it stops changing (at most three rounds: `%255F` is `%5F` is `_`)."""
    for _ in range(3):
        decoded = unquote(text, errors="surrogateescape")
        if decoded == text:
            break
        text = decoded
    return text


def _masked_value(m: re.Match[str]) -> str:
    value = m["value"]
    if _is_label(value) or not _looks_secret(value):  # `Basic authentication failed` is prose
        return m.group()
    return f"{m['name']}{m['sep']}{mask(value)}"


def _masked_assignment(m: re.Match[str]) -> str:
    value, quote = m["value"], m["q"] or ""
    if _is_label(value) or (m["name"].lower().endswith("code") and value.isdigit() and len(value) < 6):
        return m.group()
    if ":" in m["sep"] and not quote and not _looks_secret(value):  # `Invalid token: expired` is prose
        return m.group()
    return f"{m['name']}{m['sep']}{quote}{mask(value)}"


def _masked_spaced(m: re.Match[str]) -> str:
    value = m["value"]
    if _is_label(value) or not _looks_secret(value):
        return m.group()
    return f"{m['name']}{m['sep']}{mask(value)}"


def _masked_known(run: str, known: KnownSecrets) -> str:
    for candidate in (run, run.rstrip(".-=~"), run.lstrip(".-~")):
        if known.holds(candidate):
            return run.replace(candidate, mask(candidate))
    return run


def _looks_secret(value: str) -> bool:
    """A word after a secret's name that is a value, not prose (`Token Debugger.`, `Basic authentication`):
    long, or with digits, symbols, inner dots or inner capitals."""
    word = value.rstrip(".,;:!?")
    return (len(word) >= 16 or any(c.isdigit() or c in "+/=_~" for c in word) or "." in word
            or any(c.isupper() for c in word[1:]))


def _is_label(value: str) -> bool:
    """Already masked (`…1a2b3c4d`, `pina…1a2b3c4d`): leave it."""
    return value.startswith("…") or "…" in value[:5]
