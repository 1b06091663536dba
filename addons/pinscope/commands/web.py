"""`pinscope web`: mitmweb with the pinscope addon and the comment column shown."""

from __future__ import annotations

import argparse
import sys

from pinscope.commands.mitm import (LOCALHOST, add_simulator_flag, entry_script, launch, simulator_args,
                                   tool_args, tool_command)

# Valid names: mitmproxy/tools/web/web_columns.py (AVAILABLE_WEB_COLUMNS).
# The comment (`<rule-id>: <essence>`) before the path, so it is read first and never pushed aside.
WEB_COLUMNS = ("icon", "method", "comment", "path", "status", "size", "time")


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the `web` subcommand."""
    parser = subparsers.add_parser(
        "web", help="start mitmweb with pinscope (proxy on 127.0.0.1:8080, UI on 127.0.0.1:8081)",
        description="Start mitmweb with the pinscope addon, its comment column shown, bound to "
                    "127.0.0.1. Any other arguments go to mitmweb (see `mitmweb --help`), e.g. "
                    "`pinscope web --listen-port 9090 --set pinscope_report=report.json`.")
    add_simulator_flag(parser)
    parser.set_defaults(run=run, passthrough=True)


def build_command(extra: list[str], *, simulator: bool = False) -> list[str]:
    """The mitmweb command line (`simulator`: mount it); the user's arguments come last so they win."""
    columns = [arg for column in WEB_COLUMNS for arg in ("--set", f"web_columns={column}")]
    # pinscope_banner: the addon says where mitmweb really listens once running, after mitmweb has
    # parsed every argument itself (abbreviations, --set, --mode ...@host:port, config.yaml), and with
    # pinscope_dashboard where its live dashboard is.
    return [*tool_command("mitmweb"), "-s", str(entry_script()), "--listen-host", LOCALHOST,
            "--web-host", LOCALHOST, *columns, "--set", "pinscope_banner=true",
            "--set", "pinscope_dashboard=true",
            *(simulator_args() if simulator else []), *extra]


def run(args: argparse.Namespace) -> int:
    """Start mitmweb; once it listens, the addon says where."""
    simulator, extra = tool_args(args)
    command = build_command(extra, simulator=simulator)
    sys.stderr.write("pinscope: starting mitmweb with the pinscope addon; it says where the web UI and "
                     "the proxy listen once they do. Stop with Ctrl-C.\n")
    return launch(command)
