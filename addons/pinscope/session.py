"""What pinscope remembers across a session: tokens, rate-limit budgets, operations, findings.

Bounded by construction: counters, and capped example lists, never one entry per flow.
"""

from __future__ import annotations

from collections import Counter, deque
from dataclasses import dataclass, field

from pinscope.catalog import Operation
from pinscope.exchange import Environment, Exchange
from pinscope.findings import RenderedFinding
from pinscope.pinterest import Code
from pinscope.ratelimit import RateLimitPolicy
from pinscope.tokens import Credential
from pinscope.masking import KnownSecrets
from pinscope.untrusted import clean, clean_url

MAX_EXAMPLES = 5  # example flows kept per rule
MAX_HISTORY = 500  # rate-limit points kept per (token, category) for charts
MAX_RIDS = 10  # x-pinterest-rid values kept per operation
MAX_LATENCIES = 2000  # latency samples kept per operation (a ring)
MAX_APPS = 20  # distinct app ids / redirect URIs remembered (for the scope plan's authorization URL)
# Distinct tokens and (token, category) budgets remembered; beyond, the first seen is forgotten first.
# A budget keeps up to MAX_HISTORY points (about 40 KiB), so together they stay under about 60 MiB.
MAX_TOKENS = 10_000
MAX_RATES = 1_000
# Flows whose rules are being counted (request phase seen, response not yet observed). A request
# redirected off Pinterest before its answer is never observed: the oldest such entries go first.
MAX_COUNTED = 10_000


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


@dataclass
class Example:
    """One flow that showed a finding, as the report quotes it."""

    method: str
    url: str
    status: int | None
    timestamp: float
    message: str
    request_id: str | None
    api_path: str | None = None  # for the report to name the operation (never printed raw)
    error_code: int | None = None
    error_message: str = ""  # Pinterest's message, tokens masked
    flow_id: str = ""  # which flow it came from, so a replaced request-phase finding can be taken back


@dataclass
class RuleLog:
    """How often a rule fired and a few examples."""

    finding: RenderedFinding
    count: int = 0
    examples: list[Example] = field(default_factory=list)


