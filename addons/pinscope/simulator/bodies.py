"""Success bodies: realistic ones for a few resources, a small generic body for every other operation.

Operations on a resource (`resources.index`) answer from the store (`crud.py`), the demo world being
its base layer; a create answers as below and is remembered. Every other operation answers its
example from the spec's response schema (`examples.py`); one without an example: GET on a path
ending in `{param}` -> `{"id": <that value>}`; other GETs -> `{"items": [], "bookmark": null}`;
POST/PATCH/PUT -> the request's JSON object plus a new deterministic `id`; DELETE -> 204, no body.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from pinscope.catalog import Operation
from pinscope.simulator import crud, examples
from pinscope.simulator.analytics import ad_account_rows
from pinscope.simulator.fixtures import World, sim_id, video_url
from pinscope.simulator.resources import Role
from pinscope.simulator.state import App
from pinscope.simulator.store import Scope, SpaceKey, Store
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
    store: Store = field(default_factory=Store)  # what this simulator remembers (per environment and user)
    roles: dict[str, Role] = field(default_factory=dict)  # resources.index(catalog)
    scopes: frozenset[str] = frozenset()  # the caller's token's scopes

    def new_id(self) -> str:
        """A new object's id, stable for the same seed, operation and call."""
        return sim_id(self.world.seed, self.operation.operation_id, self.serial)

    @property
    def space(self) -> SpaceKey:
        """The caller's (environment, user): where the store keeps what this call reads and writes."""
        return self.world.environment, self.world.user


def _page(items: list[dict[str, Any]]) -> Reply:
    return Reply(200, {"items": items, "bookmark": None})


def user_account(call: Call) -> Reply:
    """GET /user_account."""
    return Reply(200, call.world.account())


def seed(call: Call) -> list[tuple[Scope, str, dict[str, Any]]]:
    """The demo world as the store's base layer, oldest first so the world's first object lists first."""
    world = call.world
    rows = [(("/ad_accounts", ()), a) for a in world.ad_accounts()]
    rows += [(("/pins", ()), p) for p in world.pins()] + [(("/boards", ()), b) for b in world.boards()]
    return [(where, obj["id"], obj) for where, obj in reversed(rows)]


def visible(call: Call) -> Callable[[dict[str, Any]], bool]:
    """Which listed objects the caller sees: boards by `privacy`, secret ones only with read_secret [spec]."""
    if call.operation.operation_id != "boards/list":
        return lambda obj: True
    privacy = call.request.query.get("privacy")
    secret = "boards:read_secret" in call.scopes
    return lambda b: (b.get("privacy") != "SECRET" or secret) and privacy in (None, b.get("privacy"))


def present(call: Call) -> Callable[[dict[str, Any]], dict[str, Any]]:
    """A stored Pin as this app sees it: a video's `video_url` only for apps with access [FACTS §6]."""
    def show(obj: dict[str, Any]) -> dict[str, Any]:
        media = obj.get("media")
        if call.app.video_access and isinstance(media, dict) and media.get("media_type") == "video" \
                and media.get("video_url") is None:
            obj = {**obj, "media": {**media, "video_url": video_url(str(obj.get("id")))}}
        return obj
    return show


def pins_create(call: Call) -> Reply:
    """POST /pins: 201 with the new Pin, echoing the fields sent (the store remembers it)."""
    fields = call.request.json if isinstance(call.request.json, dict) else {}
    board_id = str(fields.get("board_id") or call.world.boards()[0]["id"])
    pin_id = sim_id(call.world.seed, "new-pin", call.serial)
    pin = call.world.pin(pin_id, board_id, str(fields.get("title") or ""), overrides=fields)
    return Reply(201, pin)


def pins_save(call: Call) -> Reply:
    """POST /pins/{pin_id}/save: the saved copy is a new Pin on the board (and section) named [inf]."""
    where = ("/pins", ())
    source = call.store.get(call.space, where, call.params["pin_id"], lambda: seed(call))
    if source is None:
        return crud.not_found("pin_id")
    fields = call.request.json if isinstance(call.request.json, dict) else {}
    pin = {**source, "id": call.new_id(), "parent_pin_id": source["id"], "is_owner": True,
           **{k: fields[k] for k in ("board_id", "board_section_id") if fields.get(k)}}
    call.store.put(call.space, where, pin["id"], pin)
    return Reply(200, present(call)(pin))


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
            # A success's `exceptions` is an empty Exception object: the SDK refuses null there [spec]
            items.append({"data": {**ad, "id": ad_id, "ad_account_id": call.params["ad_account_id"]},
                          "exceptions": {}})
    return Reply(200, {"items": items})


def ad_account_analytics(call: Call) -> Reply:
    """GET /ad_accounts/{ad_account_id}/analytics."""
    return ad_account_rows(call.params["ad_account_id"], call.request.query, call.today)


REALISTIC: dict[str, Callable[[Call], Reply]] = {
    "user_account/get": user_account,
    "pins/create": pins_create,
    "pins/save": pins_save,
    "ad_account/analytics": ad_account_analytics,
    "ads/create": ads_create,
}


def generic(call: Call) -> Reply:
    """The spec's example, else the minimal body by method (see the module docstring)."""
    method, path = call.operation.method, call.operation.path
    new_id = call.new_id()
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
    """The success answer for an authorised call: from the store for resources, else as above."""
    usual = REALISTIC.get(call.operation.operation_id, generic)
    role = call.roles.get(call.operation.operation_id)
    if role is None:
        return usual(call)
    return crud.handle(call, role, crud.Hooks(lambda: usual(call), lambda: seed(call), present(call), visible(call)))
