"""`pinscope dump`: mitmdump with the pinscope addon printing one line per finding."""

from __future__ import annotations

import argparse
import sys

from pinscope.commands.mitm import (LOCALHOST, add_simulator_flag, entry_script, launch, simulator_args,
                                   tool_args, tool_command)


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the `dump` subcommand."""
    parser = subparsers.add_parser(
        "dump", help="start mitmdump with pinscope: one coloured line per finding",
        description="Start mitmdump with the pinscope addon, printing a compact line per finding "
                    "(tokens masked), proxy bound to 127.0.0.1. Any other arguments go to mitmdump "
                    "(see `mitmdump --help`), e.g. `pinscope dump -n -r capture.mitm`; "
                    "`--flow-detail 1` adds mitmdump's own line per flow, with raw URLs.")
    add_simulator_flag(parser)
    parser.set_defaults(run=run, passthrough=True)


def build_command(extra: list[str], *, simulator: bool = False) -> list[str]:
    """The mitmdump command line (`simulator`: mount it); the user's arguments come last so they win."""
    # Flags, not --set, for defaults a user may override: a repeated --set of a scalar is an error.
    # flow_detail 0: mitmdump's own flow lines print raw URLs, query-string tokens included.
    # pinscope_banner: the addon says where the proxy really listens, once mitmdump parsed its arguments.
    return [*tool_command("mitmdump"), "-s", str(entry_script()), "--listen-host", LOCALHOST,
            "--flow-detail", "0", "--set", "pinscope_terminal=true", "--set", "pinscope_banner=true",
            *(simulator_args() if simulator else []), *extra]


def run(args: argparse.Namespace) -> int:
    """Start mitmdump."""
    simulator, extra = tool_args(args)
    command = build_command(extra, simulator=simulator)
    sys.stderr.write("pinscope: starting mitmdump with the pinscope addon; it says where the proxy "
                     "listens once it does. Stop with Ctrl-C.\n")
    return launch(command)
