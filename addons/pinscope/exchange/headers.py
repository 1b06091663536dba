"""A message's headers as pinscope reads them, decoded only when asked: most flows need five names.

`read_headers()` (exchange/request.py) decodes every field of every message; a healthy Pinterest
call needs a handful (host, content type and encoding, the rate-limit headers, the request id). A
HeaderView decodes those in one pass over the raw fields, and the rest, exactly as read_headers()
would, the first time anything else is asked.
"""

from __future__ import annotations

from collections.abc import Iterator, MutableMapping

from pinscope.exchange.request import joined, read_header_fields
from pinscope.untrusted import MAX_HEADER_CHARS, MAX_HEADERS

Fields = tuple[tuple[bytes, bytes], ...]
# The names pinscope reads on most flows, request and response (lower-case, as bytes).
READ_AT_ONCE = frozenset({b"host", b"content-type", b"content-encoding", b"authorization", b"user-agent",
                          b"x-pinscope-silence", b"x-ratelimit-limit", b"x-ratelimit-remaining",
                          b"x-ratelimit-reset", b"x-pinterest-rid", b"server"})


_READ_AT_ONCE_NAMES = frozenset(name.decode() for name in READ_AT_ONCE)
# Raw field name (as sent: `Content-Type`, `content-type`) -> its lower-case name when READ_AT_ONCE,
# else None. A client sends the same few names on every request: one dict lookup instead of lower(),
# a set lookup and decode() per field. Bounded: cleared when full (hostile names cost only that).
_NAMES: dict[bytes, str | None] = {}
_UNSEEN = object()
MAX_NAMES = 512


def _learn(raw_name: bytes) -> str | None:
    """The lower-case name of a raw field name when pinscope reads it at once, else None; remembered."""
    lowered = raw_name.lower()
    name = lowered.decode("ascii") if lowered in READ_AT_ONCE else None
    if len(_NAMES) >= MAX_NAMES:
        _NAMES.clear()
    _NAMES[raw_name] = name
    return name


class HeaderView(MutableMapping[str, str]):
    """Lower-case names to values (duplicates joined, capped, credentials redacted), like read_headers()."""

    __slots__ = ("_fields", "_known", "_all", "authorization")

    def __init__(self, fields: Fields) -> None:
        self._fields = fields[:MAX_HEADERS]
        self._known: dict[str, str] = {}
        self._all: dict[str, str] | None = None
        self.authorization: str | None = None  # the raw Authorization value, for tokens.parse_authorization
        names = _NAMES
        for raw_name, raw_value in self._fields:
            name = names.get(raw_name, _UNSEEN)
            if name is _UNSEEN:
                name = _learn(raw_name)
            if name is None:
                continue
            value = raw_value[:MAX_HEADER_CHARS].decode("utf-8", "surrogateescape")
            if name == "authorization":
                self.authorization = value if self.authorization is None else joined(self.authorization, value)
                value = "[redacted]"
            self._known[name] = joined(self._known[name], value) if name in self._known else value

    def _every(self) -> dict[str, str]:
        """Every field, decoded once (a name outside READ_AT_ONCE was asked for, or all of them)."""
        if self._all is None:
            self._all = read_header_fields(self._fields)[0]
        return self._all

    def get(self, name: str, default: str | None = None) -> str | None:  # type: ignore[override]
        """The value of a lower-case name; names read at once cost no decoding."""
        if self._all is not None:
            return self._all.get(name, default)
        if name in self._known:
            return self._known[name]
        if name in _READ_AT_ONCE_NAMES:  # read at once and absent: nothing more to decode
            return default
        return self._every().get(name, default)

    def __getitem__(self, name: str) -> str:
        value = self.get(name)
        if value is None:
            raise KeyError(name)
        return value

    def __contains__(self, name: object) -> bool:
        return isinstance(name, str) and self.get(name) is not None

    def __setitem__(self, name: str, value: str) -> None:
        self._every()[name] = value

    def __delitem__(self, name: str) -> None:
        del self._every()[name]

    def __iter__(self) -> Iterator[str]:
        return iter(self._every())

    def __len__(self) -> int:
        return len(self._every())

    def copy(self) -> HeaderView:
        """An independent view of the same fields (what one phase adds is not seen by the other)."""
        twin = HeaderView.__new__(HeaderView)
        twin._fields, twin._known, twin.authorization = self._fields, dict(self._known), self.authorization
        twin._all = dict(self._all) if self._all is not None else None
        return twin

    def __repr__(self) -> str:
        return f"HeaderView({self._every()!r})"
