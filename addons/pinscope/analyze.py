"""Offline analysis: run an Engine over the flows of a capture, as the live addon would."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from mitmproxy import http
from rich.console import Console
from rich.progress import BarColumn, Progress, TaskProgressColumn, TextColumn, TimeRemainingColumn

from pinscope.capture import Capture, open_capture
from pinscope.detectors import Settings
from pinscope.engine import Engine
from pinscope.exchange import from_flow

PROGRESS_MIN_BYTES = 4 << 20  # captures at least this large get a progress bar


def analyze_flows(engine: Engine, flows: Iterable[http.HTTPFlow]) -> int:
    """Analyze each HTTP flow in order; the number of flows analyzed."""
    count = 0
    for flow in flows:
        engine.analyze(from_flow(flow))
        count += 1
    return count


def analyze_capture(capture: Capture, engine: Engine, console: Console | None = None,
                    progress_min_bytes: int = PROGRESS_MIN_BYTES) -> int:
    """Analyze a capture (CaptureError on unreadable data); a progress bar on `console` when long."""
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
