"""`pinscope scopes METHOD PATH`: one operation's scopes; `pinscope scopes --plan CAPTURE`: a session's plan."""

from __future__ import annotations

import argparse
import re
from urllib.parse import urlsplit


from pinscope.analyze import analyze_path
from pinscope.catalog import default_catalog
from pinscope.commands import CommandError
from pinscope.console import print_operation, print_scope_plan
from pinscope.terminal import Terminal
from pinscope.report.plan import session_scope_plan

METHOD = re.compile(r"^[A-Za-z]{3,7}$")
VERSION = re.compile(r"^/v(\d+)(?=/|$)")


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the `scopes` subcommand."""
    parser = subparsers.add_parser(
        "scopes", help="explain one operation's scopes, or plan the scopes a capture needs (--plan)",
        description="Explain one Pinterest API v5 operation. PATH may be a template "
                    "(/v5/pins/{pin_id}), a concrete path (/v5/pins/123) or a full URL. "
                    "With --plan CAPTURE: the smallest set of scopes every call in the capture needs.")
    parser.add_argument("method", metavar="METHOD", nargs="?", help="GET, POST, PATCH, PUT or DELETE")
    parser.add_argument("path", metavar="PATH", nargs="?", help="the API path, with or without /v5")
    parser.add_argument("--plan", metavar="CAPTURE",
                        help="instead: the least-privilege scopes for every call in a capture (.mitm or .har), "
                             "how each token fits them, and the authorization URL")
    parser.set_defaults(run=run)


def api_path(text: str) -> str:
    """`https://api.pinterest.com/v5/pins/1?x=1` -> `/pins/1`; other API versions are refused."""
    path = urlsplit(text).path if "://" in text else text.partition("?")[0]
    path = "/" + path.lstrip("/")
    version = VERSION.match(path)
    if version and version.group(1) != "5":
        raise CommandError(f"{text}: pinscope knows Pinterest API v5 only")
    return path.removeprefix("/v5") or "/"


def run(args: argparse.Namespace) -> int:
    """Print the operation, or fail with the methods the path does allow; or print a capture's plan."""
    if args.plan is not None:
        if args.method is not None:
            raise CommandError("give either METHOD PATH or --plan CAPTURE, not both")
        return run_plan(args.plan)
    if args.method is None or args.path is None:
        raise CommandError("give METHOD PATH (e.g. GET /v5/pins/{pin_id}) or --plan CAPTURE")
    if not METHOD.match(args.method):
        raise CommandError(f"{args.method!r} is not an HTTP method")
    method, path = args.method.upper(), api_path(args.path)
    catalog = default_catalog()
    op = catalog.find(method, path)
    if op is None:
        match = catalog.match(method, path)
        if match.allowed_methods:
            raise CommandError(f"unknown operation {method} /v5{path}: that path allows "
                               f"{', '.join(match.allowed_methods)}")
        raise CommandError(f"unknown operation {method} /v5{path}: no Pinterest API v5 path matches")
    print_operation(Terminal(), op)
    return 0


def run_plan(capture_path: str) -> int:
    """Analyze the capture as `pinscope analyze` does and print its scope plan."""
    engine = analyze_path(capture_path)
    if not engine.session.operations:
        raise CommandError(f"{capture_path}: no Pinterest API v5 operation was called in this capture")
    print_scope_plan(Terminal(), session_scope_plan(engine.session, engine.catalog))
    return 0
