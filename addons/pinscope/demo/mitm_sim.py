"""The `-s` script mounting the Pinterest simulator inside mitmproxy (use with connection_strategy=lazy).

Besides api.pinterest.com:443 and api-sandbox.pinterest.com:443 the simulator also answers on
pinscope.demo.CONTROL_HOST, where the demo and the tests call its `/_sim/` shortcuts (authorization
codes for the OAuth flow).
"""

import sys
from pathlib import Path

# As in pinscope/mitm_entry.py: mitmproxy put this folder on sys.path to import the script; modules
# here (e.g. `run`, `client`) must not shadow top-level modules of the same name.
_HERE = Path(__file__).resolve().parent
sys.path[:] = [p for p in sys.path if not p or Path(p).resolve() != _HERE]

from mitmproxy import ctx, exceptions  # noqa: E402
from mitmproxy.addons.asgiapp import WSGIApp  # noqa: E402

from pinscope.demo import CONTROL_HOST  # noqa: E402
from pinscope.simulator.mount import PORT, SimulatorMount  # noqa: E402


class DemoSimulatorMount(SimulatorMount):
    """The simulator on both Pinterest API hosts, plus its `/_sim/` shortcuts on CONTROL_HOST."""

    def load(self, loader) -> None:  # noqa: ANN001 (mitmproxy's Loader)
        """The base options, plus the rate scale as text: mitmproxy cannot parse a float given with --set."""
        super().load(loader)
        loader.add_option("pinscope_sim_rate_scale_text", str, "",
                          "Simulator: like pinscope_sim_rate_scale, given as text (e.g. 0.05).")

    def configure(self, updated: set[str]) -> None:
        """Follow the simulator the base class (re)builds, adding the control host's app."""
        text = ctx.options.pinscope_sim_rate_scale_text
        if "pinscope_sim_rate_scale_text" in updated and text:
            try:
                scale = float(text)
            except ValueError:
                scale = 0.0
            if not scale > 0:
                raise exceptions.OptionsError(
                    f"pinscope_sim_rate_scale_text must be a number above 0, not {text!r}")
            if scale != ctx.options.pinscope_sim_rate_scale:
                ctx.options.update(pinscope_sim_rate_scale=scale)  # configures again: a new simulator
        super().configure(updated)
        if not any(app.host == CONTROL_HOST for app in self.apps):
            self.apps.append(WSGIApp(self.simulator.bound("production"), CONTROL_HOST, PORT))


addons = [DemoSimulatorMount()]
