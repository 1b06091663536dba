"""The hot path's shortcuts never decide differently from the checks they skip."""

from __future__ import annotations

from hypothesis import given, strategies as st

from pinscope.catalog import breaks_rule
from pinscope.detectors.routing import DIGITS_ONLY, _plainly_valid

RULES = st.fixed_dictionaries({"pattern": st.sampled_from(sorted(DIGITS_ONLY) + [r"^\w+$"])},
                              optional={"maxLength": st.integers(0, 20)})
VALUES = st.text(alphabet="0123456789٣a \n", max_size=24)


@given(VALUES, RULES)
def test_an_id_passed_as_plainly_valid_keeps_the_spec_rule(value: str, rule: dict) -> None:
    limit = rule.get("maxLength")
    if _plainly_valid(value, rule["pattern"] in DIGITS_ONLY, limit if isinstance(limit, int) else None):
        assert breaks_rule(value, rule) == (False, False)
