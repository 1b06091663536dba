"""`pinscope run -- COMMAND`: COMMAND through the pinscope proxy, then the summary, the reports and a CI gate."""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
from pathlib import Path

from pydantic import ValidationError
from rich.console import Console
from rich.text import Text

from pinscope.commands import CommandError
from pinscope.commands.analyze import add_report_options, silenced
from pinscope.commands.mitm import add_simulator_flag
from pinscope.commands.run_child import Forwarder, Stopped
from pinscope.commands.run_env import NOT_INTERCEPTED, client_env, client_hints, write_bundle
from pinscope.console import print_summary
from pinscope.demo import launcher
from pinscope.report import Report, check_report_path, write_report
from pinscope.report.ci import check_junit_path, gate_status, write_ci_outputs
from pinscope.rulebook import Severity
from pinscope.settings import project_settings, with_project_defaults
from pinscope.untrusted import clean

REPORT_FILE = "report.json"  # what mitmdump writes at exit, beside its CA, for `run` to read back
PINSCOPE_ERROR = 2


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the `run` subcommand."""
    parser = subparsers.add_parser(
        "run", help="run COMMAND (your app or test suite) through pinscope, then print the summary",
        description="Start mitmdump with pinscope on a free loopback port, run COMMAND with the proxy and "
                    "CA variables every common client reads (HTTPS_PROXY, SSL_CERT_FILE, REQUESTS_CA_BUNDLE, "
                    "CURL_CA_BUNDLE, NODE_EXTRA_CA_CERTS, NODE_USE_ENV_PROXY), stop the proxy when COMMAND "
                    "ends, print the summary on standard error and exit with COMMAND's status (1 when "
                    "--fail-on finds something and COMMAND succeeded).")
    add_report_options(parser)
    add_simulator_flag(parser)
    parser.add_argument("--set", metavar="OPTION=VALUE", action="append", default=[], dest="mitm_set",
                        help="a mitmproxy or pinscope option for the proxy, e.g. "
                             "--set pinscope_rehearse_scopes=boards:read,pins:read (repeatable)")
    parser.add_argument("command", nargs=argparse.REMAINDER, metavar="-- COMMAND [ARGS ...]",
                        help="the command to run, after `--`")
    parser.set_defaults(run=run)


def command_of(words: list[str]) -> list[str]:
    """COMMAND and its arguments without pinscope's `--`; CommandError when there is none."""
    command = words[1:] if words[:1] == ["--"] else words
    if not command:
        raise CommandError("run: give the command to run after `--`, e.g. `pinscope run -- python app.py`")
    return command


def proxy_options(report: Path, args: argparse.Namespace) -> list[str]:
    """mitmdump arguments: the JSON report at exit and the shared options, as pinscope's addon options."""
    options = [f"pinscope_report={report}", f"pinscope_min_severity={Severity(args.min_severity).value}",
               f"pinscope_ratelimit_warn={args.ratelimit_warn}"]
    options += [f"pinscope_silence={rule}" for rule in sorted(silenced(args.silence))]
    own = args.mitm_set
    for option in own:
        if "=" not in option:
            raise CommandError(f"run: --set takes OPTION=VALUE, not {option!r}")
    # The user's own win: mitmproxy refuses a single-value option set twice, so pinscope's copy goes.
    names = {option.partition("=")[0] for option in own}
    options = [option for option in options if option.partition("=")[0] not in names] + own
    return [arg for option in options for arg in ("--set", option)]


def run(args: argparse.Namespace) -> int:
    """Run COMMAND through the proxy; its status, or 1 when --fail-on findings remain."""
    args = with_project_defaults(args, project_settings(Path.cwd()))  # pinscope.toml; the command line wins
    command = command_of(args.command)
    report_paths = [check_report_path(path) for path in args.report]  # fail before the work
    junit_path = check_junit_path(args.junit) if args.junit else None
    folder = Path(tempfile.mkdtemp(prefix="pinscope-run-"))  # 0700: the CA key, the bundle, the report
    forwarder = Forwarder()
    out = Console(stderr=True, highlight=False)  # standard output stays COMMAND's own
    try:
        with forwarder.installed():
            status, report, proxy_url = _proxied(command, args, folder, forwarder, out)
    except Stopped as stop:
        return 128 + stop.signum
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    if report is None:
        return status or PINSCOPE_ERROR
    out.print()
    print_summary(out, report)
    if report.summary.pinterest_flows == 0:
        _not_intercepted(out, proxy_url)
    for path in report_paths:
        written = write_report(report, path)
        out.print(f"report written to {written}", markup=False, soft_wrap=True)
    for written in write_ci_outputs(report, junit_path, args.fail_on):  # and GitHub output in Actions
        out.print(f"junit written to {written}", markup=False, soft_wrap=True)
    failed = gate_status(report, args.fail_on)  # said on standard error even when COMMAND failed
    return status or failed


def _proxied(command: list[str], args: argparse.Namespace, folder: Path, forwarder: Forwarder,
             out: Console) -> tuple[int, Report | None, str]:
    """Start the proxy, run COMMAND, stop the proxy (whatever happens); COMMAND's status, the report, the proxy."""
    written = folder / REPORT_FILE
    mitm = launcher.start("dump", folder, proxy_options(written, args), simulator=args.simulator,
                          own_session=True)  # out of the terminal's group: Ctrl-C must not stop it before COMMAND
    try:
        bundle = write_bundle(folder, mitm.ca_cert, os.environ)
        target = "the Pinterest API simulator" if args.simulator else "Pinterest"
        out.print(f"pinscope run: proxy {mitm.proxy_url} ({target}), CA bundle {bundle}", markup=False,
                  soft_wrap=True)
        sys.stderr.flush()
        status = forwarder.run(command, client_env(os.environ, mitm.proxy_url, bundle))
    finally:
        proxy_status = mitm.stop()  # mitmdump runs done(): the report is written
    try:
        return status, Report.model_validate_json(written.read_text(encoding="utf-8")), mitm.proxy_url
    except (OSError, ValidationError) as err:
        out.print(Text(f"pinscope run: mitmdump (exit status {proxy_status}) left no report "
                       f"({clean(err)}); its output ended with:\n{mitm.tail()}", "red"), soft_wrap=True)
        return status, None, mitm.proxy_url


def _not_intercepted(out: Console, proxy_url: str) -> None:
    """Say that no Pinterest call was seen, and how each common client is pointed at the proxy."""
    out.print(Text(NOT_INTERCEPTED, "yellow"), soft_wrap=True)
    for hint in client_hints(proxy_url):
        out.print(Text(f"  - {hint}"), soft_wrap=True)
