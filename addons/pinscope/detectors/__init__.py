"""All detectors, grouped by area; the engine runs them in this order."""

from __future__ import annotations

from pinscope.detectors import auth, oauth, ratelimits, sandbox
from pinscope.detectors import analytics, errors, faq, hygiene, routing
from pinscope.detectors import forecast, reading
from pinscope.detectors.base import Context, Detector, Settings, detects

ALL: tuple[Detector, ...] = (*auth.DETECTORS, *oauth.DETECTORS, *sandbox.DETECTORS, *ratelimits.DETECTORS,
                             *forecast.DETECTORS,
                             *routing.DETECTORS, *hygiene.DETECTORS, *errors.DETECTORS,
                             *faq.DETECTORS, *analytics.DETECTORS, *reading.DETECTORS)

__all__ = ["ALL", "Context", "Detector", "Settings", "detects"]
