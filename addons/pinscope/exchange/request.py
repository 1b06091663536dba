"""Reading a mitmproxy request cheaply: the other-traffic pre-check, host names, headers, leaks."""

from __future__ import annotations

import re
from functools import lru_cache
from itertools import chain
from urllib.parse import unquote

from mitmproxy import http
from mitmproxy.net.http import url as mitm_url

from pinscope.pinterest import API_HOSTS
from pinscope.redact import Found, tokens_in
from pinscope.untrusted import MAX_BODY_BYTES, MAX_HEADER_CHARS, MAX_HEADERS, MAX_URL_CHARS, clean

MAX_PARSE_BYTES = MAX_BODY_BYTES  # the older name of the body cap
# A v5 token in raw bytes, the same shape as tokens.TOKEN_IN_TEXT (`pina_colada` is no token), also
# percent-encoded in a URL or form (`pina%5F…`): an encoded token still leaks.
TOKEN_SHAPE = re.compile(rb"pin[ar](?:[._]|%5[Ff]|%2[Ee])[A-Za-z0-9._~+/=%-]{16,}")
MAX_NAME_CHARS = 64  # characters of a header name quoted in a finding ("header x-debug")
REDACTED_HEADERS = frozenset({"authorization", "proxy-authorization", "cookie", "set-cookie"})
IMAGE_PROXY_AGENT = "Pinterest Image Proxy"  # Pinterest's image fetcher, seen when pinscope fronts a site
IMAGE_PROXY_BYTES = IMAGE_PROXY_AGENT.encode()
# The simulator's `/_sim/` shortcuts answer on this host inside the proxy: a host pinscope does not
# diagnose, so shortcuts never look like Pinterest calls. `.test` is reserved (RFC 2606): never real.
CONTROL_HOST = "simulator.pinscope.test"
# host[:port] with ASCII DNS labels: what mitmproxy's parse_authority accepts without changing it.
PLAIN_AUTHORITY = re.compile(r"([A-Za-z0-9_-]{1,63}(?:\.[A-Za-z0-9_-]{1,63})*\.?)(?::(\d{1,5}))?")
MAX_AUTHORITIES = 256  # authorities whose host authority_host() remembers (a client talks to a handful)


def candidate(request: http.Request) -> bool:
    """A cheap superset of what the addon reads: False lets it return at once (other traffic).

    True for anything naming Pinterest (API hosts, the image proxy), a v5 token (16+ characters
    after `pina_`/`pinr.`), and the X-Pinscope-Silence header: raw header bytes joined once, no
    header parsing. The request target is looked at only as far as it is ever read (MAX_URL_CHARS).
    """
    data = request.data
    host = data.host.lower()
    if host in API_HOSTS:  # most Pinterest calls: the target names the host, no scan needed
        return True
    blob = b"\n".join((*chain.from_iterable(data.headers.fields), data.path[:MAX_URL_CHARS], data.authority))
    lowered = blob.lower()
    if b"pin" in lowered and (  # each word below starts so: one short search clears most traffic
            b"pinterest" in lowered or b"x-pinscope-silence" in lowered or TOKEN_SHAPE.search(blob) is not None):
        return True
    if "pinterest" in host:
        return True
    return _body_holds_token(data.content)


def _body_holds_token(raw: bytes | None) -> bool:
    """A v5 token in a raw body within the cap (a longer body is not scanned: pinscope never reads it)."""
    if not raw:
        return False
    return len(raw) <= MAX_BODY_BYTES and TOKEN_SHAPE.search(raw) is not None


def is_plumbing(request: http.Request) -> bool:
    """A call to the simulator's shortcuts (the demo's stand-in for a consent page): not a flow of the session.

    Read from the request's own host (no header parsing): it costs nothing on other traffic.
    """
    return request.data.host == CONTROL_HOST


def might_leak(request: http.Request) -> bool:
    """Cheap pre-check for non-API traffic: a v5 token in the target, a header or the raw body
    (within the caps), or Pinterest's image proxy as the user agent."""
    data = request.data
    if TOKEN_SHAPE.search(data.path, 0, MAX_URL_CHARS) is not None:
        return True
    for name, value in data.headers.fields[:MAX_HEADERS]:
        if TOKEN_SHAPE.search(value, 0, MAX_HEADER_CHARS) is not None:
            return True
        if name.lower() == b"user-agent" and IMAGE_PROXY_BYTES in value:
            return True
    return _body_holds_token(data.content)


