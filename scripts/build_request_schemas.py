#!/usr/bin/env python3
"""Generate rules/request_schemas.json: what each operation accepts, as JSON Schema (2020-12).

Usage: scripts/build_request_schemas.py [SPEC] [OUT]
Defaults: ../shared/pinterest/openapi-5.23.0.json and rules/request_schemas.json.
Per operation id (as in endpoints.json): path and query parameter schemas, the required query
parameters and the JSON request body. Structure only: no description, example, title or default
is copied. OpenAPI 3.0 becomes JSON Schema: `nullable` adds null, a `discriminator` becomes
if/then on its property (so a wrong value reads as an enum error), oneOf becomes anyOf, readOnly
fields are not required.
Components used more than once (or recursively) go to a shared `$defs`, the rest are inlined.
"""

from __future__ import annotations

import json
import re
import sys
from collections import Counter

from spec_tool import REF, ROOT, keyed_lines, operations, parameters, run  # a sibling: scripts/ is on sys.path

DEFAULT_OUT = ROOT / "rules" / "request_schemas.json"
# Validation keywords copied as they are; everything else (prose, examples, format, default) is not.
KEPT = ("type", "enum", "const", "pattern", "minItems", "maxItems", "minLength", "maxLength",
        "minimum", "maximum", "minProperties", "maxProperties", "uniqueItems", "multipleOf")


def convert(schema: dict, refs: Counter) -> dict:
    """One OpenAPI 3.0 schema object as JSON Schema 2020-12; counts the components it names."""
    if "$ref" in schema:  # OpenAPI 3.0: siblings of $ref are ignored
        name = schema["$ref"].removeprefix(REF)
        refs[name] += 1
        return {"$ref": f"#/$defs/{name}"}
    out = {k: schema[k] for k in KEPT if k in schema}
    if isinstance(out.get("pattern"), str) and not _compiles(out["pattern"]):
        del out["pattern"]  # a pattern Python cannot read says nothing about a value
    for key in ("exclusiveMinimum", "exclusiveMaximum"):  # 3.0's boolean form -> 2020-12's number
        if schema.get(key) is True and key.replace("exclusiveM", "m") in schema:
            out[key] = out.pop(key.replace("exclusiveM", "m"))
    if isinstance(schema.get("properties"), dict):
        out["properties"] = {k: convert(v, refs) for k, v in schema["properties"].items()}
    read_only = {k for k, v in schema.get("properties", {}).items() if isinstance(v, dict) and v.get("readOnly")}
    if required := [r for r in schema.get("required", []) if r not in read_only]:
        out["required"] = required
    if isinstance(schema.get("items"), dict):
        out["items"] = convert(schema["items"], refs)
    extra = schema.get("additionalProperties")
    if isinstance(extra, bool):
        out["additionalProperties"] = extra
    elif isinstance(extra, dict):
        out["additionalProperties"] = convert(extra, refs)
    for key in ("allOf", "anyOf", "oneOf"):
        if isinstance(schema.get(key), list):  # oneOf -> anyOf: the spec's alternatives overlap, and
            # a value that fits two of them is the spec's looseness, not the caller's mistake
            out["allOf" if key == "allOf" else "anyOf"] = [convert(s, refs) for s in schema[key]]
    if "discriminator" in schema:
        _discriminate(out, schema["discriminator"], refs)
    return _nullable(out) if schema.get("nullable") else out


def _discriminate(out: dict, discriminator: dict, refs: Counter) -> None:
    """oneOf/anyOf chosen by a property -> enum on the property plus one if/then per value."""
    mapping, prop = discriminator.get("mapping"), discriminator["propertyName"]
    if not mapping or "anyOf" not in out:
        return  # a base schema naming its property, or an implicit mapping: the branches stay
    for branch in out.pop("anyOf"):  # the mapping names every branch again
        refs[branch.get("$ref", "").removeprefix("#/$defs/")] -= 1
    out.setdefault("type", "object")
    if prop not in out.setdefault("required", []):
        out["required"].append(prop)
    out.setdefault("properties", {})[prop] = {"enum": list(mapping)}
    out.setdefault("allOf", []).extend(
        {"if": {"properties": {prop: {"const": value}}, "required": [prop]},
         "then": convert({"$ref": target}, refs)}
        for value, target in mapping.items())


