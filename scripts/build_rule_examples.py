#!/usr/bin/env python3
"""Write rules/examples.json: for every rule, what it says on its first hit fixture (tests/cases).

`pinscope rules ID` shows this example beside the rule's templates. Usage:
scripts/build_rule_examples.py [OUT]   (default: rules/examples.json); tests/test_rule_examples.py
fails when the file is stale.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_OUT = ROOT / "rules" / "examples.json"
sys.path[:0] = [str(ROOT / "addons"), str(ROOT)]  # the checkout's pinscope and its tests

from pinscope.detectors import Settings  # noqa: E402
from pinscope.engine import Engine  # noqa: E402
from pinscope.exchange import from_flow  # noqa: E402
from tests.cases import ALL_CASES  # noqa: E402


def examples() -> dict[str, dict[str, object]]:
    """Rule id -> the request, status, essence, message and fix of its first hit case."""
    out: dict[str, dict[str, object]] = {}
    for case in ALL_CASES:
        if not case.is_hit or case.rule in out:
            continue
        engine, found = Engine(Settings(**(case.settings or {}))), []
        for flow in case.flows():
            ex = from_flow(flow)
            found = engine.analyze(ex)
        finding = next(f for f in found if f.rule == case.rule)
        out[case.rule] = {"case": case.name, "request": f"{ex.method} {ex.url}", "status": ex.status,
                          "essence": finding.essence, "message": finding.message, "fix": finding.fix}
    return dict(sorted(out.items()))


def examples_text() -> str:
    """The file's exact content."""
    head = {"generated_by": "scripts/build_rule_examples.py from tests/cases; do not edit"}
    return json.dumps({**head, "examples": examples()}, indent=1, ensure_ascii=False) + "\n"


def main(argv: list[str]) -> int:
    """Write the examples file."""
    out = Path(argv[0]) if argv else DEFAULT_OUT
    out.write_text(examples_text(), encoding="utf-8")
    print(f"wrote {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
