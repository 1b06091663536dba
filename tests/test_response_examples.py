"""rules/response_examples.json: fresh, structure only, and each body valid against its response schema."""

from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path

import pytest
from jsonschema import Draft202012Validator

from pinscope.catalog import default_catalog
from pinscope.simulator.examples import answer
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


def _operations_with_validators():
    """(method, path, operation, validator of its success body) for every operation with a JSON answer."""
    spec = json.loads(SPEC.read_text())
    build = load_script("build_request_schemas")
    refs: Counter = Counter()
    defs = {name: build.convert(schema, refs) for name, schema in spec["components"]["schemas"].items()}
    for path, method, op in load_script("spec_tool").operations(spec):
        content = op["responses"][str(operations()[op["operationId"]]["status"])].get("content", {})
        if "schema" in content.get("application/json", {}):
            schema = build.convert(content["application/json"]["schema"], refs)
            yield method, path, op, Draft202012Validator({**schema, "$defs": defs})


@needs_spec
def test_each_body_validates_against_its_response_schema() -> None:
    failures = [(op["operationId"], next(iter(errors)).message[:120])
                for _, _, op, validator in _operations_with_validators()
                if (errors := list(validator.iter_errors(operations()[op["operationId"]]["body"])))]
    assert failures == [], "\n".join(map(str, failures))


@needs_spec
def test_every_answer_shaped_by_a_request_validates() -> None:
    """A property over all operations: the answer to a request carrying every field its schema declares."""
    spec = json.loads(SPEC.read_text())
    full = load_script("build_response_examples").Synth(spec["components"]["schemas"], lean=False)
    failures, skipped = [], []
    for method, path, op, validator in _operations_with_validators():
        params = {name: f"{4200000000 + i}" for i, name in enumerate(re.findall(r"{(\w+)}", path))}
        request = op.get("requestBody", {}).get("content", {}).get("application/json", {})
        sent = full.value(request["schema"]) if "schema" in request else None
        reply = answer(op["operationId"], method.upper(), path, params, sent, "987654321012345678")
        if reply is None:
            skipped.append(op["operationId"])
            continue
        if errors := list(validator.iter_errors(reply.body)):
            failures.append((op["operationId"], errors[0].message[:120]))
    assert failures == [], "\n".join(map(str, failures))
    assert skipped and all("analytics" in name for name in skipped)  # a row per day, from analytics.py


def test_batch_and_page_shapes() -> None:
    examples = operations()
    campaigns = examples["campaigns/create"]["body"]["items"][0]
    assert set(campaigns) == {"data", "exceptions"} and campaigns["exceptions"] == []
    page = examples["campaigns/list"]["body"]
    assert page["bookmark"] is None and page["items"][0]["id"].isdigit()
    assert examples["events/create"]["body"]["num_events_received"] == 1
    assert examples["events/create"]["body"]["events"][0] == {"error_message": "", "status": "processed",
                                                             "warning_message": ""}  # a success names no failure


def test_optional_nested_structure_is_left_to_the_request() -> None:
    examples = operations()
    ad_group = examples["ad_groups/create"]
    assert "targeting_spec" not in ad_group["body"]["items"][0]["data"] and "targeting_spec" in ad_group["echo"]
    assert "ad_account_id" in examples["conversion_tags/get"]["body"]  # required beside its allOf [spec]
    assert "echo" not in examples["campaigns/list"]


def _walk(node: object):
    if isinstance(node, dict):
        for value in node.values():
            yield from _walk(value)
    elif isinstance(node, list):
        for value in node:
            yield from _walk(value)
    else:
        yield node
