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

from mitmproxy.addons.asgiapp import WSGIApp  # noqa: E402

from pinscope.demo import CONTROL_HOST  # noqa: E402
from pinscope.simulator.mount import PORT, SimulatorMount  # noqa: E402


class DemoSimulatorMount(SimulatorMount):
    """The simulator on both Pinterest API hosts, plus its `/_sim/` shortcuts on CONTROL_HOST."""

    def configure(self, updated: set[str]) -> None:
        """Follow the simulator the base class (re)builds, adding the control host's app."""
        super().configure(updated)
        if not any(app.host == CONTROL_HOST for app in self.apps):
            self.apps.append(WSGIApp(self.simulator.bound("production"), CONTROL_HOST, PORT))


addons = [DemoSimulatorMount()]
