"""`pinscope demo`: mitmweb (or mitmdump) with pinscope and the mounted simulator, driven by a scenario.

launcher.py starts the mitmproxy tool as a child, mitm_sim.py is the `-s` script mounting the simulator,
scenario.py lists the scripted calls as data, client.py performs them through the proxy, localsite.py is the
local non-Pinterest server, run.py ties them together for the `demo` command.
"""

from pinscope.exchange.request import CONTROL_HOST  # the simulator's shortcut host (re-exported)

__all__ = ["CONTROL_HOST"]
