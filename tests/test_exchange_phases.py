"""The answer's Exchange reuses the request phase's, and never what the request phase cached without the answer."""

from __future__ import annotations

from functools import cached_property

from pinscope.exchange import Exchange, from_flow
from tests.flowkit import flow

REQUEST_ONLY = {"request_json", "request_signature"}


def test_every_cached_property_is_either_request_only_or_dropped_for_the_answer() -> None:
    cached = {name for name, value in vars(Exchange).items() if isinstance(value, cached_property)}
    assert cached == REQUEST_ONLY | set(Exchange.RESPONSE_CACHES)


def test_what_the_request_phase_cached_without_the_answer_is_read_again_from_it() -> None:
    f = flow("GET", "/v5/pins/1", status=401, body={"code": 2, "message": "Authentication failed."})
    before = from_flow(f, answered=False)
    assert (before.status, before.error_code, before.error_message, before.rate_limit) == (None, None, "", None)
    after = from_flow(f, before)
    assert (after.status, after.error_code, after.error_message) == (401, 2, "Authentication failed.")
    assert after is before  # completed in place: the request phase's fields are not read again
