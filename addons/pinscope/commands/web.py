"""`pinscope web`: mitmweb with the pinscope addon and the comment column shown."""

from __future__ import annotations

import argparse
import sys
from urllib.parse import urlsplit

from pinscope.commands.mitm import LOCALHOST, entry_script, launch, tool_command

# Valid names: mitmproxy/tools/web/web_columns.py (AVAILABLE_WEB_COLUMNS).
LOOPBACK = ("127.0.0.1", "localhost", "::1")
WEB_COLUMNS = ("icon", "method", "path", "status", "comment", "size", "time")


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the `web` subcommand."""
    parser = subparsers.add_parser(
        "web", help="start mitmweb with pinscope (proxy on 127.0.0.1:8080, UI on 127.0.0.1:8081)",
        description="Start mitmweb with the pinscope addon, its comment column shown, bound to "
                    "127.0.0.1. Any other arguments go to mitmweb (see `mitmweb --help`), e.g. "
                    "`pinscope web --listen-port 9090 --set pinscope_report=report.json`.")
    parser.set_defaults(run=run, passthrough=True)


def build_command(extra: list[str]) -> list[str]:
    """The mitmweb command line; the user's arguments come last so they win."""
    columns = [arg for column in WEB_COLUMNS for arg in ("--set", f"web_columns={column}")]
    return [*tool_command("mitmweb"), "-s", str(entry_script()),
            "--listen-host", LOCALHOST, "--web-host", LOCALHOST, *columns, *extra]


def addresses(extra: list[str]) -> tuple[str, str]:
    """(proxy address, web UI address) after the user's own arguments."""
    parser = argparse.ArgumentParser(add_help=False, allow_abbrev=False)
    parser.add_argument("--listen-host", default=LOCALHOST)
    parser.add_argument("-p", "--listen-port", default="8080")
    parser.add_argument("--web-host", default=LOCALHOST)
    parser.add_argument("--web-port", default="8081")
    parser.add_argument("--set", action="append", default=[])
    known, _ = parser.parse_known_args(extra)
    values = vars(known)
    for spec in known.set:
        name, _, value = spec.partition("=")
        if name in ("listen_host", "listen_port", "web_host", "web_port"):
            values[name] = value
    return (f"{values['listen_host']}:{values['listen_port']}",
            f"http://{values['web_host']}:{values['web_port']}/")


def _reach(url: str) -> str:
    """Who can reach a listening address, in words."""
    host = urlsplit(url).hostname or ""
    return "this machine only" if host in LOOPBACK else f"WARNING: reachable from other machines via {host}"


def _access(extra: list[str]) -> str:
    """How mitmweb guards its UI: the user's password, else its own access token (always on)."""
    if any(arg.startswith("web_password=") and arg != "web_password=" for arg in extra):
        return "mitmweb asks for the web_password you set"
    return "mitmweb requires its access token: use the address it opens, or the one it prints below with ?token="


def run(args: argparse.Namespace) -> int:
    """Start mitmweb and say how to reach it."""
    command = build_command(args.mitmproxy_args)
    proxy, ui = addresses(args.mitmproxy_args)
    sys.stderr.write(
        f"pinscope: starting mitmweb with the pinscope addon.\n"
        f"  Web UI: {ui} ({_reach(ui)}; {_access(args.mitmproxy_args)})\n"
        f"  Proxy:  {proxy} (send your client's traffic through it; trust the mitmproxy CA from "
        f"http://mitm.it, opened through the proxy)\n"
        f"  Stop with Ctrl-C.\n")
    return launch(command)