def read_headers(headers: http.Headers) -> tuple[dict[str, str], str | None]:
    """(lower-case header dict, duplicates joined, credentials redacted; the raw Authorization value).

    Reads the raw fields once, decoded as mitmproxy decodes them: its own lookups cost more per header.
    At most MAX_HEADERS fields are read, and MAX_HEADER_CHARS of each value (joined values included).
    """
    return read_header_fields(headers.fields)


def read_header_fields(fields: tuple[tuple[bytes, bytes], ...]) -> tuple[dict[str, str], str | None]:
    """read_headers() of mitmproxy's raw header fields."""
    out: dict[str, str] = {}
    authorization: str | None = None
    for raw_name, raw_value in fields[:MAX_HEADERS]:
        name = raw_name.decode("utf-8", "surrogateescape").lower()
        if len(raw_value) > MAX_HEADER_CHARS:
            raw_value = raw_value[:MAX_HEADER_CHARS]
        value = raw_value.decode("utf-8", "surrogateescape")
        if name in REDACTED_HEADERS:
            if name == "authorization":
                authorization = value if authorization is None else joined(authorization, value)
            value = "[redacted]"
        out[name] = joined(out[name], value) if name in out else value
    return out, authorization


def _host_header(fields: tuple[tuple[bytes, bytes], ...]) -> str | None:
    """The Host header as read_headers() reads it (duplicates joined), from the raw fields: no header parsing."""
    host: str | None = None
    for raw_name, raw_value in fields[:MAX_HEADERS]:
        if len(raw_name) == 4 and raw_name.lower() == b"host":
            value = raw_value[:MAX_HEADER_CHARS].decode("utf-8", "surrogateescape")
            host = value if host is None else joined(host, value)
    return host


def joined(first: str, value: str) -> str:
    """A repeated header's values as mitmproxy joins them, kept within MAX_HEADER_CHARS."""
    return first if len(first) >= MAX_HEADER_CHARS else f"{first}, {value}"[:MAX_HEADER_CHARS]


def pretty_host(request: http.Request, host_header: str | None = None) -> str:
    """`request.pretty_host` (`host_header`: the Host value, if already read), faster and never raising."""
    if request.data.http_version in (b"HTTP/2.0", b"HTTP/3"):  # request.is_http2 or request.is_http3
        try:
            return request.pretty_host
        except Exception:  # noqa: BLE001 - a crafted :authority can break mitmproxy's IDNA decoding
            return request.host
    authority = host_header if host_header is not None else _host_header(request.data.headers.fields)
    return authority_host(authority) if authority else request.host


@lru_cache(maxsize=MAX_AUTHORITIES)
def authority_host(authority: str) -> str:
    """mitmproxy's `parse_authority(authority, check=False)[0]`, skipping its IDNA round trip (a few
    microseconds) for a plain ASCII name, which that round trip leaves as it is; read once per name."""
    match = PLAIN_AUTHORITY.fullmatch(authority)
    if match is not None and "xn--" not in authority.lower() and len(match[1]) <= 255 \
            and int(match[2] or 0) <= 65535:
        return match[1]
    try:
        return mitm_url.parse_authority(authority, check=False)[0]
    except Exception:  # noqa: BLE001 - e.g. OverflowError from punycode in `xn--6553565535a`
        return authority  # what parse_authority returns for any other invalid authority


def request_leaks(request: http.Request, body: bytes | None) -> Found:
    """Tokens present in the request, within the caps: target, headers (Authorization included), body."""
    data = request.data
    target = data.path[:MAX_URL_CHARS].decode("utf-8", "surrogateescape")
    found = [*tokens_in("query", unquote(target) if "%" in target else target)]
    for raw_name, raw_value in data.headers.fields[:MAX_HEADERS]:
        value = raw_value[:MAX_HEADER_CHARS]
        if TOKEN_SHAPE.search(value) is not None:
            name = raw_name.decode("utf-8", "surrogateescape")
            where = f"header {clean(name, MAX_NAME_CHARS)}"
            found.extend(tokens_in(where, value.decode("utf-8", "surrogateescape")))
    if body and TOKEN_SHAPE.search(body):
        found.extend(tokens_in("body", body.decode("utf-8", "replace")))
    return tuple(dict.fromkeys(found))
