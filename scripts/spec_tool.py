"""What every generator of data from Pinterest's OpenAPI spec shares: its command line and its
stable JSON layout (one entry per line, so a regenerated file diffs readably)."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_SPEC = ROOT.parent / "shared" / "pinterest" / "openapi-5.23.0.json"
METHODS = ("get", "post", "put", "patch", "delete")
REF = "#/components/schemas/"  # how a schema names a shared component


def operations(spec: dict) -> Iterator[tuple[str, str, dict]]:
    """(path, method, operation object) for every operation of the spec, in the spec's order."""
    for path, item in spec["paths"].items():
        for method, op in item.items():
            if method in METHODS:
                yield path, method, op


def parameters(op: dict, spec: dict) -> list[dict]:
    """An operation's parameters, a shared one (`$ref` to components.parameters) resolved ({} if missing)."""
    shared = spec.get("components", {}).get("parameters", {})
    return [shared.get(p["$ref"].rsplit("/", 1)[-1], {}) if "$ref" in p else p for p in op.get("parameters", [])]


def keyed_lines(table: dict) -> str:
    """`"key": {compact JSON}` per entry, sorted by key, joined for a block indented by two."""
    return ",\n  ".join(f"{json.dumps(k)}: {json.dumps(v, sort_keys=True, separators=(',', ':'))}"
                        for k, v in sorted(table.items()))


def run(argv: list[str], default_out: Path, build: Callable[[dict], dict], render: Callable[[dict], str]) -> int:
    """`SCRIPT [SPEC] [OUT]`: read the spec, write the generated file; 2 with one line when unreadable."""
    name = Path(argv[0]).stem
    spec_path = Path(argv[1]) if len(argv) > 1 else DEFAULT_SPEC
    out_path = Path(argv[2]) if len(argv) > 2 else default_out
    try:
        spec = json.loads(spec_path.read_text())
    except (OSError, ValueError) as err:
        print(f"{name}: cannot read spec {spec_path}: {err}", file=sys.stderr)
        return 2
    text = render(build(spec))
    out_path.write_text(text)
    print(f"wrote {out_path} ({len(text.encode()) / 1024:.0f} KiB)")
    return 0
