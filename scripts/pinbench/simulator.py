"""Simulator throughput: a create/read/list mix, in process (Simulator.handle) and over loopback.

Each cycle is what an app does after creating something: POST /v5/boards, GET that board, GET
/v5/boards, GET a Pin created at set-up, POST a batch of one campaign. Over loopback the calls go
to `pinscope simulate` as a child process on 127.0.0.1 (a threaded wsgiref server answering
HTTP/1.0, so a connection per request, as an SDK without keep-alive would see it).
Pinterest allows one user 100 requests a second per app [FACTS §2], a limit --rate-scale leaves as
it is: cycles take turns among USERS users, and in process the simulator's clock moves 1 ms a call,
so no run is measuring 429s (a 429 stops the run).
"""

from __future__ import annotations

import contextlib
import http.client
import json
import re
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

from pinbench.live import LOCALHOST, START_TIMEOUT, stop
from pinscope.simulator import SimConfig, Simulator
from pinscope.simulator.wire import SimRequest

RATE_SCALE = 10_000  # quotas far above what a run sends: the figure is the simulator's, not its 429s
SCOPES = "boards:read,boards:write,pins:read,pins:write,ads:read,ads:write"
CYCLE = 5  # requests per cycle
USERS = 100  # each cycle acts for the next user in turn
TICK = 0.001  # in process: simulated seconds per call (1,000 calls a simulated second among USERS)

# (method, path, JSON body, bearer token) -> (status, parsed JSON body or None)
Call = Callable[[str, str, Any, str | None], tuple[int, Any]]


@dataclass
class Rate:
    """Requests sent, seconds taken, statuses per operation label ("POST /v5/boards 200": count)."""

    requests: int
    seconds: float
    statuses: dict[str, int]

    @property
    def rate(self) -> float:
        """Requests per second."""
        return self.requests / self.seconds if self.seconds else 0.0


@dataclass(frozen=True)
class SimulatorThroughput:
    """Both figures of one run."""

    in_process: Rate
    loopback: Rate
    connections: int


@dataclass(frozen=True)
class Fixture:
    """What every cycle reuses: the bearer token, a Pin id and an ad account id."""

    token: str
    pin_id: str
    ad_account: str


def set_up(call: Call) -> list[Fixture]:
    """For each of USERS users: a token with the mix's scopes (/_sim/token), a Pin, the first ad account."""
    return [_user(call, f"bench{k}") for k in range(USERS)]


def _user(call: Call, user: str) -> Fixture:
    def need(method: str, path: str, body: Any, token: str | None) -> Any:
        status, answer = call(method, path, body, token)
        if not 200 <= status < 300:
            raise RuntimeError(f"set-up: {method} {path} answered {status}")
        return answer

    app = SimConfig().apps[0].app_id
    token = need("POST", "/_sim/token", {"app_id": app, "scope": SCOPES, "user": user}, None)["access_token"]
    board = need("POST", "/v5/boards", {"name": "bench set-up"}, token)["id"]
    pin = need("POST", "/v5/pins", {"board_id": board, "title": "bench", "media_source": {
        "source_type": "image_url", "url": "https://example.com/bench.jpg"}}, token)["id"]
    return Fixture(token, pin, need("GET", "/v5/ad_accounts", None, token)["items"][0]["id"])


def cycle(call: Call, fixtures: list[Fixture], n: int, tally: Counter[str]) -> None:
    """Round `n`: create/read/list for the next user in turn; each answer's status counted by operation."""
    fixture = fixtures[n % len(fixtures)]

    def send(method: str, path: str, body: Any, label: str) -> Any:
        status, answer = call(method, path, body, fixture.token)
        if status >= 500 or status == 429:
            raise RuntimeError(f"{label} answered {status}: the figure would not be the simulator's")
        tally[f"{label} {status}"] += 1
        return answer

    created = send("POST", "/v5/boards", {"name": f"bench board {n}"}, "POST /v5/boards")
    board = created.get("id", "1") if isinstance(created, dict) else "1"
    send("GET", f"/v5/boards/{board}", None, "GET /v5/boards/{id}")
    send("GET", "/v5/boards", None, "GET /v5/boards")
    send("GET", f"/v5/pins/{fixture.pin_id}", None, "GET /v5/pins/{id}")
    send("POST", f"/v5/ad_accounts/{fixture.ad_account}/campaigns",
         [{"ad_account_id": fixture.ad_account, "name": f"bench {n}", "objective_type": "AWARENESS"}],
         "POST campaigns (batch)")


