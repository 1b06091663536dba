"""`pinscope redact CAPTURE -o OUT.har`: a capture safe to share, with pinscope's findings on each call."""

from __future__ import annotations

import argparse

from pinscope.redacthar import redact_capture
from pinscope.terminal import Terminal


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the `redact` subcommand."""
    parser = subparsers.add_parser(
        "redact", help="write a capture as a HAR with every secret masked and the findings attached",
        description="Read a capture (.mitm flow file or .har), analyse it as `analyze` does, and write a "
                    "HAR 1.2 in which every token, cookie and secret is replaced by its fingerprint, with "
                    "pinscope's findings on each entry (`_pinscope`): safe to send to a teammate or "
                    "Pinterest support.")
    parser.add_argument("capture", metavar="CAPTURE", help="a .mitm flow file or a .har archive")
    parser.add_argument("-o", "--output", metavar="OUT.har", required=True,
                        help="the HAR to write (replaced atomically, readable only by you)")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    """Redact the capture into the output HAR."""
    count = redact_capture(args.capture, args.output)
    Terminal().print(f"{count} entr{'y' if count == 1 else 'ies'} written to {args.output} (secrets masked)",
                     highlight=False, markup=False, soft_wrap=True)
    return 0
