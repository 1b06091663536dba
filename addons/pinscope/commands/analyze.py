"""`pinscope analyze CAPTURE`: the same rules offline, a summary, reports, and a CI gate."""

from __future__ import annotations

import argparse
from pathlib import Path

from pinscope.analyze import analyze_path
from pinscope.capture import same_file
from pinscope.commands import CommandError
from pinscope.console import print_summary
from pinscope.terminal import Terminal
from pinscope.detectors import Settings
from pinscope.report import build_report, check_report_path, write_report
from pinscope.report.ci import check_junit_path, gate_status, write_ci_outputs
from pinscope.rulebook import Severity, default_rules
from pinscope.settings import project_settings, with_project_defaults

LEVELS = [s.value for s in Severity]


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the `analyze` subcommand."""
    parser = subparsers.add_parser(
        "analyze", help="analyze a recorded capture (.mitm flow file or .har) offline",
        description="Run pinscope's rules over a capture written by `mitmdump -w FILE.mitm` or a "
                    "browser's HAR export, print a summary and optionally write reports.")
    parser.add_argument("capture", metavar="CAPTURE", help="a .mitm flow file or a .har archive")
    add_report_options(parser)
    parser.set_defaults(run=run)


def add_report_options(parser: argparse.ArgumentParser) -> None:
    """--report, --junit, --fail-on, --silence, --min-severity: shared by `analyze` and `run`."""
    parser.add_argument("--report", metavar="PATH", action="append", default=[],
                        help="write a report; the suffix picks the format (.json, .md, .html); repeatable")
    parser.add_argument("--junit", metavar="PATH",
                        help="write JUnit XML for CI: a test case per (rule, operation), failed at or "
                             "above --fail-on (error without it)")
    parser.add_argument("--fail-on", choices=LEVELS[:2], metavar="LEVEL",
                        help="exit 1 when findings at or above LEVEL (error|warning) remain")
    parser.add_argument("--silence", metavar="ID", nargs="+", action="extend", default=[],
                        help="rule ids to ignore everywhere (space or comma separated)")
    parser.add_argument("--min-severity", choices=LEVELS, metavar="LEVEL",
                        help="hide findings below LEVEL (error|warning|info; default info)")


def silenced(values: list[str]) -> frozenset[str]:
    """Rule ids from `--silence a b,c`; an unknown id is an error, not a silent no-op."""
    ids = frozenset(part.strip() for value in values for part in value.split(",") if part.strip())
    unknown = sorted(ids - set(default_rules()))
    if unknown:
        raise CommandError(f"--silence: unknown rule id {', '.join(unknown)} "
                           "(`pinscope rules` lists them)")
    return ids


def refuse_overwriting(capture: str, reports: list[Path]) -> None:
    """CommandError when a report would replace the capture it is made from."""
    for report in reports:
        if same_file(capture, report):
            raise CommandError(f"report {report}: that is the capture being analysed; "
                               "give the report another path")


def run(args: argparse.Namespace) -> int:
    """Analyze, summarise, write reports; 1 when --fail-on findings remain."""
    args = with_project_defaults(args, project_settings(Path.cwd()))  # pinscope.toml; the command line wins
    settings = Settings(silence=silenced(args.silence), min_severity=args.min_severity,
                        ratelimit_warn=args.ratelimit_warn)
    report_paths = [check_report_path(path) for path in args.report]  # fail before the work
    junit_path = check_junit_path(args.junit) if args.junit else None
    refuse_overwriting(args.capture, report_paths + ([junit_path] if junit_path else []))
    engine = analyze_path(args.capture, settings)
    report = build_report(engine.session, engine.catalog)
    out = Terminal()  # `| head`: the reports are still written and the status stands
    print_summary(out, report)
    for path in report_paths:
        written = write_report(report, path)
        out.print(f"report written to {written}", highlight=False, markup=False, soft_wrap=True)
    for written in write_ci_outputs(report, junit_path, args.fail_on):  # and GitHub output in Actions
        out.print(f"junit written to {written}", highlight=False, markup=False, soft_wrap=True)
    return gate_status(report, args.fail_on)
