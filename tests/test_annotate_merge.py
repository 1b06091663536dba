"""annotate()'s shortcuts (a flow's first findings; stored findings read once) change nothing it writes.

The oracle is the plain algorithm: withdraw, add, read everything back, write the comment and marker.
"""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from pinscope import annotate as annotation
from pinscope.annotate import FINDINGS_KEY, annotate, comment_line, stored_findings
from pinscope.findings import RenderedFinding, replaced, worst
from pinscope.rulebook import Severity
from tests.flowkit import flow


def finding(rule: str, severity: Severity, essence: str, replaces: tuple[str, ...] = ()) -> RenderedFinding:
    return RenderedFinding(rule, severity, "A title for the rule", f"{rule} said {essence}", "Do the thing.",
                           "https://developers.pinterest.com/docs/", None, essence, replaces)


POOL = [
    finding("scope-not-granted", Severity.WARNING, "missing boards:read"),
    finding("retry-unrecoverable", Severity.WARNING, "retried a 401"),
    finding("insufficient-scope", Severity.ERROR, "needs boards:read", ("scope-not-granted",)),
    finding("unknown-endpoint", Severity.ERROR, "no such path"),
    finding("unknown-endpoint", Severity.ERROR, "no such path", ("unknown-endpoint",)),
    finding("sandbox-host-in-use", Severity.INFO, "sandbox data"),
]
GARBAGE = [{"rule": "scope-not-granted"}, "not a dict", {**POOL[3].as_dict(), "severity": "fatal"}]


def annotate_as_before(flow_, findings: list[RenderedFinding]) -> bool:
    """The plain algorithm annotate() must agree with."""
    if not findings:
        return False
    gone = replaced(findings)
    previous = {comment_line(f) for f in stored_findings(flow_)} if gone else set()
    changed = False
    if gone:  # withdraw the replaced findings
        stored_items = list(flow_.metadata.get(FINDINGS_KEY) or [])
        kept = [item for item in stored_items if not (isinstance(item, dict) and item.get("rule") in gone)]
        if len(kept) != len(stored_items):
            flow_.metadata[FINDINGS_KEY], changed = kept, True
    kept = list(flow_.metadata.get(FINDINGS_KEY) or [])
    new = [item for item in (f.as_dict() for f in findings) if item not in kept]
    if new:
        flow_.metadata[FINDINGS_KEY] = kept + new
    changed |= bool(new)
    stored = stored_findings(flow_)
    ours = [comment_line(f) for f in sorted(stored, key=lambda f: f.severity.rank)]
    theirs = [line for line in flow_.comment.splitlines() if line not in set(ours) and line not in previous]
    comment = "\n".join([*theirs, *dict.fromkeys(ours)])
    if comment != flow_.comment:
        flow_.comment, changed = comment, True
    marker = annotation._set_marker(flow_, worst(stored)) if gone else annotation._raise_marker(flow_, worst(findings))
    return changed | marker


@settings(max_examples=300, deadline=None)
@given(calls=st.lists(st.lists(st.sampled_from(POOL), max_size=3), min_size=1, max_size=4),
       comment=st.sampled_from(["", "my own note", "my own note\nscope-not-granted: missing boards:read"]),
       marked=st.sampled_from(["", ":star:", ":warning:"]),
       garbage=st.lists(st.sampled_from(GARBAGE), max_size=2))
def test_annotate_writes_what_the_plain_algorithm_writes(calls: list[list[RenderedFinding]], comment: str,
                                                          marked: str, garbage: list[object]) -> None:
    ours, oracle = flow("GET", "/v5/boards", status=401), flow("GET", "/v5/boards", status=401)
    for f in (ours, oracle):
        f.comment, f.marked = comment, marked
        if garbage:
            f.metadata[FINDINGS_KEY] = list(garbage)
    for findings in calls:
        assert annotate(ours, findings) == annotate_as_before(oracle, findings)
        assert (ours.comment, ours.marked, ours.metadata) == (oracle.comment, oracle.marked, oracle.metadata)
