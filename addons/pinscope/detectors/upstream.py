"""Pinterest out of reach: mitmproxy could not connect (DNS, refused, timeout, TLS, upstream proxy).

Such a flow has no answer (status None) and the Exchange's `error`; a 502 page mitmproxy made
itself is read as that error too (exchange/upstream.py), never as Pinterest's answer.
"""

from __future__ import annotations

from pinscope.detectors.base import Context, Findings, detects, operation_label
from pinscope.exchange import Exchange
from pinscope.exchange.upstream import cause
from pinscope.findings import Finding, Phrase
from pinscope.untrusted import clean

ERROR_CHARS = 200  # of mitmproxy's error text quoted
UNSENT_CAUSES = frozenset({"proxy", "tls", "dns", "refused", "network"})  # a timeout may come after sending


def never_sent(ex: Exchange) -> bool:
    """Whether the request failed before any byte of it reached the server (so no token crossed the network)."""
    return ex.status is None and cause(ex.error) in UNSENT_CAUSES


@detects("pinterest-unreachable", api=True, unanswered=True)
def pinterest_unreachable(ex: Exchange, ctx: Context) -> Findings:
    """mitmproxy could not reach a Pinterest API host: the error and the likely fixes."""
    if ex.status is not None or not ex.is_api:  # answered: the common case, decided before reading the error
        return ()
    why = cause(ex.error)
    if why is None:
        return ()
    call = Phrase("tunnel", {"host": ex.host}) if ex.method == "CONNECT" else operation_label(ex, ctx.operation)
    return (Finding("pinterest-unreachable", {"call": call, "host": ex.host,
                                              "error": clean(ex.error, ERROR_CHARS, ctx.session.secrets)},
                    why if why != "network" else "default"),)


DETECTORS = (pinterest_unreachable,)
