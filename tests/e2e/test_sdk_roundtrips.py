"""Pinterest's own Python SDK (pinterest-api-sdk) against the simulator: what it creates, it reads back.

The simulator runs on a loopback port; the SDK reaches it through `api_uri` (its only way to another
host). Each test makes its own objects and checks the round trips an app relies on.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from pinscope.catalog import default_catalog
from pinscope.simulator import DEMO_STANDARD, SimConfig, Simulator
from pinscope.simulator.server import SimServer, serve
from tests.simkit import EVERY_FEATURE

# The SDK's generated client calls urllib3 APIs that warn about their own deprecation.
pytestmark = [pytest.mark.e2e, pytest.mark.filterwarnings("ignore::DeprecationWarning")]
IMAGE = {"source_type": "image_url", "url": "https://example.com/soup.jpg"}


@pytest.fixture(scope="module")
def server() -> Iterator[SimServer]:
    with serve(Simulator(SimConfig(apps=(EVERY_FEATURE,))), 0, 0) as running:  # every restricted feature granted
        yield running


@pytest.fixture(scope="module")
def sdk(server: SimServer) -> Any:
    """A PinterestSDKClient holding an all-scopes production token."""
    pytest.importorskip("pinterest.client")
    from pinterest.client import PinterestSDKClient
    base = server.url().removesuffix("/v5")
    scopes = ",".join(default_catalog().scopes)
    token = httpx.post(f"{base}/_sim/token", data={"app_id": DEMO_STANDARD.app_id, "scope": scopes}).json()
    return PinterestSDKClient(configuration=PinterestSDKClient._get_config(token["access_token"], api_uri=server.url()))


@pytest.fixture(scope="module")
def ad_account_id(sdk: Any) -> str:
    """A new ad account, read back by the SDK (AdAccount.create reads it)."""
    from pinterest.ads.ad_accounts import AdAccount
    account = AdAccount.create(country="US", name="Soup kitchen", owner_user_id="1234", client=sdk)
    assert AdAccount(ad_account_id=account.id, client=sdk).name == "Soup kitchen"
    return account.id


def test_board_create_get_update_list_delete(sdk: Any) -> None:
    from openapi_generated.pinterest_client.exceptions import NotFoundException
    from pinterest.organic.boards import Board
    board = Board.create(name="Winter soups", description="Warm bowls", client=sdk)
    read = Board(board_id=board.id, client=sdk)
    assert (read.id, read.name, read.description) == (board.id, "Winter soups", "Warm bowls")
    assert read.update_fields(name="Spring soups") and read.name == "Spring soups" and read.id == board.id
    assert Board(board_id=board.id, client=sdk).name == "Spring soups"
    boards, _ = Board.get_all(client=sdk)
    assert boards[0].id == board.id and len({b.id for b in boards}) == len(boards)
    assert Board.delete(board_id=board.id, client=sdk)
    with pytest.raises(NotFoundException):
        Board(board_id=board.id, client=sdk)


def test_board_sections_and_pins(sdk: Any) -> None:
    from pinterest.organic.boards import Board
    from pinterest.organic.pins import Pin
    board = Board.create(name="Breads", client=sdk)
    section = board.create_section(name="Sourdough")
    sections, _ = board.list_sections()
    assert [s.id for s in sections] == [section.id] and sections[0].name == "Sourdough"
    loose = Pin.create(board_id=board.id, media_source=IMAGE, title="Rye", client=sdk)
    filed = Pin.create(board_id=board.id, board_section_id=section.id, media_source=IMAGE, title="Levain", client=sdk)
    pins, bookmark = board.list_pins()
    assert [p.id for p in pins] == [filed.id, loose.id] and bookmark is None
    first, bookmark = board.list_pins(page_size=1)
    assert [p.id for p in first] == [filed.id] and bookmark is not None
    rest, _ = bookmark.get_next()
    assert [p.id for p in rest] == [loose.id]
    in_section, _ = board.list_pins(section_id=section.id)
    assert [p.title for p in in_section] == ["Levain"]


def test_campaign_create_get_list_update(sdk: Any, ad_account_id: str) -> None:
    from pinterest.ads.campaigns import Campaign
    made = [Campaign.create(ad_account_id=ad_account_id, name=f"Soup week {i}", objective_type="AWARENESS",
                            daily_spend_cap=10_000_000, client=sdk) for i in range(3)]
    read = Campaign(ad_account_id=ad_account_id, campaign_id=made[0].id, client=sdk)
    assert read.name == "Soup week 0" and read.daily_spend_cap == 10_000_000
    listed, _ = Campaign.get_all(ad_account_id=ad_account_id, campaign_ids=[c.id for c in made], client=sdk)
    assert sorted(c.id for c in listed) == sorted(c.id for c in made)
    assert read.pause() and read.status == "PAUSED"
    assert Campaign(ad_account_id=ad_account_id, campaign_id=made[0].id, client=sdk).status == "PAUSED"
    assert Campaign(ad_account_id=ad_account_id, campaign_id=made[1].id, client=sdk).status == "ACTIVE"


def test_ad_group_and_ad_create(sdk: Any, ad_account_id: str) -> None:
    from pinterest.ads.ad_groups import AdGroup
    from pinterest.ads.ads import Ad
    from pinterest.ads.campaigns import Campaign
    from pinterest.organic.pins import Pin
    campaign = Campaign.create(ad_account_id=ad_account_id, name="Bread week", objective_type="AWARENESS",
                               daily_spend_cap=10_000_000, client=sdk)
    group = AdGroup.create(ad_account_id=ad_account_id, campaign_id=campaign.id, billable_event="IMPRESSION",
                           name="Bakers", auto_targeting_enabled=False, bid_in_micro_currency=1_000_000, client=sdk)
    assert AdGroup(ad_account_id=ad_account_id, ad_group_id=group.id, client=sdk).name == "Bakers"
    groups, _ = AdGroup.get_all(ad_account_id=ad_account_id, campaign_ids=[campaign.id], client=sdk)
    assert [g.id for g in groups] == [group.id]
    pin = Pin.create(board_id=_first_board(sdk), media_source=IMAGE, title="Baguette", client=sdk)
    ad = Ad.create(ad_account_id=ad_account_id, ad_group_id=group.id, creative_type="REGULAR", pin_id=pin.id,
                   name="Baguette ad", client=sdk)
    read = Ad(ad_account_id=ad_account_id, ad_id=ad.id, client=sdk)
    assert (read.id, read.pin_id, read.ad_group_id) == (ad.id, pin.id, group.id)
    ads, _ = Ad.get_all(ad_account_id=ad_account_id, ad_group_ids=[group.id], client=sdk)
    assert [a.id for a in ads] == [ad.id]


def _first_board(sdk: Any) -> str:
    from pinterest.organic.boards import Board
    boards, _ = Board.get_all(client=sdk)
    return boards[-1].id  # a seeded board: the other tests put theirs first


def test_customer_list_counts_and_keywords_by_ad_group(sdk: Any, ad_account_id: str) -> None:
    from pinterest.ads.customer_lists import CustomerList
    from pinterest.ads.keywords import Keyword
    made = CustomerList.create(ad_account_id=ad_account_id, name="Regulars", records="a@example.com", client=sdk)
    made.add_record("b@example.com,c@example.com")
    made.remove_record("a@example.com")
    read = CustomerList(ad_account_id=ad_account_id, customer_list_id=made.id, client=sdk)
    assert (read.num_batches, read.num_uploaded_user_records, read.num_removed_user_records) == (3, 3, 1)
    kept = [Keyword.create(ad_account_id=ad_account_id, parent_id=parent, value=f"soup {parent}",
                           match_type="BROAD", client=sdk).id for parent in ("111", "222", "111")]
    listed, _ = Keyword.get_all(ad_account_id=ad_account_id, ad_group_id="111", client=sdk)
    assert sorted(k.id for k in listed) == sorted([kept[0], kept[2]])
