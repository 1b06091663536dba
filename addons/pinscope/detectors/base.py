"""What every detector is given and how it declares itself."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Literal

from pinscope.catalog import Catalog, Match, Operation
from pinscope.exchange import Exchange
from pinscope.findings import Finding, Phrase
from pinscope.pinterest import CURRENT_VERSIONS
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


@dataclass(slots=True)  # read-only by convention: a frozen dataclass costs 1 µs more to build, twice a flow
class Context:
    """Everything a detector may read besides the exchange: passed in, never global."""

    catalog: Catalog
    match: Match | None
    session: Session  # read-only for detectors; the engine updates it afterwards
    now: float
    settings: Settings
    silenced: frozenset[str] = frozenset()  # rule ids silenced for this flow (option and header)
    # What this flow's request phase found, by rule (before silencing): evidence for the answer, and
    # the words of a prediction the answer confirms.
    predicted: Mapping[str, Finding] = field(default_factory=dict)
    retired: bool = False  # a retired API version (v1, v3, ...): its path names no v5 operation
    # The matched v5 operation, if any (None for a retired version: see wrong-api-version); worked out
    # once, as detectors ask for it a dozen times a flow.
    operation: Operation | None = field(init=False)

    def __post_init__(self) -> None:
        self.operation = self.match.operation if self.match and not self.retired else None


# A call's environment, credential kind, scheme, and whether it has query tokens and unread bodies (dispatch).
Traits = tuple[str | None, str | None, str | None, bool, bool]
Findings = tuple[Finding, ...]  # what a detector returns: a plain tuple, () when it finds nothing
# Any iterable is still accepted (a generator detector works); a tuple is cheapest: no generator to make and exhaust.
DetectFn = Callable[[Exchange, Context], Iterable[Finding]]


@dataclass(frozen=True)
class Detector:
    """A pure function plus the rules it may emit and the phase it runs in."""

    fn: DetectFn
    phase: Phase
    rules: tuple[str, ...]
    errors_only: bool = False  # finds nothing unless the answer is an error (status >= 400): skipped otherwise
    # What the detector can speak about, declared so the engine skips it without calling it (dispatch):
    api: bool | None = None  # True: Pinterest API calls only; False: other hosts only; None: both
    operation: bool = False  # only calls matched to a v5 operation of the catalogue
    statuses: tuple[int, int] | None = None  # only answers with a status in this range (inclusive)
    unmatched: bool = False  # only calls matched to no v5 operation (unknown paths and methods)
    # Only calls to operations for which this holds (worked out once per operation by the engine).
    applies: Callable[[Operation], bool] | None = None
    unanswered: bool = False  # only calls without an answer (an error instead, or the request phase)
    retired: bool | None = None  # True: calls in a retired API version only (v1, v3...); False: never those
    sandbox: bool = False  # only calls to the sandbox host
    credentials: tuple[str | None, ...] | None = None  # only calls with these credential kinds (None: no credential)
    scheme: str | None = None  # only calls over this scheme ("http")
    query_tokens: bool = False  # only calls with a token in the query string (Exchange.query_tokens)
    unread: bool = False  # only calls with a body pinscope did not read (Exchange.unread)

    def may_speak(self, operation: Operation | None, status_class: int, retired: bool = False,
                  call: Traits = (None, None, None, False, False)) -> bool:
        """Whether the detector can find anything for such a call (status_class: status // 100, 0 for none;
        `call`: its environment (None off the API), credential kind, scheme, and whether it has query
        tokens, unread bodies)."""
        environment, credential, scheme, query_tokens, unread = call
        if self.api is not None and self.api != (environment is not None):
            return False
        if (self.sandbox and environment != "sandbox") or (self.scheme is not None and self.scheme != scheme) \
                or (self.credentials is not None and credential not in self.credentials) \
                or (self.query_tokens and not query_tokens) or (self.unread and not unread):
            return False
        if (self.unanswered and status_class != 0) or (self.retired is not None and self.retired != retired):
            return False
        if (self.operation or self.applies is not None) and operation is None:
            return False
        if self.unmatched and operation is not None:
            return False
        if self.applies is not None and operation is not None and not self.applies(operation):
            return False
        low, high = self.statuses or (0, 999)
        if self.errors_only:
            low = max(low, 400)
        if status_class == 0:
            return self.statuses is None and not self.errors_only
        return low <= status_class * 100 + 99 and status_class * 100 <= high

    @property
    def name(self) -> str:
        """The function's name, for logs."""
        return self.fn.__name__

    def __call__(self, ex: Exchange, ctx: Context) -> Iterable[Finding]:
        return self.fn(ex, ctx)


