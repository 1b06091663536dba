"""The simulator's bodies: realistic resources, ad account analytics, generic answers, stable ids."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

import httpx
import pytest

from pinscope.simulator import DEMO_STANDARD, SimConfig, Simulator
from tests import simkit
from tests.flowkit import T0

PROD = "https://api.pinterest.com"
SANDBOX = "https://api-sandbox.pinterest.com"
TODAY = dt.datetime.fromtimestamp(T0, dt.UTC).date()
ALL_READ = "user_accounts:read,boards:read,pins:read,ads:read,boards:write,ads:write,catalogs:read"


def session(sim: Simulator, base: str = PROD, scopes: str = ALL_READ) -> httpx.Client:
    """A client whose requests carry a fresh token for `base`'s environment."""
    return simkit.session(sim, base, scopes)


@pytest.fixture
def http() -> httpx.Client:
    return session(Simulator(clock=lambda: T0))


def test_user_account(http: httpx.Client) -> None:
    account = http.get("/v5/user_account").json()
    assert account["username"] == "pinscope_demo" and account["id"].isdigit()
    assert account["account_type"] in ("PINNER", "BUSINESS")
    secret_reader = session(Simulator(clock=lambda: T0), scopes=ALL_READ + ",boards:read_secret")
    assert account["board_count"] == len(secret_reader.get("/v5/boards").json()["items"])


def test_boards_list_get_filter_and_pins(http: httpx.Client) -> None:
    page = http.get("/v5/boards").json()
    assert page["bookmark"] is None and len(page["items"]) >= 2
    board = page["items"][0]
    assert {"id", "name", "privacy", "owner", "pin_count"} <= set(board)
    assert http.get(f"/v5/boards/{board['id']}").json() == board
    assert http.get("/v5/boards", params={"privacy": "SECRET"}).json()["items"] == []  # no read_secret
    secret_reader = session(Simulator(clock=lambda: T0), scopes=ALL_READ + ",boards:read_secret")
    secret = secret_reader.get("/v5/boards", params={"privacy": "SECRET"}).json()["items"]
    assert secret and all(b["privacy"] == "SECRET" for b in secret)
    assert len(secret_reader.get("/v5/boards").json()["items"]) == len(page["items"]) + len(secret)
    pins = http.get(f"/v5/boards/{board['id']}/pins").json()["items"]
    assert len(pins) == board["pin_count"] and all(p["board_id"] == board["id"] for p in pins)
    missing = http.get("/v5/boards/1")
    assert missing.status_code == 404 and missing.json()["code"] == 40


def test_video_pin_has_null_video_url(http: httpx.Client) -> None:
    pins = http.get("/v5/pins").json()["items"]
    videos = [p for p in pins if p["media"]["media_type"] == "video"]
    assert len(videos) == 1 and len(pins) > 1
    pin = http.get(f"/v5/pins/{videos[0]['id']}").json()
    assert pin["media"]["media_type"] == "video" and pin["media"]["video_url"] is None
    assert http.get("/v5/pins/1").json()["code"] == 50


def test_video_url_is_given_to_apps_with_access() -> None:
    app = replace(DEMO_STANDARD, video_access=True)
    http = session(Simulator(SimConfig(apps=(app,))))
    video = next(p for p in http.get("/v5/pins").json()["items"] if p["media"]["media_type"] == "video")
    assert video["media"]["video_url"].startswith("https://")


def test_sandbox_entities_are_disjoint_and_have_no_video_pins() -> None:
    sim = Simulator()
    prod_ids = {p["id"] for p in session(sim).get("/v5/pins").json()["items"]}
    items = session(sim, SANDBOX).get("/v5/pins").json()["items"]
    assert items and not prod_ids & {p["id"] for p in items}
    assert all(p["media"]["media_type"] != "video" for p in items)


def test_ids_are_deterministic_per_seed() -> None:
    def ids(seed: str) -> list[str]:
        return [b["id"] for b in session(Simulator(SimConfig(seed=seed))).get("/v5/boards").json()["items"]]
    assert ids("a") == ids("a") and ids("a") != ids("b")


def test_ad_accounts(http: httpx.Client) -> None:
    accounts = http.get("/v5/ad_accounts").json()["items"]
    assert accounts and accounts[0]["id"].isdigit() and len(accounts[0]["id"]) <= 18
    assert http.get(f"/v5/ad_accounts/{accounts[0]['id']}").json()["name"] == accounts[0]["name"]


def analytics(http: httpx.Client, days: int, granularity: str = "DAY", **extra: str) -> httpx.Response:
    account = http.get("/v5/ad_accounts").json()["items"][0]["id"]
    params = {"start_date": (TODAY - dt.timedelta(days=days - 1)).isoformat(), "end_date": TODAY.isoformat(),
              "columns": "SPEND_IN_MICRO_DOLLAR,TOTAL_CLICKTHROUGH,CTR", "granularity": granularity, **extra}
    return http.get(f"/v5/ad_accounts/{account}/analytics", params=params)


def test_analytics_boundaries_are_inclusive(http: httpx.Client) -> None:
    assert analytics(http, 91).status_code == 200  # start exactly 90 days back
    assert analytics(http, 9, "HOUR").status_code == 200  # start exactly 8 days back


