"""`pinscope demo --rehearse`: one scripted client in two variants meets one fault plan.

The well-behaved variant backs off with jitter after a 5xx, reads before it repeats a failed write,
waits for X-RateLimit-Reset (or defers the call when the window is too long for a demo), surfaces a
401 code 3 and refreshes an expired token. The careless one retries everything at once. Each has its
own grants, so the report's recovery section tells them apart by token.

The plan's counts are shared by both variants, so each task runs as a duet: both first attempts, then
the careless recovery, then the well-behaved one (which then meets the call the plan lets pass).
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace

import httpx

from pinscope.demo.client import DemoClient
from pinscope.demo.model import Grant, Step
from pinscope.demo.scenario import PIN
from pinscope.simulator import DEMO_STANDARD
from pinscope.tokens import parse_authorization

SEED = 14
# Per task: the first attempts of both variants, then the careless variant's quick retries, fail.
PLAN = "500x3 then pass@GET /v5/boards; 500x2 then pass@POST /v5/pins; 429x2@org_analytics"
SCOPES = ("boards:read", "boards:write", "pins:read", "pins:write", "user_accounts:read")  # no ads:read: 401 code 3
BRIEF_TTL = 1.0  # seconds: the `*_brief` tokens expire during the demo (the simulator's own 401 code 2)
BACKOFF = 0.3  # seconds before the well-behaved retry, plus up to as much again of jitter
MAX_WAIT = 3.0  # seconds the well-behaved variant waits for a rate-limit reset; longer: it defers the call
QUICK_RETRIES = 2  # the careless variant's immediate retries after an error
VARIANTS = ("well-behaved", "careless")
BASIC = "Basic {standard_basic}"


def mitm_args() -> list[str]:
    """The rehearsal options for the proxy: the plan and its seed."""
    return ["--set", f"pinscope_rehearse_faults={PLAN}", "--set", f"pinscope_rehearse_seed={SEED}"]


def grants(variant: str) -> tuple[Grant, Grant]:
    """A variant's token and its short-lived one, under wallet names of its own."""
    return (Grant(variant, DEMO_STANDARD, SCOPES),
            Grant(f"{variant}_brief", DEMO_STANDARD, ("user_accounts:read",), ttl=BRIEF_TTL))


def tasks(variant: str) -> list[Step]:
    """The calls the app makes, each meeting one failure: 500, 500 on a write, 429, 401 code 3."""
    auth = f"Bearer {{{variant}}}"
    return [
        Step("GET", "api:/v5/boards", "list boards: 500 (plan)", auth=auth),
        Step("POST", "api:/v5/pins", "create a Pin: 500 (plan)", auth=auth, json=PIN),
        Step("GET", "api:/v5/user_account/analytics", "account analytics: 429 (plan)", auth=auth,
             query={"start_date": "2026-01-01", "end_date": "2026-01-31"}),
        Step("GET", "api:/v5/ad_accounts", "ad accounts without ads:read: 401 code 3", auth=auth),
    ]


def expiring(variant: str) -> Step:
    """A call with the variant's short-lived token, after it expired: 401 code 2."""
    return Step("GET", "api:/v5/user_account", "the account, token expired: 401 code 2",
                auth=f"Bearer {{{variant}_brief}}")


Show = Callable[[str, str, int | None, str], None]  # variant, call, status, what the variant did


@dataclass
class Variant:
    """One client behaviour: how it recovers after an error. Records the token labels it sent."""

    name: str
    client: DemoClient
    show: Show
    labels: set[str] = field(default_factory=set)

    def attempt(self, step: Step, why: str = "") -> httpx.Response | None:
        """Send one call, remember its token's label, print it; the answer (None: none came)."""
        if step.auth is not None and (cred := parse_authorization(step.auth.format_map(self.client.wallet))):
            self.labels.add(cred.label)
        try:
            answer: httpx.Response | None = self.client.call(step)
        except httpx.HTTPError:
            answer = None
        self.show(self.name, step.label, answer.status_code if answer else None, why or step.note)
        return answer

    def send(self, step: Step, why: str = "") -> int | None:
        """Send one call; its status (None: no answer)."""
        answer = self.attempt(step, why)
        return answer.status_code if answer is not None else None

    def recover(self, step: Step, status: int | None, answer_reset: float | None) -> None:
        """What this variant does after `step` failed with `status`."""
        raise NotImplementedError


