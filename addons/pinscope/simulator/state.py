"""The simulator's memory: apps, authorization codes and tokens, behind one lock; the clock is injected."""

from __future__ import annotations

import hashlib
import hmac
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Literal

from pinscope.simulator.wire import Environment

Tier = Literal["trial", "standard"]
TokenKind = Literal["access", "refresh"]
# What happens to a refresh token once it has been used. FACTS §4 says each refresh returns a new
# refresh token; it does not say the old one stops working [inf]. "allowed" keeps it working until its
# own expiry (nothing in FACTS retires it; the official SDK's tests reuse one), "rotated" retires it.
RefreshReuse = Literal["allowed", "rotated"]
REFRESH_READINGS: tuple[RefreshReuse, ...] = ("allowed", "rotated")
ACCESS_TTL = 30 * 86400  # expires_in 2592000: access tokens last about 30 days [FACTS §4]
REFRESH_TTL = 60 * 86400  # continuous refresh token: 60 days, renewed on every refresh [FACTS §4]
CODE_TTL = 600  # authorization codes are short-lived [inf]
DEMO_USER = "pinscope_demo"


@dataclass(frozen=True, slots=True)
class App:
    """A registered app: client id = app id (numeric), its secret and its access tier [FACTS §0, §3]."""

    app_id: str
    secret: str
    tier: Tier
    name: str
    redirect_uri: str = "http://localhost:8085/"
    video_access: bool = False  # whether Get Pin may return `video_url` [FACTS §6]
    approved: bool = True  # False: access not approved yet, every bearer call is refused [FACTS §8]
    features: frozenset[str] = frozenset()  # restricted (beta) features given to the app, e.g. pin_search


# Demo apps: fake, public credentials that exist only inside the simulator.
DEMO_STANDARD = App("1500000000000001", "simstandardsecret000000000000000001", "standard",
                    "pinscope demo (Standard)")
DEMO_TRIAL = App("1500000000000002", "simtrialsecret000000000000000000002", "trial",
                 "pinscope demo (Trial)")
DEMO_UNAPPROVED = App("1500000000000003", "simunapprovedsecret0000000000000003", "trial",
                      "pinscope demo (awaiting review)", approved=False)


@dataclass(frozen=True, slots=True)
class SimConfig:
    """Everything a simulator run can vary."""

    apps: tuple[App, ...] = (DEMO_STANDARD, DEMO_TRIAL, DEMO_UNAPPROVED)
    token_ttl: float = ACCESS_TTL
    refresh_ttl: float = REFRESH_TTL
    rate_scale: float = 1.0  # multiplies every per-category quota (min 1), so a demo reaches 429 fast
    invalid_grant_status: int = 401  # FACTS §1 marks 400/401 as inferred; #114 reports it "on 401"
    refresh_reuse: RefreshReuse = "allowed"  # a used refresh token keeps working ("rotated": it is retired)
    latency_ms: int = 0  # each /v5 answer waits this long, as a round trip to Pinterest takes time
    seed: str = "pinscope"


@dataclass(slots=True)
class TokenRecord:
    """What the simulator knows about one issued token."""

    kind: TokenKind
    app_id: str
    user: str
    scopes: frozenset[str]
    environment: Environment
    expires_at: float
    revoked: bool = False


@dataclass(slots=True)
class CodeRecord:
    """An authorization code waiting to be exchanged (single use)."""

    app_id: str
    user: str
    scopes: frozenset[str]
    environment: Environment
    redirect_uri: str
    expires_at: float
    access_ttl: float | None = None  # a lifetime for the access token this code yields (None: the default)


@dataclass
class SimState:
    """Apps, codes and tokens; every method takes the lock, so WSGI threads may share one state."""

    config: SimConfig
    clock: Callable[[], float]
    tokens: dict[str, TokenRecord] = field(default_factory=dict)
    codes: dict[str, CodeRecord] = field(default_factory=dict)
    _serials: dict[str, int] = field(default_factory=dict)
    _lock: threading.RLock = field(default_factory=threading.RLock)

    def app(self, app_id: str | None) -> App | None:
        """The app registered under `app_id`."""
        return next((a for a in self.config.apps if a.app_id == app_id), None)

    def client(self, app_id: str, secret: str) -> App | None:
        """The app when `secret` is its secret (constant-time comparison)."""
        app = self.app(app_id)
        ok = app is not None and hmac.compare_digest(app.secret.encode(), secret.encode())
        return app if ok else None

    def serial(self, kind: str) -> str:
        """A deterministic hex string: the seed, the kind and a counter per kind, hashed."""
        with self._lock:
            n = self._serials[kind] = self._serials.get(kind, 0) + 1
        return hashlib.sha256(f"{self.config.seed}:{kind}:{n}".encode()).hexdigest()

    def issue_code(self, app: App, user: str, scopes: frozenset[str], environment: Environment,
                   redirect_uri: str, access_ttl: float | None = None) -> str:
        """Mint an authorization code, as Pinterest's consent page would."""
        code = self.serial("code")[:40]
        with self._lock:
            self.codes[code] = CodeRecord(app.app_id, user, scopes, environment, redirect_uri,
                                          self.clock() + CODE_TTL, access_ttl)
        return code

    def redeem_code(self, app: App, code: str, redirect_uri: str,
                    environment: Environment) -> CodeRecord | None:
        """Consume a code; None unless it is live, this app's, this environment's, same redirect URI."""
        with self._lock:
            record = self.codes.pop(code, None)
        ok = (record is not None and record.app_id == app.app_id and record.environment == environment
              and record.redirect_uri == redirect_uri and record.expires_at > self.clock())
        return record if ok else None

    def mint(self, kind: TokenKind, app_id: str, user: str, scopes: frozenset[str],
             environment: Environment, ttl: float | None = None) -> tuple[str, TokenRecord]:
        """Issue a token: `pina_…` access or `pinr.…` refresh [FACTS §4 prefixes]; `ttl` overrides the lifetime."""
        if ttl is None:
            ttl = self.config.token_ttl if kind == "access" else self.config.refresh_ttl
        if kind == "access":
            token = "pina_AMA" + self.serial("access").upper()
        else:
            token = "pinr." + self.serial("refresh")
        record = TokenRecord(kind, app_id, user, scopes, environment, self.clock() + ttl)
        with self._lock:
            self.tokens[token] = record
        return token, record

    def live(self, token: str | None, kind: TokenKind = "access") -> TokenRecord | None:
        """The record of an unexpired, unrevoked token of that kind."""
        with self._lock:
            record = self.tokens.get(token or "")
        if record is None or record.kind != kind or record.revoked or record.expires_at <= self.clock():
            return None
        return record

    def retire(self, token: str) -> bool:
        """Make a token stop working now (expired, revoked or rotated)."""
        with self._lock:
            record = self.tokens.get(token)
            if record is None:
                return False
            record.revoked = True
        return True
