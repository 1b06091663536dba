"""catalog.py and rules/endpoints.json: freshness against the spec, operations, request matching."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from pinscope.catalog import Match, default_catalog, load_catalog
from pinscope.engine import Engine
from pinscope.exchange import from_flow
from tests.flowkit import PROD, SANDBOX, flow
from tests.scripts import regenerated

ROOT = Path(__file__).resolve().parent.parent
SPEC = ROOT.parent / "shared" / "pinterest" / "openapi-5.23.0.json"
ENDPOINTS = ROOT / "rules" / "endpoints.json"


@pytest.mark.skipif(not SPEC.is_file(), reason=f"Pinterest's spec is not at {SPEC} (../shared absent)")
def test_endpoints_json_is_fresh(tmp_path: Path) -> None:
    out = tmp_path / "endpoints.json"
    assert regenerated("build_catalog", SPEC, out) == ENDPOINTS.read_text(), "stale: run scripts/build_catalog.py"


def test_catalogue_covers_the_spec() -> None:
    catalog = default_catalog()
    assert catalog.spec_version == "5.23.0"
    assert len(catalog.operations) == 231 and len(catalog.by_id) == 231
    assert sum(op.sandbox for op in catalog.operations) == 117
    assert len(catalog.scopes) == 19
    assert all(op.category for op in catalog.operations)


def test_load_catalog_reads_a_given_file() -> None:
    assert len(load_catalog(ENDPOINTS).operations) == 231


def test_operation_scopes_are_anded_within_a_set() -> None:
    op = default_catalog().find("GET", "/v5/pins/{pin_id}")
    assert op.label == "GET /v5/pins/{pin_id}" and op.category == "org_read" and op.needs_oauth
    assert op.scope_sets == (frozenset({"boards:read", "pins:read"}),)
    assert op.missing_scopes(frozenset({"pins:read"})) == {"boards:read"}
    assert not op.satisfied_by(frozenset({"pins:read"}))
    assert op.satisfied_by(frozenset({"pins:read", "boards:read", "ads:read"}))
    assert op.missing_scopes(frozenset({"pins:read", "boards:read"})) == frozenset()


def test_token_endpoints_use_basic_auth() -> None:
    catalog = default_catalog()
    for path in ("/oauth/token", "/oauth/token/revoke"):
        op = catalog.find("POST", path)
        assert op.auth == ("basic",) and not op.needs_oauth and op.scope_sets == ()
        assert op.satisfied_by(frozenset())
    assert "conversion_token" in catalog.find("POST", "/ad_accounts/{ad_account_id}/events").auth


def test_find_with_and_without_v5() -> None:
    catalog = default_catalog()
    assert catalog.find("get", "/v5/boards") is catalog.find("GET", "/boards") is not None
    assert catalog.find("GET", "/pins/123").operation_id == "pins/get"  # falls back to matching
    assert catalog.find("GET", "/nothing/here") is None


@pytest.mark.parametrize("host", [PROD, SANDBOX])
@pytest.mark.parametrize("path", ["/v5/pins/813744226420795884", "/pins/813744226420795884",
                                  "/v5/pins/813744226420795884/?ad_account_id=1"])
def test_both_hosts_with_and_without_v5(host: str, path: str) -> None:
    ex = from_flow(flow("GET", path, host=host))
    match = Engine().match(ex)
    assert match is not None and match.operation.operation_id == "pins/get"


def test_non_api_host_is_not_matched() -> None:
    assert Engine().match(from_flow(flow("GET", "/v5/pins/1", host="example.com"))) is None


@pytest.mark.parametrize(("method", "path", "operation_id"), [
    ("GET", "/pins/analytics", "multi_pins/analytics"),
    ("GET", "/pins/12345", "pins/get"),
    ("GET", "/user_account/following/boards", "boards_user_follows/list"),
    ("GET", "/ad_accounts/1/campaigns/analytics", "campaigns/analytics"),
    ("GET", "/ad_accounts/1/campaigns/987", "campaigns/get"),
    # a method only the {param} route offers falls through to it
    ("DELETE", "/pins/analytics", "pins/delete"),
])
def test_literal_segments_beat_params(method: str, path: str, operation_id: str) -> None:
    assert default_catalog().match(method, path).operation.operation_id == operation_id


def test_method_not_allowed_lists_the_allowed_methods() -> None:
    assert default_catalog().match("PUT", "/pins/123") == Match(None, True, ("DELETE", "GET", "PATCH"))


def test_unknown_path() -> None:
    catalog = default_catalog()
    assert catalog.match("GET", "/pins/1/2/3/4") == Match(None, False)
    assert catalog.match("GET", "/") == Match(None, False)


def test_matching_is_fast() -> None:
    catalog = default_catalog()
    paths = [op.path.replace("{", "x").replace("}", "") for op in catalog.operations]
    start = time.perf_counter()
    for _ in range(20):
        for path in paths:
            catalog.match("GET", path)
    per_match = (time.perf_counter() - start) / (20 * len(paths))
    assert per_match < 200e-6, f"{per_match * 1e6:.1f} µs per match"
