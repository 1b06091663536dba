"""Failures to reach the upstream server: which errors mean the request never got there, and which
answers mitmproxy made itself (its 502 page), so neither is read as Pinterest's answer.

The patterns match the error texts of mitmproxy 10-12 and of the OS beneath it (Linux, macOS,
Windows); an error they do not know is left alone rather than guessed at.
"""

from __future__ import annotations

import html
import re
from collections.abc import Mapping
from typing import Literal

Cause = Literal["proxy", "tls", "dns", "refused", "timeout", "network"]

# Tried in this order: an upstream proxy's failure names the proxy first, whatever the OS said.
PATTERNS: tuple[tuple[Cause, str], ...] = (
    ("proxy", r"upstream proxy|error connecting to "),
    ("tls", r"certificate verify failed|does not speak tls|\bopenssl\b|\bssl\b|\btls\b|handshake"),
    ("dns", r"name or service not known|nodename nor servname|temporary failure in name resolution|"
            r"no address associated with hostname|getaddrinfo|name resolution|errno -[235]\b|errno 1100[14]\b"),
    ("refused", r"connection refused|connect call failed|errno 111\b|errno 61\b|winerror 10061"),
    ("timeout", r"timed out|timeout|errno 110\b|errno 60\b|winerror 10060"),
    ("network", r"network is unreachable|no route to host|errno 10[13]\b|errno 51\b|errno 65\b|"
                r"winerror 1005[01]|cannot assign requested address"),
)
CAUSES = tuple((name, re.compile(pattern, re.IGNORECASE)) for name, pattern in PATTERNS)
# mitmproxy's own answers: the 502 page of a failed connection (lazy connections, upstream mode),
# the 502 of a failed CONNECT (eager connections), the 504 of a gateway timeout.
PROXY_STATUSES = frozenset({502, 503, 504})
PROXY_SERVER = "mitmproxy"
PROXY_PAGE = re.compile(rb"<p>(.{0,2000}?)</p>", re.DOTALL)
CONNECT_FAILED = re.compile(r"^cannot connect to \S+: (.*?)(?: if you plan to redirect.*)?$",
                            re.IGNORECASE | re.DOTALL)
MAX_ERROR_CHARS = 500  # of mitmproxy's error text kept (the finding cleans and caps it again)


def cause(error: str | None) -> Cause | None:
    """Why the connection to the server failed, when `error` says it never got there (None otherwise:
    no error, or one after the request went out, a kill, a client that went away)."""
    if not error:
        return None
    for name, pattern in CAUSES:
        if pattern.search(error):
            return name
    return None


def proxy_made(method: str, status: int, headers: Mapping[str, str], body: bytes | None) -> str | None:
    """mitmproxy's error text when it, not the server, made this answer (None for the server's own).

    A failed CONNECT is answered by the proxy by definition; otherwise the answer must be one of
    the proxy's statuses, name mitmproxy as its server and carry none of Pinterest's headers.
    """
    if method == "CONNECT" and status >= 300:
        text = (body or b"").decode("utf-8", "replace")
        found = CONNECT_FAILED.match(text.strip())
        return (found.group(1) if found else text)[:MAX_ERROR_CHARS] or str(status)
    if status not in PROXY_STATUSES or "x-pinterest-rid" in headers:
        return None
    if not headers.get("server", "").lower().startswith(PROXY_SERVER):
        return None
    found = PROXY_PAGE.search(body or b"")
    text = html.unescape(found.group(1).decode("utf-8", "replace")).strip() if found else ""
    return text[:MAX_ERROR_CHARS] or str(status)
