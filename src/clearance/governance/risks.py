"""The risk register: entries recorded by ``clearance risk set`` (each a run of the evidence
store, so the register is as tamper-evident as the runs); the latest entry of a risk id wins."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal

from pydantic import Field, ValidationError

from clearance.core.model import FrozenModel
from clearance.evidence.chain import Entry

Level = Literal["low", "medium", "high"]
RiskStatus = Literal["open", "mitigating", "accepted", "closed"]
LIKELIHOODS: tuple[Level, ...] = ("low", "medium", "high")
IMPACTS: tuple[Level, ...] = LIKELIHOODS
RISK_STATUSES: tuple[RiskStatus, ...] = ("open", "mitigating", "accepted", "closed")
COMMAND = "risk set"


class RiskEntry(FrozenModel):
    id: str = Field(min_length=1, max_length=500)
    finding: str = Field(min_length=1, max_length=500)
    likelihood: Level
    impact: Level
    owner: str = Field(min_length=1, max_length=500)
    status: RiskStatus
    due: str | None = Field(default=None, description="YYYY-MM-DD")
    controls: list[str] = Field(default_factory=list)
    run: str | None = Field(default=None, description="the run whose finding it is")


class RegisterEntry(RiskEntry):
    """An entry as the register shows it: who set it, when, in which run."""

    set_by: str
    set_at: str
    set_in: str = Field(description="the run id of the `risk set` that recorded it")


def risk_register(entries: Sequence[Entry]) -> list[RegisterEntry]:
    """The latest entry of each risk id, by id; a record that does not validate (written by
    another tool) is left out rather than guessed at."""
    latest: dict[str, RegisterEntry] = {}
    for entry in entries:
        record = entry.record
        if record.get("command") != COMMAND or not isinstance(record.get("summary"), dict):
            continue
        try:
            risk = RegisterEntry.model_validate(
                {
                    **record["summary"],
                    "set_by": str(record.get("user", "")),
                    "set_at": str(record.get("created_at", "")),
                    "set_in": entry.run_id,
                }
            )
        except ValidationError:
            continue
        latest[risk.id] = risk
    return [latest[k] for k in sorted(latest)]
