"""Answers shaped by their request (simulator/shape.py through examples.answer)."""

from __future__ import annotations

from typing import Any

from pinscope.simulator.examples import answer
from pinscope.simulator.shape import item_id, nth

ACCOUNT = "549755885175"
NEW = "987654321012345678"
TARGETING = {"GENDER": ["female"], "SHOPPING_RETARGETING": [{"lookback_window": 30, "tag_types": [0], "exclusion_window": 14}]}


def body(operation_id: str, method: str, path: str, sent: object, **params: str) -> Any:
    reply = answer(operation_id, method, path, {"ad_account_id": ACCOUNT, **params}, sent, NEW)
    assert reply is not None and reply.status < 300
    return reply.body


def test_a_create_echoes_nested_fields_sent_and_invents_none() -> None:
    sent = [{"name": "A", "campaign_id": "626736533506", "billable_event": "IMPRESSION", "targeting_spec": TARGETING},
            {"name": "B", "campaign_id": "626736533506", "billable_event": "IMPRESSION"}]
    items = body("ad_groups/create", "POST", "/ad_accounts/{ad_account_id}/ad_groups", sent)["items"]
    first, second = items[0]["data"], items[1]["data"]
    assert first["targeting_spec"] == TARGETING and "targeting_spec" not in second
    assert (first["name"], second["name"]) == ("A", "B")
    assert (first["id"], second["id"]) == (NEW, nth(NEW, 1))
    assert first["ad_account_id"] == ACCOUNT and items[0]["exceptions"] == []


def test_a_batch_update_keeps_the_ids_sent() -> None:
    sent = [{"id": "111", "name": "renamed"}, {"id": "222", "status": "PAUSED"}]
    items = body("ad_groups/update", "PATCH", "/ad_accounts/{ad_account_id}/ad_groups", sent)["items"]
    assert [i["data"]["id"] for i in items] == ["111", "222"]
    assert items[0]["data"]["name"] == "renamed" and items[1]["data"]["status"] == "PAUSED"


def test_a_list_sent_under_an_answered_name_is_answered_item_by_item() -> None:
    sent = {"parent_id": "2680060704746", "parent_type": "campaign",
            "keywords": [{"value": "a", "match_type": "BROAD", "bid": 1000}, {"value": "b", "match_type": "EXACT"}]}
    answered = body("keywords/create", "POST", "/ad_accounts/{ad_account_id}/keywords", sent)
    assert [(k["value"], k["match_type"], k["parent_id"]) for k in answered["keywords"]] == [
        ("a", "BROAD", "2680060704746"), ("b", "EXACT", "2680060704746")]
    assert len({k["id"] for k in answered["keywords"]}) == 2 and answered["errors"] == []


def test_events_are_counted_one_answer_per_event_sent() -> None:
    sent = {"data": [{"event_name": "checkout"}, {"event_name": "lead"}, {"event_name": "signup"}]}
    answered = body("events/create", "POST", "/ad_accounts/{ad_account_id}/events", sent)
    assert (answered["num_events_received"], answered["num_events_processed"]) == (3, 3)
    assert [e["status"] for e in answered["events"]] == ["processed"] * 3
    assert answered["events"][0]["error_message"] == ""


def test_a_read_carries_required_fields_and_the_path_ids() -> None:
    tag = body("conversion_tags/get", "GET", "/ad_accounts/{ad_account_id}/conversion_tags/{conversion_tag_id}",
               None, conversion_tag_id="2612345678901")
    assert (tag["ad_account_id"], tag["id"]) == (ACCOUNT, "2612345678901")


def test_optional_nested_structure_comes_only_from_the_request() -> None:
    path = "/ad_accounts/{ad_account_id}/audiences"
    bare = body("audiences/create", "POST", path, {"name": "n", "audience_type": "ENGAGEMENT"})
    rule = {"engager_type": 1}
    with_rule = body("audiences/create", "POST", path, {"name": "n", "audience_type": "ENGAGEMENT", "rule": rule})
    assert "rule" not in bare and with_rule["rule"] == rule
    assert bare["name"] == "n" and bare["id"] == NEW


def test_item_ids() -> None:
    assert item_id({"id": "5"}, NEW, 3, create=False) == "5"
    assert item_id({"id": "5"}, NEW, 3, create=True) == nth(NEW, 3)
    assert item_id(None, "99", 1, create=False) == "00"  # as long as the id it follows
