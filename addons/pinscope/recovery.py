"""Recovery grading: after each error, what the client did next with the same operation and token.

Bounded by construction: one open error per (token, operation), counters per operation, capped evidence.
The order of OUTCOMES is the precedence: a retry gets the first outcome whose test holds.
"""

from __future__ import annotations

from collections import Counter, deque
from dataclasses import dataclass, field

from pinscope.exchange import Exchange
from pinscope.findinglog import make_room
from pinscope.masking import KnownSecrets
from pinscope.pinterest import Code
from pinscope.untrusted import clean_url

QUICK_RETRY = 0.2  # seconds: a retry sooner than this after the previous attempt did not back off
HAMMER_AFTER = 2  # quick retries in one chain before retry-without-backoff speaks
SHORTEST_WINDOW = 1.0  # seconds a 429 without X-RateLimit-Reset holds (session.py assumes it too)
MAX_OPEN = 1_000  # (token, operation) pairs with an unanswered error; the oldest is forgotten first
MAX_OPERATIONS = 300  # operations graded (the catalogue has fewer; raw paths of unknown calls are capped)
MAX_EVIDENCE = 8  # evidence flows kept per operation (a ring: the latest)
MAX_READERS = 1_000  # tokens whose last read (GET) time is kept, to tell a checked write retry
UNRECOVERABLE = {(None, Code.NOT_AUTHORIZED), (None, Code.PERMISSION_DENIED), (400, Code.INVALID_PARAMETERS)}

# Outcome id -> (verdict, what it means). Worst first: an operation's grade is its worst outcome.
OUTCOMES: dict[str, tuple[str, str]] = {
    "retried-unrecoverable": ("bad", "retried a 4xx that cannot succeed (code 3, code 29, invalid parameters)"),
    "write-retried-after-5xx": ("bad", "retried a POST after a 5xx without checking whether it happened"),
    "retried-before-reset": ("bad", "retried before X-RateLimit-Reset"),
    "no-backoff": ("bad", "retried without backoff"),
    "backed-off": ("good", "retried with backoff"),
    "refreshed": ("good", "refreshed the token after an expiry and succeeded"),
    "gave-up": ("neutral", "did not retry"),
}


@dataclass
class OpenError:
    """The last error of one (token, operation) and the retries since."""

    status: int
    code: int | None
    first_at: float
    last_at: float  # the latest attempt of the chain
    reset_at: float | None  # a 429: when its window resets
    quick: int = 0  # retries sooner than QUICK_RETRY so far
    signature: int = 0  # the request (method, path, query, body): only the same request is its retry
    path: str = ""  # the request's path, compared before the signature is worked out (the next Pin differs here)


@dataclass(frozen=True)
class Evidence:
    """One flow of a recovery, as the report quotes it (URL masked)."""

    method: str
    url: str
    status: int | None
    timestamp: float
    outcome: str | None  # None: the error itself
    token: str | None  # the token's label (prefix + fingerprint), never its value


@dataclass
class OperationRecovery:
    """Faults and outcomes of one operation."""

    faults: int = 0
    outcomes: Counter[str] = field(default_factory=Counter)
    evidence: deque[Evidence] = field(default_factory=lambda: deque(maxlen=MAX_EVIDENCE))


def unrecoverable(status: int, code: int | None) -> bool:
    """A 4xx that retrying cannot fix: code 3, code 29, or 400 code 1."""
    return (None, code) in UNRECOVERABLE or (status, code) in UNRECOVERABLE


def expired(status: int, code: int | None) -> bool:
    """An answer that says the token is no longer accepted: refresh it, then call again."""
    if unrecoverable(status, code):  # a 401 code 3: a new token with the same grant fails alike
        return False
    return status == 401 or code in (Code.AUTHENTICATION_FAILED, Code.TOKEN_EXPIRED)


