"""A message's headers as pinscope reads them, decoded only when asked: most flows need five names.

`read_headers()` (exchange/request.py) decodes every field of every message; a healthy Pinterest
call needs a handful (host, content type and encoding, the rate-limit headers, the request id). A
HeaderView decodes those at once (where they sit among a message's field names is worked out once
per list of names), and the rest, exactly as read_headers() would, the first time anything else is asked.
"""

from __future__ import annotations

import operator
from collections.abc import Iterator, MutableMapping

from pinscope.exchange.request import read_header_fields
from pinscope.untrusted import MAX_HEADER_CHARS, MAX_HEADERS

Fields = tuple[tuple[bytes, bytes], ...]
# The names pinscope reads on most flows, request and response (lower-case, as bytes).
READ_AT_ONCE = frozenset({b"host", b"content-type", b"content-encoding", b"authorization", b"user-agent",
                          b"x-pinscope-silence", b"x-ratelimit-limit", b"x-ratelimit-remaining",
                          b"x-ratelimit-reset", b"x-pinterest-rid", b"server"})


_READ_AT_ONCE_NAMES = frozenset(name.decode() for name in READ_AT_ONCE)
# The field names of a message, as sent (`Content-Type` or `content-type`, in order) -> where the
# READ_AT_ONCE ones are: (index, lower-case name) each, or None when a name repeats. A client sends
# the same names in the same order on every call: one C-level tuple and one lookup per message
# instead of a Python step per field. Bounded: cleared when full (hostile names cost only that).
_Plan = tuple[tuple[int, str], ...]
_PLANS: dict[tuple[bytes, ...], _Plan | None] = {}
_UNSEEN: _Plan = ((-1, ""),)  # compared by identity: a value of the plans' own type, so `plan` stays typed
MAX_PLANS = 256
_NAME = operator.itemgetter(0)


def _plan(names: tuple[bytes, ...]) -> _Plan | None:
    """Where the READ_AT_ONCE names are among `names` (None: one of them repeats); remembered."""
    at: dict[str, int] = {}
    plan: _Plan | None = None
    for index, raw_name in enumerate(names):
        lowered = raw_name.lower()
        if lowered in READ_AT_ONCE:
            name = lowered.decode("ascii")
            if name in at:
                break
            at[name] = index
    else:  # no name repeats
        plan = tuple((index, name) for name, index in at.items())
    if len(_PLANS) >= MAX_PLANS:
        _PLANS.clear()
    _PLANS[names] = plan
    return plan


class HeaderView(MutableMapping[str, str]):
    """Lower-case names to values (duplicates joined, capped, credentials redacted), like read_headers()."""

    __slots__ = ("_fields", "_known", "_all", "authorization")
    _fields: Fields
    _known: dict[str, str]
    _all: dict[str, str] | None
    authorization: str | None  # raw, for tokens.parse_authorization

    def __init__(self, fields: Fields) -> None:
        self._fields = fields = fields[:MAX_HEADERS]
        self._all = None
        names = tuple(map(_NAME, fields))
        plan = _PLANS.get(names, _UNSEEN)
        if plan is _UNSEEN:
            plan = _plan(names)
        if plan is None:  # a repeated name (rare): every field read as read_headers() reads them, joined
            self._all, self.authorization = read_header_fields(fields)
            self._known = {name: value for name, value in self._all.items() if name in _READ_AT_ONCE_NAMES}
            return
        self._known = known = {name: fields[index][1][:MAX_HEADER_CHARS].decode("utf-8", "surrogateescape")
                               for index, name in plan}
        self.authorization = known.get("authorization")
        if self.authorization is not None:
            known["authorization"] = "[redacted]"

    def _every(self) -> dict[str, str]:
        """Every field, decoded once (a name outside READ_AT_ONCE was asked for, or all of them)."""
        if self._all is None:
            self._all = read_header_fields(self._fields)[0]
        return self._all

    def get(self, name: str, default: str | None = None) -> str | None:  # type: ignore[override]
        """The value of a lower-case name; names read at once cost no decoding."""
        value = self._known.get(name)  # kept as _all has it once that exists (see __setitem__)
        if value is not None:
            return value
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
        if name in _READ_AT_ONCE_NAMES:
            self._known[name] = value

    def __delitem__(self, name: str) -> None:
        del self._every()[name]
        self._known.pop(name, None)

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
