"""The simulated account: a user, boards, Pins and an ad account, with ids derived from a seed.

Sandbox and production entities are disjoint and the sandbox has no video Pins [FACTS §3].
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Any

from pinscope.simulator.wire import Environment

CREATED = "2025-03-14T09:26:53"  # Pinterest's date-time style: no zone suffix [obs api-quickstart#78]
CREATED_EPOCH = 1_741_944_413
WRITABLE_PIN_FIELDS = ("link", "title", "description", "dominant_color", "alt_text", "board_section_id")


def sim_id(*parts: object, digits: int = 18) -> str:
    """A numeric id (Pinterest ids match `^\\d+$`), stable for the same parts."""
    n = int(hashlib.sha256(":".join(map(str, parts)).encode()).hexdigest(), 16)
    low = 10 ** (digits - 1)
    return str(low + n % (9 * low))


def video_url(pin_id: str) -> str:
    """Where a video Pin's file is, for apps allowed to see it [FACTS §6]."""
    return f"https://v1.pinimg.com/videos/mc/720p/{pin_id}.mp4"


def _images(key: str, width: int, height: int) -> dict[str, dict[str, Any]]:
    """The four ImageSize renditions of one picture [spec ImageSize]."""
    digest = hashlib.sha256(key.encode()).hexdigest()
    name = f"{digest[:2]}/{digest[2:4]}/{digest[4:6]}/{digest[:32]}.jpg"

    def size(label: str, w: int, h: int) -> dict[str, Any]:
        return {"width": w, "height": h, "url": f"https://i.pinimg.com/{label}/{name}"}

    return {"150x150": size("150x150", 150, 150), "400x300": size("400x300", 400, 300),
            "600x": size("600x", 600, height * 600 // width),
            "1200x": size("1200x", 1200, height * 1200 // width)}


@dataclass(frozen=True, slots=True)
class World:
    """Everything one user owns in one environment."""

    environment: Environment
    user: str
    seed: str

    def _id(self, *parts: object, digits: int = 18) -> str:
        return sim_id(self.seed, self.environment, self.user, *parts, digits=digits)

    def account(self) -> dict[str, Any]:
        """GET /user_account [spec Account]."""
        return {
            "account_type": "BUSINESS", "id": self._id("user"), "username": self.user,
            "about": "Recipes and kitchen ideas (pinscope simulator)", "business_name": "Pinscope Kitchen",
            "profile_image": f"https://i.pinimg.com/600x600_R/{self._id('avatar')[:6]}.jpg",
            "website_url": "https://example.com", "board_count": len(self.boards()),
            "pin_count": len(self.pins()), "follower_count": 128, "following_count": 12,
            "monthly_views": 4321,
        }

    def boards(self) -> list[dict[str, Any]]:
        """The user's boards [spec Board]."""
        names = [("Weeknight dinners", "PUBLIC"), ("Baking", "PUBLIC"), ("Gift ideas", "SECRET")]
        boards = []
        for i, (name, privacy) in enumerate(names):
            board_id = self._id("board", i)
            pins = [p for p in self.pins() if p["board_id"] == board_id]
            boards.append({
                "id": board_id, "name": name, "description": f"{name}, saved by {self.user}",
                "privacy": privacy, "owner": {"username": self.user}, "created_at": CREATED,
                "board_pins_modified_at": CREATED, "collaborator_count": 0, "follower_count": 7 * (i + 1),
                "pin_count": len(pins), "is_ads_only": False,
                "media": {"image_cover_url": pins[0]["media"]["images"]["600x"]["url"] if pins else None,
                          "pin_thumbnail_urls": [p["media"]["images"]["150x150"]["url"] for p in pins]},
            })
        return boards

    def pins(self) -> list[dict[str, Any]]:
        """The user's Pins: images, plus (production only) a video Pin whose `video_url` is restricted."""
        specs = [(0, "Lemon pasta in 15 minutes", "image"), (0, "One-pan gnocchi", "video"),
                 (1, "Sourdough starter, day by day", "image")]
        pins = []
        for i, (board, title, media_type) in enumerate(specs):
            if media_type == "video" and self.environment == "sandbox":
                continue  # no video Pins in the sandbox [doc SB]
            pin_id = self._id("pin", i)
            pins.append(self.pin(pin_id, self._id("board", board), title, media_type))
        return pins

    def pin(self, pin_id: str, board_id: str, title: str, media_type: str = "image",
            overrides: dict[str, Any] | None = None) -> dict[str, Any]:
        """One Pin [spec Pin]; a video's `video_url` is null (bodies.present fills it for apps with access)."""
        images = _images(f"{self.seed}:{pin_id}", 1000, 1500)
        media: dict[str, Any] = {"media_type": "image", "images": images}
        if media_type == "video":
            media = {"media_type": "video", "images": images, "cover_image_url": images["1200x"]["url"],
                     "duration": 15.5, "height": 1920, "width": 1080, "video_url": None}
        pin = {
            "id": pin_id, "created_at": CREATED, "link": "https://example.com/recipes", "title": title,
            "description": f"{title}. Full recipe on the blog.", "dominant_color": "#e8d3db",
            "alt_text": None, "creative_type": "VIDEO" if media_type == "video" else "REGULAR",
            "board_id": board_id, "board_section_id": None, "board_owner": {"username": self.user},
            "is_owner": True, "is_standard": True, "has_been_promoted": False, "parent_pin_id": None,
            "media": media, "pin_metrics": None,
        }
        # A created Pin echoes the writable fields it was sent with.
        pin.update({k: v for k, v in (overrides or {}).items() if k in WRITABLE_PIN_FIELDS})
        return pin

    def ad_accounts(self) -> list[dict[str, Any]]:
        """The user's ad account [spec AdAccount]; ad account ids are numeric, at most 18 digits."""
        return [{
            "id": self._id("ad_account", digits=12), "name": "Pinscope Kitchen Ads",
            "owner": {"id": self._id("user"), "username": self.user}, "country": "US", "currency": "USD",
            "permissions": ["OWNER"], "created_time": CREATED_EPOCH, "updated_time": CREATED_EPOCH,
        }]
