"""`pinscope doctor`'s checks: versions, proxy variables, ports, DNS and a request through a proxy."""

from __future__ import annotations

import http.client
import socket
import ssl
import sys
import threading
from collections.abc import Callable, Mapping
from importlib import metadata
from pathlib import Path
from urllib.parse import urlsplit

from pinscope.doctor_trust import Check, ca_path, check_ca, trust_checks

MIN_PYTHON = (3, 12)
MIN_MITMPROXY = (12, 3)  # as pyproject.toml requires
HOSTS = ("api.pinterest.com", "api-sandbox.pinterest.com")
PORTS = (8080, 8081)  # mitmweb's proxy and web UI defaults
LOOPBACK = "127.0.0.1"
DNS_TIMEOUT = 3.0  # getaddrinfo has no timeout of its own; an offline resolver may hang far longer
PROXY_TIMEOUT = 10.0
PROBE_PATH = "/v5/user_account"  # any answer will do: without a token Pinterest says 401
UNREACHABLE = {502, 504}  # mitmproxy's own answer when it cannot reach the server
PROXY_VARIABLES = ("HTTPS_PROXY", "https_proxy", "HTTP_PROXY", "http_proxy")
Resolver = Callable[..., object]


def version_checks(python: tuple[int, ...] = sys.version_info[:3]) -> list[Check]:
    """Python and mitmproxy versions against what pinscope needs."""
    shown = ".".join(map(str, python))
    checks = [Check("OK", "Python", shown) if python >= MIN_PYTHON else
              Check("FAIL", "Python", f"{shown} is older than 3.12", "install Python 3.12 or newer")]
    try:
        version = metadata.version("mitmproxy")
    except metadata.PackageNotFoundError:
        return [*checks, Check("FAIL", "mitmproxy", "not installed", "pip install 'mitmproxy>=12.3'")]
    numbers = tuple(int(part) for part in version.split(".")[:2] if part.isdigit())
    if numbers < MIN_MITMPROXY:
        return [*checks, Check("FAIL", "mitmproxy", f"{version} is older than 12.3", "pip install -U mitmproxy")]
    return [*checks, Check("OK", "mitmproxy", version)]


def _shown(url: str) -> str:
    """A proxy URL without its user and password."""
    parts = urlsplit(url if "://" in url else f"http://{url}")
    return f"{parts.scheme}://{parts.hostname or '?'}{f':{parts.port}' if parts.port else ''}"


def bypasses(no_proxy: str, host: str) -> bool:
    """Whether a NO_PROXY value sends `host` around the proxy (curl/requests suffix matching)."""
    for entry in (part.strip().lower() for part in no_proxy.split(",")):
        domain = entry.rsplit(":", 1)[0].lstrip("*").lstrip(".")
        if entry == "*" or (domain and (host == domain or host.endswith("." + domain))):
            return True
    return False


def proxy_env_checks(env: Mapping[str, str]) -> list[Check]:
    """HTTPS_PROXY/HTTP_PROXY (either case) and whether NO_PROXY would bypass pinscope."""
    run_hint = f"export HTTPS_PROXY=http://{LOOPBACK}:8080 where your client runs, or use `pinscope run`"
    https = {name: env[name] for name in PROXY_VARIABLES[:2] if env.get(name)}
    if not https:
        plain = [name for name in PROXY_VARIABLES[2:] if env.get(name)]
        detail = (f"only {plain[0]} is set: HTTPS calls to Pinterest ignore it" if plain
                  else "no HTTPS_PROXY: clients here connect directly, pinscope sees nothing")
        checks = [Check("WARN", "proxy variables", detail, run_hint)]
    elif len(set(https.values())) > 1:
        checks = [Check("WARN", "proxy variables", "HTTPS_PROXY and https_proxy differ: clients disagree "
                        "which wins", "set both to the same address")]
    else:
        checks = [Check("OK", "proxy variables", f"HTTPS_PROXY={_shown(next(iter(https.values())))}")]
    for name in ("NO_PROXY", "no_proxy"):
        covered = [host for host in HOSTS if bypasses(env.get(name, ""), host)]
        if covered:
            checks.append(Check("FAIL", name, f"covers {', '.join(covered)}: those calls bypass pinscope",
                                f"remove the entry matching {covered[0]} from {name}"))
    return checks


