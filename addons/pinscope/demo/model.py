"""The scenario's vocabulary: a Grant (how the client gets a token), a Step (one call and its rules)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from pinscope.simulator import App


@dataclass(frozen=True, slots=True)
class Grant:
    """Get a token the way an app does: a consent-page code, exchanged at POST /v5/oauth/token."""

    name: str  # wallet key of the access token; `<name>_refresh` holds its refresh token
    app: App
    scopes: tuple[str, ...]
    environment: str = "production"
    rules: tuple[str, ...] = ()
    ttl: float | None = None  # the access token's lifetime in seconds (None: Pinterest's 30 days)

    @property
    def label(self) -> str:
        """How the demo prints this grant."""
        host = "sandbox" if self.environment == "sandbox" else "api"
        return f"POST {host}:/v5/oauth/token"

    @property
    def note(self) -> str:
        """What the grant is for."""
        app = f"{self.app.tier} app" if self.app.approved else f"{self.app.tier} app awaiting approval"
        return f"OAuth code grant `{self.name}`: {app}, {' '.join(self.scopes)}"


@dataclass(frozen=True, slots=True)
class Step:
    """One call, and the rules pinscope should report on it (none: healthy traffic)."""

    method: str
    target: str
    note: str
    rules: tuple[str, ...] = ()
    auth: str | None = None
    query: dict[str, str] = field(default_factory=dict)
    form: dict[str, str] | None = None
    json: Any = None
    headers: dict[str, str] = field(default_factory=dict)
    fault: str | None = None
    wait: float = 0.0  # seconds to wait before the call

    @property
    def label(self) -> str:
        """`GET api:/v5/boards`: never a secret (templates, not values)."""
        return f"{self.method} {self.target}"
