"""The Case type shared by every case module."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from mitmproxy import http


@dataclass(frozen=True)
class Case:
    """A named session whose last flow must get exactly `expect` (rule ids)."""

    name: str
    flows: Callable[[], list[http.HTTPFlow]]  # built lazily so each test gets fresh flows
    expect: frozenset[str]
    settings: dict | None = None  # Settings overrides, e.g. {"ratelimit_warn": 0.5}

    @property
    def rule(self) -> str:
        """The rule this case is about (the part before the slash)."""
        return self.name.split("/", 1)[0]

    @property
    def is_hit(self) -> bool:
        """Whether the case shows the rule firing."""
        return self.name.split("/", 1)[1].startswith("hit")


def case(name: str, flows: Callable[[], list[http.HTTPFlow]], *expect: str, **settings) -> Case:
    """Shorthand: `case("rate-limited/hit-429", lambda: [...], "rate-limited")`."""
    return Case(name, flows, frozenset(expect), settings or None)
