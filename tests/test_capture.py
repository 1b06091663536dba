"""Reading captures: .mitm flow files and .har archives the tests write themselves."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from mitmproxy import http, io
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
