"""The mitmproxy addon: run the engine on Pinterest traffic and annotate flows with the fix."""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable
from pathlib import Path
from typing import Any

from mitmproxy import command, ctx, exceptions, http, types
from mitmproxy.addonmanager import Loader
from mitmproxy.log import ALERT

from pinscope import addon_options as options
from pinscope import annotate, banner, contentview, exchange
from pinscope.dashboard.live import OPTIONS as DASHBOARD_OPTIONS, LiveDashboard
from pinscope.engine import SILENCE_HEADER, Engine
from pinscope.findings import RenderedFinding
from pinscope.inflight import InFlight
from pinscope.silencing import SILENCE_KEY, pop_silence, rule_ids
from pinscope.untrusted import describe_error

logger = logging.getLogger("pinscope")


def never_raises(hook: Callable[..., None]) -> Callable[..., None]:
    """Wrap a hook so a pinscope bug is logged once and the flow passes unchanged."""

    @functools.wraps(hook)
    def wrapper(self: Pinscope, *args: Any) -> None:
        try:
            hook(self, *args)
        except Exception as err:  # noqa: BLE001 - the proxy must keep working whatever pinscope does
            if hook.__name__ in self.failed_hooks:
                logger.debug("pinscope: %s failed again: %s", hook.__name__, describe_error(err))
            else:
                self.failed_hooks.add(hook.__name__)
                logger.error("pinscope: %s hook failed; the flow passes unchanged: %s", hook.__name__,
                             describe_error(err))

    return wrapper


