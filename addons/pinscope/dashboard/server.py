"""The dashboard's web server: tornado (mitmweb's own) on mitmproxy's event loop, 127.0.0.1 unless asked.

Every request runs on that loop, as the addon's hooks do, so the session is read without locks.
A random token in the URL (`?token=`, as mitmweb's) guards both addresses; without it, 403.
"""

from __future__ import annotations

import hmac
import json
import secrets

import tornado.httpserver
import tornado.netutil
import tornado.web

from pinscope.dashboard import page
from pinscope.dashboard.frames import Frames

FORBIDDEN = "pinscope dashboard: open the address pinscope printed, with its ?token=\n"
HEADERS = {"X-Content-Type-Options": "nosniff", "Cache-Control": "no-store", "Referrer-Policy": "no-referrer",
           "X-Frame-Options": "DENY"}


class Dashboard:
    """Serves `/` (the page) and `/live` (the latest frame as JSON) from `frames`."""

    def __init__(self, frames: Frames, token: str | None = None) -> None:
        self.frames = frames
        self.token = token or secrets.token_hex(16)
        self.style = page.css()
        self.policy = page.policy(self.style)  # hashes the stylesheet: once, not on every poll
        self.url: str | None = None
        self._server: tornado.httpserver.HTTPServer | None = None

    def app(self) -> tornado.web.Application:
        """The tornado application (tests may drive it without a socket)."""
        # log_function: tornado's access log would print every polled URL, token included.
        return tornado.web.Application([(r"/", PageHandler), (r"/live", LiveHandler)], dashboard=self,
                                       log_function=lambda handler: None)

    def start(self, host: str, port: int) -> str:
        """Listen on host:port (0: any free port) on the running loop; the URL to open, token included."""
        sockets = tornado.netutil.bind_sockets(port, host)
        server = tornado.httpserver.HTTPServer(self.app())
        server.add_sockets(sockets)
        self._server = server
        shown = "127.0.0.1" if host in ("", "0.0.0.0") else "[::1]" if host == "::" else \
            f"[{host}]" if ":" in host else host
        self.url = f"http://{shown}:{sockets[0].getsockname()[1]}/?token={self.token}"
        return self.url

    def stop(self) -> None:
        """Stop listening (open keep-alive connections end with the process)."""
        if self._server is not None:
            self._server.stop()
            self._server = None

    def allowed(self, given: str) -> bool:
        """The token, compared in constant time."""
        return hmac.compare_digest(given.encode(), self.token.encode())


class _Handler(tornado.web.RequestHandler):
    @property
    def dashboard(self) -> Dashboard:
        return self.settings["dashboard"]

    def set_default_headers(self) -> None:
        for name, value in HEADERS.items():
            self.set_header(name, value)
        self.set_header("Content-Security-Policy", self.dashboard.policy)

    def prepare(self) -> None:
        if not self.dashboard.allowed(self.get_query_argument("token", "")):
            self.set_status(403)
            self.set_header("Content-Type", "text/plain; charset=utf-8")
            self.finish(FORBIDDEN)


class PageHandler(_Handler):
    def get(self) -> None:
        """The page with the latest frame; its script polls /live."""
        self.set_header("Content-Type", "text/html; charset=utf-8")
        self.finish(page.render_page(self.dashboard.frames.current(), self.dashboard.style))


class LiveHandler(_Handler):
    def get(self) -> None:
        """The latest frame as JSON, or 204 when the caller already has it (`?since=<version>`)."""
        frame = self.dashboard.frames.current()
        if self.get_query_argument("since", "") == frame.version:
            self.set_status(204)
            self.finish()
            return
        self.set_header("Content-Type", "application/json; charset=utf-8")
        self.finish(json.dumps({"version": frame.version, "nav": frame.nav, "main": frame.main,
                                "generated": frame.generated}))
