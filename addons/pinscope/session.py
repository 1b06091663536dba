"""What pinscope remembers across a session: tokens, rate-limit budgets, operations; findings in findinglog.py.

Bounded by construction: counters, and capped example lists, never one entry per flow.
"""

from __future__ import annotations

from collections import Counter, deque
from dataclasses import dataclass, field

from pinscope.catalog import Operation
from pinscope.exchange import Environment, Exchange, TokenGrant
from pinscope.findinglog import FindingLog, RuleLog, make_room  # noqa: F401 - RuleLog re-exported
from pinscope.pinterest import Code
from pinscope.ratelimit import RateLimitPolicy
from pinscope.recovery import SHORTEST_WINDOW, RecoveryTracker
from pinscope.tokens import Credential
from pinscope.masking import KnownSecrets
from pinscope.untrusted import clean, clean_url

MAX_HISTORY = 500  # rate-limit points kept per (token, category) for charts
MAX_RIDS = 10  # x-pinterest-rid values kept per operation
MAX_LATENCIES = 2000  # latency samples kept per operation (a ring)
MAX_APPS = 20  # distinct app ids / redirect URIs remembered (for the scope plan's authorization URL)
# Distinct tokens and (token, category) budgets remembered; beyond, the first seen is forgotten first.
# A budget keeps up to MAX_HISTORY points (about 40 KiB), so together they stay under about 60 MiB.
MAX_TOKENS = 10_000
MAX_RATES = 1_000


@dataclass
class TokenState:
    """One token, known by its Credential."""

    credential: Credential
    scopes: frozenset[str] | None = None  # from an /oauth/token response seen this session
    issued_on: Environment | None = None
    expires_at: float | None = None
    succeeded_on: set[str] = field(default_factory=set)  # environments where it got a 2xx/3xx
    authenticated_on: set[str] = field(default_factory=set)  # ... or any answer that is no auth failure
    requests: int = 0
    failures: int = 0
    last_success: float | None = None
    last_failure: float | None = None
    operations: set[str] = field(default_factory=set)  # operation ids it called: bounded by the catalogue


@dataclass
class RateState:
    """The budget of one (token, rate-limit category)."""

    policy: RateLimitPolicy | None = None
    remaining: int | None = None
    reset_at: float | None = None
    lowest_remaining: int | None = None
    limited: int = 0  # 429 count
    last_limited_reset_at: float | None = None  # when the last 429's window resets
    history: deque[tuple[float, int | None, bool]] = field(
        default_factory=lambda: deque(maxlen=MAX_HISTORY))  # (time, remaining, was 429)


@dataclass
class OperationStats:
    """Calls, errors and latency of one operation."""

    requests: int = 0
    errors: int = 0
    server_errors: int = 0
    request_ids: deque[str] = field(default_factory=lambda: deque(maxlen=MAX_RIDS))
    latencies_ms: deque[float] = field(default_factory=lambda: deque(maxlen=MAX_LATENCIES))


