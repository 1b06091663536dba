"""The dashboard page: the report's stylesheet and sections, and one script (by hash) that polls for updates.

The script swaps in sections the server rendered with the report's escaping renderer; the strict
Content-Security-Policy (sent as a header) allows that script, the report's stylesheet and same-origin
fetches only: no inline handlers, nothing from elsewhere.
"""

from __future__ import annotations

from string import Template

from pinscope.dashboard.frames import Frame
from pinscope.report.html import csp_hash, stylesheet
from pinscope.report.markup import esc

POLL_MS = 500  # with MIN_INTERVAL = 1 s, a change shows within 1.5 s

# Keeps the rules a reader opened or closed as they were; reports when the proxy stops answering.
SCRIPT = """"use strict";
const main = document.querySelector("main"), nav = document.querySelector("nav");
const stamp = document.getElementById("updated"), state = document.getElementById("state");
let version = document.body.dataset.version;
async function poll() {
  const query = new URLSearchParams(location.search);
  query.set("since", version);
  try {
    const answer = await fetch("live?" + query, {cache: "no-store"});
    if (answer.status === 200) {
      const frame = await answer.json();
      const open = new Map([...main.querySelectorAll("details[id]")].map(d => [d.id, d.open]));
      nav.innerHTML = frame.nav;
      main.innerHTML = frame.main;
      for (const d of main.querySelectorAll("details[id]")) if (open.has(d.id)) d.open = open.get(d.id);
      version = frame.version;
      stamp.textContent = frame.generated;
    }
    state.textContent = answer.ok ? "live" : "not allowed (" + answer.status + ")";
  } catch (err) {
    state.textContent = "the proxy is not answering";
  }
  setTimeout(poll, POLL_MS);
}
setTimeout(poll, POLL_MS);""".replace("POLL_MS", str(POLL_MS))

EXTRA_CSS = ".live-state{font-weight:600}.flow-link{display:inline-block;margin-top:.2em}"

PAGE = Template("""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="color-scheme" content="light dark">
<meta name="referrer" content="no-referrer">
<title>pinscope dashboard</title>
<style>$css</style>
</head>
<body data-version="$version">
<header class="page-head">
<h1><span class="logo">pinscope</span> dashboard</h1>
<p class="meta">This proxy session, as the report shows it: <span id="state" class="live-state">live</span>,
updated <span id="updated">$generated</span>. Tokens appear only as prefix and fingerprint.</p>
<nav aria-label="Sections">$nav</nav>
</header>
<main>
$main
</main>
<script>$script</script>
</body>
</html>
""")


def css() -> str:
    """The report's stylesheet and the dashboard's few additions."""
    return stylesheet() + "\n" + EXTRA_CSS


def policy(style: str) -> str:
    """The Content-Security-Policy header: this page's style and script by hash, same-origin polling."""
    return (f"default-src 'none'; style-src {csp_hash(style)}; script-src {csp_hash(SCRIPT)}; "
            "connect-src 'self'; img-src data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'")


def render_page(frame: Frame, style: str) -> str:
    """The whole page around one frame (already escaped by the report's renderer)."""
    return PAGE.substitute(css=style, script=SCRIPT, version=esc(frame.version),
                           generated=esc(frame.generated), nav=frame.nav, main=frame.main)