def test_analytics_rows_per_date_without_all_zero_rows(http: httpx.Client) -> None:
    rows = analytics(http, 30).json()
    dates = [r["DATE"] for r in rows]
    assert dates == sorted(set(dates))
    assert 0 < len(rows) < 30  # some days had no delivery and are left out, as Pinterest does
    assert all(dt.date.fromisoformat(d) > TODAY - dt.timedelta(days=30) for d in dates)
    assert all(r["SPEND_IN_MICRO_DOLLAR"] and r["TOTAL_CLICKTHROUGH"] for r in rows)
    total = analytics(http, 30, "TOTAL").json()
    assert len(total) == 1 and "DATE" not in total[0]
    assert total[0]["TOTAL_CLICKTHROUGH"] == sum(r["TOTAL_CLICKTHROUGH"] for r in rows)
    weeks = analytics(http, 30, "WEEK").json()
    assert all(dt.date.fromisoformat(r["DATE"]).weekday() == 0 or r is weeks[0] for r in weeks)


@pytest.mark.parametrize(("days", "extra"), [
    (92, {}), (10, {"columns": ""}), (10, {"granularity": "YEAR"}), (10, {"click_window_days": "3"}),
    (10, {"conversion_report_time": "NOW"}), (10, {"granularity": "HOUR"}),
])
def test_analytics_rejects_invalid_parameters(http: httpx.Client, days: int, extra: dict[str, str]) -> None:
    reply = analytics(http, days, **extra)
    assert reply.status_code == 400 and reply.json()["code"] == 1


def test_generic_bodies_follow_the_spec_and_the_request(http: httpx.Client) -> None:
    assert http.get("/v5/catalogs").json() == {"items": [], "bookmark": None}  # nothing created yet
    campaign = {"ad_account_id": "123", "name": "Spring", "status": "ACTIVE", "objective_type": "AWARENESS"}
    made = http.post("/v5/ad_accounts/123/campaigns", json=[campaign]).json()["items"][0]["data"]
    campaign = http.get(f"/v5/ad_accounts/123/campaigns/{made['id']}").json()
    assert campaign["id"] == made["id"] and campaign["ad_account_id"] == "123" and campaign["status"] == "ACTIVE"
    assert http.get("/v5/ad_accounts/123/campaigns/456").status_code == 404  # an id no one created
    created = http.post("/v5/boards", json={"name": "Spring"}).json()  # a valid BoardCreate
    assert created["name"] == "Spring" and created["id"].isdigit() and "pin_count" in created
    events = http.post("/v5/ad_accounts/123/events", json={"data": [{"event_name": "checkout",
        "action_source": "web", "event_time": 1, "event_id": "e1", "user_data": {"em": ["a"]}}]})
    assert events.json()["num_events_received"] == 1
    deleted = http.delete(f"/v5/boards/{created['id']}")
    assert deleted.status_code == 204 and deleted.content == b""
    assert http.delete("/v5/boards/123").json()["code"] == 40  # unknown board


def test_batch_creates_answer_one_item_per_item_sent(http: httpx.Client) -> None:
    campaign = {"ad_account_id": "123", "name": "Spring", "status": "ACTIVE", "objective_type": "AWARENESS"}
    reply = http.post("/v5/ad_accounts/123/campaigns", json=[campaign, {**campaign, "name": "Fall"}])
    items = reply.json()["items"]
    assert [i["data"]["name"] for i in items] == ["Spring", "Fall"] and [i["exceptions"] for i in items] == [[], []]
    assert len({i["data"]["id"] for i in items}) == 2 and all(len(i["data"]["id"]) <= 18 for i in items)


def test_bulk_ad_create_reports_each_failed_item(http: httpx.Client) -> None:
    good = {"ad_group_id": "2680059592705", "creative_type": "REGULAR", "pin_id": "687195134316"}
    reply = http.post("/v5/ad_accounts/549755885175/ads", json=[good, {**good, "pin_id": None}])
    assert reply.status_code == 200
    first, second = reply.json()["items"]
    assert first["exceptions"] == {} and first["data"]["pin_id"] == good["pin_id"] and first["data"]["id"]
    assert second["data"] is None and second["exceptions"]["code"] == 1
    assert "pin_id" in second["exceptions"]["message"]


def test_a_created_pin_can_be_read_back_in_its_own_environment_only() -> None:
    sim = Simulator(clock=lambda: T0)
    production, sandbox = session(sim, scopes=ALL_READ + ",pins:write"), session(sim, SANDBOX)
    board = production.get("/v5/boards").json()["items"][0]["id"]
    created = production.post("/v5/pins", json={"board_id": board, "title": "Made here"})
    assert created.status_code == 201
    pin_id = created.json()["id"]
    fetched = production.get(f"/v5/pins/{pin_id}")
    assert fetched.status_code == 200 and fetched.json()["title"] == "Made here"
    assert pin_id in {p["id"] for p in production.get("/v5/pins").json()["items"]}
    assert sandbox.get(f"/v5/pins/{pin_id}").status_code == 404  # sandbox and production are disjoint
