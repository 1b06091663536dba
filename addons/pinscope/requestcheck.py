"""Which fields of a request break its operation's schema (rules/request_schemas.json, from the spec).

Pure: the caller passes the operation, the path parameters, the query and the JSON body; the
answer is data (a Violation per offending field), never text. Validation is jsonschema's
Draft 2020-12 validator, built on first use per operation and kept in a bounded cache.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from functools import cache, lru_cache
from itertools import islice
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote

from pinscope.catalog import Operation
from pinscope.paths import rules_dir

if TYPE_CHECKING:
    from jsonschema import Draft202012Validator
    from jsonschema.exceptions import ValidationError

# What a violation is, each a phrase name in rules/invalid-request.toml.
KINDS = ("required", "enum", "pattern", "type", "minimum", "maximum", "min_length", "max_length",
         "min_items", "max_items", "additional", "one_of", "other")
MAX_VIOLATIONS = 5  # reported per request, the first by field path
MAX_ERRORS = 50  # validator errors read (a large batch body can break a rule in every item)
CACHED_VALIDATORS = 32  # operations whose validator is kept (error answers cluster on few operations)
_KEYWORD_KIND = {"enum": "enum", "const": "enum", "pattern": "pattern", "type": "type",
                 "minimum": "minimum", "exclusiveMinimum": "minimum", "maximum": "maximum",
                 "exclusiveMaximum": "maximum", "minLength": "min_length", "maxLength": "max_length",
                 "minItems": "min_items", "maxItems": "max_items"}
_INTEGER = re.compile(r"-?\d{1,18}")


@dataclass(frozen=True, slots=True)
class Violation:
    """One offending field: what rule it breaks, where, the value sent and what the spec expects."""

    kind: str  # one of KINDS
    field: str  # `media_source.source_type`, `items[0].name`; `body` for the body as a whole
    value: Any = None  # as sent (a query or path value after type coercion); None when missing
    expected: Any = None  # allowed values (list), pattern, type name, limit or keyword value


@cache
def _document() -> dict:
    """The generated schemas, read on the first check (healthy traffic never reads them)."""
    return json.loads((rules_dir() / "request_schemas.json").read_text(encoding="utf-8"))


def schema_for(operation_id: str) -> dict | None:
    """One JSON Schema for a whole request: `{"path": {...}, "query": {...}, "body": ...}`."""
    doc = _document()
    entry = doc["operations"].get(operation_id)
    if entry is None:
        return None
    sections: dict[str, Any] = {
        "path": {"type": "object", "properties": entry.get("path", {})},
        "query": {"type": "object", "properties": entry.get("query", {}),
                  "required": entry.get("query_required", [])},
    }
    if "body" in entry:
        sections["body"] = entry["body"]
    return {"$schema": doc["dialect"], "$defs": doc["$defs"], "type": "object", "properties": sections}


@lru_cache(maxsize=CACHED_VALIDATORS)
def _validator(operation_id: str) -> Draft202012Validator | None:
    from jsonschema import Draft202012Validator  # noqa: PLC0415 - 70 ms to import: paid on the first 400 only

    schema = schema_for(operation_id)
    return None if schema is None else Draft202012Validator(schema)


def violations(op: Operation, path_params: Mapping[str, str], query: Mapping[str, str],
               json_body: Any = None) -> list[Violation]:
    """The fields of this request that break `op`'s schema: at most MAX_VIOLATIONS, by field path.

    Path and query values are text on the wire: each is read as its declared type first (`25` for
    an integer, `a,b` for an array). A `json_body` of None means no JSON body was read: not checked.
    """
    validator = _validator(op.operation_id)
    if validator is None:
        return []
    sections = validator.schema["properties"]
    instance: dict[str, Any] = {
        "path": {k: _typed(unquote(v), sections["path"]["properties"].get(k)) for k, v in path_params.items()},
        "query": {k: _typed(v, spec) for k, v in query.items()
                  if (spec := sections["query"]["properties"].get(k)) is not None},
    }
    if json_body is not None:
        instance["body"] = json_body
    try:
        errors = list(islice(validator.iter_errors(instance), MAX_ERRORS))
        found = [v for error in errors for v in _violations(error)]
    except RecursionError:  # a body nested deeper than the checker can follow: say nothing
        return []
    first: dict[tuple[str, str], Violation] = {}
    for v in found:  # a field breaks a rule once, however many branches say so
        first.setdefault((v.kind, v.field), v)
    return sorted(first.values(), key=lambda v: (v.field, KINDS.index(v.kind)))[:MAX_VIOLATIONS]


def _typed(text: str, schema: dict | None) -> Any:
    """A path or query value as the type its schema declares; the text itself when it is not one."""
    schema = _resolved(schema or {})
    types = schema.get("type")
    kind = next((t for t in types if t != "null"), None) if isinstance(types, list) else types
    if kind == "integer" and _INTEGER.fullmatch(text):
        return int(text)
    if kind == "number":
        try:
            number = float(text)
        except ValueError:
            return text
        return number if math.isfinite(number) else text
    if kind == "boolean" and text.lower() in ("true", "false"):  # clients send Python's `True` as-is
        return text.lower() == "true"
    if kind == "array":
        return [_typed(part, schema.get("items")) for part in text.split(",")] if text else []
    return text


def _resolved(schema: dict) -> dict:
    """A parameter schema that is a `$ref`, looked up once (parameters name components directly)."""
    ref = schema.get("$ref", "")
    return _document()["$defs"].get(ref.removeprefix("#/$defs/"), {}) if ref else schema


def _violations(error: ValidationError) -> Iterator[Violation]:
    """What one validator error says, as violations (a `required` error may name several fields)."""
    where = list(error.absolute_path)
    keyword = error.validator
    if keyword == "required":
        missing = [p for p in error.validator_value if isinstance(error.instance, dict) and p not in error.instance]
        yield from (Violation("required", _field([*where, p])) for p in missing)
    elif keyword == "additionalProperties" and isinstance(error.instance, dict):
        known = error.schema.get("properties", {})
        yield from (Violation("additional", _field([*where, k]), error.instance[k]) for k in error.instance
                    if k not in known)
    elif keyword in ("oneOf", "anyOf"):
        branch = _only_branch(error)
        if branch:
            yield from (v for e in branch for v in _violations(e))
        else:
            yield Violation("one_of", _field(where), error.instance, len(error.validator_value))
    elif keyword == "type":
        types = error.validator_value
        named = [t for t in types if t != "null"] if isinstance(types, list) else [types]
        yield Violation("type", _field(where), error.instance, named[0] if len(named) == 1 else named)
    elif keyword in _KEYWORD_KIND:
        expected = [error.validator_value] if keyword == "const" else error.validator_value
        if keyword == "enum":
            expected = [v for v in expected if v is not None]
        yield Violation(_KEYWORD_KIND[keyword], _field(where), error.instance, expected)
    else:
        yield Violation("other", _field(where), error.instance, {keyword: error.validator_value})


def _only_branch(error: ValidationError) -> list[ValidationError]:
    """The errors of the alternative the value was most likely meant for: of those whose type fits,
    the one with fewest errors, when no other ties with it (else none: the caller says "none fits")."""
    branches: dict[Any, list[ValidationError]] = {}
    for e in error.context or ():
        branches.setdefault(e.relative_schema_path[0], []).append(e)
    fitting = sorted((errs for errs in branches.values()
                      if not any(e.validator == "type" and not e.relative_path for e in errs)), key=len)
    return fitting[0] if len(fitting) == 1 or (fitting and len(fitting[0]) < len(fitting[1])) else []


def _field(where: list[str | int]) -> str:
    """`["body", "media_source", "source_type"]` -> `media_source.source_type`; `["body"]` -> `body`;
    `["body", 0, "name"]` -> `body[0].name` (a body that is an array keeps its name)."""
    rest = where[1:] if where and where[0] in ("path", "query", "body") else where
    if not rest:
        return str(where[0]) if where else "request"
    text = "body" if where[0] == "body" and isinstance(rest[0], int) else ""
    for part in rest:
        text += f"[{part}]" if isinstance(part, int) else f".{part}"
    return text.removeprefix(".")
