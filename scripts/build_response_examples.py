#!/usr/bin/env python3
"""Generate rules/response_examples.json: a success status and example body per operation.

Usage: scripts/build_response_examples.py [SPEC] [OUT]
Defaults: ../shared/pinterest/openapi-5.23.0.json and rules/response_examples.json.
Each body is synthesized from the operation's response schema: structure only (types, enum first
values, formats turned into plausible values), never the spec's prose or examples. Every declared
property is present down to MAX_DEPTH; arrays hold one item (a successful batch item's
`exceptions` empty);
oneOf/anyOf take the first branch.
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

from spec_tool import keyed_lines, run  # a sibling: scripts/ is on sys.path when run (tests/scripts.py adds it)

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_OUT = ROOT / "rules" / "response_examples.json"
METHODS = ("get", "post", "put", "patch", "delete")
REF = "#/components/schemas/"
MAX_DEPTH = 8  # deeper optional structure adds size, not fidelity
FORMATS = {"date-time": "2026-01-01T00:00:00Z", "date": "2026-01-01", "uri": "https://example.com/",
           "url": "https://example.com/", "email": "user@example.com", "uuid": "00000000-0000-4000-8000-000000000000",
           "int64": "1234567890"}
# Values tried, in order, for a string with a pattern: the first it matches is used.
PATTERNED = ("1234567890", "2026-01-01", "2026-01-01T00:00:00.000Z", "12:00", "18+", "US", "text")


def _matches(pattern: str, value: str) -> bool:
    try:
        return re.search(pattern, value) is not None
    except re.error:
        return False


class Synth:
    """Turns schemas into example values, resolving $refs and stopping at cycles."""

    def __init__(self, components: dict) -> None:
        self.components = components

    def value(self, schema: dict, name: str = "", depth: int = 0, seen: frozenset[str] = frozenset()) -> object:
        """One plausible value for `schema` (the property `name` hints ids)."""
        if "$ref" in schema:
            ref = schema["$ref"].removeprefix(REF)
            if ref in seen:
                return None
            return self.value(self.components[ref], name, depth, seen | {ref})
        if "allOf" in schema:
            merged: dict = {}
            for part in schema["allOf"]:
                part_value = self.value(part, name, depth, seen)
                if isinstance(part_value, dict):
                    merged.update(part_value)
                elif part_value is not None:
                    return part_value
            return merged
        for key in ("oneOf", "anyOf"):
            if schema.get(key):
                branch = self.value(schema[key][0], name, depth, seen)
                if not isinstance(branch, dict) or "properties" not in schema:
                    return branch
                own = self.value({k: v for k, v in schema.items() if k not in (key, "discriminator")},
                                 name, depth, seen)  # the base's own properties hold beside the branch
                mapping = schema.get("discriminator", {}).get("mapping") or {"": None}
                prop = schema.get("discriminator", {}).get("propertyName", "")
                return {**own, **branch, **({prop: next(iter(mapping))} if prop else {})}
        if "enum" in schema:
            return next((v for v in schema["enum"] if v is not None), None)
        if name == "bookmark":  # the last page, as a resource with no more items answers
            return None
        kind = schema.get("type") or ("object" if "properties" in schema else "array" if "items" in schema else None)
        if kind == "object":
            if depth >= MAX_DEPTH or name == "exceptions":  # a batch item that succeeded carries none
                return {}
            return {key: self.value(sub, key, depth + 1, seen) for key, sub in schema.get("properties", {}).items()
                    if not sub.get("writeOnly")}
        if kind == "array":
            if depth >= MAX_DEPTH or name == "exceptions":  # a batch item that succeeded has none
                return []
            return [self.value(schema.get("items", {}), name, depth + 1, seen)]
        return self.scalar(kind, schema, name)

    @staticmethod
    def scalar(kind: str | None, schema: dict, name: str) -> object:
        """A string, number or boolean of the right format."""
        if kind == "boolean":
            return False
        if kind in ("integer", "number"):
            low = schema.get("minimum", 0)
            return int(low) + 1 if kind == "integer" else float(low) + 1.0
        if kind == "string":
            if schema.get("format") in FORMATS:
                return FORMATS[schema["format"]]
            if pattern := schema.get("pattern"):
                return next((c for c in PATTERNED if _matches(pattern, c)), name or "text")
            return "1234567890" if name == "id" or name.endswith("_id") else name or "text"
        return None


def operation_entry(op: dict, synth: Synth) -> dict:
    """The first declared success status and, when it has a JSON schema, an example body."""
    status = min(code for code in op["responses"] if code.startswith("2"))
    content = op["responses"][status].get("content", {}).get("application/json", {})
    entry: dict = {"status": int(status)}
    if "schema" in content:
        entry["body"] = synth.value(content["schema"])
    return entry


def build(spec: dict) -> dict:
    """The whole document: one entry per operation id."""
    synth = Synth(spec["components"]["schemas"])
    operations = {op["operationId"]: operation_entry(op, synth)
                  for item in spec["paths"].values() for method, op in item.items() if method in METHODS}
    return {"generated_by": "scripts/build_response_examples.py from Pinterest's OpenAPI spec (MIT); do not edit",
            "spec_version": spec["info"]["version"], "operations": operations}


def render(doc: dict) -> str:
    """Stable, compact JSON: one operation per line keeps diffs readable."""
    head = {k: v for k, v in doc.items() if k != "operations"}
    rows = keyed_lines(doc["operations"])
    return json.dumps(head, indent=1, sort_keys=True)[:-2] + f',\n "operations": {{\n  {rows}\n }}\n}}\n'


def main(argv: list[str]) -> int:
    return run(argv, DEFAULT_OUT, build, render)


if __name__ == "__main__":
    sys.exit(main(sys.argv))
