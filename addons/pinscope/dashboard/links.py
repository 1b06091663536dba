"""Links from the dashboard's example flows to the same flows in mitmweb."""

from __future__ import annotations

import re

from pinscope.report.html_findings import FlowLink
from pinscope.session import Session

# mitmproxy's flow ids are uuid4 strings; a flow file read with -r may carry any id, which never
# becomes part of a URL.
FLOW_ID = re.compile(r"[0-9A-Za-z-]{1,64}")


def flow_url(web_url: str, flow_id: str) -> str | None:
    """mitmweb's address of one flow's response tab (its router: `#/flows/<id>/<tab>`); None for odd ids."""
    if not FLOW_ID.fullmatch(flow_id):
        return None
    return f"{web_url}#/flows/{flow_id}/response"


def example_links(session: Session, web_url: str) -> FlowLink:
    """Each report example, by (rule, index), linked to its flow: build_report() keeps the session's order.

    Read at the same moment as the report is built (both on mitmproxy's event loop), so they agree.
    """
    ids = {rule: [example.flow_id for example in log.examples] for rule, log in session.rules.items()}

    def link(rule: str, index: int) -> str | None:
        flows = ids.get(rule, [])
        return flow_url(web_url, flows[index]) if index < len(flows) else None

    return link
