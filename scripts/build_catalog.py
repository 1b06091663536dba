#!/usr/bin/env python3
"""Generate rules/endpoints.json from Pinterest's OpenAPI spec.

Usage: scripts/build_catalog.py [SPEC] [OUT]
Defaults: ../shared/pinterest/openapi-5.23.0.json and rules/endpoints.json.
The output keeps only what pinscope needs per operation (no prose beyond the one-line summary).
"""

from __future__ import annotations

import json
import re
import sys

from spec_tool import ROOT, operations, parameters, run  # a sibling: scripts/ is on sys.path when run

DEFAULT_OUT = ROOT / "rules" / "endpoints.json"
OAUTH_SCHEMES = ("pinterest_oauth2", "client_credentials")
# Spec descriptions mark limited operations in prose; these phrases are how they say it.
BETA_MARKERS = re.compile(
    r"\bbeta\b|restricted to a specific group|not available to all (apps|users)"
    r"|using-beta-and-restricted-features",
    re.IGNORECASE,
)


def operation_row(method: str, path: str, op: dict, spec: dict) -> dict:
    """The catalogue entry for one operation."""
    scope_sets: list[list[str]] = []
    schemes: list[str] = []
    for alternative in op.get("security", []):
        for scheme, scopes in alternative.items():
            if scheme not in schemes:
                schemes.append(scheme)
            wanted = sorted(scopes)
            if scheme in OAUTH_SCHEMES and wanted not in scope_sets:
                scope_sets.append(wanted)
    prose = f"{op.get('summary', '')} {op.get('description', '')}"
    return {
        "operation_id": op["operationId"],
        "method": method.upper(),
        "path": path,
        "summary": op.get("summary", "").strip(),
        "auth": schemes,
        "scope_sets": scope_sets,
        "category": op.get("x-ratelimit-category"),
        "sandbox": op.get("x-sandbox") == "enabled",
        "beta": bool(BETA_MARKERS.search(prose)),
        "deprecated": bool(op.get("deprecated", False)),
        "param_rules": _param_rules(op, spec),
    }


def _param_rules(op: dict, spec: dict) -> dict[str, dict]:
    """Path and query parameter constraints (pattern, maxLength) the spec declares, by `in:name`."""
    out: dict[str, dict] = {}
    for param in parameters(op, spec):
        if param.get("in") not in ("path", "query"):
            continue
        schema = param.get("schema", {})
        rule = {k: schema[k] for k in ("pattern", "maxLength") if k in schema}
        if rule:
            out[f"{param['in']}:{param['name']}"] = rule
    return out


def build(spec: dict) -> dict:
    """The whole catalogue document."""
    rows = [operation_row(method, path, op, spec) for path, method, op in operations(spec)]
    return {
        "generated_by": "scripts/build_catalog.py from Pinterest's OpenAPI spec (MIT); do not edit",
        "spec_version": spec["info"]["version"],
        "scopes": sorted(spec["components"]["securitySchemes"]["pinterest_oauth2"]["flows"]
                         ["authorizationCode"]["scopes"]),
        "operations": rows,
    }


def render(catalog: dict) -> str:
    """Stable JSON text: one operation per line keeps diffs readable."""
    head = {k: v for k, v in catalog.items() if k != "operations"}
    lines = [json.dumps(row, sort_keys=True) for row in catalog["operations"]]
    body = json.dumps(head, indent=1, sort_keys=True)[:-2]
    return body + ',\n "operations": [\n  ' + ",\n  ".join(lines) + "\n ]\n}\n"


def main(argv: list[str]) -> int:
    return run(argv, DEFAULT_OUT, build, render)


if __name__ == "__main__":
    sys.exit(main(sys.argv))
