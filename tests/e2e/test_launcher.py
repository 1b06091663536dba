"""pinscope's launcher: a mitmproxy tool that cannot start is reported with its own words."""

from __future__ import annotations

from pathlib import Path

import pytest

from pinscope.commands import CommandError
from pinscope.demo import launcher

pytestmark = pytest.mark.e2e


@pytest.mark.parametrize(("tool", "option", "said"), [
    ("dump", "pinscope_silence=no-such-rule", "no-such-rule"),
    ("dump", "pinscope_sim_rate_scale=fast", "pinscope_sim_rate_scale"),
    ("web", "pinscope_min_severity=loud", "pinscope_min_severity"),
])
def test_a_tool_that_fails_to_start_is_reported_with_its_output(ca_dir: Path, tool: str, option: str,
                                                                said: str) -> None:
    with pytest.raises(CommandError) as failure:
        launcher.start(tool, ca_dir, [*launcher.simulator_args(), "--set", option], timeout=20)
    assert f"mitm{tool} did not start" in str(failure.value)
    assert said in str(failure.value)


def test_simulator_args_mount_the_simulator_lazily() -> None:
    args = launcher.simulator_args(0.5)
    assert args[:2] == ["-s", str(launcher.simulator_script())] and launcher.simulator_script().is_file()
    assert "connection_strategy=lazy" in args and "pinscope_sim_rate_scale=0.5" in args
