#!/usr/bin/env python3
"""Generate rules/response_examples.json: a success status and example body per operation.

Usage: scripts/build_response_examples.py [SPEC] [OUT]
Defaults: ../shared/pinterest/openapi-5.23.0.json and rules/response_examples.json.
Each body is synthesized from the operation's response schema: structure only (types, enum values,
formats turned into plausible values), never the spec's prose or examples. Required properties are
always there; an optional one only when plain (a scalar, a list, an object of scalars) or a page's or
batch's envelope: optional nested structure (an ad group's targeting_spec) is what a caller sets, and
a made-up one is no answer a client can rebuild [inf]. Arrays hold one item; a success's error fields
are empty and its enums name no failure; oneOf/anyOf take the first branch. A write (POST/PATCH/PUT)
also records `echo`: the properties its answer's object (a batch item's `data`) declares, which the
simulator copies from the request.
"""

from __future__ import annotations

import json
import re
import sys

from spec_tool import REF, ROOT, keyed_lines, operations, run  # a sibling: scripts/ is on sys.path when run

DEFAULT_OUT = ROOT / "rules" / "response_examples.json"
MAX_DEPTH = 8  # deeper optional structure adds size, not fidelity
FORMATS = {"date-time": "2026-01-01T00:00:00Z", "date": "2026-01-01", "uri": "https://example.com/",
           "url": "https://example.com/", "email": "user@example.com", "uuid": "00000000-0000-4000-8000-000000000000",
           "int64": "1234567890"}
# Values tried, in order, for a string with a pattern: the first it matches is used.
PATTERNED = ("1234567890", "2026-01-01", "2026-01-01T00:00:00.000Z", "12:00", "18+", "US", "text")
# A success carries no errors: `exceptions`, `errors`, `error_message`, `warning_message` are empty.
QUIET = re.compile(r"(^|_)(exceptions?|errors?|warnings?)($|_)")
FAILURE = re.compile(r"fail|error|reject|invalid|denied", re.IGNORECASE)
SCALARS = ("string", "integer", "number", "boolean")
ENVELOPE = ("items", "data", "bookmark", "exceptions")  # a page's and a batch item's shape [spec], never optional


def _matches(pattern: str, value: str) -> bool:
    try:
        return re.search(pattern, value) is not None
    except re.error:
        return False


