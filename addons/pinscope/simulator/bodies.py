"""Success bodies: realistic ones for a few resources, a small generic body for every other operation.

Every other operation answers its example from the spec's response schema (`examples.py`); one
without an example: GET on a path ending in `{param}` -> `{"id": <that value>}`; other GETs ->
`{"items": [], "bookmark": null}`; POST/PATCH/PUT -> the request's JSON object plus a new
deterministic `id`; DELETE -> 204 with no body.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from pinscope.catalog import Operation
from pinscope.simulator import examples
from pinscope.simulator.analytics import ad_account_rows
from pinscope.simulator.errors import BOARD_NOT_FOUND, PIN_NOT_FOUND, error
from pinscope.simulator.fixtures import World, sim_id
from pinscope.simulator.state import App
from pinscope.simulator.wire import Reply, SimRequest


@dataclass(frozen=True, slots=True)
class Call:
    """An authorised call to answer: the request, its operation, path parameters and caller."""

    request: SimRequest
    operation: Operation
    params: dict[str, str]
    app: App
    world: World
    serial: str  # unique per call, for new ids
    today: dt.date
    created: list[dict[str, Any]] = field(default_factory=list)  # this user's Pins made with POST /pins
    scopes: frozenset[str] = frozenset()  # the caller's token's scopes


def _page(items: list[dict[str, Any]]) -> Reply:
    return Reply(200, {"items": items, "bookmark": None})


MAX_CREATED = 500  # Pins kept per user and environment; the oldest go first


def _pins(call: Call) -> list[dict[str, Any]]:
    return [*call.world.pins(video_access=call.app.video_access), *call.created]


def _board(call: Call) -> dict[str, Any] | None:
    return next((b for b in call.world.boards() if b["id"] == call.params.get("board_id")), None)


def user_account(call: Call) -> Reply:
    """GET /user_account."""
    return Reply(200, call.world.account())


def boards_list(call: Call) -> Reply:
    """GET /boards, filtered by `privacy`."""
    privacy = call.request.query.get("privacy")
    # "all boards that can be returned based on the scopes of the token" [spec]: secret ones need read_secret
    visible = [b for b in call.world.boards() if b["privacy"] != "SECRET" or "boards:read_secret" in call.scopes]
    return _page([b for b in visible if privacy in (None, b["privacy"])])


def boards_get(call: Call) -> Reply:
    """GET /boards/{board_id} (404 code 40 for an unknown board)."""
    board = _board(call)
    return Reply(200, board) if board else error(BOARD_NOT_FOUND)


def boards_pins(call: Call) -> Reply:
    """GET /boards/{board_id}/pins."""
    board = _board(call)
    if board is None:
        return error(BOARD_NOT_FOUND)
    return _page([p for p in _pins(call) if p["board_id"] == board["id"]])


def pins_list(call: Call) -> Reply:
    """GET /pins."""
    return _page(_pins(call))


def pins_get(call: Call) -> Reply:
    """GET /pins/{pin_id} (404 code 50 for an unknown Pin)."""
    pin = next((p for p in _pins(call) if p["id"] == call.params.get("pin_id")), None)
    return Reply(200, pin) if pin else error(PIN_NOT_FOUND)


def pins_create(call: Call) -> Reply:
    """POST /pins: 201 with the new Pin, echoing the fields sent."""
    fields = call.request.json if isinstance(call.request.json, dict) else {}
    board_id = str(fields.get("board_id") or call.world.boards()[0]["id"])
    pin = call.world.pin(sim_id(call.world.seed, "new-pin", call.serial), board_id,
                         str(fields.get("title") or ""), overrides=fields)
    call.created.append(pin)
    del call.created[:-MAX_CREATED]
    return Reply(201, pin)


AD_REQUIRED = ("ad_group_id", "creative_type", "pin_id")  # AdCreateRequest's required fields [spec]


def ads_create(call: Call) -> Reply:
    """POST /ad_accounts/{id}/ads: AdArrayResponse [spec]; an ad missing a required field gets `exceptions`.

    The per-item code and wording are inferred (code 1 is Pinterest's invalid-parameter code) [inf].
    """
    sent = call.request.json if isinstance(call.request.json, list) else []
    items = []
    for i, ad in enumerate(item if isinstance(item, dict) else {} for item in sent):
        missing = [name for name in AD_REQUIRED if not ad.get(name)]
        if missing:
            items.append({"data": None, "exceptions": {
                "code": 1, "message": f"Invalid parameters: {', '.join(missing)} is required."}})
        else:
            ad_id = sim_id(call.world.seed, "ad", f"{call.serial}-{i}")
            items.append({"data": {**ad, "id": ad_id, "ad_account_id": call.params["ad_account_id"]},
                          "exceptions": None})
    return Reply(200, {"items": items})


def ad_accounts_list(call: Call) -> Reply:
    """GET /ad_accounts."""
    return _page(call.world.ad_accounts())


def ad_account_get(call: Call) -> Reply:
    """GET /ad_accounts/{ad_account_id}: the demo account under the id asked for."""
    account = dict(call.world.ad_accounts()[0], id=call.params["ad_account_id"])
    return Reply(200, account)


def ad_account_analytics(call: Call) -> Reply:
    """GET /ad_accounts/{ad_account_id}/analytics."""
    return ad_account_rows(call.params["ad_account_id"], call.request.query, call.today)


REALISTIC: dict[str, Callable[[Call], Reply]] = {
    "user_account/get": user_account,
    "boards/list": boards_list,
    "boards/get": boards_get,
    "boards/list_pins": boards_pins,
    "pins/list": pins_list,
    "pins/get": pins_get,
    "pins/create": pins_create,
    "ad_accounts/list": ad_accounts_list,
    "ad_accounts/get": ad_account_get,
    "ad_account/analytics": ad_account_analytics,
    "ads/create": ads_create,
}


def generic(call: Call) -> Reply:
    """The spec's example, else the minimal body by method (see the module docstring)."""
    method, path = call.operation.method, call.operation.path
    new_id = sim_id(call.world.seed, call.operation.operation_id, call.serial)
    shaped = examples.answer(call.operation.operation_id, method, path, call.params, call.request.json, new_id)
    if shaped is not None:
        return shaped
    if method == "DELETE":
        return Reply(204)
    if method == "GET":
        last = path.rsplit("/", 1)[-1]
        if last.startswith("{"):
            return Reply(200, {"id": call.params[last[1:-1]]})
        return _page([])
    body = dict(call.request.json) if isinstance(call.request.json, dict) else {}
    body["id"] = new_id
    return Reply(200, body)


def answer(call: Call) -> Reply:
    """The success answer for an authorised call."""
    return REALISTIC.get(call.operation.operation_id, generic)(call)