class RecoveryTracker:
    """Follows each error to what the same token did next with the same operation."""

    def __init__(self, secrets: KnownSecrets | None = None) -> None:
        self.secrets = secrets  # the session's: evidence URLs are masked with them
        self.open: dict[tuple[str, str], OpenError] = {}
        self.expiries: dict[str, tuple[str, float]] = {}  # operation -> (token, time) of its last expiry
        self.operations: dict[str, OperationRecovery] = {}
        self.last_read: dict[str, float] = {}  # token fingerprint -> time of its latest GET
        self.last_grant: float | None = None  # the latest /oauth/token answer that issued a token

    def pending(self, ex: Exchange, label: str) -> OpenError | None:
        """The unanswered error this request retries, if any: the same token sending the same request.

        Another request to the same operation (the next Pin of a loop) is no retry: the client moved on.
        """
        if not self.open:  # most sessions, most of the time: no error waits for its retry
            return None
        prior = self.open.get((_token(ex), label))
        return prior if prior is not None and prior.path == ex.path and prior.signature == ex.request_signature \
            else None

    def outcome(self, ex: Exchange, prior: OpenError) -> str:
        """How this request (a retry of `prior`) recovers: the first outcome of OUTCOMES that holds."""
        fp = _token(ex)
        read = self.last_read.get(fp)
        if prior.status < 500 and unrecoverable(prior.status, prior.code):
            return "retried-unrecoverable"
        if prior.status >= 500 and ex.method == "POST" and (read is None or read < prior.last_at):
            return "write-retried-after-5xx"
        if prior.reset_at is not None and ex.timestamp < prior.reset_at:
            return "retried-before-reset"
        if ex.timestamp - prior.last_at < QUICK_RETRY:
            return "no-backoff"
        return "backed-off"

    def observe(self, ex: Exchange, label: str | None) -> None:
        """Fold a completed Pinterest API exchange in."""
        if ex.grant is not None:
            self.last_grant = ex.timestamp
        fp = _token(ex)
        if ex.method == "GET" and ex.status is not None and ex.status < 500:
            if fp not in self.last_read:
                make_room(self.last_read, MAX_READERS)
            self.last_read[fp] = ex.timestamp
        if label is None or ex.status is None:
            return
        prior = self.pending(ex, label)
        outcome = self.outcome(ex, prior) if prior else \
            (self._refreshed(ex, label) if ex.status < 400 and self.expiries else None)
        if prior is None and ex.status < 400 and outcome is None:
            return
        ops = self.operations.get(label)
        if ops is None:
            if len(self.operations) >= MAX_OPERATIONS:
                return
            ops = self.operations[label] = OperationRecovery()
        if outcome is not None:
            ops.outcomes[outcome] += 1
        if ex.status >= 400:
            ops.faults += 1
            self._open(ex, ex.status, fp, label, prior, outcome)
        else:
            self.open.pop((fp, label), None)
        ops.evidence.append(Evidence(ex.method, clean_url(ex.url, self.secrets), ex.status, ex.timestamp, outcome,
                                     ex.credential.label if ex.credential else None))

    def _open(self, ex: Exchange, status: int, fp: str, label: str, prior: OpenError | None,
              outcome: str | None) -> None:
        """Remember this error (`status`: ex.status, known to be set) as the chain's latest."""
        reset = ex.rate_limit.reset_seconds if ex.rate_limit else None
        reset_at = ex.timestamp + (reset if reset is not None else SHORTEST_WINDOW) if status == 429 else None
        quick = (prior.quick if prior else 0) + (outcome == "no-backoff")
        if prior is None:
            make_room(self.open, MAX_OPEN)
        if expired(status, ex.error_code):
            self.expiries[label] = (fp, ex.timestamp)  # bounded: labels are capped by MAX_OPERATIONS
        self.open[(fp, label)] = OpenError(status, ex.error_code, prior.first_at if prior else ex.timestamp,
                                           ex.timestamp, reset_at, quick, ex.request_signature, ex.path)

    def _refreshed(self, ex: Exchange, label: str) -> str | None:
        """A success after another token's expiry on this operation, with a token issued since: refreshed."""
        last = self.expiries.get(label)
        if last is None or self.last_grant is None or last[0] == _token(ex):
            return None
        if not last[1] <= self.last_grant <= ex.timestamp:
            return None
        del self.expiries[label]
        self.open.pop((last[0], label), None)
        return "refreshed"

    def gave_up(self, label: str) -> int:
        """Errors of this operation still unanswered: the client stopped there."""
        return sum(1 for key in self.open if key[1] == label)


def grade(outcomes: Counter[str], gave_up: int) -> str:
    """An operation's grade: its worst outcome (gave-up when it only stopped)."""
    seen = set(outcomes) | ({"gave-up"} if gave_up else set())
    return next((o for o in OUTCOMES if o in seen), "gave-up")


def _token(ex: Exchange) -> str:
    return ex.credential.fingerprint if ex.credential else ""
