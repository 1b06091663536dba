"""`pinscope demo`: mitmweb (or mitmdump) with pinscope and the mounted simulator, driven by a scenario.

launcher.py starts the mitmproxy tool as a child, mitm_sim.py is the `-s` script mounting the simulator,
scenario.py lists the scripted calls as data, client.py performs them through the proxy, localsite.py is the
local non-Pinterest server, run.py ties them together for the `demo` command.
"""

# The simulator's `/_sim/` shortcuts answer on this host inside the proxy: a host pinscope does not
# diagnose, so shortcuts never look like Pinterest calls. `.test` is reserved (RFC 2606): never real.
CONTROL_HOST = "simulator.pinscope.test"
