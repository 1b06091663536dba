"""Stream the entries of a HAR archive one at a time, in bounded memory and nesting.

ijson's C parser (yajl) yields flat events; the entries are built here with an explicit stack, so
nesting costs no recursion and is capped. ijson's own `items()` is not used: it keeps the prefix
path of every open level, which costs memory quadratic in the depth (20,000 levels: 450 MB).
"""

from __future__ import annotations

from collections.abc import Iterator
from io import BufferedReader

import ijson

from pinscope.untrusted import MAX_JSON_DEPTH, clean

BOM = b"\xef\xbb\xbf"
Events = Iterator[tuple[str, object]]
OPEN: dict[str, type] = {"start_map": dict, "start_array": list}
CLOSE = frozenset({"end_map", "end_array"})
ENTRY_DEPTH = 4  # the top-level object, log, log.entries, then each entry


class HarError(ValueError):
    """The archive is not a HAR file pinscope can read; the message is one line."""


def entries(fo: BufferedReader, max_depth: int = MAX_JSON_DEPTH) -> Iterator[dict]:
    """Each object of `log.entries`, in file order; HarError on anything else or deeper nesting."""
    if fo.peek(3)[:3] == BOM:  # browsers on Windows and Fiddler write one; yajl refuses it
        fo.read(3)
    try:
        yield from _archive(ijson.basic_parse(fo, use_float=True), max_depth)
    except ijson.JSONError as err:
        raise HarError(f"not valid JSON: {parse_error(err)}") from None


def parse_error(err: BaseException) -> str:
    """The parser's first line, cleaned: yajl's following lines quote the input (maybe a secret)."""
    text = err.args[0] if err.args else ""
    if isinstance(text, bytes):
        text = text.decode("utf-8", "replace")
    lines = str(text).strip().splitlines()
    return clean(lines[0][:200]) if lines else type(err).__name__


def _archive(events: Events, max_depth: int) -> Iterator[dict]:
    """Walk the map keys down to log.entries and yield its items; skip every other value."""
    if _next(events) != "start_map":
        raise HarError("the top level is not an object")
    found = False
    for key in _keys(events):
        if key != "log":
            _skip(events, _next(events), 2, max_depth)
            continue
        if _next(events) != "start_map":
            raise HarError("log is not an object")
        for inner in _keys(events):
            if inner != "entries":
                _skip(events, _next(events), 3, max_depth)
                continue
            if _next(events) != "start_array":
                raise HarError("log.entries is not a list")
            found = True
            yield from _items(events, max_depth)
    for _ in events:  # only whitespace may follow; yajl raises on anything else
        raise HarError("more than one top-level value")
    if not found:
        raise HarError("no log.entries list")


def _next(events: Events) -> str:
    """The next event's name; yajl reports an early end itself, so running out is a safeguard."""
    event, _ = next(events, ("end", None))
    if event == "end":
        raise HarError("the file ends early")
    return event


def _keys(events: Events) -> Iterator[str]:
    """The keys of the object just opened, until it closes; the caller consumes each value."""
    for event, value in events:
        if event == "end_map":
            return
        yield str(value)
    raise HarError("the file ends early")


def _skip(events: Events, first: str, depth: int, max_depth: int) -> None:
    """Consume a value whose first event was `first`, at `depth`, checking its nesting."""
    open_ = 0
    event = first
    while True:
        if event in OPEN:
            open_ += 1
            if depth + open_ - 1 > max_depth:
                raise HarError(f"nested deeper than {max_depth} levels")
        elif event in CLOSE:
            open_ -= 1
        if open_ == 0:
            return
        event = _next(events)


def _items(events: Events, max_depth: int) -> Iterator[dict]:
    """The items of log.entries, each built whole; HarError for an item that is not an object."""
    index = 0
    while (event := _next(events)) != "end_array":
        if event != "start_map":
            raise HarError(f"entry {index} is not an object")
        yield _build(events, max_depth)
        index += 1


def _build(events: Events, max_depth: int) -> dict:
    """The entry whose start_map was just read, built with an explicit stack (no recursion)."""
    entry: dict = {}
    stack: list[dict | list] = [entry]
    key: object = None
    for event, value in events:
        if event == "map_key":
            key = value
            continue
        if event in CLOSE:
            stack.pop()
            if not stack:
                return entry
            continue
        factory = OPEN.get(event)
        child = factory() if factory else value
        parent = stack[-1]
        if type(parent) is dict:
            parent[key] = child
        else:
            parent.append(child)
        if factory:
            stack.append(child)
            if ENTRY_DEPTH - 1 + len(stack) > max_depth:
                raise HarError(f"nested deeper than {max_depth} levels")
    raise HarError("the file ends early")
