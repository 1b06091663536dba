"""Refresh-token reuse, both readings: FACTS §4 says each refresh returns a new refresh token, not
that the one it replaced stops working; `allowed` (the default) keeps it, `rotated` retires it."""

from __future__ import annotations

import pytest
from mitmproxy import exceptions
from mitmproxy.test import taddons

from pinscope import cli
from pinscope.commands.simulate import config_from
from pinscope.simulator import SimConfig, Simulator
from pinscope.simulator.mount import SimulatorMount
from pinscope.simulator.state import REFRESH_TTL
from tests.test_simulator_oauth import Clock, authorize, client, exchange, refresh


@pytest.fixture
def clock() -> Clock:
    return Clock()


def test_by_default_a_used_refresh_token_keeps_working_until_its_own_expiry(clock: Clock) -> None:
    sim = Simulator(SimConfig(token_ttl=3600), clock=clock)  # FACTS §4 does not say refreshing retires it
    assert sim.config.refresh_reuse == "allowed"
    http = client(sim)
    first = exchange(http, authorize(http, "boards:read")).json()["refresh_token"]
    tokens = {refresh(http, first).json()["access_token"] for _ in range(3)}
    assert len(tokens) == 3  # each reuse mints a fresh access token
    clock.now += REFRESH_TTL - 1
    assert refresh(http, first).status_code == 200
    clock.now += 1
    expired = refresh(http, first)
    assert expired.status_code == 401 and expired.json()["code"] == 283


def test_the_rotated_reading_retires_a_refresh_token_once_used(clock: Clock) -> None:
    http = client(Simulator(SimConfig(token_ttl=3600, refresh_reuse="rotated"), clock=clock))
    first = exchange(http, authorize(http, "boards:read")).json()["refresh_token"]
    second = refresh(http, first).json()["refresh_token"]
    spent = refresh(http, first)  # the replaced refresh token is spent
    assert spent.status_code == 401 and spent.json()["code"] == 283
    assert refresh(http, second).status_code == 200


@pytest.mark.parametrize(("argv", "reading"), [([], "allowed"), (["--refresh-reuse", "rotated"], "rotated")])
def test_simulate_refresh_reuse_option_picks_the_reading(argv: list[str], reading: str) -> None:
    assert config_from(cli.build_parser().parse_args(["simulate", *argv])).refresh_reuse == reading


def test_simulate_refresh_reuse_option_refuses_other_readings(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        cli.build_parser().parse_args(["simulate", "--refresh-reuse", "once"])
    assert "invalid choice: 'once'" in capsys.readouterr().err


@pytest.mark.parametrize(("value", "reading"), [(None, "allowed"), ("rotated", "rotated")])
def test_mounted_simulator_takes_the_reading_as_an_option(value: str | None, reading: str) -> None:
    mount = SimulatorMount()
    with taddons.context(mount) as tctx:
        if value is not None:
            tctx.configure(mount, pinscope_sim_refresh_reuse=value)
        assert mount.simulator.config.refresh_reuse == reading
        with pytest.raises(exceptions.OptionsError):
            tctx.configure(mount, pinscope_sim_refresh_reuse="once")
