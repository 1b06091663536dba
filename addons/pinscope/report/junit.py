"""The JUnit XML report for CI: one test case per (rule, operation), failed at or above the gate."""

from __future__ import annotations

import re
from datetime import UTC
from xml.etree import ElementTree as ET

from pinscope.report.model import ExampleFlow, Report, RuleFindings
from pinscope.rulebook import Severity
from pinscope.timefmt import format_time

NO_OPERATION = "(no operation)"  # the case of a rule's flows that matched no catalogued operation
NO_FINDINGS = "no findings"  # the one passing case of a clean session: CI readers reject an empty suite
# clean() removes controls, but XML 1.0 also forbids the noncharacters U+FFFE and U+FFFF (and lone
# surrogates): one of them in a Pinterest message would make the whole file unreadable.
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def fails(severity: Severity, threshold: Severity) -> bool:
    """Whether a finding of `severity` is at or above `threshold` (error is the worst)."""
    return severity.rank <= threshold.rank


def count_failing(report: Report, threshold: Severity) -> int:
    """Findings at or above `threshold`: what --fail-on counts."""
    return sum(f.count for f in report.findings if fails(f.severity, threshold))


def by_operation(finding: RuleFindings) -> dict[str, list[ExampleFlow]]:
    """The rule's example flows grouped by operation, in the order first seen."""
    groups: dict[str, list[ExampleFlow]] = {}
    for flow in finding.flows:
        groups.setdefault(flow.operation or NO_OPERATION, []).append(flow)
    return groups or {NO_OPERATION: []}


def render_junit(report: Report, threshold: Severity) -> str:
    """The JUnit XML text: a <testsuites> with one pinscope <testsuite>."""
    suite = ET.Element("testsuite", name="pinscope", timestamp=_timestamp(report), hostname="localhost")
    properties = ET.SubElement(suite, "properties")
    for name, value in (("pinscope_version", report.pinscope_version), ("spec_version", report.spec_version),
                        ("fail_on", threshold.value), ("flows", report.summary.flows),
                        ("pinterest_flows", report.summary.pinterest_flows)):
        ET.SubElement(properties, "property", name=name, value=_xml(value))
    for finding in report.findings:
        for operation, flows in by_operation(finding).items():
            _case(suite, finding, operation, flows, fails(finding.severity, threshold))
    if not report.findings:
        case = ET.SubElement(suite, "testcase", classname="pinscope", name=NO_FINDINGS, time="0")
        ET.SubElement(case, "system-out").text = (
            f"{report.summary.pinterest_flows} Pinterest API flows of {report.summary.flows} flows; no findings.")
    cases = suite.findall("testcase")
    failures = sum(1 for case in cases if case.find("failure") is not None)
    seconds = f"{report.summary.time_span.seconds:.3f}" if report.summary.time_span else "0"
    counts = {"tests": str(len(cases)), "failures": str(failures), "errors": "0", "skipped": "0", "time": seconds}
    suite.attrib.update(counts)
    root = ET.Element("testsuites", name="pinscope", **counts)
    root.append(suite)
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"


def _case(suite: ET.Element, finding: RuleFindings, operation: str, flows: list[ExampleFlow],
          failed: bool) -> None:
    """One test case: a <failure> when the rule fails the gate, the example flows in <system-out>."""
    case = ET.SubElement(suite, "testcase", classname=f"pinscope.{finding.rule}", name=_xml(operation),
                         time="0")
    details = _details(finding, flows)
    examples = "\n".join(_flow_line(flow) for flow in flows)
    if failed:
        message = flows[0].message if flows else finding.title
        failure = ET.SubElement(case, "failure", type=finding.severity.value, message=_xml(message))
        failure.text = _xml(details)
        out = examples
    else:
        out = details + ("\n\n" + examples if examples else "")
    if out:
        ET.SubElement(case, "system-out").text = _xml(out)


def _details(finding: RuleFindings, flows: list[ExampleFlow]) -> str:
    """What is wrong and what to do, as the failure text."""
    lines = [f"{finding.severity.value} {finding.rule}: {finding.title}"]
    lines += [flows[0].message] if flows else []
    lines += [f"Fix: {finding.fix}", f"Docs: {finding.docs}"]
    lines += [f"FAQ: {finding.faq}"] if finding.faq else []
    lines.append(f"Seen {finding.count} time{'s' if finding.count != 1 else ''} in the session, "
                 "over all operations.")
    return "\n".join(lines)


def _flow_line(flow: ExampleFlow) -> str:
    """One example flow: time, method, URL, status, request id and Pinterest's answer."""
    status = str(flow.status) if flow.status is not None else "no response"
    line = f"{format_time(flow.timestamp)} {flow.method} {flow.url} -> {status}"
    if flow.request_id:
        line += f" (x-pinterest-rid: {flow.request_id})"
    if flow.error_code is not None or flow.error_message:
        line += f"; Pinterest said: code {flow.error_code if flow.error_code is not None else '-'}"
        line += f": {flow.error_message}" if flow.error_message else ""
    return line


def _timestamp(report: Report) -> str:
    """The JUnit schema's timestamp: ISO 8601 without a zone (here UTC)."""
    return report.generated_at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S")


def _xml(value: object) -> str:
    """Text XML 1.0 can hold (ElementTree escapes markup, not characters XML forbids)."""
    return _NOT_XML.sub("\ufffd", str(value))
