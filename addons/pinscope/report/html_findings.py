"""HTML report sections about the session as a whole: the summary, findings and tokens."""

from __future__ import annotations

from collections.abc import Callable

from pinscope.timefmt import format_time
from pinscope.report.markup import Html, el, join, link, table
from pinscope.report.model import ExampleFlow, Report, RuleFindings, TokenReport
from pinscope.report.support import support_ticket
from pinscope.report.units import duration
from pinscope.rulebook import Severity

# (rule, example index) -> the example's flow in mitmweb, or None: the live dashboard links them.
FlowLink = Callable[[str, int], str | None]


def badge(severity: Severity) -> Html:
    """A coloured severity label."""
    return el("span", severity.value, cls=f"badge {severity.value}")


def stat(label: str, value: object, detail: object = None) -> Html:
    """One summary card."""
    return el("div", el("div", label, cls="stat-label"), el("div", value, cls="stat-value"),
              el("div", detail, cls="stat-detail") if detail is not None else Html(""), cls="stat")


def summary(report: Report) -> Html:
    """Counts at a glance and the worst problems, linked to their findings."""
    s = report.summary
    sev, env = s.severities, s.environments
    counts = join([el("span", f"{sev.error} error", cls="sev error"), " · ",
                   el("span", f"{sev.warning} warning", cls="sev warning"), " · ",
                   el("span", f"{sev.info} info", cls="sev info")])
    used = [name for name, n in (("production", env.production), ("sandbox", env.sandbox)) if n]
    cards = el("div",
               stat("Flows", f"{s.flows:,}", f"{s.pinterest_flows:,} to the Pinterest API"),
               stat("Findings", f"{s.findings:,}", counts),
               stat("Environments", "both" if len(used) == 2 else used[0] if used else "none",
                    f"{env.production:,} production · {env.sandbox:,} sandbox flows"),
               stat("Time span", *_span(report)),
               stat("Tokens", len(report.tokens), f"{len(report.endpoints)} operations called"),
               cls="stats")
    worst = [f for f in report.findings if f.severity is not Severity.INFO][:5]
    if not report.findings:
        lead = el("p", "No findings: every Pinterest call looked right.", cls="ok-note")
    elif not worst:
        lead = el("p", "Only informational findings.", cls="muted")
    else:
        lead = el("ol", *(el("li", badge(f.severity), " ", el("a", f.title, href=f"#rule-{f.rule}"),
                               el("span", f" ×{f.count}", cls="muted")) for f in worst), cls="worst")
    return join([cards, el("h3", "Most important") if worst else "", lead])


def _span(report: Report) -> tuple[str, str | None]:
    span = report.summary.time_span
    if span is None:
        return "-", None
    size = duration(span.seconds)
    start, end = format_time(span.start), format_time(span.end)
    if start[:10] == end[:10]:
        return size, f"{start[:10]}, {start[11:19]} to {end[11:]}"
    return size, f"{start} to {end}"


def findings(report: Report, flow_link: FlowLink | None = None) -> Html:
    """One collapsible block per rule, worst first; errors start open (`flow_link`: example links)."""
    if not report.findings:
        return el("p", "No findings.", cls="ok-note")
    return join(_rule(f, report, flow_link) for f in report.findings)


