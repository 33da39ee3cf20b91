"""What each recorded command and each dataset-audit check provides evidence for: the data
file ``mapping.yaml`` shipped beside this module, validated against the control catalogue."""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache
from importlib import resources

import yaml
from pydantic import Field, ValidationError, model_validator

from clearance.core.controls import CONTROLS
from clearance.core.model import FrozenModel


class Mapping(FrozenModel):
    version: int = Field(ge=1)
    audit_checks: dict[str, list[str]] = Field(description="audit check id -> control ids")
    commands: dict[str, list[str]] = Field(description="recorded command -> control ids")

    @model_validator(mode="after")
    def _known_controls(self) -> Mapping:
        for section, table in (("audit_checks", self.audit_checks), ("commands", self.commands)):
            for key, ids in table.items():
                unknown = [i for i in ids if i not in CONTROLS]
                if unknown:
                    raise ValueError(f"{section}.{key}: unknown control(s) {', '.join(unknown)}")
                leaves = [i for i in ids if CONTROLS[i].kind != "control"]
                if leaves:
                    raise ValueError(f"{section}.{key}: not a control: {', '.join(leaves)}")
        return self

    def for_command(self, command: str, checks: Sequence[str] | None = None) -> list[str]:
        """The controls a run of ``command`` provides evidence for, in catalogue order. An
        audit: its own and those of its checks that ran (``checks``; every check when the
        record does not say, as records written before it did)."""
        chosen = set(self.commands.get(command, ()))
        if command == "audit":
            for check, ids in self.audit_checks.items():
                if checks is None or check in checks:
                    chosen.update(ids)
        return [c for c in CONTROLS if c in chosen]


@cache
def mapping() -> Mapping:
    """The shipped mapping (read once); one that does not validate is a packaging bug."""
    text = resources.files("clearance.governance").joinpath("mapping.yaml").read_text("utf-8")
    try:
        return Mapping.model_validate(yaml.safe_load(text))
    except ValidationError as exc:
        raise RuntimeError(f"clearance/governance/mapping.yaml does not validate: {exc}") from None
