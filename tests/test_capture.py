"""Reading captures: .mitm flow files and .har archives the tests write themselves."""

from __future__ import annotations

import json
import os
import threading
from pathlib import Path

import pytest
from mitmproxy import http, io
from mitmproxy.io import tnetstring
from mitmproxy.addons.savehar import SaveHar
from mitmproxy.test import tflow

from pinscope.capture import CaptureError, open_capture, sniff
from tests.flowkit import ACCESS, error, flow, token_grant


def write_mitm(path: Path, flows: list) -> Path:
    """A flow file as `mitmdump -w` writes it."""
    with path.open("wb") as fo:
        writer = io.FlowWriter(fo)
        for f in flows:
            writer.add(f)
    return path


def write_har(path: Path, flows: list[http.HTTPFlow]) -> Path:
    """A HAR archive as mitmproxy's savehar addon writes it."""
    path.write_text(json.dumps(SaveHar().make_har(flows)), encoding="utf-8")
    return path


def sample() -> list[http.HTTPFlow]:
    return [
        token_grant("pins:read"),
        flow("GET", "/v5/pins/1", at=1, status=401, body=error(3, "Not authorized"), rid="rid-aaa"),
        flow("GET", "/v5/boards", at=2, body={"items": []}),
    ]


@pytest.mark.parametrize("writer,suffix", [(write_mitm, ".mitm"), (write_har, ".har")])
def test_reads_http_flows_in_order(tmp_path: Path, writer, suffix: str) -> None:
    flows = sample()
    capture = open_capture(writer(tmp_path / f"cap{suffix}", flows))
    read = list(capture.flows())
    assert capture.format == suffix[1:]
    assert [(f.request.method, f.request.path, f.response.status_code) for f in read] == [
        (f.request.method, f.request.path, f.response.status_code) for f in flows]
    assert read[1].request.headers["authorization"] == f"Bearer {ACCESS}"
    assert read[1].response.headers["x-pinterest-rid"] == "rid-aaa"
    assert read[1].request.timestamp_start == pytest.approx(flows[1].request.timestamp_start, abs=0.01)
    assert capture.done == capture.total


def test_non_http_flows_are_skipped(tmp_path: Path) -> None:
    path = write_mitm(tmp_path / "mixed.mitm", [tflow.ttcpflow(), *sample()[:1], tflow.tdnsflow()])
    assert [f.request.path for f in open_capture(path).flows()] == ["/v5/oauth/token"]


def test_format_is_sniffed_without_a_known_suffix(tmp_path: Path) -> None:
    flows = sample()
    assert open_capture(write_mitm(tmp_path / "dump", flows)).format == "mitm"
    assert open_capture(write_har(tmp_path / "export.json", flows)).format == "har"
    assert sniff(b"\xef\xbb\xbf{") == "har" and sniff(b"hello") is None and sniff(b"") is None


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(CaptureError, match="no such file"):
        open_capture(tmp_path / "absent.mitm")


def test_folder_is_not_a_capture(tmp_path: Path) -> None:
    with pytest.raises(CaptureError, match="not a file"):
        open_capture(tmp_path)


def test_unknown_format(tmp_path: Path) -> None:
    path = tmp_path / "notes.txt"
    path.write_text("not traffic\n")
    with pytest.raises(CaptureError, match=r"unknown format.*\.mitm.*\.har") as err:
        open_capture(path)
    assert "\n" not in str(err.value)


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads any file")
def test_unreadable_file(tmp_path: Path) -> None:
    path = write_mitm(tmp_path / "locked.mitm", sample())
    path.chmod(0)
    with pytest.raises(CaptureError, match="cannot read"):
        open_capture(path)


