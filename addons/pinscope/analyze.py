"""Offline analysis: run an Engine over the flows of a capture, as the live addon would."""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Iterable, Iterator

from mitmproxy import http
from rich.console import Console
from rich.progress import BarColumn, Progress, TaskProgressColumn, TextColumn, TimeRemainingColumn

from pinscope.capture import Capture, describe, open_capture
from pinscope.detectors import Settings
from pinscope.engine import Engine
from pinscope.exchange import from_flow, is_plumbing

PROGRESS_MIN_BYTES = 4 << 20  # captures at least this large get a progress bar
log = logging.getLogger(__name__)


class FlowError(Exception):
    """One flow could not be analysed; the message is one line (`Type: cleaned message`)."""


@contextlib.contextmanager
def one_flow() -> Iterator[None]:
    """Whatever analysing (or exporting) one flow raises becomes FlowError, except a bug's NameError/ImportError.

    Any exception: a flow file's state is rebuilt by mitmproxy without type checks, so a flow can
    load with a dict for an id or a str for a status and fail only here. It is the same user error
    as an unreadable flow, and must not end in a traceback.
    """
    try:
        yield
    except (NameError, ImportError):  # never caused by data: a bug, shown as one (cli.main)
        raise
    except Exception as err:  # noqa: BLE001
        log.debug("a flow could not be analysed", exc_info=True)
        raise FlowError(describe(err)) from err


def analyze_flows(engine: Engine, flows: Iterable[http.HTTPFlow]) -> int:
    """Analyze each HTTP flow in order; the number of flows analyzed. FlowError when one fails."""
    count = 0
    for flow in flows:
        if is_plumbing(flow.request):  # the demo's simulator plumbing, as live leaves it out
            continue
        with one_flow():
            engine.analyze(from_flow(flow))
        count += 1
    return count


def analyze_capture(capture: Capture, engine: Engine, console: Console | None = None,
                    progress_min_bytes: int = PROGRESS_MIN_BYTES) -> int:
    """Analyze a capture (CaptureError on unreadable data); a progress bar on `console` when long."""
    try:
        return _analyze(capture, engine, console, progress_min_bytes)
    except FlowError as err:
        raise capture.unanalysable(err) from err


def _analyze(capture: Capture, engine: Engine, console: Console | None, progress_min_bytes: int) -> int:
    if console is None or capture.size < progress_min_bytes:
        return analyze_flows(engine, capture.flows())
    columns = (TextColumn("analyzing {task.description}"), BarColumn(), TaskProgressColumn(),
               TimeRemainingColumn())
    with Progress(*columns, console=console, transient=True) as progress:
        task = progress.add_task(capture.path.name, total=capture.total)

        def tracked() -> Iterator[http.HTTPFlow]:
            for flow in capture.flows():
                yield flow
                progress.update(task, completed=capture.done, total=capture.total)

        return analyze_flows(engine, tracked())


def analyze_path(path: str, settings: Settings | None = None) -> Engine:
    """Open a capture (CaptureError when it cannot be read) and analyze it; progress on stderr."""
    capture = open_capture(path)
    engine = Engine(settings)
    analyze_capture(capture, engine, Console(stderr=True))
    return engine