BuildFn = Callable[[Exchange, Context], Finding]


@dataclass(frozen=True)
class Builder:
    """How one rule words its finding once the answer table chose it (rules/answers/table.toml)."""

    fn: BuildFn
    rule: str

    def __call__(self, ex: Exchange, ctx: Context) -> Finding:
        return self.fn(ex, ctx)


def explains(rule: str) -> Callable[[BuildFn], Builder]:
    """Declare the builder of a rule the answer table can choose: `@explains("rate-limited")`.

    A builder never decides whether its rule applies (the table did); it only computes the
    parameters, and the variant when the row leaves it open.
    """

    def wrap(fn: BuildFn) -> Builder:
        return Builder(fn, rule)

    return wrap


def detects(*rules: str, phase: Phase = "response", errors_only: bool = False, api: bool | None = None,
            operation: bool = False, statuses: tuple[int, int] | None = None, unmatched: bool = False,
            applies: Callable[[Operation], bool] | None = None, unanswered: bool = False,
            retired: bool | None = None, sandbox: bool = False, credentials: tuple[str | None, ...] | None = None,
            scheme: str | None = None, query_tokens: bool = False, unread: bool = False,
            ) -> Callable[[DetectFn], Detector]:
    """Declare a detector: `@detects("video-url-restricted", api=True, operation=True, statuses=(200, 200))`.

    `api`, `operation`, `statuses`, `unmatched`, `applies`, `unanswered`, `retired`, `sandbox`,
    `credentials`, `scheme`, `query_tokens` and `unread` only let the engine skip calls that
    could find nothing; the detector still checks what it needs.
    """

    def wrap(fn: DetectFn) -> Detector:
        return Detector(fn, phase, rules, errors_only, api, operation, statuses, unmatched, applies, unanswered,
                        retired, sandbox, credentials, scheme, query_tokens, unread)

    return wrap


def operation_label(ex: Exchange, op: Operation | None) -> str:
    """The operation's label, or the raw method and path when it is not in the catalogue."""
    return op.label if op else f"{ex.method} {ex.path}"


def is_v5(ex: Exchange) -> bool:
    """A Pinterest API request in v5 (or without a version segment)."""
    return ex.is_api and ex.api_version in CURRENT_VERSIONS


def said(ex: Exchange, ctx: Context) -> Clean | Phrase:
    """Pinterest's error message, quoted short, through clean() (masked first, then cut)."""
    return clean(ex.error_message, QUOTE_CHARS, ctx.session.secrets) or Phrase("no_message")


def message_says(ex: Exchange, message_class: str) -> bool:
    """Whether Pinterest's message belongs to a class of rules/answers/table.toml's [messages] (`gone`)."""
    from pinscope.answers import default_table  # the table imports the rulebook, not the detectors

    return default_table().messages[message_class].search(ex.error_message.lower()) is not None


def token_label(ex: Exchange) -> str | Phrase:
    """How a finding names the flow's token (the shared phrase `no_token` when it has none)."""
    return ex.credential.label if ex.credential else Phrase("no_token")


def app_label(ex: Exchange) -> str | Phrase:
    """How a finding names the app: its client credentials when the flow carries them (`the_app` if not)."""
    return ex.credential.label if ex.credential and ex.credential.kind == "client" else Phrase("the_app")


def listed(values: list[str], most: int) -> str | Phrase:
    """Ids for a finding: `2, 3, 5`, or the shared phrase `and_more` past `most` of them."""
    shown = ", ".join(values[:most])
    return shown if len(values) <= most else Phrase("and_more", {"listed": shown, "more": len(values) - most})