@pytest.mark.parametrize("content,suffix,reason", [
    (b"12:garbage!", ".mitm", "not a readable mitmproxy flow file"),
    (b"\x00\x01\x02binary", ".mitm", "not a readable mitmproxy flow file"),
    (b"{not json", ".har", "not a valid HAR file"),
    (b'{"log": {}}', ".har", "not a valid HAR file"),
    (b'{"log": {"entries": [{"request": {}}]}}', ".har", "HAR entry 0 is not valid"),
])
def test_corrupt_captures_fail_with_one_line(tmp_path: Path, content: bytes, suffix: str,
                                             reason: str) -> None:
    path = tmp_path / f"bad{suffix}"
    path.write_bytes(content)
    with pytest.raises(CaptureError, match=reason) as err:
        list(open_capture(path).flows())
    assert "\n" not in str(err.value)


def test_truncated_flow_file(tmp_path: Path) -> None:
    path = write_mitm(tmp_path / "cut.mitm", sample())
    data = path.read_bytes()
    path.write_bytes(data[: len(data) - 40])
    with pytest.raises(CaptureError, match="cut.mitm"):
        list(open_capture(path).flows())


def test_har_is_streamed_with_progress_in_bytes(tmp_path: Path) -> None:
    path = write_har(tmp_path / "cap.har", sample())
    capture = open_capture(path)
    stream = capture.flows()
    next(stream)
    assert capture.total == path.stat().st_size and 0 < capture.done <= capture.total
    assert len(list(stream)) == 2 and capture.done == capture.total


def test_content_decides_over_the_suffix(tmp_path: Path) -> None:
    """mitmproxy's reader would json.load a `{...}` flow file whole; pinscope streams it as HAR."""
    har = write_har(tmp_path / "export.mitm", sample())
    har.write_bytes(b"\xef\xbb\xbf" + har.read_bytes())
    capture = open_capture(har)
    assert capture.format == "har" and len(list(capture.flows())) == 3


@pytest.mark.parametrize("suffix", [".mitm", ".har", ".json"])
def test_empty_file(tmp_path: Path, suffix: str) -> None:
    path = tmp_path / f"empty{suffix}"
    path.write_bytes(b"")
    with pytest.raises(CaptureError, match="the file is empty"):
        open_capture(path)


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs here")
def test_a_fifo_is_refused_without_blocking(tmp_path: Path) -> None:
    path = tmp_path / "pipe.har"
    os.mkfifo(path)
    outcome: list[BaseException] = []
    reader = threading.Thread(target=lambda: outcome.append(pytest.raises(CaptureError, open_capture, path).value),
                              daemon=True)
    reader.start()
    reader.join(timeout=20)
    assert outcome, "opening a FIFO blocked"
    assert "not a file (a FIFO, socket or device)" in str(outcome[0])


def test_a_capture_that_disappears_before_reading(tmp_path: Path) -> None:
    path = write_mitm(tmp_path / "gone.mitm", sample())
    capture = open_capture(path)
    path.unlink()
    with pytest.raises(CaptureError, match="gone.mitm: no such file"):
        list(capture.flows())


def nested_tnetstring(levels: int) -> bytes:
    data = b"0:]"
    for _ in range(levels):
        data = b"%d:%s]" % (len(data), data)
    return data


@pytest.mark.parametrize("content,reason", [
    (nested_tnetstring(100_000), "flow 0: RecursionError"),
    (b"999999999999:abc", "flow 0: MemoryError|flow 0: FlowReadException"),
    (b"5:hello,", "flow 0: FlowReadException: Invalid flow"),
])
def test_hostile_tnetstrings_are_capture_errors(tmp_path: Path, content: bytes, reason: str) -> None:
    path = tmp_path / "hostile.mitm"
    path.write_bytes(content)
    with pytest.raises(CaptureError, match=reason) as err:
        list(open_capture(path).flows())
    assert "\n" not in str(err.value)


def test_the_error_names_the_flow(tmp_path: Path) -> None:
    good, bad = sample()[0].get_state(), sample()[1].get_state()
    bad["client_conn"] = "not a connection"
    path = tmp_path / "third.mitm"
    path.write_bytes(tnetstring.dumps(good) + tnetstring.dumps(good) + tnetstring.dumps(bad))
    with pytest.raises(CaptureError, match=r"third.mitm: not a readable mitmproxy flow file \(flow 2: "):
        list(open_capture(path).flows())

