"""Streaming HAR entries: what json.loads finds, one-line errors for anything else, bounded memory."""

from __future__ import annotations

import io
import json
import os
import resource
import subprocess
import sys
from pathlib import Path

import pytest
from mitmproxy.addons.savehar import SaveHar

from pinscope.har import HarError, entries, parse_error
from pinscope.untrusted import MAX_JSON_DEPTH
from tests.test_capture import sample

ROOT = Path(__file__).resolve().parent.parent


def read(data: bytes, max_depth: int = MAX_JSON_DEPTH) -> list[dict]:
    return list(entries(io.BufferedReader(io.BytesIO(data)), max_depth))


ARCHIVE = {"log": {"version": "1.2", "creator": {"name": "x", "nested": [[{"a": [1, 2.5]}]]},
                   "pages": [{"id": "p"}], "entries": [
                       {"request": {"url": "https://x/", "headers": [{"name": "a", "value": "b"}]},
                        "time": 1.5, "n": None, "ok": True, "list": [[], {}, [[1]]]},
                       {"empty": {}}],
                   "comment": "after the entries"}}


def test_entries_are_what_json_loads_reads() -> None:
    data = json.dumps(ARCHIVE).encode()
    assert read(data) == ARCHIVE["log"]["entries"]
    assert read(b"\xef\xbb\xbf" + data) == ARCHIVE["log"]["entries"], "a byte order mark is skipped"


def test_numbers_are_floats_and_ints() -> None:
    (entry,) = read(b'{"log": {"entries": [{"time": 12.25, "status": 200, "big": 1e300}]}}')
    assert entry == {"time": 12.25, "status": 200, "big": 1e300}
    assert type(entry["time"]) is float and type(entry["status"]) is int


def test_entries_stream_before_the_end_of_the_file() -> None:
    stream = entries(io.BufferedReader(io.BytesIO(b'{"log": {"entries": [{"a": 1}, {"b": 2}, {"c": ')))
    assert next(stream) == {"a": 1} and next(stream) == {"b": 2}
    with pytest.raises(HarError, match="not valid JSON: parse error: premature EOF"):
        next(stream)


def deep(levels: int, inner: bytes = b"1") -> bytes:
    return b'{"a":' * levels + inner + b"}" * levels


@pytest.mark.parametrize("data", [
    b'{"log": {"entries": [' + deep(200_000) + b"]}}",  # inside an entry
    b'{"log": {"pages": ' + b"[" * 200_000 + b"]" * 200_000 + b', "entries": []}}',  # in a skipped value
    b'{"x": ' + deep(200_000) + b', "log": {"entries": []}}',
], ids=["entry", "skipped-under-log", "skipped-at-top"])
def test_deep_nesting_is_refused_without_recursion(data: bytes) -> None:
    with pytest.raises(HarError, match=f"nested deeper than {MAX_JSON_DEPTH} levels"):
        read(data)


def test_the_depth_cap_counts_from_the_top() -> None:
    """The entry is the 4th level ({} > log > entries > entry): 61 levels inside it are the most."""
    assert read(b'{"log": {"entries": [' + deep(60, b"{}") + b"]}}") != []
    with pytest.raises(HarError, match=f"nested deeper than {MAX_JSON_DEPTH}"):
        read(b'{"log": {"entries": [' + deep(61, b"{}") + b"]}}")


@pytest.mark.parametrize("data,message", [
    (b"", "premature EOF"),
    (b"[]", "the top level is not an object"),
    (b'"log"', "the top level is not an object"),
    (b"{}", "no log.entries list"),
    (b'{"log": []}', "log is not an object"),
    (b'{"log": {"entries": {}}}', "log.entries is not a list"),
    (b'{"log": {"entries": null}}', "log.entries is not a list"),
    (b'{"log": {"entries": [{}, 3]}}', "entry 1 is not an object"),
    (b'{"log": {"entries": [[]]}}', "entry 0 is not an object"),
    (b'{"log": {"entries": ["\xff"]}}', "invalid bytes in UTF8 string"),
    (b'{"log": {"entries": []}} trailing', "trailing garbage"),
    (b'{"log": {"entries": [{"t": 1e400}]}}', "overflow"),
    (b'{"log": {"entries": [{"t": NaN}]}}', "not valid JSON"),
    (b"\x00\x01\x02\xff binary", "invalid char"),
])
def test_malformed_archives_fail_with_one_line(data: bytes, message: str) -> None:
    with pytest.raises(HarError, match=message) as err:
        read(data)
    assert "\n" not in str(err.value)


def test_parse_errors_keep_only_yajls_first_line() -> None:
    """yajl's later lines quote the input around the error: it could hold a secret."""
    with pytest.raises(HarError) as err:
        read(b'{"log": {"entries": [{"token": "pina_SECRETSECRETSECRET", oops}]}}')
    assert "pina_" not in str(err.value) and "lexical error" in str(err.value)
    assert parse_error(ValueError(b"first\nsecond")) == "first"
    assert parse_error(ValueError()) == "ValueError"


# Reads every flow of a capture; prints peak RSS (KiB) after the imports and after reading.
READ_ALL = """
import collections, resource, sys
from pinscope.capture import open_capture
capture = open_capture(sys.argv[1])
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
collections.deque(capture.flows(), maxlen=0)
print(before, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
"""
AS_LIMIT = 2 << 30  # a regression fails with MemoryError in the child instead of straining the machine


def test_a_large_har_is_read_in_bounded_memory(tmp_path: Path) -> None:
    """30 MB of entries: loaded whole they take about 150 MB more; streamed, a few MB."""
    entries = [json.dumps(e).encode() for e in SaveHar().make_har(sample())["log"]["entries"]]
    path = tmp_path / "large.har"
    with path.open("wb") as out:
        out.write(b'{"log": {"version": "1.2", "entries": [')
        block = b",".join(entries * 1000)
        for n in range(30_000_000 // len(block) + 1):
            out.write((b"," if n else b"") + block)
        out.write(b"]}}")
    limit = lambda: resource.setrlimit(resource.RLIMIT_AS, (AS_LIMIT, AS_LIMIT))  # noqa: E731
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT / "addons"), os.environ.get("PYTHONPATH", "")])}
    result = subprocess.run([sys.executable, "-c", READ_ALL, str(path)], capture_output=True, text=True,
                            timeout=300, preexec_fn=limit, env=env)
    assert result.returncode == 0, result.stderr[-2000:]
    before, after = map(int, result.stdout.split())
    assert (after - before) / 1024 < 40, f"reading a 30 MB HAR added {(after - before) / 1024:.0f} MiB"
