"""Requests the catalogue cannot route: unknown-endpoint, method-not-allowed, wrong-api-version,
invalid-id-format. All run on the request, before Pinterest answers.

Exclusive by construction: a non-v5 version gets wrong-api-version only; a v5 path gets
unknown-endpoint (path unknown) or method-not-allowed (path known, method not); invalid-id-format
needs a matched v5 operation.
"""

from __future__ import annotations

import re
from difflib import SequenceMatcher
from functools import lru_cache
from urllib.parse import unquote

from pinscope.catalog import Catalog, Operation, breaks_rule, per_operation
from pinscope.detectors.base import Context, Findings, detects, is_v5
from pinscope.exchange import Exchange
from pinscope.findings import Finding, Phrase
from pinscope.tokens import TOKEN_IN_TEXT, mask

SUGGESTIONS = 3
SHOWN_VALUE = 40  # characters of an offending id quoted in a finding
IGNORED_METHODS = frozenset({"OPTIONS"})  # CORS preflights are not calls
ID_LIKE = re.compile(r"^(\d+|(?=.*\d)[\w.-]{6,})$")  # a request segment that stands for a {param}
MIN_SIMILARITY = 0.5  # below this a suggestion is noise, not help
# Well-known pre-v5 paths whose v5 operation shares no words with them [inf: v1/v3 docs are gone].
LEGACY_PATHS = {"me": "/user_account", "users/me": "/user_account", "me/boards": "/boards",
                "users/me/boards": "/boards", "me/pins": "/pins", "users/me/pins": "/pins"}


def path_params(op: Operation, api_path: str) -> dict[str, str]:
    """The percent-decoded values of the operation's `{param}` segments in this request path."""
    return {name: _decoded(value) for name, value in op.path_params(api_path).items()}


def _shape(path: str) -> str:
    """`/pins/{}`: a path with its parameter segments reduced to `{}`, for similarity."""
    parts = ("{}" if s.startswith("{") or ID_LIKE.match(s) else s.lower() for s in path.split("/") if s)
    return "/" + "/".join(parts)


def nearest(catalog: Catalog, method: str, api_path: str, n: int = SUGGESTIONS) -> list[Operation]:
    """The operations whose path looks most like `api_path` (same method first among equals)."""
    legacy = LEGACY_PATHS.get(api_path.strip("/").lower())
    if legacy is not None:
        ops = [op for op in catalog.operations if op.path == legacy]
        return sorted(ops, key=lambda op: (op.method != method, op.label))[:n]
    return list(_nearest_shape(catalog, method, _shape(api_path), n))


@lru_cache(maxsize=4)
def _shapes(catalog: Catalog) -> tuple[tuple[Operation, str], ...]:
    """Every operation with its path shape, computed once per catalogue."""
    return tuple((op, _shape(op.path)) for op in catalog.operations)


@lru_cache(maxsize=512)
def _nearest_shape(catalog: Catalog, method: str, shape: str, n: int) -> tuple[Operation, ...]:
    """nearest() for a path shape; cached, as difflib costs milliseconds and clients repeat a wrong path."""
    shapes = _shapes(catalog)
    longest = max((len(s) for _, s in shapes), default=0)
    if 2 * longest < MIN_SIMILARITY * (len(shape) + longest):  # too long to resemble any (and to cache)
        return ()
    scored = []
    for op, op_shape in shapes:
        matcher = SequenceMatcher(None, shape, op_shape)
        # Upper bounds of ratio(), cheap to compute: the same operations pass, sooner.
        if matcher.real_quick_ratio() < MIN_SIMILARITY or matcher.quick_ratio() < MIN_SIMILARITY:
            continue
        ratio = matcher.ratio()
        if ratio >= MIN_SIMILARITY:
            scored.append((ratio + (0.05 if op.method == method else 0.0), op))
    return tuple(op for _, op in sorted(scored, key=lambda s: (-s[0], s[1].label))[:n])


@detects("unknown-endpoint", phase="request", api=True, unmatched=True)
def unknown_endpoint(ex: Exchange, ctx: Context) -> Findings:
    """A v5 path that matches no operation: suggest the nearest ones."""
    if not is_v5(ex) or ctx.match is None or ctx.match.path_known:
        return ()
    if ex.method in IGNORED_METHODS:
        return ()
    suggestions = ", ".join(op.label for op in nearest(ctx.catalog, ex.method, ex.api_path or "/"))
    return (Finding("unknown-endpoint", {
        "method": ex.method, "path": ex.path, "suggestions": suggestions, "spec_version": ctx.catalog.spec_version,
    }, "default" if suggestions else "nothing_close"),)


