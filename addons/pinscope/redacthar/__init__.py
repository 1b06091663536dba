"""A capture safe to share: a HAR 1.2 with every secret masked and pinscope's findings on each entry.

Two passes over the flows: the first only analyses, so the session learns every secret (KnownSecrets)
before any is written; the second analyses again (the findings attached to each entry are those
`pinscope analyze` gives) and writes each flow masked (redacthar.flow) through mitmproxy's exporter.
Both passes stream: memory does not grow with the capture.
"""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Callable, Iterable, Iterator
from importlib import metadata
from pathlib import Path
from typing import IO

from mitmproxy import http
from mitmproxy.addons.savehar import SaveHar
from mitmproxy.connection import Server

from pinscope.analyze import FlowError, analyze_flows, one_flow
from pinscope.capture import open_capture, same_file
from pinscope.detectors import Settings
from pinscope.engine import Engine
from pinscope.exchange import from_flow, is_plumbing
from pinscope.redacthar.flow import redact_flow
from pinscope.redacthar.mask import Masker
from pinscope.report.write import FILE_MODE, ReportPathError

__all__ = ["redact_capture", "redact_flows"]
Flows = Callable[[], Iterable[http.HTTPFlow]]  # called once per pass: each call reads the flows anew


def redact_capture(capture: str | os.PathLike[str], out: str | os.PathLike[str],
                   settings: Settings | None = None) -> int:
    """Write `capture` (.mitm or .har) as a redacted HAR at `out`; the number of entries written.

    CaptureError for an unreadable capture, ReportPathError for an output that cannot be written.
    """
    source = open_capture(capture)
    target = check_output(out, source.path)
    try:
        return redact_flows(source.flows, target, settings)
    except FlowError as err:
        raise source.unanalysable(err) from err


def check_output(out: str | os.PathLike[str], capture: Path | None = None) -> Path:
    """The output path, or ReportPathError: no folder, a folder, not writable, or the capture itself."""
    target = Path(out).expanduser()
    if capture is not None and same_file(capture, target):
        raise ReportPathError(f"har {target}: that is the capture being redacted; give another path")
    if not target.parent.is_dir():
        raise ReportPathError(f"har {target}: folder {target.parent} does not exist")
    if target.is_dir():
        raise ReportPathError(f"har {target}: is a folder")
    if not os.access(target.parent, os.W_OK | os.X_OK):
        raise ReportPathError(f"har {target}: folder {target.parent} is not writable")
    return target


def redact_flows(flows: Flows, out: str | os.PathLike[str], settings: Settings | None = None) -> int:
    """Write the flows `flows()` yields as a redacted HAR at `out` (atomically, mode 0600); entries written.

    FlowError when a flow cannot be analysed (as in analyze_flows), ReportPathError when `out` cannot be written.
    """
    target = check_output(out)
    learner = Engine(settings)
    analyze_flows(learner, flows())  # pass 1: only the secrets it learns are kept
    masker = Masker(learner.session.secrets)
    try:
        fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    except OSError as err:
        raise ReportPathError(f"har {target}: {err.strerror or err}") from None
    try:
        # errors="replace": bytes mitmproxy kept as surrogates cannot be UTF-8; they are no secret shape.
        with os.fdopen(fd, "w", encoding="utf-8", errors="replace") as fo:
            count = _write(fo, _entries(flows(), Engine(settings), masker))
            fo.flush()
            os.fsync(fo.fileno())
        os.chmod(tmp, FILE_MODE)
        os.replace(tmp, target)
    except OSError as err:
        Path(tmp).unlink(missing_ok=True)
        raise ReportPathError(f"har {target}: {err.strerror or err}") from None
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return count


def _entries(flows: Iterable[http.HTTPFlow], engine: Engine, masker: Masker) -> Iterator[dict]:
    """Pass 2: each flow analysed (its findings) and masked, as a HAR entry."""
    exporter, servers_seen = SaveHar(), set[Server]()
    for flow in flows:
        if is_plumbing(flow.request):  # the demo's plumbing, as analyze leaves it out
            continue
        with one_flow():  # as analyze_flows: one line for the user
            findings = engine.analyze(from_flow(flow))
            redacted, notes, labels = redact_flow(flow, masker)
            entry = exporter.flow_entry(redacted, servers_seen)
        for header in entry["request"]["headers"]:
            label = labels.get(header["name"].lower())
            if label:  # the credential's label beside its stand-in (a Basic pair is base64)
                header["comment"] = f"pinscope: {label}"
        if notes:
            entry["comment"] = "pinscope: " + "; ".join(notes)
        entry["_pinscope"] = [f.as_dict() for f in findings]
        yield entry


def _write(fo: IO[str], entries: Iterator[dict]) -> int:
    """The HAR document, streamed entry by entry; the number of entries."""
    creator = {"name": "pinscope", "version": _version(),
               "comment": "secrets masked by pinscope redact: tokens as pina_REDACTED-<fingerprint>, "
                          "other secrets as …<fingerprint>; findings in each entry's _pinscope"}
    head = {"version": "1.2", "creator": creator, "pages": []}
    fo.write('{"log": ' + json.dumps(head, ensure_ascii=False)[:-1] + ', "entries": [\n')
    count = 0
    for entry in entries:
        try:
            text = json.dumps(entry, ensure_ascii=False, allow_nan=False)
        except ValueError as err:  # a NaN or infinite time: JSON has no such number
            raise FlowError(f"ValueError: {err}") from None
        fo.write((",\n" if count else "") + text)
        count += 1
    fo.write("\n]}}\n")
    return count


def _version() -> str:
    try:
        return metadata.version("pinscope")
    except metadata.PackageNotFoundError:
        return "0+unknown"
