"""One success object shaped by its request: the fields sent that the answer declares, then the ids.

The template (rules/response_examples.json) holds required and plain fields only; whatever else the
response schema declares comes from the request (its `echo` names), so a client reads back what it
wrote, nested structure included, instead of a made-up value. A list of objects sent under a name the
answer also lists (a keyword request's `keywords`) is answered item by item.
"""

from __future__ import annotations

import copy
from collections.abc import Collection
from typing import Any

# Answers that count what was sent, as the spec says: ConversionApiResponse's num_events_received is
# the "total number of events received in the request" and its `events` "match the order in which
# the events were received" [spec]. operation id -> (request list, answer list, count fields).
COUNTED: dict[str, tuple[str, str, tuple[str, ...]]] = {
    "events/create": ("data", "events", ("num_events_received", "num_events_processed")),
}


def batch_item(body: object) -> dict[str, Any] | None:
    """The first item of a batch answer `{"items": [{"data", "exceptions"}, ...]}`; None for any other body."""
    items = body.get("items") if isinstance(body, dict) else None
    first = items[0] if isinstance(items, list) and items else None
    return first if isinstance(first, dict) and "data" in first else None


def nth(new_id: str, i: int) -> str:
    """The i-th id after `new_id`, as long as it (the spec caps ids' length)."""
    return f"{(int(new_id) + i) % 10 ** len(new_id):0{len(new_id)}d}"


def shaped(template: dict[str, Any], sent: object, ids: dict[str, str], echo: Collection[str],
           new_id: str, create: bool) -> dict[str, Any]:
    """The template with the request's declared fields (`echo` or the template's own) and the ids set."""
    body = copy.deepcopy(template)
    if isinstance(sent, dict):
        for key, value in sent.items():
            if key not in body and key not in echo:
                continue
            inner = body.get(key)
            if _objects(value) and isinstance(inner, list) and inner and isinstance(inner[0], dict):
                body[key] = _each(inner[0], sent, value, ids, new_id, create)
            else:
                body[key] = copy.deepcopy(value)
    body.update({k: v for k, v in ids.items() if k in body})
    return body


def _each(item: dict[str, Any], parent: dict[str, Any], sent: list[dict[str, Any]], ids: dict[str, str],
          new_id: str, create: bool) -> list[dict[str, Any]]:
    """One answer item per item sent; the request's scalar fields the item declares (parent_id) hold too."""
    shared = {k: v for k, v in parent.items() if k in item and not isinstance(v, (dict, list))}
    outer = {k: v for k, v in ids.items() if k != "id"}
    return [shaped(item, {**shared, **one}, {**outer, "id": item_id(one, new_id, i, create)}, (), new_id, create)
            for i, one in enumerate(sent)]


def item_id(one: object, new_id: str, i: int, create: bool) -> str:
    """A created item's new id; an updated one keeps the id it was sent with."""
    sent_id = one.get("id") if isinstance(one, dict) else None
    return str(sent_id) if sent_id and not create else nth(new_id, i)


def counted(operation_id: str, body: dict[str, Any], sent: object) -> dict[str, Any]:
    """`body` with one answer item per item sent and the counts set, for the operations in COUNTED."""
    if operation_id not in COUNTED or not isinstance(sent, dict) or not isinstance(sent.get(COUNTED[operation_id][0]), list):
        return body
    asked, answered, counts = COUNTED[operation_id]
    template = body.get(answered) or [{}]
    n = len(sent[asked])
    return {**body, answered: [copy.deepcopy(template[0]) for _ in range(n)], **{name: n for name in counts}}


def _objects(value: object) -> bool:
    return isinstance(value, list) and bool(value) and all(isinstance(v, dict) for v in value)
