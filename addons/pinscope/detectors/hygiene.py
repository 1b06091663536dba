"""Token hygiene: tokens sent to third parties, tokens in URLs, the API over plain HTTP.

A token in the query string of a request to a third-party host is token-leak's alone (its message
names the query); token-in-url covers Pinterest hosts (the API and pinterest.com itself). The
simulator's hosts are Pinterest's stand-ins, not third parties: its control host inside the proxy,
and a loopback server called with Pinterest API paths (`pinscope simulate`, a local mock).
A call that never reached its host (pinterest-unreachable) says so instead of "revoke the token".
"""

from __future__ import annotations

import ipaddress
from dataclasses import replace

from pinscope.exchange import CONTROL_HOST
from pinscope.detectors.base import Context, Findings, detects, operation_label, token_label
from pinscope.detectors.upstream import never_sent
from pinscope.exchange import Exchange
from pinscope.findings import Finding, Phrase

PINTEREST_DOMAIN = "pinterest.com"
LOOPBACK_NAMES = frozenset({"localhost"})
API_PATHS = ("/v5/", "/_sim/")  # what a client sends to a Pinterest stand-in: the API, the shortcuts


def is_simulator(host: str, path: str) -> bool:
    """The simulator's control host, or a loopback server called with Pinterest API paths."""
    if host == CONTROL_HOST:
        return True
    if not path.startswith(API_PATHS):
        return False
    try:
        return host in LOOPBACK_NAMES or ipaddress.ip_address(host.strip("[]").partition("%")[0]).is_loopback
    except ValueError:
        return False


def is_pinterest_host(host: str) -> bool:
    """pinterest.com or one of its subdomains (api., api-sandbox., www., …)."""
    return host == PINTEREST_DOMAIN or host.endswith("." + PINTEREST_DOMAIN)


def _kinds(labels: list[str]) -> Phrase:
    """The rule's phrase for the tokens' kinds (`access`, `refresh`, `both`, `other`), by their prefixes."""
    access = any(label.startswith("pina") for label in labels)
    refresh = any(label.startswith("pinr") for label in labels)
    return Phrase("both" if access and refresh else "access" if access else "refresh" if refresh else "other")


@detects("token-leak", phase="request", api=False)
def token_leak(ex: Exchange, ctx: Context) -> Findings:
    """A Pinterest token (pina/pinr) sent to a non-Pinterest host, in a header, the query or the body."""
    if ex.is_api or not ex.leaked or is_pinterest_host(ex.host) or is_simulator(ex.host, ex.path):
        return ()
    labels = list(dict.fromkeys(cred.label for _, cred in ex.leaked))
    places = list(dict.fromkeys(where for where, _ in ex.leaked))
    return (Finding("token-leak", {
        "host": ex.host, "tokens": ", ".join(labels), "kind": _kinds(labels),
        "where": ", ".join(places), "method": ex.method, "url": f"{ex.scheme}://{ex.host}{ex.path}",
    }),)


@detects("token-in-url", phase="request", query_tokens=True)
def token_in_url(ex: Exchange, ctx: Context) -> Findings:
    """A token in the query string of a request to a Pinterest host."""
    tokens = ex.query_tokens
    if not tokens or not is_pinterest_host(ex.host):
        return ()
    labels = list(dict.fromkeys(cred.label for _, cred in tokens))
    return (Finding("token-in-url", {
        "host": ex.host, "path": ex.path, "tokens": ", ".join(labels), "kind": _kinds(labels),
        "keys": ", ".join(dict.fromkeys(key for key, _ in tokens)),
    }, "unsent" if never_sent(ex) else "default"),)


@detects("plain-http", phase="request", api=True, scheme="http")
def plain_http(ex: Exchange, ctx: Context) -> Findings:
    """The Pinterest API called over http:// (with the token, if any, in clear text)."""
    if not ex.is_api or ex.scheme != "http":
        return ()
    params: dict[str, object] = {"host": ex.host, "operation": operation_label(ex, ctx.operation),
                                 "token": token_label(ex)}
    if never_sent(ex):
        variant = "unsent_with_token" if ex.credential is not None else "unsent"
    else:
        variant = "with_token" if ex.credential is not None else "default"
    return (Finding("plain-http", params, variant),)


@detects("plain-http", "token-in-url", unanswered=True)
def unsent_hygiene(ex: Exchange, ctx: Context) -> Findings:
    """Once a call failed before reaching its host, its request-phase hygiene findings say so (live,
    they were worded before the failure was known)."""
    if not never_sent(ex):
        return ()
    found = (*plain_http.fn(ex, ctx), *token_in_url.fn(ex, ctx))
    return tuple(replace(finding, replaces=(finding.rule,)) for finding in found)


DETECTORS = (token_leak, token_in_url, plain_http, unsent_hygiene)
