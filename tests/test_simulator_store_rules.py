"""The store's spec-derived rules: counters, flat fields answered nested, linked lists, filters; --latency."""

from __future__ import annotations

import httpx
import pytest

from pinscope import cli
from pinscope.commands import CommandError
from pinscope.commands.simulate import config_from
from pinscope.simulator import SimConfig, Simulator
from pinscope.simulator.app import MAX_LATENCY_MS
from pinscope.simulator.resources import query_filter
from pinscope.simulator.state import DEMO_USER
from tests.simkit import EVERY_FEATURE, Clock
from tests.test_simulator_store import ROLES, client


@pytest.fixture
def sim() -> Simulator:
    return Simulator(SimConfig(apps=(EVERY_FEATURE,)), clock=Clock())


def _account(http: httpx.Client) -> str:
    return http.get("/v5/ad_accounts").json()["items"][0]["id"]


def test_customer_list_counts_batches_and_records(sim: Simulator) -> None:
    http = client(sim)
    base = f"/v5/ad_accounts/{_account(http)}/customer_lists"
    made = http.post(base, json={"name": "Leads", "records": "a@example.com,b@example.com,"}).json()
    assert (made["num_batches"], made["num_uploaded_user_records"], made["num_removed_user_records"]) == (1, 2, 0)
    http.patch(f"{base}/{made['id']}", json={"operation_type": "ADD", "records": "c@example.com"})
    after = http.patch(f"{base}/{made['id']}", json={"operation_type": "REMOVE", "records": "x@example.com"}).json()
    assert (after["num_batches"], after["num_uploaded_user_records"], after["num_removed_user_records"]) == (3, 3, 1)
    assert "records" not in after and "operation_type" not in after  # what to do, not what the list is
    assert http.get(f"{base}/{made['id']}").json()["num_batches"] == 3


def test_flat_fields_are_answered_where_the_answer_nests_them(sim: Simulator) -> None:
    http = client(sim)
    base = f"/v5/ad_accounts/{_account(http)}/conversion_tags"
    made = http.post(base, json={"name": "Tag", "aem_enabled": True, "md_frequency": 1.2, "aem_ph_enabled": None})
    configs = http.get(f"{base}/{made.json()['id']}").json()["configs"]
    assert configs["aem_enabled"] is True and configs["md_frequency"] == 1.2
    assert configs["aem_ph_enabled"] is False  # a null sent keeps the default
    assert "aem_enabled" not in made.json()


def test_a_list_naming_stored_objects_answers_only_existing_ones(sim: Simulator) -> None:
    assert ROLES["page_visit_conversion_tags/get"].kind == "linked_list"
    http = client(sim)
    account = _account(http)
    path = f"/v5/ad_accounts/{account}/conversion_tags/page_visit"
    assert http.get(path).json() == {"items": [], "bookmark": None}  # no tag of the example exists
    tag = {"id": "1234567890", "conversion_tag_id": "1234567890", "name": "Tag"}
    where = ("/ad_accounts/{ad_account_id}/conversion_tags", (account,))
    sim.store.put(("production", DEMO_USER), where, "1234567890", tag)  # the example event's tag id
    items = http.get(path).json()["items"]
    assert [i["conversion_tag_id"] for i in items] == ["1234567890"]


def test_keywords_are_listed_by_their_parent(sim: Simulator) -> None:
    http = client(sim)
    base = f"/v5/ad_accounts/{_account(http)}/keywords"
    for parent in ("111", "222", "111"):
        http.post(base, json={"parent_id": parent, "keywords": [{"value": f"kw{parent}", "match_type": "BROAD"}]})
    listed = http.get(base, params={"ad_group_id": "111"}).json()["items"]
    assert len(listed) == 2 and {k["parent_id"] for k in listed} == {"111"}
    assert len(http.get(base).json()["items"]) == 3


def test_query_filter_rules() -> None:
    keyword = {"id": "9", "parent_id": "1"}
    assert query_filter(keyword, {"ad_group_id": "1"}, "keyword_id")
    assert not query_filter(keyword, {"ad_group_ids": "2,3"}, "keyword_id")
    promotion = {"id": "5", "ad_group_id": "7"}
    assert not query_filter(promotion, {"ad_group_id": "8"}, "")
    assert query_filter({"id": "1", "ad_account_id": "4"}, {"ad_account_id": "5"}, "")  # acting as, not a filter


def test_latency_delays_api_answers_only() -> None:
    slept: list[float] = []
    sim = Simulator(SimConfig(latency_ms=40), clock=Clock(), sleep=slept.append)
    http = client(sim)
    assert slept == []  # /_sim/token is the simulator's own control endpoint
    assert http.get("/v5/user_account").status_code == 200
    http.get("/v5/no/such/path")
    assert slept == [0.04, 0.04]
    client(Simulator(clock=Clock(), sleep=slept.append)).get("/v5/user_account")
    assert len(slept) == 2  # the default is no delay


@pytest.mark.parametrize(("value", "ok"), [("0", True), (str(MAX_LATENCY_MS), True), ("-1", False),
                                           (str(MAX_LATENCY_MS + 1), False)])
def test_latency_option_is_bounded(value: str, ok: bool) -> None:
    args = cli.build_parser().parse_args(["simulate", "--latency", value])
    if ok:
        assert config_from(args).latency_ms == int(value)
    else:
        with pytest.raises(CommandError, match="--latency must be between 0 and"):
            config_from(args)