def _nullable(out: dict) -> dict:
    """`nullable: true`: null is one more type (and enum value); else null or the schema."""
    if isinstance(out.get("type"), str):
        out["type"] = [out["type"], "null"]
        if "enum" in out and None not in out["enum"]:
            out["enum"] = [*out["enum"], None]
        return out
    return {"if": {"type": "null"}, "else": out}  # `else` keeps the inner errors' own paths


def _compiles(pattern: str) -> bool:
    try:
        return re.compile(pattern) is not None
    except re.error:
        return False


def operation_entry(op: dict, spec: dict, refs: Counter) -> dict:
    """Path, query and body schemas of one operation (only the parts it has)."""
    entry: dict = {}
    for param in parameters(op, spec):
        where = param.get("in")
        if where not in ("path", "query"):
            continue
        entry.setdefault(where, {})[param["name"]] = convert(param.get("schema", {}), refs)
        if where == "query" and param.get("required"):
            entry.setdefault("query_required", []).append(param["name"])
    body = op.get("requestBody", {}).get("content", {}).get("application/json", {}).get("schema")
    if body is not None:
        entry["body"] = convert(body, refs)
    return entry


def build(spec: dict) -> dict:
    """The whole document: operations by id, then the shared components."""
    components = spec["components"]["schemas"]
    refs: Counter = Counter()
    by_id = {op["operationId"]: operation_entry(op, spec, refs) for _, _, op in operations(spec)}
    defs: dict[str, dict] = {}
    todo = list(refs)
    while todo:  # the components the operations reach, and the ones those reach
        name = todo.pop()
        if name not in defs:
            before = set(refs)
            defs[name] = convert(components[name], refs)
            todo.extend(set(refs) - before)
    _inline_single_use(by_id, defs, refs)
    return {"generated_by": "scripts/build_request_schemas.py from Pinterest's OpenAPI spec (MIT); do not edit",
            "spec_version": spec["info"]["version"], "dialect": "https://json-schema.org/draft/2020-12/schema",
            "operations": by_id, "$defs": dict(sorted(defs.items()))}


def _inline_single_use(operations: dict, defs: dict, refs: Counter) -> None:
    """Put a component named once, and not inside itself, where it is named: the file gets smaller."""
    names = {name: set(_named(schema)) for name, schema in defs.items()}
    inline = {name for name, n in refs.items() if n == 1 and name not in _reaches(name, names)}

    def resolve(node: object) -> object:  # terminates: an inlined component never reaches itself
        if isinstance(node, list):
            return [resolve(v) for v in node]
        if not isinstance(node, dict):
            return node
        name = node.get("$ref", "").removeprefix("#/$defs/")
        return resolve(defs[name]) if name in inline else {k: resolve(v) for k, v in node.items()}

    for op_id, entry in operations.items():
        operations[op_id] = resolve(entry)
    kept = {name: resolve(schema) for name, schema in defs.items() if name not in inline}
    kept_names = {name: set(_named(schema)) for name, schema in kept.items()}
    used = set(_named(operations))  # only what an operation still names, directly or not
    used |= {n for name in used for n in _reaches(name, kept_names)}
    defs.clear()
    defs.update({name: kept[name] for name in sorted(used)})


def _named(node: object) -> list[str]:
    """The components a schema names by $ref."""
    return re.findall(r'"#/\$defs/([^"]+)"', json.dumps(node))


def _reaches(start: str, names: dict[str, set[str]]) -> set[str]:
    """Every component reachable from `start` through one or more $refs."""
    seen: set[str] = set()
    todo = list(names.get(start, ()))
    while todo:
        name = todo.pop()
        if name not in seen:
            seen.add(name)
            todo.extend(names.get(name, ()))
    return seen


def render(doc: dict) -> str:
    """Stable, compact JSON: one operation and one component per line keeps diffs readable."""
    head = {k: v for k, v in doc.items() if k not in ("operations", "$defs")}
    return (json.dumps(head, indent=1, sort_keys=True)[:-2]
            + f',\n "operations": {{\n  {keyed_lines(doc["operations"])}\n }},'
            + f'\n "$defs": {{\n  {keyed_lines(doc["$defs"])}\n }}\n}}\n')


def main(argv: list[str]) -> int:
    return run(argv, DEFAULT_OUT, build, render)


if __name__ == "__main__":
    sys.exit(main(sys.argv))