def port_checks(ports: tuple[int, ...] = PORTS, host: str = LOOPBACK) -> list[Check]:
    """Whether each port can be bound on `host` (another program listening there stops mitmweb)."""
    checks = []
    for port in ports:
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as servers do: TIME_WAIT is free
            try:
                sock.bind((host, port))
            except OSError as err:
                checks.append(Check("WARN", f"port {port}", f"{host}:{port} is in use ({err.strerror or err})",
                                    "a running pinscope? otherwise stop that program or pass "
                                    "--listen-port / --web-port to `pinscope web`"))
                continue
        checks.append(Check("OK", f"port {port}", f"{host}:{port} is free"))
    return checks


def resolve_error(host: str, timeout: float = DNS_TIMEOUT, resolve: Resolver | None = None) -> str | None:
    """Why `host` does not resolve within `timeout` seconds, or None when it does."""
    outcome: list[str | None] = []

    def lookup() -> None:
        try:
            (resolve or socket.getaddrinfo)(host, 443, type=socket.SOCK_STREAM)
            outcome.append(None)
        except (OSError, UnicodeError) as err:
            outcome.append(str(err) or type(err).__name__)

    worker = threading.Thread(target=lookup, daemon=True)  # a stuck resolver must not hold the exit
    worker.start()
    worker.join(timeout)
    return outcome[0] if outcome else f"no answer within {timeout:g} s"


def dns_checks(hosts: tuple[str, ...] = HOSTS, timeout: float = DNS_TIMEOUT) -> list[Check]:
    """Whether each Pinterest host name resolves (DNS only; nothing is sent to it)."""
    checks = []
    for host in hosts:
        error = resolve_error(host, timeout)
        checks.append(Check("OK", f"DNS {host}", "resolves") if error is None else
                      Check("FAIL", f"DNS {host}", f"does not resolve: {error}",
                            "check this machine's network and DNS; `pinscope web --simulator` works offline"))
    return checks


def proxy_address(url: str) -> tuple[str, int] | None:
    """(host, port) of an http:// proxy URL, or None when it is not one."""
    try:
        parts = urlsplit(url)
        port = parts.port or 8080
    except ValueError:
        return None
    return (parts.hostname, port) if parts.scheme == "http" and parts.hostname else None


def through_proxy(proxy: tuple[str, int], host: str, ca: Path, timeout: float = PROXY_TIMEOUT) -> Check:
    """GET https://host/v5/user_account through the proxy, trusting mitmproxy's CA: any answer passes."""
    name, where = f"{host} through the proxy", f"http://{proxy[0]}:{proxy[1]}"
    context = ssl.create_default_context()
    if ca.is_file():
        context.load_verify_locations(cafile=str(ca))
    # http.client, not urllib: urllib would honour NO_PROXY and skip the very proxy being checked.
    connection = http.client.HTTPSConnection(*proxy, timeout=timeout, context=context)
    connection.set_tunnel(host, 443)
    try:
        connection.request("GET", PROBE_PATH, headers={"Accept": "application/json"})
        status = connection.getresponse().status
    except ssl.SSLCertVerificationError as err:
        return Check("FAIL", name, f"certificate not trusted ({err.verify_message})",
                     f"pass --confdir with the proxy's own confdir (its CA is not {ca})")
    except ConnectionRefusedError:
        return Check("FAIL", name, f"nothing listens at {where}", "start `pinscope web` or `pinscope dump`, "
                     "or pass the address it prints")
    except (OSError, http.client.HTTPException) as err:
        return Check("FAIL", name, f"no answer through {where} ({type(err).__name__}: {err})",
                     "check that the proxy runs and can reach the internet (or runs with --simulator)")
    finally:
        connection.close()
    if status in UNREACHABLE:
        return Check("FAIL", name, f"the proxy answered {status}: it could not reach {host}",
                     "check the proxy machine's network, or start it with --simulator")
    return Check("OK", name, f"answered {status} through {where}")


def all_checks(env: Mapping[str, str], confdir: str | None = None,
               proxy: tuple[str, int] | None = None) -> list[Check]:
    """Every check, in the order `pinscope doctor` prints them."""
    ca = ca_path(confdir)
    ca_check, der = check_ca(ca)
    checks = [*version_checks(), ca_check, *(trust_checks(der, ca, env) if der else [])]
    checks += [*proxy_env_checks(env), *port_checks(PORTS), *dns_checks(HOSTS)]
    if proxy is not None:
        checks += [through_proxy(proxy, host, ca) for host in HOSTS]
    return checks
