"""Hostile and malformed captures through `pinscope analyze` and `pinscope scopes --plan`.

Whatever the file holds, the command either analyses it (exit 0) or says why not in one line
(exit 2): never a traceback, never a secret. A Hypothesis fuzzer mutates real mitmproxy flow
state and HAR entries (PINSCOPE_FUZZ_EXAMPLES=3000 for a longer hunt than the default 200).
"""

from __future__ import annotations

import copy
import io
import json
import os
from collections.abc import Callable
from contextlib import redirect_stderr, redirect_stdout
from pathlib import Path
from tempfile import TemporaryDirectory

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from mitmproxy.addons.savehar import SaveHar
from mitmproxy.io import tnetstring

from pinscope import cli
from tests.flowkit import SECRETS, error, flow, token_grant
from tests.test_capture import nested_tnetstring, write_har, write_mitm

COMMANDS = (("analyze",), ("scopes", "--plan"))
CI = bool(os.environ.get("CI"))
HOSTILE = settings(max_examples=int(os.environ.get("PINSCOPE_FUZZ_EXAMPLES", "200")), deadline=None,
                   derandomize=CI, database=None if CI else settings.default.database,
                   suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


def run(*argv: str) -> tuple[int, str, str]:
    """cli.main in process, with its output captured."""
    out, err = io.StringIO(), io.StringIO()
    with redirect_stdout(out), redirect_stderr(err):
        code = cli.main(list(argv))
    return code, out.getvalue(), err.getvalue()


def assert_handled(code: int, out: str, err: str, capture: Path) -> None:
    """Analysed (0), or refused in one line naming the capture (2); nothing else, no secret."""
    assert "Traceback" not in out + err
    assert not any(secret in out + err for secret in SECRETS)
    assert code in (0, 2), err
    if code == 2:
        lines = err.splitlines()
        assert len(lines) == 1 and lines[0].startswith("pinscope:"), err
        assert str(capture) in lines[0] and out == "", err


def sample() -> list:
    return [token_grant("pins:read"),
            flow("GET", "/v5/pins/1", at=1, status=401, body=error(3, "Not authorized")),
            flow("GET", "/v5/boards", at=2, body={"items": []}),
            flow("GET", "/v5/pins/2", at=3, status=None)]


MALFORMED: dict[str, tuple[str, Callable[[Path], object]]] = {
    "empty": ("empty.har", lambda p: p.write_bytes(b"")),
    "empty flow file": ("empty.mitm", lambda p: p.write_bytes(b"")),
    "truncated HAR": ("cut.har", lambda p: p.write_bytes(write_har(p, sample()).read_bytes()[:-200])),
    "truncated flow file": ("cut.mitm", lambda p: p.write_bytes(write_mitm(p, sample()).read_bytes()[:-200])),
    "binary junk": ("junk.har", lambda p: p.write_bytes(bytes(range(256)) * 4)),
    "entries not a list": ("dict.har", lambda p: p.write_text('{"log": {"entries": {"0": {}}}}')),
    "entry not an object": ("list.har", lambda p: p.write_text('{"log": {"entries": [[]]}}')),
    "entry missing fields": ("fields.har", lambda p: p.write_text('{"log": {"entries": [{"request": {}}]}}')),
    "invalid UTF-8": ("utf8.har", lambda p: p.write_bytes(b'{"log": {"entries": [{"x": "\xc3\x28"}]}}')),
    "HAR 200,000 deep": ("deep.har", lambda p: p.write_bytes(
        b'{"log": {"entries": [' + b'{"a":' * 200_000 + b"1" + b"}" * 200_000 + b"]}}")),
    "tnetstring 100,000 deep": ("deep.mitm", lambda p: p.write_bytes(nested_tnetstring(100_000))),
    "huge length prefix": ("huge.mitm", lambda p: p.write_bytes(b"999999999999:x")),
    "a folder": ("folder.har", lambda p: p.mkdir()),
    "a FIFO": ("pipe.har", os.mkfifo),
    "missing": ("absent.har", lambda p: None),
    "a dangling symlink": ("dangling.har", lambda p: p.symlink_to(p.parent / "nowhere.har")),
}


@pytest.mark.parametrize("command", COMMANDS, ids=["analyze", "plan"])
@pytest.mark.parametrize("case", MALFORMED)
def test_malformed_captures_are_one_line_and_exit_2(tmp_path: Path, case: str, command: tuple[str, ...]) -> None:
    name, make = MALFORMED[case]
    path = tmp_path / name
    make(path)
    code, out, err = run(*command, str(path))
    assert code == 2
    assert_handled(code, out, err, path)


def corrupt(state: dict, where: str, value: object) -> dict:
    """A copy of `state` with the value at dotted path `where` replaced (DELETE: removed)."""
    state = copy.deepcopy(state)
    *parents, last = where.split(".")
    target = state
    for key in parents:
        target = target[key]
    if value is DELETE:
        del target[last]
    else:
        target[last] = value
    return state


DELETE = object()
NAN, INF = float("nan"), float("inf")
REFUSED = [  # mitmproxy cannot rebuild these flows, or pinscope cannot read them: exit 2, naming flow 1
    ("client_conn", "not a connection"), ("client_conn", None), ("client_conn", [1, 2]), ("server_conn", 5),
    ("server_conn", {}), ("server_conn.address", "host"), ("id", {"a": 1}), ("request", DELETE),
    ("response.status_code", DELETE), ("version", DELETE), ("type", DELETE), ("version", 999), ("version", "21"),
    ("type", "tcp"), ("response.status_code", "200"), ("response.status_code", 2.5), ("response", "x"),
    ("request.timestamp_start", "yesterday"), ("request.headers", "x"), ("request.headers", [[1, 2]]),
    ("request.path", 5), ("request.port", "443"), ("request.method", None), ("request.content", "text"),
    ("response.headers", None), ("error", "boom"),
]
ODD = [  # each may load: analysed (exit 0) or refused in one line (exit 2)
    ("id", None), ("id", 10**30), ("response.status_code", 10**30), ("response.status_code", -1),
    ("request.timestamp_start", NAN), ("request.timestamp_start", INF), ("request.timestamp_end", -INF),
    ("request.timestamp_start", 1e300), ("response.timestamp_end", NAN), ("response.timestamp_start", 1e300),
    ("timestamp_created", "x"), ("timestamp_created", NAN), ("client_conn.timestamp_start", INF),
    ("request.path", "/v5/pins/1"), ("request.host", b"api.pinterest.com"), ("request.port", 70_000),
    ("metadata", {"deep": [[[[[[[[[[{}]]]]]]]]]]}), ("comment", b"bytes"),
]


@pytest.mark.parametrize("where,value", REFUSED + ODD, ids=[f"{w}={str(v)[:12]}" for w, v in REFUSED + ODD])
def test_corrupted_flow_state(tmp_path: Path, where: str, value: object) -> None:
    good, bad = token_grant("pins:read").get_state(), sample()[1].get_state()
    path = tmp_path / "corrupt.mitm"
    path.write_bytes(tnetstring.dumps(good) + tnetstring.dumps(corrupt(bad, where, value)))
    code, out, err = run("analyze", str(path))
    assert_handled(code, out, err, path)
    assert code == 2 or (where, value) in ODD
    assert code == 0 or "flow 1" in err, err


def paths(value: object, prefix: tuple = ()) -> list[tuple]:
    """Every key and index path inside a flow state or HAR entry."""
    items = value.items() if isinstance(value, dict) else enumerate(value) if isinstance(value, list | tuple) else ()
    return [p for key, inner in items for p in [(*prefix, key), *paths(inner, (*prefix, key))]]


def nested(levels: int) -> list:
    value: list = []
    for _ in range(levels):
        value = [value]
    return value


def swapped(value: object) -> object:
    """The same content in the neighbouring type: str and bytes, numbers and text, lists and maps."""
    if isinstance(value, bytes):
        return value.decode("latin-1")
    if isinstance(value, str):
        return value.encode("utf-8", "surrogatepass")
    if isinstance(value, bool | int | float):
        return str(value)
    if isinstance(value, list | tuple):
        return dict(enumerate(value))
    if isinstance(value, dict):
        return list(value.values())
    return b""


VALUES = st.one_of(
    st.sampled_from([None, True, False, 0, -1, 2**63, -(2**63) - 1, 10**30, 10**4000, NAN, INF, -INF, 1e300,
                     -1e300, "", b"", "x", b"x", [], {}, [b"a", b"b"], {"a": {"b": None}}, ("127.0.0.1", 0)]),
    st.integers(), st.floats(), st.text(max_size=12), st.binary(max_size=12),
    st.integers(1, 400).map(nested))


def mutated(bases: list[dict]) -> st.SearchStrategy[dict]:
    """One of `bases` with one to four of its values replaced, removed or retyped."""
    @st.composite
    def build(draw) -> dict:
        state = copy.deepcopy(draw(st.sampled_from(bases)))
        for _ in range(draw(st.integers(1, 4))):
            where = draw(st.sampled_from(paths(state) or [("x",)]))
            op = draw(st.sampled_from(["set", "set", "delete", "swap"]))
            parent = state
            for key in where[:-1]:
                parent = parent[key]
            if isinstance(parent, tuple):  # headers are tuples in a state: replace the whole pair
                continue
            if op == "delete" and isinstance(parent, dict):
                del parent[where[-1]]
            else:
                # a copy: VALUES' samples are shared, and a later step may change inside them
                parent[where[-1]] = swapped(parent[where[-1]]) if op == "swap" else copy.deepcopy(draw(VALUES))
        return state
    return build()


FLOW_STATES = [f.get_state() for f in sample()]
HAR_ENTRIES = SaveHar().make_har(sample())["log"]["entries"]


@HOSTILE
@given(state=mutated(FLOW_STATES), command=st.sampled_from(COMMANDS))
def test_fuzzed_flow_state_is_analysed_or_refused_in_one_line(state: dict, command: tuple[str, ...]) -> None:
    with TemporaryDirectory(prefix="pinscope-fuzz-") as tmp:
        path = Path(tmp) / "fuzzed.mitm"
        path.write_bytes(tnetstring.dumps(FLOW_STATES[0]) + tnetstring.dumps(state))
        code, out, err = run(*command, str(path))
        assert_handled(code, out, err, path)
        event(f"exit {code}")


@HOSTILE
@given(entry=mutated(HAR_ENTRIES))
def test_fuzzed_har_entries_are_analysed_or_refused_in_one_line(entry: dict) -> None:
    with TemporaryDirectory(prefix="pinscope-fuzz-") as tmp:
        path = Path(tmp) / "fuzzed.har"
        archive = {"log": {"entries": [HAR_ENTRIES[0], entry]}}
        path.write_text(json.dumps(archive, default=lambda b: b.decode("latin-1")), encoding="utf-8")
        code, out, err = run("analyze", str(path))
        assert_handled(code, out, err, path)
        event(f"exit {code}")
