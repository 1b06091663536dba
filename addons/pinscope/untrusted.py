"""The one boundary for text that comes from traffic, and every cap on what pinscope reads.

Anything read from a flow or a capture (error messages, ids, header values, URLs, redirect URIs,
item errors) is untrusted. `clean()` is the one function that makes it fit for output: secrets
of every known shape masked, control characters removed, length capped. Its result has the type
`Clean`; findings, metadata, the terminal and the reports take text only through it.
"""

from __future__ import annotations

import re
import traceback

from pinscope.masking import KnownSecrets, mask_secrets

# --- Caps on what pinscope reads from traffic (each one named where it is enforced) ---------------
MAX_BODY_BYTES = 1 << 20  # a body is read only while its encoded AND decoded size stay within 1 MiB
MAX_CODINGS = 4  # Content-Encodings decoded in one chain (`gzip, br`); a longer chain is not read
MAX_URL_CHARS = 16 * 1024  # longer request targets are read up to here (path and query)
MAX_QUERY_BYTES = 16 * 1024  # query string bytes parsed into parameters
MAX_QUERY_PARAMS = 256  # query (and form) parameters parsed; the rest are not read
MAX_HEADERS = 256  # header fields read per message
MAX_HEADER_CHARS = 8 * 1024  # characters kept of one header value
MAX_JSON_DEPTH = 64  # nesting of a HAR capture that pinscope reads (bodies: the C parser's own recursion limit, caught)
MAX_TEXT_CHARS = 500  # characters of one traffic string in any output (after masking)
MAX_MESSAGE_CHARS = 4_000  # characters of Pinterest's error message that detectors read
MAX_CHECKED_BODY_BYTES = 64 * 1024  # request bodies validated against the spec (about 0.8 ms per KiB: 50 ms at most)
MAX_URL_TEXT_CHARS = 2_000  # characters of a URL in any output (after masking)
MAX_SCAN_FACTOR = 4  # clean() reads at most this many times its limit before masking

# C0 and C1 controls, DEL, zero-width and bidirectional overrides (Trojan Source), BOM, lone surrogates.
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff\ud800-\udfff]")
_SPACES = re.compile(r"\s+")
_TAIL_RUN = re.compile(r"[A-Za-z0-9._~+/=%-]+$")  # the word a cut may have split


# Error messages, operation labels and token labels recur on every flow of a kind: clean() remembers
# what it returned for short text it left unchanged, per set of known secrets (KnownSecrets.stamp).
MAX_REMEMBERED = 4096
MAX_REMEMBERED_CHARS = 256
_REMEMBERED: dict[tuple[str, int, tuple[int, int] | None], "Clean"] = {}


class Clean(str):
    """Text from traffic after clean(): secrets masked, no control characters, length capped."""

    __slots__ = ()


def clean(value: object, limit: int = MAX_TEXT_CHARS, known: KnownSecrets | None = None) -> Clean:
    """The one way traffic text reaches output: secrets masked, controls removed, at most `limit` chars."""
    if isinstance(value, Clean) and known is None:  # already through here, with its own cap
        return value
    if value is None:
        return Clean("")
    key = None
    # The same text: the same result. type() is written twice, not read into a local: mypy narrows
    # only `type(value) is str` itself (3.13 specialises type(x): no slower).
    if (type(value) is str or type(value) is Clean) and len(value) <= MAX_REMEMBERED_CHARS:
        key = (value, limit, known.stamp if known is not None else None)
        remembered = _REMEMBERED.get(key)
        if remembered is not None:
            return remembered
    text = value.decode("utf-8", "replace") if isinstance(value, bytes | bytearray) else str(value)
    text = cut(text, limit * MAX_SCAN_FACTOR)  # before the regexes
    # Controls go before masking (a NUL or zero-width space inside a token must not hide it) and
    # after (percent-decoding can produce them).
    plain = _plain(text)
    masked = mask_secrets(plain, known)
    text = plain if masked is plain else _plain(masked)  # unmasked: already plain
    result = Clean(text if len(text) <= limit else text[:limit - 1] + "…")
    if key is not None and result == value:  # only text with nothing to mask: the table holds no secret
        if len(_REMEMBERED) >= MAX_REMEMBERED:
            _REMEMBERED.clear()
        _REMEMBERED[key] = result
    return result


def _plain(text: str) -> str:
    """One line: controls removed, runs of white space folded to one space."""
    if text.isprintable() and "  " not in text and text[:1] != " " and text[-1:] != " ":
        return text  # already one clean line (isprintable() is False for controls, Cf and surrogates)
    return _SPACES.sub(" ", strip_controls(text.replace("\t", " ").replace("\n", " "))).strip()


def cut(text: str, limit: int) -> str:
    """`text` shortened to at most `limit` characters; a word cut in two goes too (it may be a secret,
    and half a secret no longer matches any shape or fingerprint that masking looks for)."""
    if len(text) <= limit:
        return text
    return _TAIL_RUN.sub("", text[:limit - 1]) + "…"


def describe_error(err: BaseException) -> str:
    """An exception for a log: its type, its message through clean(), and the code lines it passed.

    Never the standard traceback: an exception's message (a KeyError's key, a ValueError quoting its
    input) can hold traffic text, tokens included; the frames' source lines cannot.
    """
    frames = "".join(traceback.format_tb(err.__traceback__, limit=-8))
    return f"{type(err).__name__}: {clean(str(err))}\n{frames}".rstrip()


def strip_controls(text: str) -> str:
    """`text` without control, zero-width or bidirectional-override characters (line breaks go too)."""
    return _CONTROL.sub("", text)


def clean_url(value: object, known: KnownSecrets | None = None) -> Clean:
    """clean() with the longer cap for URLs."""
    return clean(value, MAX_URL_TEXT_CHARS, known)