class Pinscope:
    """Diagnoses Pinterest API v5 calls and annotates each flow with findings and fixes."""

    def __init__(self, engine: Engine | None = None) -> None:
        self.engine = engine or Engine()
        self.report_path: Path | None = None
        self.terminal = False
        self.console: Any = None  # a rich Console, created on first use (tests pass their own)
        self.failed_hooks: set[str] = set()
        self.running_ = False  # set by running(); see options.one_line_at_startup()
        self.dashboard = LiveDashboard()  # serving from running() to done() when pinscope_dashboard is set
        self.inflight = InFlight()  # what the request hook learnt of each flow, for its answer's hook

    def load(self, loader: Loader) -> None:
        """Declare the options and register the "Pinterest" contentview."""
        options.declare(loader)
        contentview.register()

    def configure(self, updated: set[str]) -> None:
        """Validate options: a bad value stops start-up with one line, and is refused once running."""
        with options.one_line_at_startup(self.running_):
            if updated & {"pinscope_ratelimit_warn", "pinscope_silence", "pinscope_min_severity"}:
                self.engine.settings = options.settings(ctx.options, set(self.engine.rules))
            if "pinscope_report" in updated:
                self.report_path = options.report_path(ctx.options.pinscope_report, exceptions.OptionsError,
                                                       "pinscope_report")
            if "pinscope_terminal" in updated:
                self.terminal = ctx.options.pinscope_terminal
            if "pinscope_dashboard_port" in updated:
                options.dashboard_port(ctx.options.pinscope_dashboard_port)
        if self.running_ and updated & DASHBOARD_OPTIONS:  # changed in mitmweb's options: serve it anew
            self.dashboard.off()
            self.dashboard.on(self.engine, ctx.options, ctx.master)

    def running(self) -> None:
        """With pinscope_banner, say where mitmproxy really listens; with pinscope_dashboard, serve it."""
        self.running_ = True
        if ctx.options.pinscope_banner:
            banner.announce(ctx.master, ctx.options, logger)
        self.dashboard.on(self.engine, ctx.options, ctx.master)

    @never_raises
    def request(self, flow: http.HTTPFlow) -> None:
        """Request-phase findings; X-Pinscope-Silence is read, then stripped so it never leaves."""
        if not exchange.candidate(flow.request):  # other traffic: nothing to read, no header to strip
            self.inflight.other(flow)
            return
        headers = exchange.HeaderView(flow.request.data.headers.fields)  # read once, for every use below
        silence = pop_silence(flow.request, headers)  # first, so a failure cannot leak it
        if silence is not None:
            headers = exchange.HeaderView(flow.request.data.headers.fields)  # without it
        if not _wanted(flow.request, headers):
            self.inflight.other(flow)
            return
        if silence is not None:
            flow.metadata[SILENCE_KEY] = rule_ids(silence)
        self.inflight.remember(flow, self._analyze(flow, completed=False, headers=headers))

    @never_raises
    def response(self, flow: http.HTTPFlow) -> None:
        """Response-phase findings (mitmproxy pushes the updated flow to mitmweb itself)."""
        self._answered(flow)

    @never_raises
    def error(self, flow: http.HTTPFlow) -> None:
        """A flow without a response still gets its response-phase findings (status None)."""
        if flow.response is None:  # with a response, response() ran or will
            self._answered(flow)

    def _answered(self, flow: http.HTTPFlow) -> None:
        """The answer (or an error instead) is in: the response phase, or one more flow of other traffic.

        Other traffic is a flow of the session too (offline analysis counts it); the demo's plumbing is not.
        """
        before = self.inflight.recall(flow)
        if before is not None or (not self.inflight.known_other(flow) and _analyzed(flow)):
            self._analyze(flow, completed=True, before=before)
        elif not exchange.is_plumbing(flow.request):
            self.engine.session.flows += 1

    @never_raises
    def http_connect_error(self, flow: http.HTTPFlow) -> None:
        """A CONNECT to a Pinterest API host mitmproxy could not open (eager connections): no request
        follows, so the tunnel itself is diagnosed (pinterest-unreachable) and shown in mitmweb's list."""
        if exchange.pretty_host(flow.request).lower() not in exchange.API_HOSTS:
            return
        self._analyze(flow, completed=True)
        view = ctx.master.addons.get("view")  # mitmweb and mitmproxy's console; mitmdump has none
        if view is not None:
            view.add([flow])

    def _analyze(self, flow: http.HTTPFlow, *, completed: bool, before: exchange.Exchange | None = None,
                 headers: exchange.HeaderView | None = None) -> exchange.Exchange:
        ex = exchange.from_flow(flow, before, answered=completed, headers=headers)  # per phase: the response exists later
        if SILENCE_KEY in flow.metadata:
            ex.request_headers[SILENCE_HEADER] = str(flow.metadata[SILENCE_KEY])
        findings = self.engine.on_response(ex) if completed else self.engine.on_request(ex)
        if (ex.is_api or ex.leaked) and (before is None or annotate.CONTEXT_KEY not in flow.metadata):
            annotate.set_context(flow, ex, self.engine.match(ex))  # from the request alone: set once
        if findings:
            annotate.annotate(flow, findings)
        if self.terminal and completed:
            self._print(ex, annotate.stored_findings(flow))
        return ex

    def _print(self, ex: exchange.Exchange, findings: list[RenderedFinding]) -> None:
        from pinscope.console import finding_line  # written alongside the report package

        for finding in findings:
            finding_line(self._console(), ex.method, ex.url, ex.status, finding)

    def _console(self) -> Any:
        if self.console is None:
            from rich.console import Console

            self.console = Console(highlight=False)
        return self.console

    @command.command("pinscope.report")
    def report(self, path: types.Path) -> None:
        """Write the pinscope report now (.json, .md or .html)."""
        from pinscope.report import build_report, write_report

        target = options.report_path(str(path), exceptions.CommandError, "pinscope.report")
        assert target is not None
        write_report(build_report(self.engine.session, self.engine.catalog), target)
        logger.log(ALERT, "pinscope report written to %s", target)

    @command.command("pinscope.scopes")
    def scopes(self) -> str:
        """Show the least-privilege scope plan for this session's calls."""
        import io

        from rich.console import Console

        from pinscope.console import print_scope_plan
        from pinscope.report.plan import session_scope_plan

        out = io.StringIO()
        plan = session_scope_plan(self.engine.session, self.engine.catalog)
        print_scope_plan(Console(file=out, width=120, color_system=None, soft_wrap=True), plan)
        text = out.getvalue().rstrip()
        logger.log(ALERT, "pinscope scope plan:\n%s", text)
        return text

    @never_raises
    def done(self) -> None:
        """Write the report pinscope_report names (else a fallback, exiting non-zero); print the summary."""
        self.dashboard.off()
        if self.report_path is None and not self.terminal:
            return
        from pinscope.report_at_exit import report_at_exit

        report = report_at_exit(self.engine.session, self.engine.catalog, self.report_path)
        if self.terminal and report is not None:
            from pinscope.console import print_summary

            print_summary(self._console(), report)


def _analyzed(flow: http.HTTPFlow) -> bool:
    """Pinterest API calls, and other requests that might carry a Pinterest token."""
    return exchange.candidate(flow.request) and _wanted(flow.request)


def _wanted(request: http.Request, headers: exchange.HeaderView | None = None) -> bool:
    """_analyzed() once exchange.candidate() said yes (`headers`: the request's, if already read)."""
    host = exchange.pretty_host(request, headers.get("host") if headers is not None else None)
    return host.lower() in exchange.API_HOSTS or exchange.might_leak(request)
