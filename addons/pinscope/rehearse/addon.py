"""The `Rehearsal` addon: answers Pinterest API calls itself when the rehearsal plan selects them.

Loaded before pinscope's own addon (and before a mounted simulator), so its `request` hook answers
first; the injected answer is then diagnosed like any other. Checks run in the simulator's order: an
expired token (401 code 2), then the rehearsed scopes (401 code 3), then the other fault rules in
plan order. Everything the plan does not select passes untouched.
"""

from __future__ import annotations

import asyncio
import logging
import random
import time
from collections.abc import Callable
from typing import Any

from mitmproxy import ctx, exceptions, http
from mitmproxy.addonmanager import Loader

from pinscope.addon_options import one_line_at_startup
from pinscope.catalog import Catalog, Operation, default_catalog
from pinscope.exchange import pretty_host
from pinscope.pinterest import API_HOSTS
from pinscope.rehearse import METADATA_KEY, budget, inject
from pinscope.rehearse.plan import RehearsalError, Rule, names, parse_faults, parse_scopes
from pinscope.simulator.wire import Reply
from pinscope.tokens import parse_authorization

logger = logging.getLogger(__name__)
MAX_TOKENS = 10_000  # tokens whose first sighting expire-token remembers; the oldest is forgotten
ANSWERS = ("status", "spam-429", "expire-token")
SCOPES, FAULTS, SEED = "pinscope_rehearse_scopes", "pinscope_rehearse_faults", "pinscope_rehearse_seed"
BUDGET = "pinscope_rehearse_budget"
BUDGET_KEY = "pinscope_rehearsal_budget"  # flow.metadata: the scaled X-RateLimit-* a real answer gets


