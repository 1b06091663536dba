"""`pinscope doctor`: what usually breaks interception, one line per check with its fix."""

from __future__ import annotations

import argparse
import os
from collections.abc import Iterable

from rich.console import Console
from rich.text import Text

from pinscope.commands import CommandError
from pinscope.doctor import all_checks, proxy_address
from pinscope.doctor_trust import Check
from pinscope.terminal import Terminal

STYLE = {"OK": "green", "WARN": "yellow", "FAIL": "bold red"}
FAILED = 1


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the `doctor` subcommand."""
    parser = subparsers.add_parser(
        "doctor", help="check this machine: versions, mitmproxy's CA and who trusts it, proxy variables, "
                       "ports, DNS",
        description="Check what usually stops pinscope from seeing a client's calls, one line per check "
                    "with its fix. Exit status 0 when every check passes, 1 when one fails (WARN lines "
                    "do not fail). Nothing is sent to Pinterest unless --proxy is given.")
    parser.add_argument("--confdir", metavar="DIR",
                        help="mitmproxy's configuration folder holding its CA (default ~/.mitmproxy)")
    parser.add_argument("--proxy", metavar="URL",
                        help="a running proxy (e.g. http://127.0.0.1:8080 from `pinscope web`): check "
                             "that calls to both Pinterest hosts get an answer through it")
    parser.set_defaults(run=run)


def print_checks(console: Console, checks: Iterable[Check]) -> None:
    """One line per check: status, name, what was seen, and the fix when there is one."""
    for check in checks:
        line = Text.assemble((f"{check.status:<4}", STYLE[check.status]), "  ", (check.name, "bold"),
                             ": ", check.detail)
        if check.fix:
            line.append_text(Text.assemble((". Fix: ", "bold"), check.fix))
        console.print(line, soft_wrap=True, highlight=False)


def run(args: argparse.Namespace) -> int:
    """Run every check, print them; 1 when any failed."""
    proxy = None
    if args.proxy is not None:
        proxy = proxy_address(args.proxy)
        if proxy is None:
            raise CommandError(f"--proxy: expected http://HOST:PORT, not {args.proxy!r}")
    checks = all_checks(os.environ, args.confdir, proxy)
    print_checks(Terminal(), checks)
    return FAILED if any(check.status == "FAIL" for check in checks) else 0
