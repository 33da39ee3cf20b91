"""The governance report (``clearance report``): every control of one framework with its
status from the evidence store's runs. It holds run ids, commands, verdicts and file names,
never a finding's value (the store holds none)."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from clearance.core.controls import FrameworkSlug
from clearance.core.model import FrozenModel
from clearance.governance.risks import RegisterEntry

Status = Literal["covered", "open_findings", "no_evidence"]
STATUSES: tuple[Status, ...] = ("covered", "open_findings", "no_evidence")


class ControlStatus(FrozenModel):
    id: str
    title: str
    status: Status = Field(
        description="open_findings: the latest run of a command that maps to it failed on it; "
        "covered: a latest run passed it; no_evidence: no run maps to it"
    )
    evidence: list[str] = Field(description="run ids of the latest passing runs, oldest first")
    reference: str = Field(description="as the official text cites it")
    open_runs: list[str] = Field(
        default_factory=list, description="run ids of the latest runs with findings against it"
    )
    open_findings: int = Field(default=0, ge=0, description="findings of those runs against it")


class RunRef(FrozenModel):
    """A run the report cites."""

    run_id: str
    seq: int
    command: str
    verdict: str
    created_at: str
    user: str
    inputs: list[str] = Field(description="the run's input files, as recorded")


class GovernanceReport(FrozenModel):
    kind: Literal["governance"] = "governance"
    framework: FrameworkSlug
    framework_name: str
    source: str = Field(description="the official text the control ids and titles come from")
    catalogue_version: int
    store: str = Field(description="the evidence store read (no password)")
    records: int = Field(ge=0)
    chain_intact: bool = Field(description="clearance evidence verify's result on the store")
    chain_break: str | None = None
    counts: dict[Status, int]
    controls: list[ControlStatus]
    runs: list[RunRef] = Field(description="the runs cited as evidence or open findings")
    risks: list[RegisterEntry] = Field(
        default_factory=list,
        description="the risk register (`clearance risk set`): the latest entry of each risk id; "
        "those naming no control of this framework included",
    )
