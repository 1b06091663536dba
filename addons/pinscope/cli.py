"""The `pinscope` command: argparse front end; each subcommand lives in pinscope.commands.<name>."""

from __future__ import annotations

import argparse
import importlib
import os
import sys
from collections.abc import Sequence
from typing import NoReturn

from pinscope.capture import CaptureError
from pinscope.commands import CommandError
from pinscope.report import ReportPathError
from pinscope.rulebook import RuleFileError
from pinscope.untrusted import clean

# Subcommand modules, in help order; each exposes `register(subparsers)`.
COMMANDS = ("demo", "web", "dump", "run", "analyze", "redact", "rules", "scopes", "simulate", "doctor")
USAGE_ERROR = 2
INTERNAL_ERROR = 70  # EX_SOFTWARE: a bug in pinscope, told apart from bad input
DEBUG_ENV = "PINSCOPE_DEBUG"  # set to 1 to see the traceback of an internal error


class Parser(argparse.ArgumentParser):
    """argparse with whole option names only and one-line errors."""

    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault("allow_abbrev", False)  # an abbreviation could swallow a mitmproxy option
        super().__init__(*args, **kwargs)

    def error(self, message: str) -> NoReturn:
        """Print `pinscope CMD: error: ...` on one line and exit 2."""
        sys.stderr.write(f"{self.prog}: error: {message} (see `{self.prog} --help`)\n")
        raise SystemExit(USAGE_ERROR)


def build_parser() -> Parser:
    """The parser with every subcommand registered."""
    parser = Parser(prog="pinscope", description="Diagnose Pinterest API v5 traffic with mitmproxy: "
                    "scopes, tokens, sandbox, rate limits and the problems Pinterest's FAQ answers.")
    subparsers = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for name in COMMANDS:
        importlib.import_module(f"pinscope.commands.{name}").register(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run `pinscope` with `argv` (default: the process arguments); the exit status."""
    parser = build_parser()
    try:
        args, extra = parser.parse_known_args(argv)
        if extra and not getattr(args, "passthrough", False):
            parser.error(f"unrecognized arguments: {' '.join(extra)}")
        if "--" in extra:  # pinscope's own separator; mitmproxy needs none
            extra.remove("--")
        args.mitmproxy_args = extra
        return args.run(args)
    except SystemExit as exit_:  # argparse's --help and usage errors
        return exit_.code if isinstance(exit_.code, int) else USAGE_ERROR
    except (CommandError, CaptureError, ReportPathError, RuleFileError) as err:
        sys.stderr.write(f"pinscope: error: {err}\n")
        return USAGE_ERROR
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:  # the reader of standard output left (`pinscope rules | head`): not a failure
        from pinscope.terminal import discard_stdout  # imported only on this path

        discard_stdout()
        return 0
    except Exception as err:  # noqa: BLE001 - the last resort: one line, never a traceback
        if os.environ.get(DEBUG_ENV):
            raise
        sys.stderr.write(f"pinscope: internal error: {type(err).__name__}: {clean(err)} "
                         f"(set {DEBUG_ENV}=1 to see the traceback, and please report it)\n")
        return INTERNAL_ERROR


if __name__ == "__main__":
    sys.exit(main())