class Session:
    """Session knowledge, owned by the addon (or by an offline analysis)."""

    def __init__(self) -> None:
        self.flows = 0
        self.api_flows = 0
        self.tokens: dict[str, TokenState] = {}
        self.rates: dict[tuple[str, str], RateState] = {}
        self.operations: dict[str, OperationStats] = {}
        self.rules: dict[str, RuleLog] = {}
        self.severities: Counter[str] = Counter()
        self.environments: Counter[str] = Counter()
        self.first_seen: float | None = None
        self.last_seen: float | None = None
        # Request-phase examples waiting for their response; bounded, as examples are capped per rule.
        self._awaiting: dict[str, list[Example]] = {}
        # Rules already counted for a flow in progress: a rule seen in both phases counts once per flow.
        self._counted: dict[str, set[str]] = {}
        self.app_ids: Counter[str] = Counter()  # public OAuth client ids of accepted /oauth/token calls
        self.redirect_uris: Counter[str] = Counter()  # redirect_uri of accepted authorization-code grants
        self.secrets = KnownSecrets()  # (length, fingerprint) of secrets met: masked wherever they recur

    def learn_secrets(self, ex: Exchange) -> None:
        """Remember the secrets this exchange carried (by length and fingerprint only)."""
        for length, print_ in ex.secrets:
            self.secrets.learn(length, print_)

    def _text(self, value: str | None) -> str | None:
        """Traffic text as the session keeps it for reports: clean(), with this session's secrets."""
        return None if value is None else clean(value, known=self.secrets)

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
            _make_room(self.tokens, MAX_TOKENS)
            state = self.tokens[credential.fingerprint] = TokenState(credential)
        return state

    def observe(self, ex: Exchange, op: Operation | None) -> None:
        """Fold a completed exchange into the session."""
        self.flows += 1
        self._counted.pop(ex.flow_id, None)
        for example in self._awaiting.pop(ex.flow_id, ()):
            example.status, example.request_id = ex.status, self._text(ex.request_id)
            example.error_code, example.error_message = ex.error_code, self._text(ex.error_message)
        if not ex.is_api:
            return
        self.api_flows += 1
        self.environments[ex.environment] += 1
        self.first_seen = ex.timestamp if self.first_seen is None else min(self.first_seen, ex.timestamp)
        self.last_seen = ex.timestamp if self.last_seen is None else max(self.last_seen, ex.timestamp)
        if ex.grant is not None:
            self._observe_grant(ex)
        if op is not None:
            self._observe_operation(ex, op)
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
        if not _auth_failure(ex):  # a 403 code 29 too: Pinterest knew the token there
            state.authenticated_on.add(ex.environment)
        elif ex.status in (401, 403):
            state.failures += 1
            state.last_failure = ex.timestamp
        if op is not None and op.category:
            key = (ex.credential.fingerprint, op.category)
            rate = self.rates.get(key)
            if rate is None:
                _make_room(self.rates, MAX_RATES)
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

    def _observe_grant(self, ex: Exchange) -> None:
        grant = ex.grant
        for cred, lifetime in ((grant.access, grant.expires_in), (grant.refresh, grant.refresh_expires_in)):
            if cred is None:
                continue
            state = self._token_state(cred)
            state.issued_on = ex.environment
            state.scopes = grant.scopes if cred.kind == "access" else state.scopes
            state.expires_at = ex.timestamp + lifetime if lifetime is not None else None

    def _observe_operation(self, ex: Exchange, op: Operation) -> None:
        stats = self.operations.setdefault(op.label, OperationStats())
        stats.requests += 1
        if ex.status is not None and ex.status >= 400:
            stats.errors += 1
        if ex.status is not None and ex.status >= 500:
            stats.server_errors += 1
            if ex.request_id:
                stats.request_ids.append(self._text(ex.request_id))
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
                else ex.timestamp + 1.0  # no Reset header: assume the shortest (1 s) window
        if policy is not None or ex.status == 429:
            rate.history.append((ex.timestamp, rate.remaining, ex.status == 429))

    def retract(self, flow_id: str, rules: frozenset[str]) -> None:
        """Take back request-phase findings of a flow that its answer's findings replace."""
        if rules:
            _retract(self, flow_id, rules)

    def record(self, ex: Exchange, findings: list[RenderedFinding]) -> None:
        """Count findings by rule and keep a few example flows."""
        counted = self._counted.get(ex.flow_id)
        if counted is None:
            _make_room(self._counted, MAX_COUNTED)
            counted = self._counted[ex.flow_id] = set()
        for finding in findings:
            if finding.rule in counted:
                continue
            counted.add(finding.rule)
            log = self.rules.get(finding.rule)
            if log is None:
                log = self.rules[finding.rule] = RuleLog(finding)
            log.count += 1
            self.severities[finding.severity.value] += 1
            if len(log.examples) < MAX_EXAMPLES:
                example = Example(self._text(ex.method), clean_url(ex.url, self.secrets), ex.status,
                                  ex.timestamp, finding.message, self._text(ex.request_id), ex.api_path,
                                  ex.error_code, self._text(ex.error_message), ex.flow_id)
                log.examples.append(example)
                if ex.status is None and ex.error is None:  # live request phase: the response follows
                    self._awaiting.setdefault(ex.flow_id, []).append(example)


def _auth_failure(ex: Exchange) -> bool:
    """An answer that says the token itself was not accepted (401, or an expired-token code)."""
    return ex.status == 401 or ex.error_code in (Code.AUTHENTICATION_FAILED, Code.TOKEN_EXPIRED)


def _retract(session: Session, flow_id: str, rules: frozenset[str]) -> None:
    """Take back what record() counted for `flow_id` under these rules (a confirmed prediction)."""
    counted = session._counted.get(flow_id)
    for rule in rules & counted if counted else ():
        counted.discard(rule)
        log = session.rules.get(rule)
        if log is None:
            continue
        log.count -= 1
        session.severities[log.finding.severity.value] -= 1
        log.examples = [e for e in log.examples if e.flow_id != flow_id]
        if log.count <= 0:
            del session.rules[rule]


def _make_room(table: dict, limit: int) -> None:
    """Forget the oldest entries of `table` (insertion order) so that one more fits within `limit`."""
    while len(table) >= limit:
        del table[next(iter(table))]