class Rehearsal:
    """Injects Pinterest-faithful failures chosen by `pinscope_rehearse_scopes` and `pinscope_rehearse_faults`."""

    def __init__(self, catalog: Catalog | None = None, clock: Callable[[], float] = time.time) -> None:
        self.catalog = catalog or default_catalog()
        self.clock = clock
        self.scopes: frozenset[str] | None = None
        self.scopes_text = ""
        self.rules: list[Rule] = []
        self.seed = 0
        self.random = random.Random(0)  # owned here: a seeded plan selects the same flows on every run
        self.used: list[int] = []  # per rule: flows selected so far (for `xN`)
        self.first_seen: dict[str, float] = {}  # token fingerprint -> when first seen (expire-token)
        self.serial = 0  # x-pinterest-rid counter
        self.budget: budget.BudgetBook | None = None  # pinscope_rehearse_budget; None when off
        self.running_ = False  # once running, a bad plan is refused and the previous one kept

    def load(self, loader: Loader) -> None:
        """Declare the rehearsal options (all off by default)."""
        loader.add_option(SCOPES, str, "", "Rehearse: pretend the token was granted only these scopes "
                          "(comma-separated); other operations get Pinterest's 401 code 3.")
        loader.add_option(FAULTS, str, "", "Rehearse: fault plan, rules separated by ';', e.g. "
                          "'429@org_analytics:0.2; 500x2 then pass; expire-token:after 300s' (see README).")
        loader.add_option(SEED, int | None, None, "Rehearse: random seed of the fault plan; unset, one is "
                          "chosen and logged so the run can be replayed.")
        loader.add_option(BUDGET, str, "", "Rehearse: scale every published rate-limit quota by this "
                          "fraction (0 < x <= 1, e.g. 0.1); answer Pinterest's 429 when a token spends it.")

    def configure(self, updated: set[str]) -> None:
        """Parse the plan; a bad one is an OptionsError in one line. A new plan or seed starts afresh."""
        with one_line_at_startup(self.running_):
            try:
                if SCOPES in updated:
                    self.scopes = parse_scopes(ctx.options.pinscope_rehearse_scopes, self.catalog)
                    self.scopes_text = ctx.options.pinscope_rehearse_scopes
                if FAULTS in updated:
                    self.rules = parse_faults(ctx.options.pinscope_rehearse_faults, self.catalog)
                if BUDGET in updated:
                    scale = budget.parse_fraction(ctx.options.pinscope_rehearse_budget)
                    self.budget = None if scale is None else budget.BudgetBook(scale, self.clock)
            except RehearsalError as err:
                raise exceptions.OptionsError(str(err)) from None
        if {FAULTS, SEED} & updated:
            chosen = ctx.options.pinscope_rehearse_seed
            self.seed = chosen if chosen is not None else random.SystemRandom().randrange(2**32)
            self.random = random.Random(self.seed)
            self.used = [0] * len(self.rules)
            self.first_seen.clear()
            if self.rules:
                logger.info("pinscope rehearsal: %d fault rule(s), seed %d (replay with --set %s=%d)",
                            len(self.rules), self.seed, SEED, self.seed)

    def running(self) -> None:
        """From now on a bad plan is refused with an error, not logged at start-up."""
        self.running_ = True

    async def request(self, flow: http.HTTPFlow) -> None:
        """Answer, reset, hold or delay a selected Pinterest API call; leave every other flow alone."""
        if not self.rules and self.scopes is None and self.budget is None:
            return  # no rehearsal asked for (the usual case): not even the operation is looked up
        operation = self._operation(flow)
        if operation is None:
            return
        rule = self._choose(flow, operation)
        if rule is None:
            if self.budget is not None:
                self._charge(flow, operation)  # only calls the plan let through
            return
        if rule.kind in ANSWERS or rule.kind == "scopes":
            reply = inject.missing_scopes() if rule.kind == "scopes" else inject.fault_reply(rule, operation)
            answer = self._respond(flow, reply)
            body_code = flow.response.json().get("code") if answer.body else None
            self._mark(flow, rule, f"injected {answer.status} code {body_code}", answer.status, body_code)
        elif rule.kind == "reset":
            self._mark(flow, rule, "connection reset")
            flow.kill()
        elif rule.kind == "timeout":
            self._mark(flow, rule, f"held {rule.seconds:g} s unanswered, then closed")
            await asyncio.sleep(rule.seconds or 0)
            if flow.live and not flow.error:
                flow.kill()
        else:  # delay: the call then goes to Pinterest unchanged
            self._mark(flow, rule, f"delayed {(rule.seconds or 0) * 1000:g} ms")
            await asyncio.sleep(rule.seconds or 0)

    def response(self, flow: http.HTTPFlow) -> None:
        """Under a budget, a real answer carries the scaled `X-RateLimit-*` (a real 429 keeps Pinterest's)."""
        scaled = flow.metadata.get(BUDGET_KEY)
        if scaled and flow.response is not None and flow.response.status_code != 429 \
                and any(name.lower().startswith(budget.HEADER_PREFIX) for name in flow.response.headers):
            budget.rewrite_headers(flow.response.headers, scaled["headers"])

    def _charge(self, flow: http.HTTPFlow, operation: Operation) -> None:
        """Count the call against the scaled budget; answer Pinterest's 429 code 8 when it is spent."""
        assert self.budget is not None
        request = flow.request
        charge = self.budget.charge(pretty_host(request), operation, request.headers.get("authorization"))
        if charge is None:
            return
        if charge.verdict.allowed:
            flow.metadata[BUDGET_KEY] = {"category": charge.category, "headers": charge.verdict.headers}
            return
        self._respond(flow, budget.rejection(charge.verdict))
        rule = Rule(f"{BUDGET}={ctx.options.pinscope_rehearse_budget}", "budget", 429, 8, None,
                    charge.category, 1.0, None, None)
        self._mark(flow, rule, f"injected 429 code 8, {charge.category} budget spent", 429, 8)

    def _respond(self, flow: http.HTTPFlow, reply: Reply) -> inject.Answer:
        """Answer the flow with `reply`, rendered as the simulator sends it, under the next request id."""
        self.serial += 1
        answer = inject.render(reply, inject.rid(self.seed, self.serial))
        headers = http.Headers([(k.encode(), v.encode()) for k, v in answer.headers])
        flow.response = http.Response.make(answer.status, answer.body, headers)
        return answer

    def _operation(self, flow: http.HTTPFlow) -> Operation | None:
        """The catalogue operation of a live, unanswered Pinterest API call; None for anything else."""
        request = flow.request
        if not flow.live or flow.response is not None or flow.error is not None:
            return None  # a flow read from a file, or answered by another addon, is not rehearsed
        if pretty_host(request).lower() not in API_HOSTS:  # never raises on a crafted :authority
            return None
        path = request.path.partition("?")[0]
        if not path.startswith("/v5/"):
            return None
        return self.catalog.match(request.method, path.removeprefix("/v5")).operation

    def _choose(self, flow: http.HTTPFlow, operation: Operation) -> Rule | None:
        """The first check that selects this call, in the simulator's order; None lets it pass."""
        rules = list(enumerate(self.rules))
        for index, rule in [(i, r) for i, r in rules if r.kind == "expire-token"]:
            if self._expired(flow, rule) and self._draw(index, rule):
                return rule
        if self.scopes is not None and operation.needs_oauth and _bearer(flow) is not None \
                and not operation.satisfied_by(self.scopes):
            return Rule(f"{SCOPES}={self.scopes_text}", "scopes", 401, 3, None, None, 1.0, None, None)
        for index, rule in [(i, r) for i, r in rules if r.kind != "expire-token"]:
            if _targets(rule, operation) and self._draw(index, rule):
                return rule
        return None

    def _expired(self, flow: http.HTTPFlow, rule: Rule) -> bool:
        """Whether the call's bearer token was first seen more than `after` seconds ago."""
        fingerprint = _bearer(flow)
        if fingerprint is None:
            return False
        now = self.clock()
        if fingerprint not in self.first_seen and len(self.first_seen) >= MAX_TOKENS:
            del self.first_seen[next(iter(self.first_seen))]
        first = self.first_seen.setdefault(fingerprint, now)
        return now - first >= (rule.after or 0)

    def _draw(self, index: int, rule: Rule) -> bool:
        """Whether the rule selects this call: its count not spent, and the seeded draw under its probability."""
        if rule.count is not None and self.used[index] >= rule.count:
            return False
        if rule.probability < 1 and self.random.random() >= rule.probability:
            return False
        self.used[index] += 1
        return True

    def _mark(self, flow: http.HTTPFlow, rule: Rule, what: str, status: int | None = None, code: Any = None) -> None:
        """Never silent: the flow's metadata and a comment line say what the rehearsal did, and by which rule."""
        source = rule.kind if rule.kind in ("scopes", "budget") else "faults"
        flow.metadata[METADATA_KEY] = {"source": source, "rule": rule.text, "effect": rule.kind, "status": status,
                                       "code": code if isinstance(code, int) else None, "seed": self.seed}
        line = f"rehearsal: {what} ({'plan rule ' if source == 'faults' else ''}{rule.text})"
        flow.comment = f"{flow.comment}\n{line}" if flow.comment else line


def _targets(rule: Rule, operation: Operation) -> bool:
    """Whether a rule's target names this operation (no target: every operation)."""
    return rule.target is None or names(rule.target, operation)


def _bearer(flow: http.HTTPFlow) -> str | None:
    """The fingerprint of the call's bearer token; None without one (Basic client auth included)."""
    credential = parse_authorization(flow.request.headers.get("authorization"))
    return credential.fingerprint if credential is not None and credential.kind != "client" else None

