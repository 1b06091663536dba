"""The operation catalogue (generated from Pinterest's OpenAPI spec) and request matching."""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import TypeVar

from pinscope.paths import rules_dir

PARAM = "{}"  # trie key for a `{param}` segment
MAX_PER_OPERATION = 4096  # operations per_operation() remembers (a catalogue has about 230)
T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class Operation:
    """One API operation: its scopes, rate-limit category and sandbox availability."""

    operation_id: str
    method: str
    path: str
    summary: str
    auth: tuple[str, ...]
    scope_sets: tuple[frozenset[str], ...]  # alternatives (OR); all scopes in one set (AND)
    category: str | None
    sandbox: bool
    beta: bool
    param_rules: dict[str, dict] = field(default_factory=dict, compare=False, hash=False)
    label: str = field(init=False, compare=False, repr=False)  # `GET /v5/pins/{pin_id}`: how findings name it

    def __post_init__(self) -> None:
        # Worked out once: every call names its operation several times (findings, session, reports).
        object.__setattr__(self, "label", f"{self.method} /v5{self.path}")

    @property
    def needs_oauth(self) -> bool:
        """Whether a bearer token is the only way in (not Basic or a conversion token)."""
        return bool(self.scope_sets) and not {"basic", "conversion_token"} & set(self.auth)

    def satisfied_by(self, granted: frozenset[str]) -> bool:
        """Whether a token granted `granted` may call this operation."""
        return not self.scope_sets or any(s <= granted for s in self.scope_sets)

    def missing_scopes(self, granted: frozenset[str]) -> frozenset[str]:
        """The smallest set of scopes to add to `granted` (empty when satisfied)."""
        if self.satisfied_by(granted):
            return frozenset()
        return min((s - granted for s in self.scope_sets), key=lambda m: (len(m), sorted(m)))

    def path_params(self, api_path: str) -> dict[str, str]:
        """The raw values of this operation's `{param}` segments in a request path (after `/v5`)."""
        pairs = zip(_template_segments(self.path), _segments(api_path), strict=False)
        return {name[1:-1]: value for name, value in pairs if name.startswith("{")}


@dataclass(frozen=True, slots=True)
class Match:
    """The result of matching a request: the operation, or the methods the path allows."""

    operation: Operation | None
    path_known: bool
    allowed_methods: tuple[str, ...] = ()


class Catalog:
    """All operations, with a segment trie so a request is matched in one walk."""

    def __init__(self, operations: list[Operation], spec_version: str, scopes: tuple[str, ...]):
        self.operations = operations
        self.spec_version = spec_version
        self.scopes = scopes
        self.by_id = {op.operation_id: op for op in operations}
        self._by_route: dict[tuple[str, str], Operation] = {}
        for op in operations:
            self._by_route.setdefault((op.method, op.path), op)
        self._trie: dict = {}
        # Whether any path has an all-digit literal segment: then a numeric segment may not be an id.
        self.numeric_literals = any(s.isdigit() for op in operations for s in _segments(op.path))
        for op in operations:
            node = self._trie
            for segment in _segments(op.path):
                key = PARAM if segment.startswith("{") else segment
                node = node.setdefault(key, {})
            node.setdefault("", {})[op.method] = op  # "" holds the methods at a leaf

    def match(self, method: str, api_path: str) -> Match:
        """Match `/pins/123` (path after `/v5`) to its operation; literals beat `{param}`."""
        method = method.upper()
        segments = _segments(api_path)
        leaf = _greedy_leaf(self._trie, segments)  # most paths: literals first, no backtracking
        if leaf is not None and method in leaf[""]:
            return Match(leaf[""][method], True)
        first: dict | None = None
        for leaf in _leaves(self._trie, segments, 0):
            ops = leaf[""]
            if method in ops:
                return Match(ops[method], True)
            first = first or ops
        if first is None:
            return Match(None, False)
        return Match(None, True, tuple(sorted(first)))

    def find(self, method: str, path_template: str) -> Operation | None:
        """Look an operation up by method and template, `/v5` optional."""
        template = path_template.removeprefix("/v5") or "/"
        op = self._by_route.get((method.upper(), template))
        if op is not None:
            return op
        match = self.match(method, template)
        return match.operation


def _segments(path: str) -> list[str]:
    """Non-empty path segments (a trailing slash does not matter to Pinterest's router)."""
    return [s for s in path.split("/") if s]


@cache
def _template_segments(template: str) -> tuple[str, ...]:
    """An operation path's segments, split once per operation."""
    return tuple(_segments(template))


def per_operation(fn: Callable[[Operation], T]) -> Callable[[Operation], T]:
    """Cache `fn(op)` per Operation object (operations are immutable but unhashable: they hold dicts)."""
    known: dict[int, tuple[Operation, T]] = {}

    def cached(op: Operation) -> T:
        entry = known.get(id(op))
        if entry is not None and entry[0] is op:
            return entry[1]
        if len(known) >= MAX_PER_OPERATION:
            known.clear()
        value = fn(op)
        known[id(op)] = (op, value)  # keeping `op` makes its id unique for as long as the entry lives
        return value

    return functools.wraps(fn)(cached)


def _greedy_leaf(node: dict, segments: list[str]) -> dict | None:
    """The leaf reached by taking the literal segment wherever there is one (_leaves' first), or None."""
    for segment in segments:
        child = node.get(segment)
        node = child if child is not None else node.get(PARAM)
        if node is None:
            return None
    return node if "" in node else None


def _leaves(node: dict, segments: list[str], i: int) -> Iterator[dict]:
    """Trie leaves matching the segments, literal segments before `{param}` ones."""
    if i == len(segments):
        if "" in node:
            yield node
        return
    literal = node.get(segments[i])
    if literal is not None:
        yield from _leaves(literal, segments, i + 1)
    param = node.get(PARAM)
    if param is not None:
        yield from _leaves(param, segments, i + 1)


def breaks_rule(value: str, rule: dict) -> tuple[bool, bool]:
    """(breaks the spec's `pattern`, longer than its `maxLength`) for one parameter value."""
    pattern, limit = rule.get("pattern"), rule.get("maxLength")
    compiled = _pattern(pattern) if pattern and isinstance(pattern, str) else None
    mismatch = compiled is not None and compiled.search(value) is None
    return mismatch, isinstance(limit, int) and len(value) > limit


@functools.lru_cache(maxsize=512)
def _pattern(pattern: str) -> re.Pattern[str] | None:
    """The spec's pattern compiled once; None when Python cannot read it (it says nothing about values)."""
    try:
        return re.compile(pattern)
    except re.error:
        return None


def load_catalog(path: Path | None = None) -> Catalog:
    """Read the generated `endpoints.json` into a Catalog."""
    path = path or rules_dir() / "endpoints.json"
    doc = json.loads(path.read_text(encoding="utf-8"))
    operations = [
        Operation(
            operation_id=row["operation_id"],
            method=row["method"],
            path=row["path"],
            summary=row["summary"],
            auth=tuple(row["auth"]),
            scope_sets=tuple(frozenset(s) for s in row["scope_sets"]),
            category=row["category"],
            sandbox=row["sandbox"],
            beta=row["beta"],
            param_rules=row.get("param_rules", {}),
        )
        for row in doc["operations"]
    ]
    return Catalog(operations, doc["spec_version"], tuple(doc["scopes"]))


@cache
def default_catalog() -> Catalog:
    """The packaged catalogue, loaded once per process."""
    return load_catalog()
