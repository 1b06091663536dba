"""All detectors, grouped by area; the engine runs them in this order."""

from __future__ import annotations

from pinscope.detectors import auth, oauth, ratelimits, sandbox
from pinscope.detectors import analytics, errors, faq, hygiene, routing
from pinscope.detectors import answer, forecast, reading, upstream
from pinscope.detectors import recovery
from pinscope.detectors.base import Context, Detector, Settings, detects

_OTHERS: tuple[Detector, ...] = (*auth.DETECTORS, *oauth.DETECTORS, *sandbox.DETECTORS, *ratelimits.DETECTORS,
                                 *forecast.DETECTORS,
                                 *routing.DETECTORS, *hygiene.DETECTORS, *errors.DETECTORS,
                                 *faq.DETECTORS, *analytics.DETECTORS, *reading.DETECTORS,
                                 *upstream.DETECTORS, *recovery.DETECTORS)
# The answer detector first: an error answer's primary diagnosis (rules/answers/table.toml), then the rest.
ALL: tuple[Detector, ...] = (answer.answer_detector(tuple(d for d in _OTHERS if d.phase == "request")), *_OTHERS)

__all__ = ["ALL", "Context", "Detector", "Settings", "detects"]
