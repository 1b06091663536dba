"""Cases for FAQ rules seen in single flows: video-url-restricted, ad-only-pin, image-proxy-request."""

from __future__ import annotations

from tests.cases.base import case
from tests.flowkit import IMAGE_PROXY_UA, flow, token_grant

SHOP = "shop.example.com"
AD_ACCOUNT = "549755885175"


def pin(pin_id: str, media: dict) -> dict:
    """A Pin as Get Pin returns it."""
    return {"id": pin_id, "board_id": "1022106146605358865", "media": media}


VIDEO_NO_URL = {"media_type": "video", "cover_image_url": "https://i.pinimg.com/a.jpg", "video_url": None}
VIDEO_URL = {**VIDEO_NO_URL, "video_url": "https://v.pinimg.com/videos/720p/a.mp4"}
IMAGE = {"media_type": "image", "images": {}}
AD = {"ad_group_id": "2680059592705", "creative_type": "REGULAR", "pin_id": "687195905986", "status": "ACTIVE"}
ADS_OK = {"items": [{"data": {"id": "687195134316"}, "exceptions": []}]}

CASES = [
    case("video-url-restricted/hit-get-pin", lambda: [
        flow("GET", "/v5/pins/8135", body=pin("8135", VIDEO_NO_URL)),
    ], "video-url-restricted"),
    case("video-url-restricted/hit-board-pins-scopes-known", lambda: [
        token_grant("boards:read pins:read"),
        flow("GET", "/v5/boards/1022106146605358865/pins", at=5,
             body={"items": [pin("1", IMAGE), pin("2", VIDEO_NO_URL)], "bookmark": None}),
    ], "video-url-restricted"),
    case("video-url-restricted/hit-token-lacks-pins-read", lambda: [
        token_grant("boards:read"),
        flow("GET", "/v5/boards/1022106146605358865/pins", at=5,
             body={"items": [pin("2", VIDEO_NO_URL)], "bookmark": None}),
    ], "video-url-restricted", "scope-not-granted"),
    case("video-url-restricted/miss-video-url-present", lambda: [
        flow("GET", "/v5/pins/8135", body=pin("8135", VIDEO_URL)),
    ]),
    case("video-url-restricted/miss-image-pin", lambda: [
        flow("GET", "/v5/pins/8135", body=pin("8135", IMAGE)),
    ]),
    case("ad-only-pin/hit-no-is-removable", lambda: [
        flow("POST", f"/v5/ad_accounts/{AD_ACCOUNT}/ads", request_json=[AD], body=ADS_OK),
    ], "ad-only-pin"),
    case("ad-only-pin/hit-is-removable-false", lambda: [
        flow("POST", f"/v5/ad_accounts/{AD_ACCOUNT}/ads", request_json=[{**AD, "is_removable": False}],
             body=ADS_OK),
    ], "ad-only-pin"),
    case("ad-only-pin/miss-is-removable-true", lambda: [
        flow("POST", f"/v5/ad_accounts/{AD_ACCOUNT}/ads", request_json=[{**AD, "is_removable": True}],
             body=ADS_OK),
    ]),
    case("image-proxy-request/hit-served", lambda: [
        flow("GET", "/images/chair.jpg", host=SHOP, token=None, body=None,
             request_headers={"user-agent": IMAGE_PROXY_UA}),
    ], "image-proxy-request"),
    case("image-proxy-request/hit-refused-by-site", lambda: [
        flow("GET", "/images/chair.jpg", host=SHOP, token=None, status=403, body=None,
             request_headers={"user-agent": IMAGE_PROXY_UA}),
    ], "image-proxy-request"),
    case("image-proxy-request/miss-browser", lambda: [
        flow("GET", "/images/chair.jpg", host=SHOP, token=None, body=None,
             request_headers={"user-agent": "Mozilla/5.0 (X11; Linux x86_64) Firefox/128.0"}),
    ]),
]
