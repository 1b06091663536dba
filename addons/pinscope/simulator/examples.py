"""Success answers built from rules/response_examples.json (generated from the spec's response schemas).

The example is shaped by the request (shape.py): path parameters fill the fields of the same name (the
last one is the object's `id`), a write carries every field sent that its answer declares, a create
gets a new id, and a batch answers one item per item sent (an update's item keeps its id).
"""

from __future__ import annotations

import copy
import json
from functools import cache
from typing import Any

from pinscope.paths import rules_dir
from pinscope.simulator.shape import batch_item, counted, item_id, shaped
from pinscope.simulator.wire import Reply


@cache
def examples() -> dict[str, dict[str, Any]]:
    """Status and body per operation id, read once."""
    return json.loads((rules_dir() / "response_examples.json").read_text())["operations"]


def example_body(operation_id: str) -> Any:
    """The operation's example body (None when it has none)."""
    return examples().get(operation_id, {}).get("body")


def _batch(item: dict[str, Any], sent: object, ids: dict[str, str], echo: list[str], new_id: str,
           create: bool) -> list[dict[str, Any]]:
    """One `{data, exceptions}` per object sent (a list, or a dict's `items`), each with its own id."""
    sent_items = sent if isinstance(sent, list) else sent.get("items") if isinstance(sent, dict) else None
    if not isinstance(sent_items, list) or not sent_items:
        sent_items = [None]
    return [{**copy.deepcopy(item), "data": shaped(item["data"], one, {**ids, "id": item_id(one, new_id, i, create)},
                                                   echo, new_id, create)}
            for i, one in enumerate(sent_items)]


def answer(operation_id: str, method: str, path: str, params: dict[str, str], sent: object,
           new_id: str) -> Reply | None:
    """The spec-shaped success answer, or None when the operation has no example."""
    entry = examples().get(operation_id)
    # Analytics answer a row per day: one example row would read as omitted days (analytics-rows-omitted)
    if entry is None or "analytics" in operation_id:
        return None
    body = entry.get("body")
    if not isinstance(body, dict):
        return Reply(entry["status"], copy.deepcopy(body)) if "body" in entry else Reply(entry["status"])
    last, echo, create = path.rsplit("/", 1)[-1], entry.get("echo", []), method == "POST"
    ids = dict(params)
    if last.startswith("{") and last[1:-1] in params:
        ids["id"] = params[last[1:-1]]
    elif create:
        ids["id"] = new_id
    batch = batch_item(body)
    if batch is not None and method != "GET":
        return Reply(entry["status"], {**copy.deepcopy(body), "items": _batch(batch, sent, ids, echo, new_id, create)})
    items = body.get("items")
    if isinstance(items, list) and "bookmark" in body:
        page = copy.deepcopy(body)
        page["items"] = [shaped(i, None, params, (), new_id, False) if isinstance(i, dict) else i for i in items]
        return Reply(entry["status"], page)
    sent = sent if method != "GET" else None
    return Reply(entry["status"], counted(operation_id, shaped(body, sent, ids, echo, new_id, create), sent))
