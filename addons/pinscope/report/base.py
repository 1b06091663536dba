"""What every report model shares: frozen, no unknown fields, non-negative counts."""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

Count = Annotated[int, Field(ge=0)]


class Model(BaseModel):
    """A frozen report model that rejects unknown fields."""

    model_config = ConfigDict(extra="forbid", frozen=True)
