"""Counters a stored object keeps of the requests that changed it, as the spec's field descriptions define them.

CustomerList [spec]: `num_batches` is the "total number of list updates. List creation counts as one
batch. Each Append or Remove API call counts as another"; `num_uploaded_user_records` grows with an
Append "even if the uploaded user is already in the list", `num_removed_user_records` with a Remove
"even if the user is not found in the list". `records` is one string of records separated by commas.
"""

from __future__ import annotations

from typing import Any

Obj = dict[str, Any]
BATCHES = "num_batches"
# CustomerListUpdate's operation_type -> the counter it moves [spec UserListOperationType].
RECORD_COUNTERS = {"ADD": "num_uploaded_user_records", "REMOVE": "num_removed_user_records"}
# Request fields that say what to do to the object rather than what it is: counted, never stored.
CONSUMED = ("records", "operation_type")


def records(sent: Obj) -> int:
    """How many records a `records` string holds (empty entries, e.g. a trailing comma, do not count)."""
    text = sent.get("records")
    return sum(1 for r in text.split(",") if r.strip()) if isinstance(text, str) else 0


def counts(obj: Obj) -> bool:
    """Whether the object is one that keeps these counters."""
    return BATCHES in obj and all(name in obj for name in RECORD_COUNTERS.values())


def on_create(obj: Obj, sent: object) -> None:
    """A new list: one batch, the records sent uploaded, none removed."""
    if not counts(obj) or not isinstance(sent, dict):
        return
    obj.update({BATCHES: 1, RECORD_COUNTERS["ADD"]: records(sent), RECORD_COUNTERS["REMOVE"]: 0})
    for name in CONSUMED:
        obj.pop(name, None)


def on_update(stored: Obj, sent: object) -> Obj:
    """An Append or Remove: one more batch and the records sent added to its counter; other fields as sent."""
    if not counts(stored) or not isinstance(sent, dict) or sent.get("operation_type") not in RECORD_COUNTERS:
        return sent if isinstance(sent, dict) else {}
    counter = RECORD_COUNTERS[sent["operation_type"]]
    rest = {k: v for k, v in sent.items() if k not in CONSUMED}
    return {**rest, BATCHES: (stored.get(BATCHES) or 0) + 1, counter: (stored.get(counter) or 0) + records(sent)}
