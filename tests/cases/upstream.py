"""Cases for pinterest-unreachable, and what the hygiene rules say when a call never left the proxy.

A flow mitmproxy could not send has `flow.error` and no answer (lazy connections, upstream mode);
a failed CONNECT (eager connections) and a browser's HAR keep mitmproxy's own 502 page instead.
A 502 Pinterest sent carries its headers and stays a server error.
"""

from __future__ import annotations

from mitmproxy import flow as mflow
from mitmproxy import http
from mitmproxy.test import tflow, tutils

from tests.cases.base import case
from tests.flowkit import ACCESS, PROD, T0, flow

DNS = "[Errno -2] Name or service not known"
REFUSED = "[Errno 111] Connect call failed ('127.0.0.1', 9)"
MITM_PAGE = (b"<html>\n<head>\n    <title>502 Bad Gateway</title>\n</head>\n<body>\n    <h1>502 Bad Gateway</h1>\n"
             b"    <p>[Errno 111] Connect call failed (&#x27;127.0.0.1&#x27;, 9)</p>\n</body>\n</html>")


def failed(path: str = "/v5/boards", error: str = DNS, **kwargs) -> http.HTTPFlow:
    """A call mitmproxy could not send: `flow.error`, no answer."""
    f = flow("GET", path, status=None, **kwargs)
    f.error = mflow.Error(error)
    return f


def mitm_page(server: str = "mitmproxy 12.3.1", rid: str | None = None) -> http.HTTPFlow:
    """A call answered by mitmproxy's own 502 page (as a browser's HAR keeps it)."""
    f = flow("GET", "/v5/boards", status=None)
    headers = {"server": server, "content-type": "text/html", **({"x-pinterest-rid": rid} if rid else {})}
    f.response = http.Response.make(502, MITM_PAGE, headers)
    return f


def failed_connect(message: str) -> http.HTTPFlow:
    """A CONNECT to Pinterest that mitmproxy could not open (eager connections): its 502, no error."""
    req = tutils.treq(method=b"CONNECT", scheme=b"", authority=f"{PROD}:443".encode(), path=b"",
                      host=PROD, port=443, headers=http.Headers(host=f"{PROD}:443"), content=b"")
    req.timestamp_start = T0
    f = tflow.tflow(req=req, resp=http.Response.make(502, message))
    return f


CASES = [
    case("pinterest-unreachable/hit-dns", lambda: [failed()], "pinterest-unreachable"),
    case("pinterest-unreachable/hit-connection-refused", lambda: [failed(error=REFUSED)], "pinterest-unreachable"),
    case("pinterest-unreachable/hit-timeout", lambda: [
        failed(error="[Errno 110] Connection timed out"),
    ], "pinterest-unreachable"),
    case("pinterest-unreachable/hit-tls-inspecting-proxy", lambda: [
        failed(error="Certificate verify failed: unable to get local issuer certificate"),
    ], "pinterest-unreachable"),
    case("pinterest-unreachable/hit-upstream-proxy", lambda: [
        failed(error="Upstream proxy 127.0.0.1:3128 refused HTTP CONNECT request: 407 Proxy Authentication Required"),
    ], "pinterest-unreachable"),
    case("pinterest-unreachable/hit-no-route", lambda: [
        failed(error="[Errno 113] No route to host"),
    ], "pinterest-unreachable"),
    case("pinterest-unreachable/hit-mitmproxy-502-page", lambda: [mitm_page()], "pinterest-unreachable"),
    case("pinterest-unreachable/hit-failed-connect", lambda: [
        failed_connect(f"Cannot connect to {PROD}:443: {DNS} If you plan to redirect requests away from this "
                       f"server, consider setting `connection_strategy` to `lazy` to suppress early connections."),
    ], "pinterest-unreachable"),
    case("pinterest-unreachable/miss-502-from-pinterest", lambda: [
        flow("GET", "/v5/boards", status=502, body={"code": 1, "message": "Bad gateway"},
             headers={"server": "envoy"}),
    ], "server-error"),
    case("pinterest-unreachable/miss-mitmproxy-page-with-pinterest-rid", lambda: [
        mitm_page(rid="rid-0001"),
    ], "server-error"),
    case("pinterest-unreachable/miss-killed", lambda: [failed(error="Connection killed.")]),
    case("pinterest-unreachable/miss-other-host", lambda: [failed(host="example.com", token=None)]),
    case("plain-http/hit-unsent-with-token", lambda: [
        failed(scheme="http", error=REFUSED),
    ], "plain-http", "pinterest-unreachable"),
    case("plain-http/hit-unsent-without-token", lambda: [
        failed(scheme="http", token=None),
    ], "plain-http", "pinterest-unreachable", "missing-token"),
    case("token-in-url/hit-unsent", lambda: [
        failed(path=f"/v5/user_account?access_token={ACCESS}"),
    ], "token-in-url", "pinterest-unreachable"),
    case("token-leak/miss-simulator-control-host", lambda: [
        flow("POST", "/_sim/expire", host="simulator.pinscope.test", token=None, form={"token": ACCESS},
             body={"expired": True}),
    ]),
    case("token-leak/miss-pinscope-simulate-on-loopback", lambda: [
        flow("GET", "/v5/boards", host="127.0.0.1", scheme="http", body={"items": []}),
    ]),
    case("token-leak/hit-loopback-collector", lambda: [
        flow("POST", "/collect", host="127.0.0.1", scheme="http", body=None),
    ], "token-leak"),
]
