"""rules/response_examples.json: fresh, structure only, and each body valid against its response schema."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest
from jsonschema import Draft202012Validator

from pinscope.catalog import default_catalog
from tests.scripts import load_script, regenerated

ROOT = Path(__file__).resolve().parent.parent
SPEC = ROOT.parent / "shared" / "pinterest" / "openapi-5.23.0.json"
EXAMPLES = ROOT / "rules" / "response_examples.json"
needs_spec = pytest.mark.skipif(not SPEC.is_file(), reason=f"Pinterest's spec is not at {SPEC} (../shared absent)")


def operations() -> dict[str, dict]:
    return json.loads(EXAMPLES.read_text())["operations"]


@needs_spec
def test_response_examples_json_is_fresh(tmp_path: Path) -> None:
    out = tmp_path / "response_examples.json"
    assert regenerated("build_response_examples", SPEC, out) == EXAMPLES.read_text(), "stale: run scripts/build_response_examples.py"


def test_every_catalogued_operation_has_a_success_status() -> None:
    examples = operations()
    assert set(examples) == {op.operation_id for op in default_catalog().operations}
    assert {e["status"] for e in examples.values()} <= {200, 201, 204}
    assert all("body" not in e for e in examples.values() if e["status"] == 204)


@needs_spec
def test_no_prose_from_the_spec_is_copied() -> None:
    spec = json.loads(SPEC.read_text())
    prose = Counter(v for v in _walk(spec) if isinstance(v, str) and len(v) > 40 and " " in v)
    text = EXAMPLES.read_text()
    assert [p for p in prose if json.dumps(p) in text] == []


@needs_spec
def test_each_body_validates_against_its_response_schema() -> None:
    spec = json.loads(SPEC.read_text())
    build = load_script("build_request_schemas")
    components = spec["components"]["schemas"]
    refs: Counter = Counter()
    defs = {name: build.convert(schema, refs) for name, schema in components.items()}
    failures = []
    for item in spec["paths"].values():
        for method, op in item.items():
            if method not in build.METHODS:
                continue
            entry = operations()[op["operationId"]]
            schema = op["responses"][str(entry["status"])].get("content", {}).get("application/json", {})
            if "schema" not in schema:
                continue
            validator = Draft202012Validator({**build.convert(schema["schema"], refs), "$defs": defs})
            if errors := [e.message for e in validator.iter_errors(entry["body"])]:
                failures.append((op["operationId"], errors[0][:120]))
    assert failures == [], "\n".join(map(str, failures))


def test_batch_and_page_shapes() -> None:
    examples = operations()
    campaigns = examples["campaigns/create"]["body"]["items"][0]
    assert set(campaigns) == {"data", "exceptions"} and campaigns["exceptions"] == []
    page = examples["campaigns/list"]["body"]
    assert page["bookmark"] is None and page["items"][0]["id"].isdigit()
    assert examples["events/create"]["body"]["num_events_received"] == 1


def _walk(node: object):
    if isinstance(node, dict):
        for value in node.values():
            yield from _walk(value)
    elif isinstance(node, list):
        for value in node:
            yield from _walk(value)
    else:
        yield node
