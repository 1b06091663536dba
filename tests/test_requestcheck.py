"""requestcheck.py and rules/request_schemas.json: fresh, compact, and naming each offending field."""

from __future__ import annotations

import json
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import pytest
from jsonschema import Draft202012Validator

from pinscope import requestcheck
from pinscope.catalog import default_catalog
from pinscope.engine import Engine
from pinscope.exchange import from_flow
from pinscope.requestcheck import KINDS, Violation, violations
from pinscope.rulebook import default_rules
from tests.flowkit import ACCESS, error, flow
from tests.scripts import regenerated

ROOT = Path(__file__).resolve().parent.parent
SPEC = ROOT.parent / "shared" / "pinterest" / "openapi-5.23.0.json"
SCHEMAS = ROOT / "rules" / "request_schemas.json"
PROSE = {"description", "example", "examples", "title", "default", "format", "nullable", "discriminator",
         "readOnly", "oneOf"}
IMAGE = {"source_type": "image_url", "url": "https://example.com/a.jpg"}


def op(operation_id: str):
    return default_catalog().by_id[operation_id]


@pytest.mark.skipif(not SPEC.is_file(), reason=f"Pinterest's spec is not at {SPEC} (../shared absent)")
def test_request_schemas_json_is_fresh(tmp_path: Path) -> None:
    out = tmp_path / "request_schemas.json"
    assert regenerated("build_request_schemas", SPEC, out) == SCHEMAS.read_text(), "stale: run scripts/build_request_schemas.py"


def _keywords(node: object, inside_properties: bool = False) -> set[str]:
    """Every schema keyword used (property names are not keywords)."""
    if isinstance(node, list):
        return set().union(*(_keywords(v) for v in node)) if node else set()
    if not isinstance(node, dict):
        return set()
    own = set() if inside_properties else set(node)
    return own.union(*(_keywords(v, k == "properties" and not inside_properties) for k, v in node.items()))


def test_schemas_are_compact_structure_only_and_valid_json_schema() -> None:
    doc = json.loads(SCHEMAS.read_text())
    assert SCHEMAS.stat().st_size < 512 * 1024
    assert doc["spec_version"] == default_catalog().spec_version and "generated_by" in doc
    assert set(doc["operations"]) == set(default_catalog().by_id)  # keyed as endpoints.json
    keywords = _keywords([*doc["operations"].values(), *doc["$defs"].values()])
    assert not keywords & PROSE, keywords & PROSE
    requests = {op_id: {k: v for k, v in requestcheck.schema_for(op_id).items() if k not in ("$defs", "$schema")}
                for op_id in doc["operations"]}
    Draft202012Validator.check_schema({"$defs": {**doc["$defs"], **requests}})  # once: about 1 s


def test_wrong_enum_in_a_discriminated_union() -> None:
    body = {"board_id": "8135", "media_source": {"source_type": "url", "url": "https://example.com/a.jpg"}}
    [v] = violations(op("pins/create"), {}, {}, body)
    assert v.kind == "enum" and v.field == "media_source.source_type" and v.value == "url"
    assert v.expected[:2] == ["image_base64", "image_url"] and len(v.expected) == 6


def test_the_chosen_branch_is_checked_and_nulls_follow_nullable() -> None:
    body = {"board_id": "8135", "title": None, "alt_text": None, "media_source": {"source_type": "image_url"}}
    assert violations(op("pins/create"), {}, {}, body) == [Violation("required", "media_source.url")]
    assert violations(op("pins/create"), {}, {}, {"board_id": "8135", "media_source": IMAGE}) == []


def test_required_pattern_type_and_length_sorted_by_field() -> None:
    body = {"board_id": "my board", "title": "x" * 101, "is_ads_only": "yes"}
    found = violations(op("pins/create"), {}, {"ad_account_id": "act_1"}, body)
    assert [(v.kind, v.field) for v in found] == [("pattern", "ad_account_id"), ("pattern", "board_id"),
                                                   ("max_length", "title")]
    assert found[1].value == "my board" and found[1].expected == r"^\d+$" and found[2].expected == 100
    assert violations(op("boards/create"), {}, {}, {"is_ads_only": "yes"}) == [
        Violation("type", "is_ads_only", "yes", "boolean"), Violation("required", "name")]


def test_array_bodies_name_the_item() -> None:
    campaign = {"ad_account_id": "act_549755885175", "name": "Spring", "objective_type": "AWARENESS"}
    [v] = violations(op("campaigns/create"), {"ad_account_id": "549755885175"}, {}, [campaign])
    assert (v.kind, v.field) == ("pattern", "body[0].ad_account_id")
    [v] = violations(op("campaigns/create"), {"ad_account_id": "549755885175"}, {}, {"name": "x"})
    assert (v.kind, v.field, v.expected) == ("type", "body", "array")


