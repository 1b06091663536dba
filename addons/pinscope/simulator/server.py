"""Run the simulator standalone: a threaded wsgiref server on 127.0.0.1.

Production answers on `port`; the sandbox on `sandbox_port` when given. On either port a Host header
naming api.pinterest.com or api-sandbox.pinterest.com picks that environment instead.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass, field
from socketserver import ThreadingMixIn
from types import TracebackType
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

from pinscope.simulator.app import Simulator
from pinscope.simulator.wire import Environment

logger = logging.getLogger(__name__)
LOCALHOST = "127.0.0.1"  # never listen beyond this machine


class _ThreadingServer(ThreadingMixIn, WSGIServer):
    daemon_threads = True
    allow_reuse_address = True


class _QuietHandler(WSGIRequestHandler):
    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 (stdlib signature)
        logger.debug("%s - %s", self.address_string(), format % args)


@dataclass
class SimServer:
    """The listening servers (one per environment port) and their threads."""

    simulator: Simulator
    servers: dict[Environment, WSGIServer] = field(default_factory=dict)
    threads: list[threading.Thread] = field(default_factory=list)

    def url(self, environment: Environment = "production") -> str:
        """`http://127.0.0.1:<port>/v5` for an environment that has its own port."""
        return f"http://{LOCALHOST}:{self.servers[environment].server_port}/v5"

    def start(self) -> SimServer:
        """Serve every port on a daemon thread."""
        for environment, server in self.servers.items():
            thread = threading.Thread(target=server.serve_forever, name=f"pinscope-sim-{environment}",
                                      daemon=True)
            thread.start()
            self.threads.append(thread)
        return self

    def stop(self) -> None:
        """Stop serving and close the sockets."""
        for server in self.servers.values():
            server.shutdown()
            server.server_close()
        for thread in self.threads:
            thread.join(timeout=5)

    def __enter__(self) -> SimServer:
        return self.start()

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.stop()


def serve(simulator: Simulator, port: int = 0, sandbox_port: int | None = None) -> SimServer:
    """Bind the ports (0 = any free port) on 127.0.0.1; call `.start()` or use it as a context manager."""
    ports: dict[Environment, int] = {"production": port}
    if sandbox_port is not None:
        ports["sandbox"] = sandbox_port
    result = SimServer(simulator)
    try:
        for environment, number in ports.items():
            result.servers[environment] = make_server(LOCALHOST, number, simulator.bound(environment),
                                                      server_class=_ThreadingServer,
                                                      handler_class=_QuietHandler)
    except OSError:
        for server in result.servers.values():
            server.server_close()
        raise
    return result
