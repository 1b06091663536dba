"""Reading a mitmproxy request cheaply: the other-traffic pre-check, host names, headers, leaks."""

from __future__ import annotations

import re
from itertools import chain

from mitmproxy import http
from mitmproxy.net.http import url as mitm_url

from pinscope.redact import TOKEN_START, Found, tokens_in

MAX_PARSE_BYTES = 1 << 20  # bodies above 1 MiB are never decoded or parsed
REDACTED_HEADERS = frozenset({"authorization", "proxy-authorization", "cookie", "set-cookie"})
IMAGE_PROXY_AGENT = "Pinterest Image Proxy"  # Pinterest's image fetcher, seen when pinscope fronts a site
# host[:port] with ASCII DNS labels: what mitmproxy's parse_authority accepts without changing it.
PLAIN_AUTHORITY = re.compile(r"([A-Za-z0-9_-]{1,63}(?:\.[A-Za-z0-9_-]{1,63})*\.?)(?::(\d{1,5}))?")


def candidate(request: http.Request) -> bool:
    """A cheap superset of what the addon reads: False lets it return at once (other traffic).

    True for anything naming Pinterest (API hosts, the image proxy), any v5 token shape, and the
    X-Pinscope-Silence header: raw header bytes joined once, no header parsing.
    """
    data = request.data
    blob = b"\n".join([*chain.from_iterable(data.headers.fields), data.path, data.authority])
    lowered = blob.lower()
    if b"pin" in lowered and (  # each word below starts so: one short search clears most traffic
            b"pinterest" in lowered or b"x-pinscope-silence" in lowered or TOKEN_START.search(blob) is not None):
        return True
    if "pinterest" in data.host.lower():
        return True
    raw = data.content
    return bool(raw) and len(raw) <= MAX_PARSE_BYTES and TOKEN_START.search(raw) is not None


def might_leak(request: http.Request) -> bool:
    """Cheap pre-check for non-API traffic: the start of a v5 token, or Pinterest's image proxy."""
    raw = request.raw_content or b""
    return (
        TOKEN_START.search(request.data.path) is not None
        or any(TOKEN_START.search(value) for _, value in request.headers.fields)
        or IMAGE_PROXY_AGENT in request.headers.get("user-agent", "")
        or (len(raw) <= MAX_PARSE_BYTES and TOKEN_START.search(raw) is not None)
    )


def read_headers(headers: http.Headers) -> tuple[dict[str, str], str | None]:
    """(lower-case header dict, duplicates joined, credentials redacted; the raw Authorization value).

    Reads the raw fields once, decoded as mitmproxy decodes them: its own lookups cost more per header.
    """
    out: dict[str, str] = {}
    authorization: str | None = None
    for raw_name, raw_value in headers.fields:
        name = raw_name.decode("utf-8", "surrogateescape").lower()
        value = raw_value.decode("utf-8", "surrogateescape")
        if name in REDACTED_HEADERS:
            if name == "authorization":
                authorization = value if authorization is None else f"{authorization}, {value}"
            value = "[redacted]"
        out[name] = f"{out[name]}, {value}" if name in out else value
    return out, authorization


def pretty_host(request: http.Request, host_header: str | None = None) -> str:
    """`request.pretty_host` (`host_header`: the Host value, if already read), faster and never raising."""
    if request.is_http2 or request.is_http3:
        try:
            return request.pretty_host
        except Exception:  # noqa: BLE001 - a crafted :authority can break mitmproxy's IDNA decoding
            return request.host
    authority = host_header if host_header is not None else request.headers.get("host")
    return authority_host(authority) if authority else request.host


def authority_host(authority: str) -> str:
    """mitmproxy's `parse_authority(authority, check=False)[0]`, skipping its IDNA round trip (a few
    microseconds) for a plain ASCII name, which that round trip leaves as it is."""
    match = PLAIN_AUTHORITY.fullmatch(authority)
    if match is not None and "xn--" not in authority.lower() and len(match[1]) <= 255 \
            and int(match[2] or 0) <= 65535:
        return match[1]
    try:
        return mitm_url.parse_authority(authority, check=False)[0]
    except Exception:  # noqa: BLE001 - e.g. OverflowError from punycode in `xn--6553565535a`
        return authority  # what parse_authority returns for any other invalid authority


def request_leaks(request: http.Request, body: bytes | None) -> Found:
    """Tokens present anywhere in the request: query, headers (Authorization included), body."""
    found = [*tokens_in("query", request.path)]
    for name, value in request.headers.items():
        found.extend(tokens_in(f"header {name}", value))
    if body and TOKEN_START.search(body):
        found.extend(tokens_in("body", body.decode("utf-8", "replace")))
    return tuple(dict.fromkeys(found))