class Session:
    """Session knowledge, owned by the addon (or by an offline analysis)."""

    def __init__(self) -> None:
        self.flows = 0
        self.api_flows = 0
        self.tokens: dict[str, TokenState] = {}
        self.rates: dict[tuple[str, str], RateState] = {}
        self.operations: dict[str, OperationStats] = {}
        self.environments: Counter[str] = Counter()
        self.first_seen: float | None = None
        self.last_seen: float | None = None
        self.app_ids: Counter[str] = Counter()  # public OAuth client ids of accepted /oauth/token calls
        self.redirect_uris: Counter[str] = Counter()  # redirect_uri of accepted authorization-code grants
        self.secrets = KnownSecrets()  # (length, fingerprint) of secrets met: masked wherever they recur
        self.findings = FindingLog(self.secrets)
        self.recovery = RecoveryTracker(self.secrets)  # what the client did after each error
        self.rules = self.findings.rules  # rule id -> RuleLog (the same dict: readers keep this name)
        self.severities = self.findings.severities
        self.record = self.findings.record
        self.retract = self.findings.retract

    def learn_secrets(self, ex: Exchange) -> None:
        """Remember the secrets this exchange carried (by length and fingerprint only)."""
        for length, print_ in ex.secrets:
            self.secrets.learn(length, print_)

    def token(self, credential: Credential | None) -> TokenState | None:
        """The state of a known token (None when never seen)."""
        return self.tokens.get(credential.fingerprint) if credential else None

    def rate(self, credential: Credential | None, category: str | None) -> RateState | None:
        """The rate-limit state of a (token, category), if any was seen."""
        if credential is None or category is None:
            return None
        return self.rates.get((credential.fingerprint, category))

    def _token_state(self, credential: Credential) -> TokenState:
        state = self.tokens.get(credential.fingerprint)
        if state is None:
            make_room(self.tokens, MAX_TOKENS)
            state = self.tokens[credential.fingerprint] = TokenState(credential)
        return state

    def observe(self, ex: Exchange, op: Operation | None) -> None:
        """Fold a completed exchange into the session."""
        self.flows += 1
        self.findings.complete(ex)
        if ex.environment is None:  # ex.is_api is this test: written so the type checker narrows it
            return
        self.api_flows += 1
        self.environments[ex.environment] += 1
        moment = ex.timestamp
        if self.first_seen is None or moment < self.first_seen:
            self.first_seen = moment
        if self.last_seen is None or moment > self.last_seen:
            self.last_seen = moment
        if ex.grant is not None:
            self._observe_grant(ex, ex.grant)
        if op is not None:
            self._observe_operation(ex, op)
        self.recovery.observe(ex, op.label if op else None)
        if ex.credential is not None and ex.credential.kind == "client":
            self._observe_app(ex)
        if ex.credential is None or ex.credential.kind == "client" or ex.status is None:
            return
        state = self._token_state(ex.credential)
        state.requests += 1
        if op is not None:
            state.operations.add(op.operation_id)
        if ex.status < 400:
            state.succeeded_on.add(ex.environment)
            state.last_success = ex.timestamp
        if ex.status < 400 or not _auth_failure(ex):  # a 403 code 29 too: Pinterest knew the token there
            state.authenticated_on.add(ex.environment)
        elif ex.status in (401, 403):
            state.failures += 1
            state.last_failure = ex.timestamp
        if op is not None and op.category:
            key = (ex.credential.fingerprint, op.category)
            rate = self.rates.get(key)
            if rate is None:
                make_room(self.rates, MAX_RATES)
                rate = self.rates[key] = RateState()
            self._observe_rate(ex, rate)

    def _observe_app(self, ex: Exchange) -> None:
        """Remember the app id (and redirect URI) of a token request Pinterest accepted."""
        if ex.status is None or ex.status >= 400 or not ex.credential or not ex.credential.app_id:
            return
        redirect_uri = ex.request_form.get("redirect_uri")
        for counts, value in ((self.app_ids, ex.credential.app_id),
                              (self.redirect_uris, clean_url(redirect_uri, self.secrets) if redirect_uri else None)):
            if value and (value in counts or len(counts) < MAX_APPS):
                counts[value] += 1

    def _observe_grant(self, ex: Exchange, grant: TokenGrant) -> None:
        for cred, lifetime in ((grant.access, grant.expires_in), (grant.refresh, grant.refresh_expires_in)):
            if cred is None:
                continue
            state = self._token_state(cred)
            state.issued_on = ex.environment
            state.scopes = grant.scopes if cred.kind == "access" else state.scopes
            state.expires_at = ex.timestamp + lifetime if lifetime is not None else None

    def _observe_operation(self, ex: Exchange, op: Operation) -> None:
        stats = self.operations.get(op.label)
        if stats is None:  # not setdefault(): that would build (and drop) an OperationStats every call
            stats = self.operations[op.label] = OperationStats()
        stats.requests += 1
        if ex.status is not None and ex.status >= 400:
            stats.errors += 1
        if ex.status is not None and ex.status >= 500:
            stats.server_errors += 1
            if ex.request_id:
                stats.request_ids.append(clean(ex.request_id, known=self.secrets))  # as reports quote it
        if ex.duration_ms is not None:
            stats.latencies_ms.append(ex.duration_ms)

    def _observe_rate(self, ex: Exchange, rate: RateState) -> None:
        policy = ex.rate_limit
        if policy is not None:
            rate.policy = policy
            rate.remaining = policy.remaining
            if policy.remaining is not None:
                low = rate.lowest_remaining
                rate.lowest_remaining = policy.remaining if low is None else min(low, policy.remaining)
            if policy.reset_seconds is not None:
                rate.reset_at = ex.timestamp + policy.reset_seconds
        if ex.status == 429:
            rate.limited += 1
            rate.last_limited_reset_at = rate.reset_at if policy and policy.reset_seconds is not None \
                else ex.timestamp + SHORTEST_WINDOW  # no Reset header: assume the shortest window
        if policy is not None or ex.status == 429:
            rate.history.append((ex.timestamp, rate.remaining, ex.status == 429))


def _auth_failure(ex: Exchange) -> bool:
    """An answer that says the token itself was not accepted (401, or an expired-token code)."""
    return ex.status == 401 or ex.error_code in (Code.AUTHENTICATION_FAILED, Code.TOKEN_EXPIRED)
