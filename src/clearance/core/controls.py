"""The control catalogue: regulation articles and framework controls a finding or a run
provides evidence for, read from the versioned data file ``controls.yaml`` shipped beside this
module and validated by :class:`Catalogue`.

Ids are stable strings that reports carry (``GDPR-5.1.c``); titles are for renderers. The mapping
is per finding category because the category says which obligation the finding puts at risk:
an e-mail address in training data is a minimisation and data-protection-by-design question,
a record past its retention period a storage-limitation one.
"""

from __future__ import annotations

from functools import cache
from importlib import resources
from typing import Literal

import yaml
from pydantic import Field, ValidationError, model_validator

from clearance.core.model import FrozenModel

FrameworkSlug = Literal["gdpr", "eu-ai-act", "nist-ai-rmf", "iso-42001", "ecoa"]


class Framework(FrozenModel):
    name: str = Field(description="as reports print it: GDPR, EU AI Act, NIST AI RMF ...")
    source: str = Field(description="the official text the ids and titles come from")


class Control(FrozenModel):
    id: str = Field(pattern=r"^[A-Z0-9][A-Za-z0-9.\-]*$")
    framework: FrameworkSlug
    reference: str = Field(min_length=1, description="as the official text cites it: Art. 5(1)(c)")
    title: str = Field(min_length=1, max_length=200)
    kind: Literal["control", "function", "category"] = Field(
        default="control", description="function and category: NIST's structure, not controls"
    )
    parent: str | None = None


class Catalogue(FrozenModel):
    version: int = Field(ge=1)
    frameworks: dict[FrameworkSlug, Framework]
    controls: list[Control]
    categories: dict[str, list[str]] = Field(description="finding category -> control ids")

    @model_validator(mode="after")
    def _consistent(self) -> Catalogue:
        ids = [c.id for c in self.controls]
        dupes = sorted({i for i in ids if ids.count(i) > 1})
        if dupes:
            raise ValueError(f"duplicate control id(s): {', '.join(dupes)}")
        known = set(ids)
        for c in self.controls:
            if c.framework not in self.frameworks:
                raise ValueError(f"{c.id}: framework {c.framework} is not declared")
            if c.parent is not None and c.parent not in known:
                raise ValueError(f"{c.id}: parent {c.parent} is not in the catalogue")
        for category, listed in self.categories.items():
            unknown = [i for i in listed if i not in known]
            if unknown:
                raise ValueError(f"category {category}: unknown control(s) {', '.join(unknown)}")
        return self


@cache
def catalogue() -> Catalogue:
    """The shipped catalogue (read once). A file that does not validate is a packaging bug,
    so it raises (the CLI reports an internal error), never a silent empty catalogue."""
    text = resources.files("clearance.core").joinpath("controls.yaml").read_text("utf-8")
    try:
        return Catalogue.model_validate(yaml.safe_load(text))
    except ValidationError as exc:
        raise RuntimeError(f"clearance/core/controls.yaml does not validate: {exc}") from None


CONTROLS: dict[str, Control] = {c.id: c for c in catalogue().controls}


def controls_for(category: str) -> list[str]:
    """Control ids for a finding category, in catalogue order."""
    return list(catalogue().categories.get(category, ()))


def describe(control_id: str) -> str:
    c = CONTROLS[control_id]
    return f"{catalogue().frameworks[c.framework].name} {c.reference}: {c.title}"