def test_path_and_query_text_is_read_as_its_declared_type() -> None:
    query = {"page_size": "25", "campaign_ids": "1,2", "entity_statuses": "ACTIVE,PAUSED"}
    assert violations(op("campaigns/list"), {"ad_account_id": "549755885175"}, query) == []
    query = {"page_size": "1000", "campaign_ids": "1,x", "entity_statuses": "ACTIVE,LIVE", "unknown": "?"}
    found = violations(op("campaigns/list"), {"ad_account_id": "act%5F12"}, query)
    assert [(v.kind, v.field, v.value) for v in found] == [
        ("pattern", "ad_account_id", "act_12"), ("pattern", "campaign_ids[1]", "x"),
        ("enum", "entity_statuses[1]", "LIVE"), ("maximum", "page_size", 1000)]
    [v] = violations(op("campaigns/list"), {"ad_account_id": "1"}, {"page_size": "lots"})
    assert (v.kind, v.value, v.expected) == ("type", "lots", "integer")


@pytest.mark.parametrize("text", ["true", "True", "TRUE", "false", "False"])
def test_query_booleans_are_read_in_any_case(text: str) -> None:
    assert violations(op("events/create"), {"ad_account_id": "549755885175"}, {"test": text}) == []


def test_a_query_boolean_that_is_not_one_is_named() -> None:
    [v] = violations(op("events/create"), {"ad_account_id": "549755885175"}, {"test": "yes"})
    assert (v.kind, v.field, v.value, v.expected) == ("type", "test", "yes", "boolean")


def test_at_most_five_by_field_path() -> None:
    body = {name: "x" * 900 for name in ("alt_text", "board_id", "board_section_id", "description",
                                         "parent_pin_id", "sponsor_id", "title")}
    found = violations(op("pins/create"), {}, {}, body)
    assert [v.field for v in found] == ["alt_text", "board_id", "board_section_id", "description", "parent_pin_id"]
    assert [v.kind for v in found] == ["max_length", "pattern", "pattern", "max_length", "pattern"]


def test_extra_fields_where_the_spec_forbids_them() -> None:
    found = violations(op("catalogs/create"), {}, {}, {"name": "Shop", "catalog_type": "RETAIL", "colour": "red"})
    assert found == [Violation("additional", "colour", "red")]


def test_unknown_operations_and_deep_values_say_nothing() -> None:
    assert violations(replace(op("boards/create"), operation_id="no/such"), {}, {}, {"a": 1}) == []
    deep: object = "x"
    for _ in range(5000):
        deep = [deep]
    assert violations(op("boards/create"), {}, {}, {"name": "ok", "description": deep})[0].field == "description"


def test_validators_are_cached_and_bounded() -> None:
    for operation in default_catalog().operations[:60]:
        violations(operation, {}, {}, None)
    info = requestcheck._validator.cache_info()
    assert info.maxsize == requestcheck.CACHED_VALIDATORS and info.currsize <= info.maxsize


def test_every_kind_has_a_phrase_and_every_phrase_a_kind() -> None:
    assert set(default_rules()["invalid-request"].phrases) == set(KINDS)


def test_offending_values_are_masked_in_the_finding() -> None:
    found = Engine().analyze(from_flow(flow("POST", "/v5/pins", status=400, body=error(1, "Invalid parameters."),
                                            request_json={"board_id": ACCESS, "media_source": IMAGE})))
    [finding] = [f for f in found if f.rule == "invalid-request"]
    assert "board_id: " in finding.message and "must match" in finding.message
    assert ACCESS not in finding.message and ACCESS[8:30] not in finding.message


HEALTHY = """
import sys
sys.path[:0] = [{addons!r}, {root!r}]
from pinscope.engine import Engine
from pinscope.exchange import from_flow
from pinscope import requestcheck
from tests.flowkit import flow
engine = Engine()
engine.analyze(from_flow(flow("POST", "/v5/pins", status=201, request_json={{"media_source": {{"source_type": "url"}}}},
                              body={{"id": "1"}})))
engine.analyze(from_flow(flow("GET", "/v5/boards", status=401, body={{"code": 2, "message": "Authentication failed."}})))
print("jsonschema" in sys.modules, requestcheck._document.cache_info().currsize)
"""


def test_healthy_and_non_400_traffic_never_loads_the_checker() -> None:
    code = HEALTHY.format(addons=str(ROOT / "addons"), root=str(ROOT))
    out = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True, timeout=120)
    assert out.stdout.split() == ["False", "0"]