@detects("method-not-allowed", phase="request", api=True, unmatched=True)
def method_not_allowed(ex: Exchange, ctx: Context) -> Findings:
    """A known v5 path called with a method it does not have: list the allowed ones."""
    match = ctx.match
    if not is_v5(ex) or match is None or match.operation is not None:
        return ()
    if not match.path_known or ex.method in IGNORED_METHODS:
        return ()
    if ex.method == "HEAD" and "GET" in match.allowed_methods:
        return ()
    allowed = match.allowed_methods
    ops = [op for m in allowed if (op := ctx.catalog.match(m, ex.api_path or "/").operation)]
    return (Finding("method-not-allowed", {
        "method": ex.method,
        "path": ex.path,
        "allowed": ", ".join(allowed),
        "operations": [Phrase("operation", {"label": op.label, "summary": op.summary}) for op in ops],
    }),)


@detects("wrong-api-version", phase="request", api=True, retired=True)
def wrong_api_version(ex: Exchange, ctx: Context) -> Findings:
    """`/v1/`, `/v3/`, `/v4/` (any version but v5): name the v5 equivalent or the nearest ones."""
    if not ex.is_api or is_v5(ex):
        return ()
    params: dict[str, object] = {"version": ex.api_version, "method": ex.method, "path": ex.path}
    op = ctx.match.operation if ctx.match else None  # the v5 operation at the same path
    if op is not None:
        return (Finding("wrong-api-version", {**params, "equivalent": op.label}, "equivalent"),)
    params["suggestions"] = ", ".join(op.label for op in nearest(ctx.catalog, ex.method, ex.api_path or "/"))
    return (Finding("wrong-api-version", params, "default" if params["suggestions"] else "nothing_close"),)


# Spec patterns that mean "ASCII digits only": checked with str methods, not a regular expression.
DIGITS_ONLY = frozenset({r"^\d+$", "^[0-9]+$"})
IdCheck = tuple[str, str, dict, int, bool, int | None]  # where, name, rule, path index, digits only, maxLength


@per_operation
def _id_checks(op: Operation) -> tuple[IdCheck, ...]:
    """One IdCheck per `*_id` parameter of the operation, worked out once (the path index is the
    segment path_params() would read)."""
    positions = {s[1:-1]: i for i, s in enumerate(s for s in op.path.split("/") if s) if s.startswith("{")}
    checks = []
    for key, rule in (op.param_rules or {}).items():
        where, _, name = key.partition(":")
        if name.endswith("_id"):
            limit = rule.get("maxLength")
            checks.append((where, name, rule, positions.get(name, -1), rule.get("pattern") in DIGITS_ONLY,
                           limit if isinstance(limit, int) else None))
    return tuple(checks)


def _decoded(value: str) -> str:
    """A path segment percent-decoded (most have nothing to decode)."""
    return unquote(value) if "%" in value else value


def _plainly_valid(value: str, digits_only: bool, limit: int | None) -> bool:
    """A value that obviously keeps its rule (digits where only digits are allowed, short enough)."""
    return digits_only and value.isdigit() and value.isascii() and (limit is None or len(value) <= limit)


def _shown(value: str) -> str:
    """An offending value as a finding quotes it: tokens masked, long values cut."""
    if TOKEN_IN_TEXT.search(value):
        return mask(value)
    return value if len(value) <= SHOWN_VALUE else value[:SHOWN_VALUE - 1] + "…"


def _violation(value: str, rule: dict) -> str | None:
    """The rule's phrase for how `value` breaks the spec's pattern and/or maxLength, or None."""
    mismatch, too_long = breaks_rule(value, rule)
    return "pattern_and_length" if mismatch and too_long else "pattern" if mismatch else "length" if too_long else None


@detects("invalid-id-format", phase="request", api=True, applies=lambda op: bool(_id_checks(op)))
def invalid_id_format(ex: Exchange, ctx: Context) -> Findings:
    """Id parameters that break the spec's pattern or maxLength (e.g. a non-numeric ad_account_id)."""
    op = ctx.operation  # None off v5 (a retired version, another host): only v5 calls have id rules
    if op is None:
        return ()
    segments = [s for s in (ex.api_path or "/").split("/") if s]
    problems, names = [], []
    for where, name, rule, index, digits, limit in _id_checks(op):
        if where == "path":
            value = _decoded(segments[index]) if 0 <= index < len(segments) else None
        else:
            value = ex.query.get(name)
        if value is None or _plainly_valid(value, digits, limit):
            continue
        broken = _violation(value, rule)
        if broken:
            problems.append(Phrase(broken, {"name": name, "value": repr(_shown(value)), "where": where,
                                            "pattern": rule.get("pattern"), "length": len(value),
                                            "max_length": rule.get("maxLength")}))
            names.append(name)
    if not problems:
        return ()
    return (Finding("invalid-id-format", {"operation": op.label, "problems": problems, "names": ", ".join(names)}),)


DETECTORS = (unknown_endpoint, method_not_allowed, wrong_api_version, invalid_id_format)
