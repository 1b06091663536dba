"""Rule cases, HTTPolice style: each case is a short session and the exact rules its last flow gets.

Case names are `<rule-id>/hit-...` or `<rule-id>/miss-...`; the meta-test requires both for every rule.
Each area has a module listing CASES; ALL_CASES gathers them.
"""

from __future__ import annotations

from tests.cases import auth, ratelimits, sandbox
from tests.cases import analytics, errors, faq, hygiene, routing
from tests.cases import answers, forecast, reading, requests
from tests.cases import recovery, upstream
from tests.cases.base import Case

ALL_CASES: list[Case] = [*auth.CASES, *sandbox.CASES, *ratelimits.CASES, *forecast.CASES,
                        *faq.CASES, *analytics.CASES, *errors.CASES, *routing.CASES, *hygiene.CASES,
                        *reading.CASES, *answers.CASES, *requests.CASES, *upstream.CASES,
                        *recovery.CASES]
