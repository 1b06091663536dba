"""`scripts/bench --only simulator`: the mix runs end to end and refuses to measure 429s."""

from __future__ import annotations

import json
import sys
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT / "scripts") not in sys.path:  # pinbench lives in scripts/, imported as `scripts/bench` does
    sys.path.insert(0, str(ROOT / "scripts"))

from pinbench import __main__ as bench, simulator  # noqa: E402

MIX = {"POST /v5/boards", "GET /v5/boards/{id}", "GET /v5/boards", "GET /v5/pins/{id}", "POST campaigns (batch)"}


def test_quick_simulator_section_measures_both_ways_with_success_answers_only(tmp_path: Path,
                                                                               capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "bench.json"
    assert bench.main(["--quick", "--only", "simulator", "--json", str(out)]) == 0
    printed = capsys.readouterr().out
    assert "simulator, in process (Simulator.handle)" in printed and "simulator, loopback (pinscope simulate)" in printed
    measured = json.loads(out.read_text())["simulator"]
    for way in ("in_process", "loopback"):
        rate = measured[way]
        assert rate["requests"] == bench.SIZES["simulator"][1] and rate["seconds"] > 0
        labels = {label.rsplit(" ", 1)[0] for label in rate["statuses"]}
        assert labels == MIX
        assert all(200 <= int(label.rsplit(" ", 1)[1]) < 300 for label in rate["statuses"])
        assert sum(rate["statuses"].values()) == rate["requests"]


@pytest.mark.parametrize("status", [429, 500])
def test_a_rate_limited_or_failed_answer_stops_the_run(status: int) -> None:
    def call(method: str, path: str, body: Any, token: str | None) -> tuple[int, Any]:
        return status, None

    fixture = simulator.Fixture("pina_AMABENCH", "1", "2")
    with pytest.raises(RuntimeError, match=f"answered {status}"):
        simulator.cycle(call, [fixture], 0, Counter())
