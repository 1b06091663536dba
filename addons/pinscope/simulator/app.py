"""The simulator as a WSGI app: every catalogue operation, checked the way Pinterest checks it.

Order of checks for `/v5/...`: unknown path (404) -> wrong method (405 code 5) -> forced fault
(X-Sim-Fault) -> token (401 code 2: missing, unknown, expired, other environment) -> app not approved
(401 code 3, every call) -> scopes (401 code 3) -> sandbox-disabled operation on the sandbox host
(400) -> restricted feature the app was not given (401 code 3) -> the request against the operation's
schema (400 code 1) -> Trial app creating a Pin in production (403 code 29) -> rate limit (429 code
8) -> the answer. The order among the 401s and 400s is inferred [inf]: Pinterest documents none.
Rate-limit headers go on every answer that passed the rate limit, and on its 429s.
"""

from __future__ import annotations

import datetime as dt
import itertools
import logging
import time
from collections.abc import Callable, Iterable
from typing import Any

from pinscope.catalog import Catalog, Operation, default_catalog
from pinscope.simulator import access, bodies, control, errors, faults, oauth, resources
from pinscope.simulator.errors import error
from pinscope.simulator.fixtures import World
from pinscope.simulator.limits import RateLimiter
from pinscope.simulator.state import SimConfig, SimState, TokenRecord
from pinscope.simulator.store import Store
from pinscope.simulator.validation import invalid_parameters
from pinscope.simulator.wire import Environment, Reply, SimRequest, StartResponse, read_request, write_reply

logger = logging.getLogger(__name__)
WSGIApp = Callable[[dict[str, Any], StartResponse], Iterable[bytes]]
# A round trip to Pinterest takes tens of milliseconds; loopback takes none, so a client on loopback can
# outrun the universal 100/s limit no client over the internet reaches. Bounded so a typo cannot hang it.
MAX_LATENCY_MS = 5000


class Simulator:
    """A local Pinterest API v5; call it as a WSGI app (environment from the Host header)."""

    def __init__(self, config: SimConfig | None = None, *, clock: Callable[[], float] = time.time,
                 catalog: Catalog | None = None, sleep: Callable[[float], None] = time.sleep) -> None:
        self.config = config or SimConfig()
        self.catalog = catalog or default_catalog()
        self.clock = clock
        self.sleep = sleep
        self.state = SimState(self.config, clock)
        self.limits = RateLimiter(clock, self.config.rate_scale)
        self._calls = itertools.count(1)
        # What was created, updated and deleted, per (environment, user), over the demo world.
        self.store = Store()
        self.roles = resources.index(self.catalog)

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        return self.bound("production")(environ, start_response)

    def bound(self, default: Environment) -> WSGIApp:
        """A WSGI app whose environment is `default` unless the Host header names a Pinterest host."""
        def app(environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
            request = read_request(environ, default)
            if self.config.latency_ms > 0 and request.path.startswith("/v5/"):
                self.sleep(min(self.config.latency_ms, MAX_LATENCY_MS) / 1000)  # this WSGI thread only
            try:
                reply = self.handle(request)
            except Exception:  # a simulator bug must still look like an HTTP answer
                logger.exception("simulator failed on %s %s", request.method, request.path)
                reply = error((500, 500, "Internal server error."))
            logger.debug("%s %s %s -> %d", request.environment, request.method, request.path, reply.status)
            return write_reply(reply, self.state.serial("rid")[:16], start_response)
        return app

    def handle(self, request: SimRequest) -> Reply:
        """Answer one request."""
        if request.path == "/_sim" or request.path.startswith("/_sim/"):
            return control.handle(self.state, self.catalog.scopes, request)
        if not request.path.startswith("/v5/"):
            return error(errors.NOT_FOUND)
        match = self.catalog.match(request.method, request.path.removeprefix("/v5"))
        if match.operation is None:
            if not match.path_known:
                return error(errors.NOT_FOUND)
            return error(errors.METHOD_NOT_ALLOWED, {"Allow": ", ".join(match.allowed_methods)})
        fault = faults.forced(request.headers.get(faults.HEADER.lower()))
        if fault is not None:
            return fault
        if "basic" in match.operation.auth:
            return self._oauth(request, match.operation)
        return self._api(request, match.operation)

    def _oauth(self, request: SimRequest, operation: Operation) -> Reply:
        """The token endpoints: Basic client authentication, then the grant."""
        app = oauth.basic_client(self.state, request)
        if app is None:
            return error(errors.AUTH_FAILED)
        if operation.operation_id == "token/revoke":
            return error(errors.NOT_PERMITTED)  # only system users' tokens can be revoked [spec]
        verdict = self.limits.take((request.environment, app.app_id, "oauth"), operation.category)
        if not verdict.allowed:
            return error(errors.RATE_LIMITED, verdict.headers)
        reply = oauth.token(self.state, request, app)
        reply.headers.update(verdict.headers)
        return reply

    def _api(self, request: SimRequest, operation: Operation) -> Reply:
        """A bearer-token operation."""
        record = self.state.live(request.bearer())
        if record is None or record.environment != request.environment:
            return error(errors.AUTH_FAILED)  # a token of the other environment fails the same way
        app = self.state.app(record.app_id)
        assert app is not None  # tokens are only minted for registered apps
        refused = access.app_refusal(app)
        if refused is not None:
            return refused
        if not operation.satisfied_by(record.scopes):
            return error(errors.MISSING_SCOPES)
        if request.environment == "sandbox" and not operation.sandbox:
            return error(errors.SANDBOX_DISABLED)
        refused = access.feature_refusal(app, operation)
        if refused is not None:
            return refused
        params = operation.path_params(request.path.removeprefix("/v5"))  # WSGI paths arrive decoded
        problem = invalid_parameters(operation, params, request.query, request.json)
        if problem:
            return error(errors.INVALID_PARAMETERS, message=problem)
        if operation.operation_id == "pins/create" and request.environment == "production" \
                and app.tier == "trial":
            return error(errors.TRIAL_PINS)
        verdict = self.limits.take(_budget(record), operation.category)
        if not verdict.allowed:
            return error(errors.RATE_LIMITED, verdict.headers)
        call = bodies.Call(request, operation, params, app,
                           World(request.environment, record.user, self.config.seed),
                           str(next(self._calls)), dt.datetime.fromtimestamp(self.clock(), dt.UTC).date(),
                           self.store, self.roles, record.scopes)
        reply = bodies.answer(call)
        reply.headers.update(verdict.headers)
        return reply


def _budget(record: TokenRecord) -> tuple[str, str, str]:
    """Standard limits count per user per app [FACTS §2], separately in each environment."""
    return (record.environment, record.app_id, record.user)

