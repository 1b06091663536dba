"""What every detector is given and how it declares itself."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Literal

from pinscope.catalog import Catalog, Match, Operation
from pinscope.exchange import Exchange
from pinscope.findings import Finding
from pinscope.untrusted import Clean, clean
from pinscope.session import Session

Phase = Literal["request", "response"]
QUOTE_CHARS = 160  # how much of Pinterest's error message a finding quotes


@dataclass(frozen=True)
class Settings:
    """User options that change what detectors report."""

    ratelimit_warn: float = 0.10  # warn when remaining <= this fraction of the binding quota
    silence: frozenset[str] = field(default_factory=frozenset)
    min_severity: str = "info"


@dataclass(frozen=True)
class Context:
    """Everything a detector may read besides the exchange: passed in, never global."""

    catalog: Catalog
    match: Match | None
    session: Session  # read-only for detectors; the engine updates it afterwards
    now: float
    settings: Settings

    @property
    def operation(self) -> Operation | None:
        """The matched operation, if any."""
        return self.match.operation if self.match else None


DetectFn = Callable[[Exchange, Context], Iterable[Finding]]


@dataclass(frozen=True)
class Detector:
    """A pure function plus the rules it may emit and the phase it runs in."""

    fn: DetectFn
    phase: Phase
    rules: tuple[str, ...]
    errors_only: bool = False  # finds nothing unless the answer is an error (status >= 400): skipped otherwise

    @property
    def name(self) -> str:
        """The function's name, for logs."""
        return self.fn.__name__

    def __call__(self, ex: Exchange, ctx: Context) -> Iterable[Finding]:
        return self.fn(ex, ctx)


def detects(*rules: str, phase: Phase = "response", errors_only: bool = False) -> Callable[[DetectFn], Detector]:
    """Declare a detector: `@detects("rate-limited", phase="response", errors_only=True)`."""

    def wrap(fn: DetectFn) -> Detector:
        return Detector(fn, phase, rules, errors_only)

    return wrap


def operation_label(ex: Exchange, op: Operation | None) -> str:
    """The operation's label, or the raw method and path when it is not in the catalogue."""
    return op.label if op else f"{ex.method} {ex.path}"


def is_v5(ex: Exchange) -> bool:
    """A Pinterest API request in v5 (or without a version segment)."""
    return ex.is_api and ex.api_version in (None, "v5")


def said(ex: Exchange, ctx: Context) -> Clean:
    """Pinterest's error message, quoted short, through clean() (masked first, then cut)."""
    return clean(ex.error_message, QUOTE_CHARS, ctx.session.secrets) or Clean("no message")


def token_label(ex: Exchange) -> str:
    """How a finding names the flow's token."""
    return ex.credential.label if ex.credential else "no token"
