"""What the dashboard shows: the report's sections, rebuilt at most once per second however many poll."""

from __future__ import annotations

import dataclasses
import hashlib
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass

from pinscope.catalog import Catalog
from pinscope.dashboard.links import example_links
from pinscope.report import build_report
from pinscope.report.html import SECTIONS, Section, render_sections
from pinscope.report.html_findings import findings
from pinscope.session import Session
from pinscope.timefmt import format_time
from pinscope.untrusted import describe_error

logger = logging.getLogger("pinscope")
MIN_INTERVAL = 1.0  # seconds between two report builds, however many browsers poll


@dataclass(frozen=True)
class Frame:
    """One rendering of the session: the report's navigation and sections, and when it was built."""

    version: str  # a digest of the content: a poll that already has it gets no body
    nav: str
    main: str
    generated: str


def live_frame(session: Session, catalog: Catalog, web_url: str | None) -> Frame:
    """Build the report and render its sections; with `web_url` (mitmweb), examples link to their flows."""
    report = build_report(session, catalog)
    sections: tuple[Section, ...] = SECTIONS
    if web_url:
        flow_link = example_links(session, web_url)
        sections = tuple(dataclasses.replace(s, render=lambda r: findings(r, flow_link)) if s.id == "findings"
                         else s for s in SECTIONS)
    nav, main = render_sections(report, sections)
    version = hashlib.sha256(f"{nav}\0{main}".encode()).hexdigest()[:20]
    return Frame(version, nav, main, format_time(report.generated_at))


class Frames:
    """The latest Frame, rebuilt when a poll finds it older than MIN_INTERVAL."""

    def __init__(self, build: Callable[[], Frame], clock: Callable[[], float] = time.monotonic,
                 interval: float = MIN_INTERVAL) -> None:
        self.build, self.clock, self.interval = build, clock, interval
        self.builds = 0  # how many times the report was built (tests count them)
        self._frame = Frame("", "", "", "-")
        self._built_at: float | None = None
        self._failed = False

    def current(self) -> Frame:
        """The latest frame; a failed build keeps the previous one and is logged once."""
        now = self.clock()
        if self._built_at is not None and now - self._built_at < self.interval:
            return self._frame
        self._built_at = now  # a failing build is retried no sooner either
        self.builds += 1
        try:
            self._frame = self.build()
        except Exception as err:  # noqa: BLE001 - a pinscope bug must not take the proxy's loop down
            if not self._failed:
                logger.warning("pinscope: the dashboard could not build the report: %s", describe_error(err))
            self._failed = True
        return self._frame
