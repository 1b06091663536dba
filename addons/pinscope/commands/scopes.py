"""`pinscope scopes METHOD PATH`: which scopes, category and sandbox status an operation has."""

from __future__ import annotations

import argparse
import re
from urllib.parse import urlsplit

from rich.console import Console

from pinscope.catalog import default_catalog
from pinscope.commands import CommandError
from pinscope.console import print_operation

METHOD = re.compile(r"^[A-Za-z]{3,7}$")
VERSION = re.compile(r"^/v(\d+)(?=/|$)")


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the `scopes` subcommand."""
    parser = subparsers.add_parser(
        "scopes", help="explain one operation: scopes, rate-limit category, sandbox",
        description="Explain one Pinterest API v5 operation. PATH may be a template "
                    "(/v5/pins/{pin_id}), a concrete path (/v5/pins/123) or a full URL.")
    parser.add_argument("method", metavar="METHOD", help="GET, POST, PATCH, PUT or DELETE")
    parser.add_argument("path", metavar="PATH", help="the API path, with or without /v5")
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
    """Print the operation, or fail with the methods the path does allow."""
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
    print_operation(Console(), op)
    return 0
