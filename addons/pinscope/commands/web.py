"""`pinscope web`: mitmweb with the pinscope addon and the comment column shown."""

from __future__ import annotations

import argparse
import sys

from pinscope.commands.mitm import LOCALHOST, entry_script, launch, tool_command

# Valid names: mitmproxy/tools/web/web_columns.py (AVAILABLE_WEB_COLUMNS).
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
    # pinscope_banner: the addon says where mitmweb really listens once running, after mitmweb has
    # parsed every argument itself (abbreviations, --set, --mode ...@host:port, config.yaml).
    return [*tool_command("mitmweb"), "-s", str(entry_script()), "--listen-host", LOCALHOST,
            "--web-host", LOCALHOST, *columns, "--set", "pinscope_banner=true", *extra]


def run(args: argparse.Namespace) -> int:
    """Start mitmweb; once it listens, the addon says where."""
    command = build_command(args.mitmproxy_args)
    sys.stderr.write("pinscope: starting mitmweb with the pinscope addon; it says where the web UI and "
                     "the proxy listen once they do. Stop with Ctrl-C.\n")
    return launch(command)
