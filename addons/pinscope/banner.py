"""Where mitmproxy really listens, said once it runs (`pinscope web` and `pinscope dump` ask for it).

Read back from mitmproxy itself after its own argument parsing (abbreviations such as `--web-ho`,
`--listen-host=`, `--set`, `--mode ...@host:port`, config.yaml), never guessed from the command line.
"""

from __future__ import annotations

import ipaddress
import logging
from dataclasses import dataclass
from typing import Any

LOOPBACK_NAMES = frozenset({"localhost"})
Address = tuple[str, int]


@dataclass(frozen=True)
class Listening:
    """The addresses the proxy servers bound, and mitmweb's UI address (None under mitmdump)."""

    proxy: tuple[Address, ...]
    web: Address | None
    web_password: bool


def is_loopback(host: str) -> bool:
    """Whether only this machine can reach `host`; '' (every interface) and other names cannot say so."""
    if host.lower() in LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(host.partition("%")[0]).is_loopback
    except ValueError:
        return False


def show(address: Address) -> str:
    """`127.0.0.1:8080`, `[::1]:8080`, `*:8080` (every interface)."""
    host, port = address
    if not host:
        return f"*:{port}"
    return f"[{host}]:{port}" if ":" in host else f"{host}:{port}"


def lines(listening: Listening) -> list[tuple[int, str]]:
    """The banner as (logging level, line): the UI, the proxy, then one warning for exposed addresses."""
    said: list[tuple[int, str]] = []
    if listening.web is not None:
        access = ("mitmweb asks for the web_password you set" if listening.web_password else
                  "mitmweb requires its access token: open the address it printed with ?token=")
        said.append((logging.INFO, f"pinscope: web UI http://{show(listening.web)}/ "
                                   f"({_reach([listening.web])}; {access})"))
    if listening.proxy:
        said.append((logging.INFO, f"pinscope: proxy {', '.join(show(a) for a in listening.proxy)} "
                                   f"({_reach(listening.proxy)}; send your client's traffic through it and "
                                   f"trust the mitmproxy CA from http://mitm.it, opened through the proxy)"))
    else:
        said.append((logging.INFO, "pinscope: the proxy is not listening (no server, e.g. -n)"))
    exposed = [f"proxy {show(a)}" for a in listening.proxy if not is_loopback(a[0])]
    if listening.web is not None and not is_loopback(listening.web[0]):
        exposed.append(f"web UI {show(listening.web)}")
    if exposed:
        said.append((logging.WARNING, f"pinscope: WARNING: reachable from other machines: "
                                      f"{', '.join(exposed)} (use --listen-host 127.0.0.1 / "
                                      f"--web-host 127.0.0.1 unless you mean it)"))
    return said


def dashboard_lines(host: str, url: str) -> list[tuple[int, str]]:
    """The live dashboard's address (its token included, as mitmweb prints its own), warning when exposed."""
    said = [(logging.INFO, f"pinscope: dashboard {url} ({_reach([(host, 0)])}; the session as the report "
                           f"shows it, updated live)")]
    if not is_loopback(host):
        said.append((logging.WARNING, f"pinscope: WARNING: reachable from other machines: dashboard on "
                                      f"{host or 'every interface'} (set pinscope_dashboard_host=127.0.0.1 "
                                      f"unless you mean it)"))
    return said


def _reach(addresses: list[Address] | tuple[Address, ...]) -> str:
    if all(is_loopback(host) for host, _ in addresses):
        return "this machine only"
    return "reachable from other machines"


def listening(master: Any, options: Any) -> Listening:
    """What mitmproxy bound: the proxy servers' socket addresses, the UI's options (mitmweb binds them
    before the running() hook, or fails to start)."""
    server = master.addons.get("proxyserver")
    bound = server.listen_addrs() if server is not None else []
    proxy = tuple(dict.fromkeys((str(addr[0]), int(addr[1])) for addr in bound))
    web = (options.web_host, options.web_port) if "web_host" in options else None
    password = bool(options.web_password) if "web_password" in options else False
    return Listening(proxy, web, password)


def announce(master: Any, options: Any, logger: logging.Logger) -> None:
    """Log the banner (no ERROR level: during running() mitmproxy would take that for a failed start)."""
    for level, line in lines(listening(master, options)):
        logger.log(level, "%s", line)
