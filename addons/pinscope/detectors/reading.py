"""What pinscope could not read: a body it left alone (too large, a bomb, an unknown encoding).

The flow itself passes unchanged; this only says which diagnoses had nothing to read.
"""

from __future__ import annotations

from pinscope.detectors.base import Context, Findings, detects, operation_label
from pinscope.exchange import Exchange
from pinscope.exchange.body import REQUEST_BODY, RESPONSE_BODY
from pinscope.findings import Finding
from pinscope.phrases import unread


@detects("body-not-read", phase="response", api=True, unread=True)
def body_not_read(ex: Exchange, ctx: Context) -> Findings:
    """A Pinterest API call whose request or response body pinscope did not read (Exchange.unread)."""
    if not ex.is_api or not ex.unread:
        return ()
    request = any(why.body == REQUEST_BODY for why in ex.unread)
    response = any(why.body == RESPONSE_BODY for why in ex.unread)
    variant = "both" if request and response else "request" if request else "default"
    return (Finding("body-not-read", {"operation": operation_label(ex, ctx.operation),
                                      "reasons": [unread(why) for why in ex.unread]}, variant),)


DETECTORS = (body_not_read,)
