"""`pinscope rules [ID]`: every rule as a table, or one rule in full."""

from __future__ import annotations

import argparse
import difflib


from pinscope.commands import CommandError
from pinscope.console import print_rule, print_rules
from pinscope.terminal import Terminal
from pinscope.rulebook import default_examples, default_rules


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the `rules` subcommand."""
    parser = subparsers.add_parser("rules", help="list the rules, or show one in full",
                                   description="List every rule (id, severity, title, docs), or "
                                               "show one rule's full text.")
    parser.add_argument("rule_id", metavar="ID", nargs="?", help="a rule id, e.g. insufficient-scope")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    """Print the rule table or one rule."""
    rules = default_rules()
    console = Terminal()
    if args.rule_id is None:
        print_rules(console, rules.values())
        return 0
    rule = rules.get(args.rule_id)
    if rule is None:
        close = difflib.get_close_matches(args.rule_id, rules, n=3)
        hint = f"did you mean {', '.join(close)}?" if close else "`pinscope rules` lists them"
        raise CommandError(f"unknown rule id {args.rule_id!r} ({hint})")
    print_rule(console, rule, default_examples().get(rule.id))
    return 0