def _headers(token: str | None) -> dict[str, str]:
    """A JSON request's headers, with the bearer token when there is one."""
    return {"content-type": "application/json", **({"authorization": f"Bearer {token}"} if token else {})}


def in_process(count: int, budget: float) -> Rate:
    """`count` requests through Simulator.handle (no HTTP, no JSON encoding of answers), at most `budget` s."""
    ticks = iter(range(1 << 62))
    sim = Simulator(SimConfig(rate_scale=RATE_SCALE), clock=lambda: 1.7e9 + next(ticks) * TICK)

    def call(method: str, path: str, body: Any, token: str | None) -> tuple[int, Any]:
        payload = json.dumps(body).encode() if body is not None else b""
        reply = sim.handle(SimRequest(method, path, {}, _headers(token), payload, "production"))
        return reply.status, reply.body

    fixtures = set_up(call)
    tally: Counter[str] = Counter()
    started = time.perf_counter()
    deadline, n = started + budget, 0
    while n * CYCLE < count and time.perf_counter() < deadline:
        cycle(call, fixtures, n, tally)
        n += 1
    return Rate(n * CYCLE, time.perf_counter() - started, dict(tally))


@contextlib.contextmanager
def simulate() -> Iterator[int]:
    """`pinscope simulate --port 0` as a child process; yields its production port."""
    proc = subprocess.Popen([sys.executable, "-m", "pinscope.cli", "simulate", "--port", "0",
                             "--rate-scale", str(RATE_SCALE)],
                            stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    try:
        assert proc.stdout is not None
        timer = threading.Timer(START_TIMEOUT, proc.kill)  # a child that never prints must not hang the run
        timer.start()
        line = proc.stdout.readline()
        timer.cancel()
        found = re.search(r"http://127\.0\.0\.1:(\d+)/v5", line)
        if found is None:
            raise RuntimeError(f"pinscope simulate did not say where it listens: {line!r}")
        yield int(found.group(1))
    finally:
        stop(proc, 10)


def _http_call(port: int) -> Call:
    """A Call over one http.client connection (it reopens after each HTTP/1.0 close)."""
    conn = http.client.HTTPConnection(LOCALHOST, port, timeout=10)

    def call(method: str, path: str, body: Any, token: str | None) -> tuple[int, Any]:
        conn.request(method, path, json.dumps(body) if body is not None else None, _headers(token))
        reply = conn.getresponse()
        data = reply.read()
        return reply.status, json.loads(data) if data else None
    return call


def loopback(count: int, connections: int, budget: float) -> Rate:
    """`count` requests to a `pinscope simulate` child from `connections` threads, at most `budget` s."""
    with simulate() as port:
        fixtures = set_up(_http_call(port))
        share = -(-count // (CYCLE * connections))  # cycles per thread

        def worker(index: int) -> tuple[int, Counter[str]]:
            call, tally, done = _http_call(port), Counter[str](), 0
            while done < share and time.perf_counter() < deadline:
                cycle(call, fixtures, index * share + done, tally)
                done += 1
            return done, tally

        started = time.perf_counter()
        deadline = started + budget
        with ThreadPoolExecutor(connections) as pool:  # a worker's exception is raised here
            results = list(pool.map(worker, range(connections)))
        seconds = time.perf_counter() - started
    return Rate(sum(d for d, _ in results) * CYCLE, seconds, dict(sum((t for _, t in results), Counter())))


def measure(count: int, connections: int = 4, budget: float = 120.0) -> SimulatorThroughput:
    """Both figures for `count` requests each (fewer if `budget` seconds run out first)."""
    return SimulatorThroughput(in_process(count, budget), loopback(count, connections, budget), connections)
