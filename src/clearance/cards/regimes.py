"""The regimes' checklists, as data: ``regimes.yaml`` shipped in the package, validated on load.
The init skeleton's sections and prompts come from the same file, so a checklist can never ask
for a section ``card init`` does not write."""

from __future__ import annotations

from functools import cache
from importlib import resources
from typing import Literal

import yaml
from pydantic import Field, model_validator

from clearance.cards.models import REGIMES, Card, Regime
from clearance.core.model import FrozenModel

EvidenceNeed = Literal["fairness", "fairness.reasons", "audit"]


class SectionSpec(FrozenModel):
    prompt: str
    common: bool = False


class Item(FrozenModel):
    id: str
    title: str
    reference: str
    sections: list[str] = Field(min_length=1)
    evidence: EvidenceNeed | None = None


class RegimeSpec(FrozenModel):
    title: str
    items: list[Item] = Field(min_length=1)


class Catalogue(FrozenModel):
    sections: dict[str, SectionSpec]
    regimes: dict[Regime, RegimeSpec]

    @model_validator(mode="after")
    def _consistent(self) -> Catalogue:
        for path in self.sections:
            if not is_card_path(path):
                raise ValueError(f"section {path!r} is not a field of the card")
        for regime, spec in self.regimes.items():
            for item in spec.items:
                unknown = [s for s in item.sections if s not in self.sections]
                if unknown:
                    raise ValueError(f"{regime}/{item.id}: unknown sections {unknown}")
        if set(self.regimes) != set(REGIMES):
            raise ValueError(f"regimes must be exactly {list(REGIMES)}")
        return self

    def sections_for(self, regime: Regime) -> list[str]:
        """The sections ``card init`` writes for ``regime``, in the catalogue's order."""
        named = {s for item in self.regimes[regime].items for s in item.sections}
        return [p for p, spec in self.sections.items() if spec.common or p in named]


def is_card_path(path: str) -> bool:
    head, _, tail = path.partition(".")
    field = Card.model_fields.get(head)
    if field is None or head == "regime":
        return False
    if not tail:
        return True
    section = field.annotation
    args = getattr(section, "__args__", (section,))
    return any(tail in getattr(a, "model_fields", {}) for a in args)


@cache
def catalogue() -> Catalogue:
    text = resources.files("clearance.cards").joinpath("regimes.yaml").read_text("utf-8")
    return Catalogue.model_validate(yaml.safe_load(text))
