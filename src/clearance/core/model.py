"""The base of every report model: frozen (a report is a record of what ran), and strict about
fields (a misspelt field is an error, not a silent default)."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict


class FrozenModel(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")
