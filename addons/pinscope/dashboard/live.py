"""The dashboard as the addon runs it: on once mitmproxy runs (pinscope_dashboard), off at done()."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from pinscope import banner
from pinscope.untrusted import describe_error

if TYPE_CHECKING:
    from pinscope.dashboard.server import Dashboard
    from pinscope.engine import Engine

OPTIONS = frozenset({"pinscope_dashboard", "pinscope_dashboard_host", "pinscope_dashboard_port"})
logger = logging.getLogger("pinscope")


class LiveDashboard:
    """The addon's dashboard switch: serving or not; a failure is one line and the proxy runs on."""

    def __init__(self) -> None:
        self.served: Dashboard | None = None

    def on(self, engine: Engine, options: Any, master: Any) -> None:
        """Serve the dashboard if pinscope_dashboard asks and it is not served yet."""
        if not options.pinscope_dashboard or self.served is not None:
            return
        try:
            self.served = start(engine, options, master)
        except Exception as err:  # noqa: BLE001 - the proxy must keep working whatever pinscope does
            logger.warning("pinscope: dashboard not started: %s", describe_error(err))

    def off(self) -> None:
        """Stop serving (done(), or before serving with changed options)."""
        served, self.served = self.served, None
        try:
            if served is not None:
                served.stop()
        except Exception as err:  # noqa: BLE001 - done() must still write the report
            logger.debug("pinscope: stopping the dashboard failed: %s", describe_error(err))


def start(engine: Engine, options: Any, master: Any) -> Dashboard | None:
    """Listen, log the URL; None (and one warning) when the address cannot be bound."""
    from pinscope.dashboard.frames import Frames, live_frame
    from pinscope.dashboard.server import Dashboard

    # mitmweb's own address, with its access token unless web_password is set (then the user logs in).
    web_url = getattr(master, "web_url", None) if "web_host" in options else None
    dashboard = Dashboard(Frames(lambda: live_frame(engine.session, engine.catalog, web_url)))
    host, port = options.pinscope_dashboard_host, options.pinscope_dashboard_port
    try:
        url = dashboard.start(host, port)
    except OSError as err:
        logger.warning("pinscope: dashboard not started on %s: %s (set pinscope_dashboard_port to a free "
                       "port)", banner.show((host, port)), describe_error(err))
        return None
    for level, line in banner.dashboard_lines(host, url):
        logger.log(level, "%s", line)
    return dashboard
