"""Rehearse Pinterest's failures on a real app: answers injected by plan, before Pinterest is reached.

`flow.metadata[METADATA_KEY]` marks every flow a rehearsal touched; `rehearsed()` reads it back
(also from a saved capture), e.g. for the report's recovery section.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

METADATA_KEY = "pinscope_rehearsal"


def rehearsed(metadata: Mapping[str, Any]) -> dict[str, Any] | None:
    """What a rehearsal did to a flow (source, rule, effect, status, code, seed), or None if nothing."""
    mark = metadata.get(METADATA_KEY)
    return dict(mark) if isinstance(mark, Mapping) else None
