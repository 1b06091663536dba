"""`pinscope demo`: start the proxy with the simulator, play the scenario through it, show the result."""

from __future__ import annotations

import contextlib
import datetime as dt
import shutil
import signal
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path

from rich.console import Console
from rich.text import Text

from pinscope.console import print_summary
from pinscope.demo import CONTROL_HOST, launcher, rehearsal, rehearsal_report
from pinscope.demo.client import DemoClient, Outcome
from pinscope.demo.localsite import LocalSite
from pinscope.demo.scenario import CORE_RULES, GRANTS, RATE_SCALE, REFRESH_REUSE, expected_rules, steps
from pinscope.report import write_report

FAILED = 1
DASHBOARD_WAIT = 5.0  # seconds to wait for the dashboard's line after the scenario (it comes at start-up)
# Each one checked in mitmweb's own filter grammar (no ~meta there): tests/e2e/test_browser_mitmweb.py.
FILTERS = ("~comment insufficient-scope", "~marker no_entry", "~comment rate-limit",
           "~d api-sandbox.pinterest.com", "~c 429")


def _interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


@contextlib.contextmanager
def _terminate_as_interrupt() -> Iterator[None]:
    """SIGTERM and SIGHUP stop the demo as Ctrl-C does (also where SIGINT was inherited as ignored)."""
    saved = {}
    for sig in (signal.SIGINT, signal.SIGTERM, getattr(signal, "SIGHUP", signal.SIGTERM)):
        with contextlib.suppress(ValueError):  # not the main thread: leave the handlers alone
            saved[sig] = signal.signal(sig, _interrupt)
    try:
        yield
    finally:
        for sig, handler in saved.items():
            signal.signal(sig, handler)


def _progress(out: Console) -> Callable[[Outcome], None]:
    """Print one line per grant or step: status, call, the rules it should show, what it is."""
    def show(outcome: Outcome) -> None:
        status = Text(f"{outcome.status}" if outcome.status else "ERR", "red" if outcome.error else "dim")
        item = outcome.item
        rules = (", ".join(item.rules), "bold") if item.rules else ("healthy", "green")
        out.print(Text.assemble("  ", status, f"  {item.label:<48} ", rules, (f"  {item.note}", "dim")),
                  soft_wrap=True)
        if outcome.error:
            out.print(Text(f"       {outcome.error}", "red"), soft_wrap=True)
    return show


def run_demo(report_path: Path, *, headless: bool, listen_port: int = 0, web_port: int = 0,
             out: Console | None = None, rehearse: bool = False) -> int:
    """Run the demo (`rehearse`: the two client variants under a fault plan); the exit status."""
    out = out or Console(highlight=False)
    confdir = Path(tempfile.mkdtemp(prefix="pinscope-demo-"))
    try:
        with _terminate_as_interrupt():
            # Headless: mitmdump writes JSON beside its CA; the demo reads it back for the summary and
            # writes the report the user asked for, in any format.
            written = confdir / "report.json" if headless else report_path
            extra = [*launcher.simulator_args(RATE_SCALE, REFRESH_REUSE), "--set", f"pinscope_report={written}",
                     *(rehearsal.mitm_args() if rehearse else [])]
            tool = "dump" if headless else "web"
            if not headless:  # the /_sim/ consent shortcuts are plumbing: the list shows the scripted calls only
                extra += ["--set", f"view_filter=!(~d {CONTROL_HOST})"]
            out.print(f"pinscope demo: starting mitm{tool} with pinscope and the Pinterest API simulator")
            mitm = launcher.start(tool, confdir, extra, listen_port=listen_port, web_port=web_port)
            try:
                with LocalSite() as site, DemoClient(mitm.proxy_url, mitm.ca_cert, site.url) as client:
                    if rehearse:
                        return _rehearse(mitm, client, written, report_path, headless, out)
                    today = dt.datetime.now(dt.UTC).date()
                    out.print(Text(f"Scripted client -> proxy {mitm.proxy_url} (TLS intercepted with the "
                                   f"demo's CA); status, call, rules pinscope should report:", "bold"))
                    outcomes = client.run([*GRANTS, *steps(today)], _progress(out))
                    out.print(Text(f"{len(outcomes)} calls: the flows {'the summary' if headless else 'mitmweb'} "
                                   "and the report count", "dim"))
                    if headless:
                        return _finish_headless(mitm, written, report_path, outcomes,
                                                expected_rules(today), out)
                    _show_web(mitm, report_path, out)
                    return _wait(mitm, report_path, out)
            finally:
                mitm.stop()
    except KeyboardInterrupt:
        return 130
    finally:
        shutil.rmtree(confdir, ignore_errors=True)


