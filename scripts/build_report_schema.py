#!/usr/bin/env python3
"""Write docs/report-schema.json: the JSON schema of pinscope's report, from its pydantic model.

Usage: scripts/build_report_schema.py [OUT]   (default: docs/report-schema.json)
tests/test_report.py fails when the file is stale.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_OUT = ROOT / "docs" / "report-schema.json"
sys.path.insert(0, str(ROOT / "addons"))  # the checkout's pinscope, installed or not

from pinscope.report import report_schema  # noqa: E402


def schema_text() -> str:
    """The schema file's exact content."""
    return json.dumps(report_schema(), indent=2, ensure_ascii=False) + "\n"


def main(argv: list[str]) -> int:
    """Write the schema file."""
    out = Path(argv[0]) if argv else DEFAULT_OUT
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(schema_text(), encoding="utf-8")
    print(f"wrote {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