class WellBehaved(Variant):
    """Backs off with jitter, checks before repeating a write, honours the reset, surfaces code 3."""

    def __init__(self, client: DemoClient, show: Show, seed: int = SEED) -> None:
        super().__init__("well-behaved", client, show)
        self.random = random.Random(seed)  # jitter, reproducible

    def recover(self, step: Step, status: int | None, answer_reset: float | None) -> None:
        if status == 401 or status is None:
            self.show(self.name, step.label, None, "surfaced the error: a retry cannot fix it")
            return
        if status == 429:
            if answer_reset is None or answer_reset > MAX_WAIT:
                self.show(self.name, step.label, None, f"deferred: X-RateLimit-Reset is {answer_reset} s away")
                return
            time.sleep(answer_reset)
            self.send(step, f"retried after X-RateLimit-Reset ({answer_reset:g} s)")
            return
        if step.method == "POST":  # did the write happen after all? read before writing again
            self.send(replace(step, method="GET", json=None), "checked whether the Pin was created")
        time.sleep(BACKOFF + self.random.uniform(0, BACKOFF))
        self.send(step, "retried with backoff and jitter")

    def expire(self, step: Step) -> None:
        """The token expired: refresh it, then call again with the new one."""
        if self.send(step) != 401:
            return
        name = f"{self.name}_brief"
        answer = self.client.call(Step("POST", "api:/v5/oauth/token", "refresh", auth=BASIC, form={
            "grant_type": "refresh_token", "refresh_token": f"{{{name}_refresh}}"}))
        self.show(self.name, "POST /v5/oauth/token", answer.status_code, "refreshed the token")
        if answer.status_code == 200:
            body = answer.json()
            self.client.wallet[name], self.client.wallet[f"{name}_refresh"] = body["access_token"], \
                body["refresh_token"]
            self.send(step, "called again with the new token")


class Careless(Variant):
    """Retries every error at once, the write and the 401 code 3 included."""

    def __init__(self, client: DemoClient, show: Show) -> None:
        super().__init__("careless", client, show)

    def recover(self, step: Step, status: int | None, answer_reset: float | None) -> None:
        for _ in range(QUICK_RETRIES):
            status = self.send(step, "retried at once")
            if status is not None and status < 400:
                return

    def expire(self, step: Step) -> None:
        """The token expired: send the same call again, then give up."""
        if self.send(step) == 401:
            self.send(step, "retried at once with the expired token")


def play(client: DemoClient, show: Show) -> tuple[WellBehaved, Careless]:
    """Run both variants through the plan: grants, the duets, then the expiries."""
    good, bad = WellBehaved(client, show), Careless(client, show)
    for variant in (good, bad):
        for grant in grants(variant.name):
            client.grant(grant)
    granted = time.monotonic()
    for good_step, bad_step in zip(tasks(good.name), tasks(bad.name), strict=True):
        first = {}
        for variant, step in ((good, good_step), (bad, bad_step)):
            first[variant.name] = _attempt(variant, step)
        for variant, step in ((bad, bad_step), (good, good_step)):
            status, reset = first[variant.name]
            if status is None or status >= 400:
                variant.recover(step, status, reset)
    time.sleep(max(0.0, granted + BRIEF_TTL + 0.1 - time.monotonic()))  # the brief tokens have expired
    good.expire(expiring(good.name))
    bad.expire(expiring(bad.name))
    return good, bad


def _attempt(variant: Variant, step: Step) -> tuple[int | None, float | None]:
    """A first attempt: its status and, on a 429, the seconds X-RateLimit-Reset announced."""
    answer = variant.attempt(step)
    if answer is None:
        return None, None
    reset = answer.headers.get("x-ratelimit-reset", "")
    return answer.status_code, float(reset) if reset.isdigit() else None
