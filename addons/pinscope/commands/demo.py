"""`pinscope demo`: the offline demo (mitmweb + pinscope + the simulator + a scripted client)."""

from __future__ import annotations

import argparse
from pathlib import Path

from pinscope.commands import CommandError
from pinscope.report import check_report_path

DEFAULT_REPORT = "pinscope-demo-report.html"  # a page to open in a browser


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the `demo` subcommand."""
    parser = subparsers.add_parser(
        "demo", help="see pinscope work offline: mitmweb, a local Pinterest API simulator, scripted calls",
        description="Start mitmweb with pinscope and a Pinterest API v5 simulator mounted inside the proxy "
                    "(nothing leaves the machine), play a scripted client through it with real TLS "
                    "interception, print the mitmweb URL and what to look at, and run until Ctrl-C. "
                    "The proxy and web UI listen on 127.0.0.1; mitmproxy's CA for the demo is created in a "
                    "temporary folder that is removed at exit.")
    parser.add_argument("--headless", action="store_true",
                        help="run the scenario under mitmdump instead, print the summary and exit "
                             "(status 1 when a core rule did not show up)")
    parser.add_argument("--rehearse", action="store_true",
                        help="play a well-behaved and a careless variant of one client under a fault plan "
                             "(pinscope_rehearse_faults) and show how the report grades their recovery")
    parser.add_argument("--report", metavar="PATH", default=DEFAULT_REPORT,
                        help=f"where the report is written when the demo stops (.html, .md or .json; default "
                             f"{DEFAULT_REPORT} in the current folder)")
    parser.add_argument("--listen-port", type=int, default=8080, metavar="N",
                        help="proxy port (default 8080, or any free port when it is taken; 0: any free port)")
    parser.add_argument("--web-port", type=int, default=8081, metavar="N",
                        help="web UI port (default 8081, or any free port when it is taken; 0: any free port)")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    """Run the demo."""
    from pinscope.demo.launcher import free_port  # the demo imports httpx; other commands do not need it
    from pinscope.demo.run import run_demo

    for name in ("listen_port", "web_port"):
        if not 0 <= getattr(args, name) <= 65535:
            raise CommandError(f"--{name.replace('_', '-')} must be a port number (0-65535)")
    report = check_report_path(Path(args.report).resolve())
    return run_demo(report, headless=args.headless, listen_port=free_port(args.listen_port),
                    web_port=free_port(args.web_port), rehearse=args.rehearse)
