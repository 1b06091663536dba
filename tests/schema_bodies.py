"""Small request bodies the spec's request schemas accept (rules/request_schemas.json), for round-trip tests."""

from __future__ import annotations

import json
from functools import cache
from typing import Any

from pinscope.paths import rules_dir


@cache
def _document() -> dict[str, Any]:
    return json.loads((rules_dir() / "request_schemas.json").read_text())


def _resolve(schema: dict[str, Any], defs: dict[str, Any]) -> dict[str, Any]:
    """The schema a `$ref` (or a chain of them) stands for."""
    while "$ref" in schema:
        schema = defs[schema["$ref"].rsplit("/", 1)[-1]]
    return schema


def _value(schema: dict[str, Any], defs: dict[str, Any], depth: int = 0) -> Any:
    """A small value the schema accepts: required properties only, first enum value, first branch."""
    schema = _resolve(schema, defs)
    for combinator in ("allOf", "oneOf", "anyOf"):
        if combinator in schema and depth < 8:
            if combinator == "allOf":  # one schema from the parts: their properties and required names joined
                merged: dict[str, Any] = {"properties": {}, "required": []}
                for part in (_resolve(p, defs) for p in schema["allOf"]):
                    merged = {**part, **merged, "properties": {**part.get("properties", {}), **merged["properties"]},
                              "required": merged["required"] + part.get("required", [])}
                if not merged["properties"] and not merged["required"]:
                    del merged["properties"], merged["required"]
                return _value({k: v for k, v in merged.items() if k != "allOf"}, defs, depth + 1)
            return _value(schema[combinator][0], defs, depth + 1)
    if "enum" in schema:
        return schema["enum"][0]
    kind = schema.get("type")
    kind = next((k for k in kind if k != "null"), None) if isinstance(kind, list) else kind
    if kind == "object" or "properties" in schema:
        props = schema.get("properties", {})
        return {k: "1234" if k.endswith("_id") else _value(props.get(k, {}), defs, depth + 1)
                for k in schema.get("required", [])}
    if kind == "array":
        return [_value(schema.get("items", {}), defs, depth + 1) for _ in range(max(1, schema.get("minItems", 1)))]
    if kind in ("integer", "number"):
        return max(1, schema.get("minimum", 1))
    if kind == "boolean":
        return False
    return "1234" if "\\d" in schema.get("pattern", "") else "https://example.com/x"


def request_body(operation_id: str) -> Any:
    """A schema-valid minimal body for an operation (None when it takes none)."""
    doc = _document()
    entry = doc["operations"].get(operation_id, {})
    return _value(entry["body"], doc["$defs"]) if "body" in entry else None
