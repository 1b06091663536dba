"""FAQ answers visible in single flows: restricted video_url, ad-only Pins, Pinterest's image proxy."""

from __future__ import annotations

from pinscope.detectors.base import Context, Findings, detects, listed, token_label
from pinscope.exchange import IMAGE_PROXY_AGENT, Exchange
from pinscope.findings import Finding

CREATE_ADS = "ads/create"
MAX_LISTED = 5


def _pins(body: object) -> list[dict]:
    """The Pins in a Get Pin (one object) or Pin list (`items`) answer."""
    if isinstance(body, dict) and isinstance(body.get("media"), dict):
        return [body]
    if isinstance(body, dict) and isinstance(body.get("items"), list):
        return [p for p in body["items"] if isinstance(p, dict) and isinstance(p.get("media"), dict)]
    return []


def _video_without_url(media: dict) -> bool:
    """A video (or a carousel holding one) whose `video_url` is null or absent."""
    if media.get("media_type") == "video":
        return media.get("video_url") is None
    items = media.get("items")
    return isinstance(items, list) and any(
        isinstance(i, dict) and i.get("item_type") == "video" and i.get("video_url") is None for i in items)


@detects("video-url-restricted", api=True, statuses=(200, 200),
         applies=lambda op: op.method == "GET" and "pins" in op.path)
def video_url_restricted(ex: Exchange, ctx: Context) -> Findings:
    """Get Pin / a Pin list answered 200 with video Pins whose `video_url` is null; the variant says
    what the token's grant rules out (default: the grant was not seen)."""
    op = ctx.operation
    if not ex.is_api or ex.status != 200 or op is None or op.method != "GET" or "pins" not in op.path:
        return ()
    body = ex.response_body
    if not body or (b"video" not in body and b"\\u" not in body):
        return ()  # no video Pin can be in it (unless spelt with JSON escapes): skip parsing a healthy body
    pins = [p for p in _pins(ex.response_json) if _video_without_url(p["media"])]
    if not pins:
        return ()
    state = ctx.session.token(ex.credential)
    scopes = state.scopes if state is not None else None
    variant = "default" if scopes is None else "has_pins_read" if "pins:read" in scopes else "no_pins_read"
    return (Finding("video-url-restricted", {
        "operation": op.label, "count": len(pins), "token": token_label(ex),
        "pins": listed([str(p.get("id", "?")) for p in pins], MAX_LISTED),
    }, variant),)


@detects("ad-only-pin", phase="request", api=True, applies=lambda op: op.operation_id == CREATE_ADS)
def ad_only_pin(ex: Exchange, ctx: Context) -> Findings:
    """Create ads without `is_removable: true`: the Pin stays an organic, saveable Pin."""
    op = ctx.operation
    if not ex.is_api or op is None or op.operation_id != CREATE_ADS:
        return ()
    body = ex.request_json
    ads = body if isinstance(body, list) else [body] if isinstance(body, dict) else []
    pins = [str(ad["pin_id"]) for ad in ads
            if isinstance(ad, dict) and ad.get("pin_id") and ad.get("is_removable") is not True]
    if pins:
        return (Finding("ad-only-pin", {
            "operation": op.label, "count": len(pins), "pins": listed(pins, MAX_LISTED), "ads": len(ads),
        }),)
    return ()


@detects("image-proxy-request", api=False)
def image_proxy_request(ex: Exchange, ctx: Context) -> Findings:
    """A request from Pinterest's image proxy to the user's own site; flagged harder when refused."""
    agent = ex.request_headers.get("user-agent", "")
    if IMAGE_PROXY_AGENT not in agent or ex.is_api:
        return ()
    params: dict[str, object] = {"host": ex.host, "path": ex.path, "status": ex.status}
    refused = ex.status is not None and ex.status >= 400
    return (Finding("image-proxy-request", params, "refused" if refused else "default"),)


DETECTORS = (video_url_restricted, ad_only_pin, image_proxy_request)