class Synth:
    """Turns schemas into example values, resolving $refs and stopping at cycles."""

    def __init__(self, components: dict, *, lean: bool = True) -> None:
        self.components = components
        self.lean = lean  # False: every declared property (to learn the names a write echoes)

    def resolve(self, schema: dict) -> dict:
        """The schema a $ref (or a lone allOf part) stands for."""
        for _ in range(8):  # ref chains in the spec are short
            if "$ref" in schema:
                schema = self.components[schema["$ref"].removeprefix(REF)]
            elif len(schema.get("allOf", ())) == 1 and "properties" not in schema:
                schema = schema["allOf"][0]
            else:
                break
        return schema

    def kind(self, schema: dict) -> str | None:
        """`schema`'s JSON type (enums count as scalars)."""
        schema = self.resolve(schema)
        if "enum" in schema:
            return "string"
        return schema.get("type") or ("object" if "properties" in schema or "allOf" in schema
                                      else "array" if "items" in schema else None)

    def plain(self, schema: dict, nested: bool = False) -> bool:
        """A scalar, a list (of scalars when nested), or (not nested) an object whose properties are those."""
        kind = self.kind(schema)
        if kind in SCALARS:
            return True
        if kind == "array":
            return not nested or self.kind(self.resolve(schema).get("items", {})) in SCALARS
        resolved = self.resolve(schema)
        return (kind == "object" and not nested and "properties" in resolved and "allOf" not in resolved
                and all(self.plain(sub, True) for sub in resolved["properties"].values()))

    def value(self, schema: dict, name: str = "", depth: int = 0, seen: frozenset[str] = frozenset(),
              must: frozenset[str] = frozenset()) -> object:
        """One plausible value for `schema` (the property `name` hints ids; `must`: required by a sibling part)."""
        if "$ref" in schema:
            ref = schema["$ref"].removeprefix(REF)
            if ref in seen:
                return None
            return self.value(self.components[ref], name, depth, seen | {ref}, must)
        if "allOf" in schema:
            # one part's `required` binds the others' properties (Paginated's items); the schema's own
            # properties hold beside its parts (ConversionTag's required ad_account_id)
            must = must.union(schema.get("required", ()), *(self.resolve(p).get("required", ()) for p in schema["allOf"]))
            own = {k: v for k, v in schema.items() if k != "allOf"}
            merged: dict = self.value(own, name, depth, seen, must) if "properties" in own else {}
            for part in schema["allOf"]:
                part_value = self.value(part, name, depth, seen, must)
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
        if "enum" in schema:  # a success names no failure ("failed" is first of an event's statuses)
            values = [v for v in schema["enum"] if v is not None]
            return next((v for v in values if not FAILURE.search(str(v))), values[0] if values else None)
        if name == "bookmark":  # the last page, as a resource with no more items answers
            return None
        kind = self.kind(schema)  # refs, allOf, branches and enums were answered above
        quiet = QUIET.search(name) is not None
        if kind == "object":
            if depth >= MAX_DEPTH or quiet:  # a batch item that succeeded carries no exceptions
                return {}
            required = must.union(schema.get("required", ()))
            return {key: self.value(sub, key, depth + 1, seen) for key, sub in schema.get("properties", {}).items()
                    if not sub.get("writeOnly")
                    and (not self.lean or key in required or key in ENVELOPE or self.plain(sub))}
        if kind == "array":
            if depth >= MAX_DEPTH or quiet:  # a batch item that succeeded has none
                return []
            return [self.value(schema.get("items", {}), name, depth + 1, seen)]
        if kind == "string" and quiet:
            return ""
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


def operation_entry(method: str, op: dict, synth: Synth, full: Synth) -> dict:
    """The first declared success status and, when it has a JSON schema, an example body (and a write's echo)."""
    status = min(code for code in op["responses"] if code.startswith("2"))
    content = op["responses"][status].get("content", {}).get("application/json", {})
    entry: dict = {"status": int(status)}
    if "schema" in content:
        entry["body"] = synth.value(content["schema"])
        if method in ("post", "patch", "put") and (names := echoed(full.value(content["schema"]))):
            entry["echo"] = names
    return entry


def echoed(body: object) -> list[str]:
    """The properties of the object a write answers with: a batch item's `data`, else the body (not a page)."""
    items = body.get("items") if isinstance(body, dict) else None
    if isinstance(items, list) and items and isinstance(items[0], dict) and isinstance(items[0].get("data"), dict):
        return sorted(items[0]["data"])
    return [] if not isinstance(body, dict) or "bookmark" in body else sorted(body)


def build(spec: dict) -> dict:
    """The whole document: one entry per operation id."""
    components = spec["components"]["schemas"]
    synth, full = Synth(components), Synth(components, lean=False)
    by_id = {op["operationId"]: operation_entry(method, op, synth, full) for _, method, op in operations(spec)}
    return {"generated_by": "scripts/build_response_examples.py from Pinterest's OpenAPI spec (MIT); do not edit",
            "spec_version": spec["info"]["version"], "operations": by_id}


def render(doc: dict) -> str:
    """Stable, compact JSON: one operation per line keeps diffs readable."""
    head = {k: v for k, v in doc.items() if k != "operations"}
    rows = keyed_lines(doc["operations"])
    return json.dumps(head, indent=1, sort_keys=True)[:-2] + f',\n "operations": {{\n  {rows}\n }}\n}}\n'


def main(argv: list[str]) -> int:
    return run(argv, DEFAULT_OUT, build, render)


if __name__ == "__main__":
    sys.exit(main(sys.argv))
