"""The simulator's memory: objects per (environment, user), per collection, newest last, bounded.

A collection is named by its scope, `(collection path template, parent ids)`, e.g.
`("/ad_accounts/{ad_account_id}/campaigns", ("549755885175",))`. Callers get copies, so an answer
can be changed without changing what is stored. One lock guards everything: the simulator serves
WSGI threads (like SimState).
"""

from __future__ import annotations

import base64
import copy
import json
import threading
from collections import OrderedDict
from collections.abc import Callable, Iterable
from typing import Any

Scope = tuple[str, tuple[str, ...]]
SpaceKey = tuple[str, str]  # (environment, user)
Obj = dict[str, Any]
Seed = Callable[[], Iterable[tuple[Scope, str, Obj]]]  # a space's base layer, read on its first use

MAX_OBJECTS = 5_000  # per (environment, user); the oldest object goes first
MAX_SPACES = 100  # (environment, user) pairs remembered (`/_sim/token` mints any user); the oldest goes first
# What every space together may hold, as JSON: a local client sending 1 MiB bodies (the request cap)
# must not make the simulator hold gigabytes. Over it, the written space's oldest objects go first,
# then the oldest other spaces.
MAX_STORED_BYTES = 64 << 20
DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE = 25, 250  # [spec query_page_size]
MAX_BOOKMARK = 32  # characters read from a `bookmark` parameter


class _Space:
    """One user's objects in one environment."""

    def __init__(self) -> None:
        self.objects: OrderedDict[tuple[Scope, str], Obj] = OrderedDict()
        self.sizes: dict[tuple[Scope, str], int] = {}  # each object's JSON size
        self.bytes = 0
        self.seeded = False

    def keep(self, where: tuple[Scope, str], obj: Obj) -> int:
        """Store a copy of `obj` (a new key becomes the newest); the change in bytes held."""
        size = len(json.dumps(obj, default=str))
        change = size - self.sizes.get(where, 0)
        self.objects[where], self.sizes[where] = copy.deepcopy(obj), size
        self.bytes += change
        return change

    def drop(self, where: tuple[Scope, str]) -> int:
        """Forget one object; the bytes freed (0 when it was not there)."""
        if self.objects.pop(where, None) is None:
            return 0
        size = self.sizes.pop(where, 0)
        self.bytes -= size
        return size


class Store:
    """Objects by scope and id, for every (environment, user)."""

    def __init__(self, cap: int = MAX_OBJECTS, spaces: int = MAX_SPACES, max_bytes: int = MAX_STORED_BYTES) -> None:
        self.cap = cap
        self.max_spaces = spaces
        self.max_bytes = max_bytes
        self.bytes = 0  # JSON size of every object held, all spaces
        self._lock = threading.Lock()
        self._spaces: dict[SpaceKey, _Space] = {}

    def _space(self, key: SpaceKey, seed: Seed | None) -> _Space:
        space = self._spaces.get(key)
        if space is None:
            while len(self._spaces) >= self.max_spaces:
                self.bytes -= self._spaces.pop(next(iter(self._spaces))).bytes
            space = self._spaces[key] = _Space()
        if not space.seeded and seed is not None:
            space.seeded = True  # the base layer is read once per space, lazily
            for scope, obj_id, obj in seed():
                self.bytes += space.keep((scope, obj_id), obj)
        return space

    def _fit(self, space: _Space) -> None:
        """Within the object cap and the byte budget: the space's oldest objects first, then other spaces."""
        while len(space.objects) > self.cap or (self.bytes > self.max_bytes and len(space.objects) > 1):
            self.bytes -= space.drop(next(iter(space.objects)))
        for key in [k for k, other in self._spaces.items() if other is not space]:
            if self.bytes <= self.max_bytes:
                break
            self.bytes -= self._spaces.pop(key).bytes

    def put(self, key: SpaceKey, scope: Scope, obj_id: str, obj: Obj,
            seed: Seed | None = None) -> None:
        """Store `obj`: a new id becomes the newest; a known id is replaced in its place."""
        with self._lock:
            space = self._space(key, seed)
            self.bytes += space.keep((scope, obj_id), obj)
            self._fit(space)

    def get(self, key: SpaceKey, scope: Scope, obj_id: str,
            seed: Seed | None = None) -> Obj | None:
        """A copy of one object, or None."""
        with self._lock:
            found = self._space(key, seed).objects.get((scope, obj_id))
            return copy.deepcopy(found) if found is not None else None

    def delete(self, key: SpaceKey, scope: Scope, obj_id: str,
               seed: Seed | None = None) -> bool:
        """Forget one object; False when it was not there."""
        with self._lock:
            space = self._space(key, seed)
            if (scope, obj_id) not in space.objects:
                return False
            self.bytes -= space.drop((scope, obj_id))
            return True

    def items(self, key: SpaceKey, scope: Scope,
              seed: Seed | None = None) -> list[Obj]:
        """Copies of a collection's objects, newest first."""
        with self._lock:
            objects = self._space(key, seed).objects
            return [copy.deepcopy(o) for (s, _), o in reversed(objects.items()) if s == scope]


def page(items: list[Obj], query: dict[str, str]) -> dict[str, Any]:
    """`{"items", "bookmark"}` for the page `bookmark` and `page_size` ask for; bookmark null on the last."""
    start = read_bookmark(query.get("bookmark"))
    try:
        size = int(query.get("page_size") or DEFAULT_PAGE_SIZE)
    except ValueError:
        size = DEFAULT_PAGE_SIZE
    size = min(max(size, 1), MAX_PAGE_SIZE)
    end = start + size
    return {"items": items[start:end], "bookmark": make_bookmark(end) if end < len(items) else None}


def make_bookmark(offset: int) -> str:
    """An opaque bookmark (Pinterest's are opaque strings) for the page starting at `offset` [inf]."""
    return base64.urlsafe_b64encode(f"o:{offset}".encode()).decode().rstrip("=")


def read_bookmark(bookmark: str | None) -> int:
    """The offset a bookmark stands for; an unreadable one starts at the beginning [inf]."""
    if not bookmark or len(bookmark) > MAX_BOOKMARK:
        return 0
    try:
        text = base64.urlsafe_b64decode(bookmark + "=" * (-len(bookmark) % 4)).decode()
    except ValueError:
        return 0
    kind, _, number = text.partition(":")
    return int(number) if kind == "o" and number.isdigit() else 0
