"""What `pinscope run` gives COMMAND: the proxy variables and one CA bundle every common client reads."""

from __future__ import annotations

import os
import ssl
from collections.abc import Mapping
from pathlib import Path

from pinscope.capture import same_file

# curl reads only the lower-case http_proxy (the upper-case one could come from a CGI request header),
# and Python lets a lower-case variable win: set both spellings so an inherited one cannot win.
PROXY_VARIABLES = ("HTTPS_PROXY", "HTTP_PROXY", "https_proxy", "http_proxy")
NO_PROXY_VARIABLES = ("NO_PROXY", "no_proxy")
LOOPBACK = "localhost,127.0.0.1,::1"  # COMMAND's own local servers stay direct
CA_VARIABLES = ("SSL_CERT_FILE", "REQUESTS_CA_BUNDLE", "CURL_CA_BUNDLE", "NODE_EXTRA_CA_CERTS")
NODE_PROXY = {"NODE_USE_ENV_PROXY": "1"}  # Node 24 (and 22.21+): built-in fetch and http read the variables
BUNDLE_FILE = "ca-bundle.pem"
# Where operating systems keep their roots (Debian/Ubuntu/Alpine, Fedora/RHEL, macOS/BSD); certifi last.
SYSTEM_BUNDLES = ("/etc/ssl/certs/ca-certificates.crt", "/etc/pki/tls/certs/ca-bundle.crt", "/etc/ssl/cert.pem")

NOT_INTERCEPTED = ("No Pinterest API call went through the proxy while the command ran: it made none, or "
                   "its HTTP client ignores the proxy variables pinscope set. What each client needs:")


def client_hints(proxy_url: str) -> list[str]:
    """The per-client setting that routes it through `proxy_url`, for the not-intercepted summary."""
    port = proxy_url.rsplit(":", 1)[-1]
    return [
        "Python requests, httpx, urllib: read HTTPS_PROXY and SSL_CERT_FILE/REQUESTS_CA_BUNDLE, unless the code "
        "sets trust_env=False or proxies of its own; aiohttp reads them only with ClientSession(trust_env=True)",
        "Pinterest's Python SDK (pinterest-api-sdk): configuration.proxy = os.environ['HTTPS_PROXY'] and "
        "configuration.ssl_ca_cert = os.environ['SSL_CERT_FILE'] on its Configuration",
        "Node's built-in fetch: ignores HTTPS_PROXY before Node 24 (22.21 and later honour the "
        "NODE_USE_ENV_PROXY=1 pinscope sets); on older Node call undici's "
        "setGlobalDispatcher(new EnvHttpProxyAgent()) first, or pass a ProxyAgent as the dispatcher",
        "curl and Go's net/http read HTTPS_PROXY; the JVM needs -Dhttps.proxyHost=127.0.0.1 "
        f"-Dhttps.proxyPort={port} (e.g. in JAVA_TOOL_OPTIONS) and mitmproxy's CA in its trust store",
    ]


def system_ca_file() -> Path | None:
    """The platform's bundle of trusted roots: OpenSSL's default, a well-known path, or certifi's."""
    candidates = [ssl.get_default_verify_paths().cafile, *SYSTEM_BUNDLES]
    try:
        import certifi  # a mitmproxy dependency; imported here as a fallback only

        candidates.append(certifi.where())
    except ImportError:
        pass
    return next((Path(c) for c in candidates if c and Path(c).is_file()), None)


def user_ca_files(environ: Mapping[str, str]) -> list[Path]:
    """CA files the user already points clients at (a company's roots): the bundle keeps them trusted."""
    return [Path(environ[name]) for name in CA_VARIABLES if environ.get(name) and Path(environ[name]).is_file()]


def write_bundle(folder: Path, mitm_ca: Path, environ: Mapping[str, str]) -> Path:
    """Write the system roots, the user's CA files and mitmproxy's CA as one PEM file in `folder`."""
    sources: list[Path] = []
    for path in [system_ca_file(), *user_ca_files(environ), mitm_ca]:
        if path is not None and all(not same_file(path, seen) for seen in sources):
            sources.append(path)
    parts = [path.read_text(encoding="utf-8", errors="replace").strip() for path in sources]
    bundle = folder / BUNDLE_FILE
    descriptor = os.open(bundle, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
        handle.write("\n".join(part for part in parts if part) + "\n")
    return bundle


def client_env(environ: Mapping[str, str], proxy_url: str, bundle: Path) -> dict[str, str]:
    """`environ` with every proxy and CA variable common clients read pointed at pinscope's proxy."""
    env = dict(environ)
    env.update({name: proxy_url for name in PROXY_VARIABLES})
    env.update({name: LOOPBACK for name in NO_PROXY_VARIABLES})
    env.update({name: str(bundle) for name in CA_VARIABLES})
    env.update(NODE_PROXY)
    return env
