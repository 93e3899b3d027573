"""The one base class of every contract: immutable, and unknown fields are an error."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict


class FrozenModel(BaseModel):
    """A validated, frozen contract that rejects fields it does not define (DESIGN.md)."""

    model_config = ConfigDict(frozen=True, extra="forbid")
