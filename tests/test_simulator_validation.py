"""The simulator's 400 code 1: a request that breaks its operation's schema, in Pinterest's words."""

from __future__ import annotations

import httpx
import pytest

from pinscope.requestcheck import Violation
from pinscope.simulator import DEMO_STANDARD, Simulator
from pinscope.simulator.validation import message

PROD = "https://api.pinterest.com"
SCOPES = "boards:read,boards:write,pins:read,pins:write,ads:read,ads:write,user_accounts:read"
PIN = {"board_id": "549755885176", "title": "Lemon pasta",
       "media_source": {"source_type": "image_url", "url": "https://example.com/pasta.jpg"}}


@pytest.fixture
def http() -> httpx.Client:
    sim = Simulator()
    token, _ = sim.state.mint("access", DEMO_STANDARD.app_id, "pinscope_demo",
                              frozenset(SCOPES.split(",")), "production")
    return httpx.Client(transport=httpx.WSGITransport(app=sim), base_url=PROD,
                        headers={"Authorization": f"Bearer {token}"})


def test_a_pin_with_an_unknown_source_type_is_400_code_1(http: httpx.Client) -> None:
    reply = http.post("/v5/pins", json={**PIN, "media_source": {"source_type": "url", "url": "https://e.com/a"}})
    assert reply.status_code == 400 and reply.json()["code"] == 1
    said = reply.json()["message"]
    assert said.startswith("Invalid parameters. 'media_source.source_type' value 'url' is not one of [")
    assert "'image_url'" in said and "'pin_url'" in said
    assert "x-ratelimit-limit" not in reply.headers  # refused before the rate limit counts it


def test_valid_requests_are_answered_as_before(http: httpx.Client) -> None:
    assert http.post("/v5/pins", json=PIN).status_code == 201
    assert http.get("/v5/boards", params={"page_size": "25", "privacy": "PUBLIC"}).status_code == 200


@pytest.mark.parametrize(("query", "said"), [
    ({"page_size": "3e"}, "Parameter 'page_size' was not numeric (was 3e)"),
    ({"page_size": "300"}, "Invalid parameters. 'page_size' value 300 is greater than the maximum of 250"),
    ({"privacy": "HIDDEN"}, "Invalid parameters. 'privacy' value 'HIDDEN' is not one of "
                            "['ALL', 'PUBLIC', 'PROTECTED', 'SECRET', 'PUBLIC_AND_SECRET']"),
])
def test_query_values_are_checked(http: httpx.Client, query: dict[str, str], said: str) -> None:
    reply = http.get("/v5/boards", params=query)
    assert (reply.status_code, reply.json()) == (400, {"code": 1, "message": said})


def test_a_missing_required_body_field_is_named(http: httpx.Client) -> None:
    reply = http.post("/v5/boards", json={"description": "no name"})
    assert reply.json() == {"code": 1, "message": "Invalid parameters. 'name' is required"}


def test_a_bulk_body_of_the_wrong_type_is_refused_whole(http: httpx.Client) -> None:
    reply = http.post("/v5/ad_accounts/549755885175/ads", json={"pin_id": "1"})
    assert reply.status_code == 400 and "is not of type array" in reply.json()["message"]


def test_path_patterns_keep_the_spec_example_wording(http: httpx.Client) -> None:
    reply = http.get("/v5/ad_accounts/act_549755885175")
    assert reply.json() == {"code": 1, "message": "'ad_account_id' value 'act_549755885175' must match "
                                                  "the pattern: ^\\d+$"}


@pytest.mark.parametrize(("violation", "said"), [
    (Violation("required", "board_id"), "Invalid parameters. 'board_id' is required"),
    (Violation("type", "title", 5, "string"), "Invalid parameters. 'title' value 5 is not of type string"),
    (Violation("pattern", "feed_id", "1511851494501_", "^\\d+$"),
     "'feed_id' value '1511851494501_' must match the pattern: ^\\d+$"),  # the spec's own example
    (Violation("additional", "colour", "red"),
     "Invalid parameters. Additional properties are not allowed ('colour' was unexpected)"),
    (Violation("min_items", "items", [], 1), "Invalid parameters. 'items' value [] is too short"),
    (Violation("minimum", "limit", 0, 1), "Invalid parameters. 'limit' value 0 is less than the minimum of 1"),
    (Violation("one_of", "media_source", {}, 6),
     "Invalid parameters. 'media_source' value {} is not valid under any of the given schemas"),
    (Violation("other", "x", 1, {"multipleOf": 2}), "Invalid parameters. 'x' value 1 is not valid"),
])
def test_each_kind_of_violation_in_pinterest_words(violation: Violation, said: str) -> None:
    assert message(violation, {}) == said


def test_long_values_and_long_enums_are_cut() -> None:
    said = message(Violation("enum", "country", "x" * 500, [f"C{i}" for i in range(200)]), {})
    assert len(said) < 300 and said.endswith(", ...]") and "x" * 65 not in said