def _finish_headless(mitm: launcher.MitmProcess, written: Path, report_path: Path,
                     outcomes: list[Outcome], expected: frozenset[str], out: Console) -> int:
    """Stop mitmdump (its addon writes the report), print the summary, check every core rule fired."""
    report = launcher.stopped_report(mitm, written, out)
    if report is None:
        return FAILED
    print_summary(out, report)
    write_report(report, report_path)
    out.print(f"report written to {report_path}", soft_wrap=True)
    reported = {finding.rule for finding in report.findings}
    missing_core = sorted(set(CORE_RULES) - reported)
    missing_other = sorted(expected - reported - set(CORE_RULES))
    failed = [o for o in outcomes if o.error]
    if missing_other:
        out.print(Text(f"pinscope demo: expected but not reported: {', '.join(missing_other)}", "yellow"))
    if failed:
        out.print(Text(f"pinscope demo: {len(failed)} scripted call(s) got no answer through the proxy",
                       "red"))
    if missing_core:
        out.print(Text(f"pinscope demo: core rules not reported: {', '.join(missing_core)}", "red"))
    return FAILED if failed or missing_core else 0


def _rehearse(mitm: launcher.MitmProcess, client: DemoClient, written: Path, report_path: Path, headless: bool,
              out: Console) -> int:
    """Play both client variants under the fault plan; headless, print their grades from the report."""
    out.print(Text(f"Two variants of one client -> proxy {mitm.proxy_url}, fault plan "
                   f"{rehearsal.PLAN!r} (seed {rehearsal.SEED}):", "bold"), soft_wrap=True)

    def show(variant: str, call: str, status: int | None, what: str) -> None:
        shown = Text(f"{status}" if status else "   ", "dim")
        out.print(Text.assemble("  ", shown, f"  {variant:<13} {call:<36} ", (what, "dim")), soft_wrap=True)

    good, bad = rehearsal.play(client, show)
    variants = {good.name: good.labels, bad.name: bad.labels}
    if headless:
        return rehearsal_report.finish(mitm, written, report_path, variants, out)
    out.print("In mitmweb, `~comment rehearsal` lists the injected answers; the report's recovery section "
              "grades each operation (its evidence flows name the tokens).", soft_wrap=True, markup=False)
    _show_web(mitm, report_path, out)
    return _wait(mitm, report_path, out)


def _show_web(mitm: launcher.MitmProcess, report_path: Path, out: Console) -> None:
    """Say where mitmweb is and what to look at."""
    out.print()
    url = mitm.web_url or "(mitmweb printed no URL)"
    out.print(Text.assemble(("Open mitmweb: ", "bold"), (url, "bold cyan")), soft_wrap=True)
    mitm.dashboard_said.wait(DASHBOARD_WAIT)  # printed once mitmweb runs: long before the scenario ends
    if mitm.dashboard_url:
        out.print(Text.assemble(("Open the live dashboard: ", "bold"), (mitm.dashboard_url, "bold cyan"),
                                " (the report, updated as calls arrive)"), soft_wrap=True)
    lines = [
        "What to look at:",
        "  - the comment column: `<rule-id>: <essence>` on every flagged flow (the fix: select it);",
        "  - the marker icon: ⛔ error, ⚠️ warning, ℹ️ info (the worst finding of the flow);",
        "  - one code, three causes: the 401 code 3 flows read insufficient-scope, restricted-feature or",
        "    app-not-approved from Pinterest's message; an error no rule explains reads pinterest-error;",
        "  - select a flagged flow: the Response tab shows the \"Pinterest\" view with each finding's fix,",
        "    the operation, the scopes it needs, its rate-limit category and the token's fingerprint;",
        f"  - filters to type in the search box: {' | '.join(FILTERS)}.",
        f"Your own clients may use the proxy too: {mitm.proxy_url}, trusting {mitm.ca_cert}",
        f"(only while the demo runs). Stop with Ctrl-C: the report goes to {report_path}.",
    ]
    for line in lines:
        out.print(line, soft_wrap=True, markup=False)


def _wait(mitm: launcher.MitmProcess, report_path: Path, out: Console) -> int:
    """Block until Ctrl-C (then stop mitmweb so it writes the report) or until mitmweb exits."""
    try:
        status = mitm.process.wait()
    except KeyboardInterrupt:
        mitm.stop()
        written = f"report written to {report_path}" if report_path.is_file() else "no report was written"
        out.print(f"\npinscope demo stopped; {written}", soft_wrap=True)
        return 0
    out.print(Text(f"pinscope demo: mitmweb exited with status {status}; its output ended with:\n"
                   f"{mitm.tail()}", "red"), soft_wrap=True)
    return FAILED
