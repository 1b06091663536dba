"""Answers from the store for the operations `resources.index` gives a role: create, read, update, delete, list.

A create answers what the operation's usual answer is (the spec's example shaped by the request, or a
realistic handler) and remembers the object(s) in it; every other role answers from what is stored.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from pinscope.simulator import tallies
from pinscope.simulator.errors import error
from pinscope.simulator.resources import (NOT_FOUND_BY_KEY, Role, matches, object_id, parent_checks,
                                          query_filter, scope)
from pinscope.simulator.shape import batch_item, nth
from pinscope.simulator.store import Obj, Scope, Seed, page
from pinscope.simulator.wire import Reply

if TYPE_CHECKING:
    from pinscope.simulator.bodies import Call


@dataclass(frozen=True, slots=True)
class Hooks:
    """What the caller adds: the usual answer, the base layer, how an object is shown, list visibility."""

    usual: Callable[[], Reply]
    seed: Seed
    present: Callable[[Obj], Obj]
    visible: Callable[[Obj], bool]


def not_found(key: str) -> Reply:
    """Pinterest's 404 for an unknown id: its own code where known, else code 404 [inf]."""
    noun = key.removesuffix("_id").replace("_", " ").capitalize() or "Object"
    return error(NOT_FOUND_BY_KEY.get(key, (404, 404, f"{noun} not found.")))


def handle(call: Call, role: Role, hooks: Hooks) -> Reply:
    """The answer for an operation with a role."""
    space = call.space
    for parent, param in parent_checks(call.operation.path, call.roles):
        if call.store.get(space, scope(parent, call.params), call.params.get(param, ""), hooks.seed) is None:
            return not_found(param)
    where = scope(role, call.params)
    if role.kind == "create":
        return _create(call, role, hooks, where)
    if role.kind in ("list", "child_list"):
        items = call.store.items(space, where, hooks.seed)
        if role.kind == "child_list":
            items = [o for o in items if matches(o, call.params)]
        query = call.request.query
        if role.ordered and query.get("order", "ASCENDING") == "ASCENDING":
            # Oldest first unless DESCENDING is asked: the SDK's own integration tests read a campaign's ad
            # groups back in the order they were made [inf]; creation order stands for id order.
            items.reverse()
        items = [hooks.present(o) for o in items if hooks.visible(o) and query_filter(o, query, role.key)]
        body = page(items, query)
        return Reply(200, body if role.paged else {"items": items})
    if role.kind == "batch_update":
        return _batch_update(call, role, hooks, where)
    if role.kind == "linked_list":
        return _linked(call, role, hooks, where)
    obj_id = call.params.get(role.key, "")
    stored = call.store.get(space, where, obj_id, hooks.seed)
    if stored is None:
        return not_found(role.key)
    if role.kind == "delete":
        call.store.delete(space, where, obj_id, hooks.seed)
        return Reply(204)
    if role.kind == "update":
        stored = _merge(stored, tallies.on_update(stored, call.request.json))
        call.store.put(space, where, obj_id, stored, hooks.seed)
        return Reply(200, hooks.present(stored))
    if role.fill:  # the read's schema has fields the create's answer lacks: the example gives them
        usual = hooks.usual()
        if isinstance(usual.body, dict):
            stored = {**usual.body, **stored}
    return Reply(200, hooks.present(stored))


def _merge(stored: Obj, sent: object) -> Obj:
    """A PATCH: the fields sent replace the stored ones; the id stays."""
    if isinstance(sent, dict):
        return {**stored, **{k: v for k, v in sent.items() if k != "id"}}
    return stored


def _created(call: Call, role: Role, body: Any) -> list[Obj]:
    """The objects a create answered: a batch's `data`, a list named after the collection, or the body."""
    if not isinstance(body, dict):
        return []
    if batch_item(body) is not None:
        return [i["data"] for i in body["items"] if isinstance(i, dict) and isinstance(i.get("data"), dict)]
    # keywords/create answers {"keywords": [...]}, promotions/create {"promotions": [{"data"}]}
    named = body.get(role.collection.rsplit("/", 1)[-1])
    if object_id(body, role.key) or not isinstance(named, list):
        return [body]
    objects = [o.get("data") if isinstance(o, dict) and "data" in o else o for o in named]
    objects = [o for o in objects if isinstance(o, dict)]
    for i, obj in enumerate(objects):  # each its own id, whatever the example repeats
        obj["id"] = nth(call.new_id(), i)
    return objects


def _create(call: Call, role: Role, hooks: Hooks, where: Scope) -> Reply:
    reply = hooks.usual()
    if reply.status >= 300:
        return reply
    sent = call.request.json if isinstance(call.request.json, dict) else {}
    space = call.space
    for obj in _created(call, role, reply.body):
        if role.key in obj and role.key not in sent:  # media_id, leads_export_id: a new id, not the example's
            obj[role.key] = call.new_id()
        tallies.on_create(obj, sent)
        _nest(obj, sent)
        obj_id = object_id(obj, role.key)
        if obj_id:
            call.store.put(space, where, obj_id, obj, hooks.seed)
    return reply


def _nest(obj: Obj, sent: dict[str, Any]) -> None:
    """A field sent flat that the answer declares only inside one of its objects is answered there.

    ConversionTagCreate sends `aem_enabled` at its top level; ConversionTagResponse carries it in
    `configs` [spec]. A null sent means "not set": the answer keeps its default [inf].
    """
    for name, value in sent.items():
        if name in obj or value is None:
            continue
        for inner in obj.values():
            if isinstance(inner, dict) and name in inner:
                inner[name] = copy.deepcopy(value)


def _linked(call: Call, role: Role, hooks: Hooks, where: Scope) -> Reply:
    """A list whose items name a resource's objects (a tag's page-visit events): only objects that exist."""
    usual = hooks.usual()
    body = usual.body
    if usual.status >= 300 or not isinstance(body, dict) or not isinstance(body.get("items"), list):
        return usual
    space = call.space
    kept = [i for i in body["items"] if isinstance(i, dict)
            and call.store.get(space, where, str(i.get(role.key, "")), hooks.seed) is not None]
    return Reply(usual.status, {**body, "items": kept, "bookmark": body.get("bookmark") if kept else None},
                 usual.headers)


def _batch_update(call: Call, role: Role, hooks: Hooks, where: Scope) -> Reply:
    """PATCH on a collection: each item sent names a stored object by `id` [spec]; unknown ids fail alone."""
    usual = hooks.usual()
    template = batch_item(usual.body) or {}
    empty = template.get("exceptions", [])  # a success's empty `exceptions`: [] or {} by the schema [spec]
    sent = call.request.json if isinstance(call.request.json, list) else []
    space = call.space
    items = []
    for one in (s for s in sent if isinstance(s, dict)):
        obj_id = str(one.get("id", ""))
        stored = call.store.get(space, where, obj_id, hooks.seed) if obj_id else None
        if stored is None:
            # Per-item failure: code 1 as for an invalid parameter; the wording is inferred [inf].
            failure = {"code": 1, "message": f"Invalid parameters: {obj_id or 'id'} not found."}
            items.append({"data": None, "exceptions": [failure] if isinstance(empty, list) else failure})
            continue
        stored = _merge(stored, one)
        call.store.put(space, where, obj_id, stored, hooks.seed)
        items.append({"data": hooks.present(stored), "exceptions": copy.deepcopy(empty)})
    return Reply(usual.status if usual.status < 300 else 200, {"items": items})
