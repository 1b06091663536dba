"""Perform the scenario through the proxy with real TLS interception (httpx trusting mitmproxy's CA).

The wallet holds the raw tokens the grants return; they go into requests only, never into output.
"""

from __future__ import annotations

import base64
import logging
import ssl
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

import httpx

from pinscope.demo import CONTROL_HOST
from pinscope.demo.model import Grant, Step
from pinscope.simulator import DEMO_STANDARD, DEMO_TRIAL, App, faults
from pinscope.tokens import TOKEN_IN_TEXT, mask

logger = logging.getLogger(__name__)
HOSTS = {"api": "https://api.pinterest.com", "sandbox": "https://api-sandbox.pinterest.com"}
STRANGER = "pina_AMAdemo0never0issued0by0the0simulator0000000000"  # a well-formed token nobody issued
TIMEOUT = 15.0


def basic(app: App) -> str:
    """`base64(app_id:app_secret)`, the client authentication /v5/oauth/token expects."""
    return base64.b64encode(f"{app.app_id}:{app.secret}".encode()).decode()


@dataclass(frozen=True, slots=True)
class Outcome:
    """What one grant or step got back: a status, or the client-side error."""

    item: Grant | Step
    status: int | None
    error: str | None = None


class DemoClient:
    """An httpx client routed through the proxy, and the wallet of tokens it collected."""

    def __init__(self, proxy_url: str, ca_cert: Path, site_url: str) -> None:
        trusted = ssl.create_default_context(cafile=str(ca_cert))  # mitmproxy's CA, and only that
        self.http = httpx.Client(proxy=proxy_url, verify=trusted, trust_env=False, timeout=TIMEOUT)
        self.hosts = {**HOSTS, "site": site_url}
        self.wallet = {"standard_basic": basic(DEMO_STANDARD), "trial_basic": basic(DEMO_TRIAL),
                       "stranger": STRANGER}

    def __enter__(self) -> DemoClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.http.close()

    def url(self, target: str) -> str:
        """`api:/v5/boards` -> `https://api.pinterest.com/v5/boards`."""
        host, _, path = target.partition(":")
        return self.hosts[host] + path

    def authorize(self, app: App, scopes: Iterable[str], environment: str = "production",
                  ttl: float | None = None) -> str:
        """An authorization code from the simulator's consent shortcut (on its control host)."""
        answer = self.http.post(f"https://{CONTROL_HOST}/_sim/authorize", data={
            "app_id": app.app_id, "scope": ",".join(scopes), "environment": environment,
            **({"ttl": str(ttl)} if ttl is not None else {})})
        answer.raise_for_status()
        return answer.json()["code"]

    def grant(self, grant: Grant) -> httpx.Response:
        """Run the authorization-code flow; the tokens go into the wallet under the grant's name."""
        code = self.authorize(grant.app, grant.scopes, grant.environment, grant.ttl)
        host = "sandbox" if grant.environment == "sandbox" else "api"
        answer = self.http.post(f"{self.hosts[host]}/v5/oauth/token",
                                headers={"Authorization": f"Basic {basic(grant.app)}"},
                                data={"grant_type": "authorization_code", "code": code,
                                      "redirect_uri": grant.app.redirect_uri})
        answer.raise_for_status()
        body = answer.json()
        self.wallet[grant.name] = body["access_token"]
        self.wallet[f"{grant.name}_refresh"] = body["refresh_token"]
        return answer

    def call(self, step: Step) -> httpx.Response:
        """Send one step's request (templates filled from the wallet), after its wait."""
        if step.wait:
            time.sleep(step.wait)  # e.g. until a short-lived token has expired
        headers = dict(step.headers)
        if step.auth is not None:
            headers["Authorization"] = self._fill(step.auth)
        if step.fault is not None:
            headers[faults.HEADER] = step.fault
        form = {k: self._fill(v) for k, v in step.form.items()} if step.form is not None else None
        return self.http.request(step.method, self.url(step.target), headers=headers,
                                 params={k: self._fill(v) for k, v in step.query.items()},
                                 data=form, json=step.json)

    def run(self, items: Iterable[Grant | Step], progress: Callable[[Outcome], None] | None = None
            ) -> list[Outcome]:
        """Perform every item in order; a failed one is reported and the rest still run."""
        outcomes = []
        for item in items:
            try:
                answer = self.grant(item) if isinstance(item, Grant) else self.call(item)
                outcome = Outcome(item, answer.status_code)
            except (httpx.HTTPError, KeyError, ValueError) as err:
                logger.debug("demo step %s failed", item.label, exc_info=True)
                text = TOKEN_IN_TEXT.sub(lambda m: mask(m.group()), f"{type(err).__name__}: {err}")
                outcome = Outcome(item, None, text[:200])
            outcomes.append(outcome)
            if progress is not None:
                progress(outcome)
            if outcome.error and outcome.error.startswith("ConnectError"):
                break  # the proxy is gone: the remaining calls would fail the same way
        return outcomes

    def _fill(self, template: str) -> str:
        return template.format_map(self.wallet)
