"""The model card as a human writes it (``card.yaml``), and the built card (``card.json``).

The YAML is validated strictly: an unknown key or a value of the wrong type is an error naming
the key path. A section that is absent is ``None`` (the check reports it ``missing``); a section
present but blank is ``""`` or ``[]`` (``empty``). The built card's fields follow the Model Card
Toolkit schema (``model_details``, ``model_parameters``, ``quantitative_analysis``,
``considerations``); every number taken from evidence carries the SHA-256 of its file.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field

from clearance.core.model import FrozenModel
from clearance.core.run import SchemaVersion, ToolName, ToolVersion

Regime = Literal["eu-ai-act", "sr-11-7", "ecoa"]
REGIMES: tuple[Regime, ...] = ("eu-ai-act", "sr-11-7", "ecoa")


def _scalar_text(value: object) -> object:
    """YAML reads ``date: 2026-01-31`` as a date and ``version: 1.2`` as a number: both are
    text here. Lists and mappings are left for pydantic to refuse."""
    if isinstance(value, bool):
        return value
    if isinstance(value, dt.date | int | float):
        return value.isoformat() if isinstance(value, dt.date) else str(value)
    return value


Text = Annotated[str | None, BeforeValidator(_scalar_text)]
TextList = list[Annotated[str, BeforeValidator(_scalar_text)]] | None


class YamlSection(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class ModelDetails(YamlSection):
    name: Text = None
    description: Text = None
    owners: TextList = None
    version: Text = None
    date: Text = None
    type: Text = None
    licence: Text = None
    contact: Text = None


class IntendedUse(YamlSection):
    primary_uses: Text = None
    primary_users: Text = None
    out_of_scope_uses: Text = None


class Factors(YamlSection):
    groups: Text = None
    instrumentation: Text = None
    environments: Text = None


class DataSection(YamlSection):
    description: Text = None
    preprocessing: Text = None


class Metrics(YamlSection):
    performance_measures: Text = None
    decision_thresholds: Text = None


class Design(YamlSection):
    architecture: Text = None
    theory: Text = None
    risk_management: Text = None


class Monitoring(YamlSection):
    plan: Text = None
    human_oversight: Text = None
    changes: Text = None


class AdverseAction(YamlSection):
    reasons_method: Text = None


class Card(YamlSection):
    """``card.yaml``: the sections a human writes. Measured numbers never go here: they come
    from the evidence files at build time."""

    regime: Regime | None = None
    model_details: ModelDetails | None = None
    intended_use: IntendedUse | None = None
    factors: Factors | None = None
    training_data: DataSection | None = None
    evaluation_data: DataSection | None = None
    metrics: Metrics | None = None
    quantitative_analysis: Text = None
    fairness_considerations: Text = None
    ethical_considerations: Text = None
    limitations: Text = None
    caveats_and_recommendations: Text = None
    design: Design | None = None
    monitoring: Monitoring | None = None
    adverse_action: AdverseAction | None = None
    regulatory_context: Text = None


# --- the built card (card.json) ---------------------------------------------------------------


class DataFile(FrozenModel):
    """A file the evidence measured (evaluation data, model, audited table), as it records it."""

    role: str = Field(description="'evaluation data', 'model' or 'table NAME'")
    path: str = Field(description="the file as the report names it")
    sha256: str | None = Field(
        description="SHA-256 of the file's bytes when measured; None: the report records none "
        "(a database table, a report from an older clearance)"
    )


class EvidenceRef(FrozenModel):
    path: str = Field(description="the evidence file as given at build time")
    sha256: str = Field(description="SHA-256 of the file's bytes at build time")
    kind: Literal["fairness", "audit", "evaluation"] = Field(
        description="a fairness or dataset audit report, or the evaluation data itself (its "
        "numbers recomputed at build time)"
    )
    tool_version: str = Field(description="the clearance version that wrote the report")
    data_source: list[str] = Field(
        default_factory=list, description="the data the report measured, as it records it"
    )
    data: list[DataFile] = Field(
        default_factory=list, description="the files behind the numbers, with their SHA-256"
    )
    warnings: list[str] = Field(
        default_factory=list, description="the report's own warnings (what it could not check)"
    )


class Interval(FrozenModel):
    lower_bound: float
    upper_bound: float
    level: float


class Number(FrozenModel):
    """One measured value, copied from an evidence file: ``source`` is where it is there."""

    type: str = Field(description="the metric")
    value: float | int | None
    slice: str = Field(description="attribute=group, or the table, or 'overall'")
    confidence_interval: Interval | None = None
    count: int | None = Field(default=None, description="rows behind the value")
    source: str = Field(description="the value's place in the evidence file (JSON path)")
    evidence_sha256: str
    data_sha256: str | None = Field(
        default=None,
        description="SHA-256 of the data file the value was measured on (None: not recorded, "
        "or a value over several tables)",
    )


class Owner(FrozenModel):
    name: str
    contact: str | None = None


class Version(FrozenModel):
    name: str | None = None
    date: str | None = None


class License(FrozenModel):
    identifier: str


class CardModelDetails(FrozenModel):
    name: str | None
    overview: str | None
    owners: list[Owner]
    version: Version
    licenses: list[License]
    type: str | None
    regulatory_requirements: str | None


class DatasetDoc(FrozenModel):
    name: str
    description: str | None
    preprocessing: str | None
    facts: list[Number] = Field(default_factory=list, description="measured, from evidence")
    findings: list[str] = Field(default_factory=list, description="the audit's findings, summed")


class ModelParameters(FrozenModel):
    model_architecture: str | None
    theory: str | None
    data: dict[Literal["train", "eval"], DatasetDoc]


class VerdictDoc(FrozenModel):
    passed: bool
    reasons: list[str]
    thresholds: dict[str, float]
    evidence_sha256: str


class ReasonDoc(FrozenModel):
    slice: str
    denied: int
    top_reasons: list[tuple[str, int]]
    evidence_sha256: str


class QuantitativeAnalysis(FrozenModel):
    notes: str | None
    performance_metrics: list[Number]
    evaluation_metrics: list[Number] = Field(
        default_factory=list,
        description="performance recomputed at build time on the evaluation data (overall, "
        "then by group); empty when the card was built without evaluation data",
    )
    disparities: list[Number]
    verdict: VerdictDoc | None
    adverse_action_reasons: list[ReasonDoc]


class Considerations(FrozenModel):
    users: str | None
    use_cases: str | None
    out_of_scope_uses: str | None
    factors: dict[str, str | None]
    limitations: str | None
    tradeoffs: str | None
    ethical_considerations: str | None
    fairness_assessment: str | None
    monitoring: str | None
    human_oversight: str | None
    risk_management: str | None
    adverse_action_reasons_method: str | None


class ModelCard(FrozenModel):
    schema_version: SchemaVersion = "1"
    kind: Literal["model-card"] = "model-card"
    tool: ToolName = "clearance"
    version: ToolVersion
    regime: Regime | None
    model_details: CardModelDetails
    model_parameters: ModelParameters
    quantitative_analysis: QuantitativeAnalysis
    considerations: Considerations
    evidence: list[EvidenceRef]
    card: Card = Field(description="the human-written sections as given (the check reads these)")
