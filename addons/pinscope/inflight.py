"""Flows between their request and their answer: what the request hook learnt, kept for the answer's.

Keyed by flow id, with the request's key (exchange.request_key): a request another addon changed in
between is read again. Bounded by the flows in flight; the oldest go first.
"""

from __future__ import annotations

from mitmproxy import http

from pinscope import exchange
from pinscope.findinglog import make_room

MAX_IN_FLIGHT = 2_000  # flows remembered per table between their two hooks
Key = tuple[object, ...]


class InFlight:
    """The request phase's Exchange of each analysed flow, and which flows were other traffic."""

    def __init__(self) -> None:
        self.analysed: dict[str, tuple[Key, exchange.Exchange]] = {}  # the answer completes this Exchange
        self.others: dict[str, Key] = {}  # found not to be Pinterest's: the answer's hook need not scan again

    def remember(self, flow: http.HTTPFlow, ex: exchange.Exchange) -> None:
        """Keep the request phase's Exchange for the flow's answer."""
        make_room(self.analysed, MAX_IN_FLIGHT)
        self.analysed[flow.id] = (exchange.request_key(flow.request), ex)

    def other(self, flow: http.HTTPFlow) -> None:
        """Remember that the flow's request is other traffic."""
        make_room(self.others, MAX_IN_FLIGHT)
        self.others[flow.id] = exchange.request_key(flow.request)

    def recall(self, flow: http.HTTPFlow) -> exchange.Exchange | None:
        """The flow's request-phase Exchange, if its request is still the one analysed then (forgotten)."""
        key, before = self.analysed.pop(flow.id, (None, None))
        return before if key is not None and exchange.unchanged(key, flow.request) else None

    def known_other(self, flow: http.HTTPFlow) -> bool:
        """Whether the flow's request was found to be other traffic and is unchanged since (forgotten)."""
        key = self.others.pop(flow.id, None)
        return key is not None and exchange.unchanged(key, flow.request)
