"""The primary diagnosis of a Pinterest error answer: the answer table's row, worded by its builder.

One detector for every rule the table can choose. A rule without a builder of its own (the
request-phase rules a row confirms, such as unknown-endpoint) is worded by its request-phase
detector, run again on the answer.
"""

from __future__ import annotations

from pinscope.answers import FALLBACK_RULE, default_table
from pinscope.detectors import auth, errors, oauth, ratelimits, requests, sandbox
from pinscope.detectors.base import Builder, Context, Detector, Findings, detects
from pinscope.detectors.evidence import answer_facts
from pinscope.exchange import Exchange
from pinscope.findings import Finding

BUILDERS: dict[str, Builder] = {b.rule: b for module in (auth, errors, oauth, ratelimits, requests, sandbox)
                                for b in module.BUILDERS}


def _rules() -> tuple[str, ...]:
    """Every rule a row (or the fallback) can give."""
    return tuple(dict.fromkeys([*(row.rule for row in default_table().rows), FALLBACK_RULE]))


def answer_detector(request_detectors: tuple[Detector, ...]) -> Detector:
    """The detector of error answers; `request_detectors` word a confirmed prediction the request
    phase did not record (a flow whose request was not analysed on its way out)."""
    predictors = {rule: d for d in request_detectors for rule in d.rules}

    def diagnose(ex: Exchange, ctx: Context) -> Findings:
        """A Pinterest API error answer: the table's row, worded by its rule's builder."""
        if not ex.is_api or ex.status is None or ex.status < 400:
            return ()
        row = default_table().diagnose(answer_facts(ex, ctx))
        if row is None:
            return (BUILDERS[FALLBACK_RULE](ex, ctx),)
        finding = _word(row.rule, ex, ctx, predictors)
        if finding is None:  # the predicting detector no longer says so: Pinterest's own words
            finding = BUILDERS[FALLBACK_RULE](ex, ctx)
        # Finding(...), not dataclasses.replace(): the same fields, at a third of the cost.
        return (Finding(finding.rule, finding.params, row.variant or finding.variant, tuple(row.replaces)),)

    return detects(*_rules(), errors_only=True, api=True)(diagnose)


def _word(rule: str, ex: Exchange, ctx: Context, predictors: dict[str, Detector]) -> Finding | None:
    builder = BUILDERS.get(rule)
    if builder is not None:
        return builder(ex, ctx)
    if rule in ctx.predicted:  # the request phase's own finding: the same request, worded once
        return ctx.predicted[rule]
    predictor = predictors.get(rule)
    found = predictor.fn(ex, ctx) if predictor is not None else ()
    return next((f for f in found if f.rule == rule), None)
