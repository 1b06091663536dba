"""What every report model shares: frozen, no unknown fields, non-negative counts."""

from __future__ import annotations

from typing import Annotated

from pydantic import AfterValidator, BaseModel, ConfigDict, Field

from pinscope.untrusted import clean, clean_url

Count = Annotated[int, Field(ge=0)]
# Fields whose text may come from traffic: whatever a builder passes, the model holds it clean().
Text = Annotated[str, AfterValidator(clean)]
UrlText = Annotated[str, AfterValidator(clean_url)]


class Model(BaseModel):
    """A frozen report model that rejects unknown fields."""

    model_config = ConfigDict(extra="forbid", frozen=True)
