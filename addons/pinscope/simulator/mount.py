"""Mount the simulator inside mitmproxy at api.pinterest.com:443 and api-sandbox.pinterest.com:443.

mitmproxy's WSGIApp addon answers matching requests itself, so nothing leaves the machine. This needs
`--set connection_strategy=lazy`: with the default `eager`, mitmproxy opens the upstream connection
(DNS + TCP to the real Pinterest) when the client sends CONNECT, before any addon sees the request,
and answers 502 when that fails (as it does offline). `lazy` defers that connection, so the mounted
app answers first. `SimulatorMount` warns at start-up when the option is not `lazy`.

Use `addons(Simulator(...))` to build the two WSGIApp addons yourself, or add `SimulatorMount()`
to a script's `addons` list for options `pinscope_sim_token_ttl`, `pinscope_sim_rate_scale` and
`pinscope_sim_refresh_reuse`.
"""

from __future__ import annotations

import logging
from dataclasses import replace

from mitmproxy import ctx, exceptions, http
from mitmproxy.addons.asgiapp import WSGIApp

from pinscope import banner
from pinscope.simulator.app import Simulator
from pinscope.simulator.state import DEMO_STANDARD, REFRESH_READINGS, RefreshReuse, SimConfig
from pinscope.simulator.wire import HOSTS

logger = logging.getLogger(__name__)
PORT = 443


def addons(simulator: Simulator | None = None, control_hosts: tuple[str, ...] = ()) -> list[WSGIApp]:
    """One WSGIApp per Pinterest API host, each bound to its environment (needs connection_strategy=lazy).

    `control_hosts`: other hosts answering as production, e.g. where a demo calls the `/_sim/` shortcuts.
    """
    simulator = simulator or Simulator()
    hosts = {**HOSTS, **dict.fromkeys(control_hosts, "production")}
    return [WSGIApp(simulator.bound(environment), host, PORT) for host, environment in hosts.items()]


class SimulatorMount:
    """An addon serving the simulator on both Pinterest API hosts, configured by mitmproxy options."""

    def __init__(self, config: SimConfig | None = None, control_hosts: tuple[str, ...] = ()) -> None:
        self.base = config or SimConfig()
        self.control_hosts = control_hosts
        self.simulator = Simulator(self.base)
        self.apps = addons(self.simulator, control_hosts)

    def load(self, loader) -> None:  # noqa: ANN001 (mitmproxy's Loader)
        """Declare the simulator's options."""
        # Text options: mitmproxy cannot parse a float given with --set.
        loader.add_option("pinscope_sim_token_ttl", str, f"{self.base.token_ttl:g}",
                          "Simulator: access token lifetime in seconds.")
        loader.add_option("pinscope_sim_rate_scale", str, f"{self.base.rate_scale:g}",
                          "Simulator: factor applied to every per-category rate-limit quota (e.g. 0.05).")
        loader.add_option("pinscope_sim_refresh_reuse", str, self.base.refresh_reuse,
                          "Simulator: a used refresh token keeps working (allowed) or is retired (rotated).",
                          choices=REFRESH_READINGS)

    def configure(self, updated: set[str]) -> None:
        """Rebuild the simulator when its options change; warn when connections are eager."""
        if {"pinscope_sim_token_ttl", "pinscope_sim_rate_scale", "pinscope_sim_refresh_reuse"} & updated:
            config = replace(self.base,
                             token_ttl=_positive("pinscope_sim_token_ttl", ctx.options.pinscope_sim_token_ttl),
                             rate_scale=_positive("pinscope_sim_rate_scale", ctx.options.pinscope_sim_rate_scale),
                             refresh_reuse=_reading(ctx.options.pinscope_sim_refresh_reuse))
            self.simulator = Simulator(config)
            self.apps = addons(self.simulator, self.control_hosts)
        if "connection_strategy" in updated and ctx.options.connection_strategy != "lazy":
            logger.warning("pinscope simulator: set connection_strategy=lazy, or mitmproxy tries to reach "
                           "the real api.pinterest.com before the simulator can answer")

    def running(self) -> None:
        """With pinscope_banner (`pinscope web|dump --simulator`): say who answers, and how to get a token."""
        if "pinscope_banner" in ctx.options and ctx.options.pinscope_banner:
            proxy = banner.listening(ctx.master, ctx.options).proxy
            for line in banner_lines(proxy[0] if proxy else None, ctx.options.confdir, self.control_hosts):
                logger.info("%s", line)

    async def request(self, flow: http.HTTPFlow) -> None:
        """Answer requests for the Pinterest API hosts from the simulator."""
        for app in self.apps:
            await app.request(flow)


def banner_lines(proxy: banner.Address | None, confdir: str, control_hosts: tuple[str, ...]) -> list[str]:
    """What the simulator tells a user at start-up: it answers instead of Pinterest; a token in one command."""
    hosts = " and ".join(HOSTS)
    said = [f"pinscope: the Pinterest API simulator answers for {hosts} inside this proxy: nothing reaches "
            f"Pinterest, and every call is diagnosed as if it had"]
    if control_hosts and proxy is not None:
        address = banner.show(("127.0.0.1" if not proxy[0] else proxy[0], proxy[1]))
        said.append(f"pinscope: a simulator token for your client: curl -x http://{address} --cacert "
                    f"{confdir.rstrip('/')}/mitmproxy-ca-cert.pem https://{control_hosts[0]}/_sim/token "
                    f"-d app_id={DEMO_STANDARD.app_id} -d scope=boards:read,pins:read "
                    f"(GET https://{control_hosts[0]}/_sim lists the apps and shortcuts)")
    return said


def _reading(text: str) -> RefreshReuse:
    """One of REFRESH_READINGS (mitmproxy shows an option's choices but does not enforce them)."""
    for reading in REFRESH_READINGS:
        if text == reading:
            return reading
    raise exceptions.OptionsError(f"pinscope_sim_refresh_reuse must be {' or '.join(REFRESH_READINGS)}, "
                                  f"not {text!r}")


def _positive(name: str, text: str) -> float:
    """A number above 0 from a text option, or an OptionsError naming the option."""
    try:
        value = float(text)
    except ValueError:
        value = 0.0
    if not value > 0 or value == float("inf"):
        raise exceptions.OptionsError(f"{name} must be a number above 0, not {text!r}")
    return value
