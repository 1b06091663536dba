"""400 code 1: a request that breaks its operation's schema in the spec, worded as Pinterest words it.

The check is pinscope.requestcheck (the spec's request schemas, validated with jsonschema): the spec
is what Pinterest enforces. The words are Pinterest's, from the spec's error examples [FACTS §1, §8]:
a pattern mismatch is answered bare ("'feed_id' value '1511851494501_' must match the pattern:
^\\d+$"), a non-numeric query value as "Parameter 'page_size' was not numeric (was 3e)", anything
else as "Invalid parameters." followed by the first offending field, in the validator's words that
Pinterest passes on ("('test0' is not of type array)") [inf for the exact joining].
"""

from __future__ import annotations

from typing import Any

from pinscope.catalog import Operation
from pinscope.requestcheck import Violation, violations

SHOWN = 64  # characters of a value quoted back
SHOWN_ALLOWED = 12  # enum values listed before "..."
# Operations whose array body is answered item by item (AdArrayResponse `exceptions`) [spec]: a bad
# item does not refuse the whole request, the answer's handler reports it.
ITEM_ERRORS = frozenset({"ads/create"})
_PHRASES = {
    "minimum": "is less than the minimum of {expected}",
    "maximum": "is greater than the maximum of {expected}",
    "min_length": "is too short", "max_length": "is too long",
    "min_items": "is too short", "max_items": "is too long",
    "one_of": "is not valid under any of the given schemas",
}


def invalid_parameters(operation: Operation, params: dict[str, str], query: dict[str, str],
                       body: Any) -> str | None:
    """Pinterest's message for the first field that breaks the schema; None for a valid request."""
    found = violations(operation, params, query, body)
    if operation.operation_id in ITEM_ERRORS:
        found = [v for v in found if not v.field.startswith("body[")]
    return message(found[0], query) if found else None


def message(v: Violation, query: dict[str, str]) -> str:
    """One violation as Pinterest's 400 code 1 message."""
    if v.kind == "pattern":
        return f"'{v.field}' value '{_cut(str(v.value))}' must match the pattern: {v.expected}"
    if v.kind == "type" and v.expected in ("integer", "number") and v.field in query:
        return f"Parameter '{v.field}' was not numeric (was {_cut(query[v.field])})"
    return f"Invalid parameters. {_detail(v)}"


def _detail(v: Violation) -> str:
    """The validator's sentence for one field."""
    value = _cut(repr(v.value))
    if v.kind == "required":
        return f"'{v.field}' is required"
    if v.kind == "enum":
        allowed = list(v.expected)
        listed = repr(allowed[:SHOWN_ALLOWED])
        if len(allowed) > SHOWN_ALLOWED:
            listed = listed[:-1] + ", ...]"
        return f"'{v.field}' value {value} is not one of {listed}"
    if v.kind == "type":
        return f"'{v.field}' value {value} is not of type {v.expected}"
    if v.kind == "additional":
        return f"Additional properties are not allowed ('{v.field}' was unexpected)"
    phrase = _PHRASES.get(v.kind, "is not valid")
    return f"'{v.field}' value {value} {phrase.format(expected=v.expected)}"


def _cut(text: str) -> str:
    return text if len(text) <= SHOWN else text[:SHOWN] + "..."