def _rule(f: RuleFindings, report: Report, flow_link: FlowLink | None = None) -> Html:
    head = el("summary", badge(f.severity), " ", el("code", f.rule), " ", el("span", f.title, cls="title"),
              el("span", f"×{f.count}", cls="count", title=f"seen {f.count} times"))
    refs = [el("strong", "Docs: "), link(f.docs)]
    if f.faq:
        refs += ["  ·  ", el("strong", "FAQ: "), f"“{f.faq}”"]
    body = [el("p", f.flows[0].message, cls="message") if f.flows else Html(""),
            el("div", el("strong", "Fix"), el("p", f.fix), cls="fix"),
            el("p", join(refs), cls="refs")]
    if f.flows:
        shown = f"Example flows ({len(f.flows)} of {f.count})" if f.count > len(f.flows) else "Flows"
        varied = len({e.message for e in f.flows}) > 1  # else the message above says it all
        headers = ["Time", "Request", "Status", "Code", "x-pinterest-rid", "Pinterest said"]
        body += [el("h4", shown), table(headers + ["What pinscope saw"] * varied,
                                        (_example(e, varied, flow_link and flow_link(f.rule, i))
                                         for i, e in enumerate(f.flows)), cls="examples")]
        if f.severity is Severity.ERROR:
            body.append(el("details", el("summary", "Text for a Pinterest support ticket"),
                           el("pre", support_ticket(f, report.endpoints)), cls="ticket"))
    return el("details", head, el("div", *body, cls="finding-body"), cls=f"finding {f.severity.value}",
              id=f"rule-{f.rule}", open=f.severity is Severity.ERROR)


def _example(e: ExampleFlow, with_message: bool, flow_url: str | None = None) -> list[object]:
    request = el("div", el("span", e.method, cls="method"), " ", el("code", e.url, cls="url"),
                 el("div", e.operation, cls="muted small") if e.operation else "",
                 el("a", "open in mitmweb", href=flow_url, cls="flow-link small", target="_blank",
                    rel="noopener noreferrer") if flow_url else "", cls="request")
    status = el("span", e.status if e.status is not None else "no response",
                cls="status bad" if e.status is None or e.status >= 400 else "status good")
    row = [format_time(e.timestamp), request, status, e.error_code,
           el("code", e.request_id) if e.request_id else None, e.error_message]
    return row + [e.message] * with_message


def tokens(report: Report) -> Html:
    """Each token by label: where it worked, granted vs needed scopes (missing ones marked)."""
    if not report.tokens:
        return el("p", "No bearer tokens seen.", cls="muted")
    legend = el("p", "Scopes: ", el("span", "granted and used", cls="scope used"), " ",
                el("span", "needed, not granted", cls="scope missing"), " ",
                el("span", "granted, not used", cls="scope spare"), " ",
                el("span", "needed (grant not seen)", cls="scope unknown"), cls="legend")
    rows = ([el("code", t.label, cls="token"), t.kind, ", ".join(t.environments) or "none yet", _scopes(t),
             format_time(t.expires_at), t.requests, _failures(t)] for t in report.tokens)
    return join([legend, table(["Token", "Kind", "Worked on", "Scopes", "Expires", "Requests",
                                "Failures (401/403)"], rows, cls="tokens")])


def _scopes(t: TokenReport) -> Html:
    needed, granted = set(t.needed_scopes), set(t.scopes or ())
    if t.scopes is None and not needed:
        return el("span", "no API calls" if not t.operations else "none needed", cls="muted")
    if t.scopes is None:
        chips = [el("span", s, cls="scope unknown") for s in sorted(needed)]
        note = el("div", "grant not seen this session: run the OAuth flow through the proxy to compare",
                  cls="muted small")
    else:
        chips = [el("span", s, cls="scope " + ("used" if s in granted else "missing"))
                 for s in sorted(needed)]
        chips += [el("span", s, cls="scope spare") for s in sorted(granted - needed)]
        missing = t.missing_scopes or []
        note = el("div", f"missing: {', '.join(missing)}", cls="missing-note") if missing else Html("")
    ops = el("details", el("summary", f"{len(t.operations)} operation{'s' if len(t.operations) != 1 else ''}"),
             el("ul", *(el("li", el("code", op)) for op in t.operations)), cls="ops") if t.operations else ""
    return join([el("div", *chips, cls="chips") if chips else el("span", "none", cls="muted"), note, ops])


def _failures(t: TokenReport) -> Html:
    return el("span", t.failures, cls="bad" if t.failures else None)
