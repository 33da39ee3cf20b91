"""``card check``: a built card against a regime's checklist, and its evidence against the files.

Each checklist item is ``present`` (every section it names is filled and the evidence it needs
was merged), ``empty`` (a section is there but blank), ``missing`` (a section or the evidence
is absent) or ``stale`` (its evidence file changed or is gone since the build). The check passes
only when every item is present and no evidence is stale.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Literal

from pydantic import Field

from clearance._version import __version__
from clearance.cards.evidence import MAX_EVIDENCE_BYTES, current_sha256, read_bytes, validate
from clearance.cards.models import Card, DataFile, EvidenceRef, ModelCard, Number, Regime
from clearance.cards.regimes import Item, catalogue
from clearance.core.model import FrozenModel
from clearance.core.run import SchemaVersion, ToolName, ToolVersion
from clearance.errors import InputError

Status = Literal["present", "empty", "missing", "stale"]
WHAT = {"fairness": "fairness", "audit": "dataset audit"}
_RANK: dict[Status, int] = {"present": 0, "empty": 1, "missing": 2, "stale": 3}
_STEP = re.compile(r"([^.\[\]]+)|\[(\d+)\]")


class DataStatus(FrozenModel):
    """A file the evidence measured, hashed again: a number measured on data that has changed
    since no longer describes it."""

    role: str
    path: str
    sha256_recorded: str | None
    sha256_now: str | None
    status: Literal["current", "changed", "not_found", "not_recorded"] = Field(
        description="not_found: not where the report says (not checked here, not stale); "
        "not_recorded: the report has no SHA-256 of it (a database table, an older report)"
    )


class EvidenceStatus(FrozenModel):
    path: str
    kind: str
    sha256_recorded: str
    sha256_now: str | None = Field(description="None: the file is gone or unreadable")
    status: Literal["current", "changed", "gone", "data_changed"]
    stale_numbers: list[str] = Field(
        default_factory=list, description="numbers taken from it: metric, slice, JSON path"
    )
    data: list[DataStatus] = Field(
        default_factory=list, description="the files behind its numbers, hashed again"
    )


class ItemResult(FrozenModel):
    id: str
    title: str
    reference: str
    status: Status
    fill: list[str] = Field(description="the sections (or evidence) still to fill")
    sections: dict[str, Status]


class CheckReport(FrozenModel):
    schema_version: SchemaVersion = "1"
    kind: Literal["card-check"] = "card-check"
    tool: ToolName = "clearance"
    version: ToolVersion
    card: str
    regime: Regime
    title: str
    passed: bool
    counts: dict[Status, int]
    items: list[ItemResult]
    evidence: list[EvidenceStatus]


def section_status(card: Card, path: str) -> Status:
    head, _, tail = path.partition(".")
    value: object = getattr(card, head)
    if tail and value is not None:
        value = getattr(value, tail)
    if value is None:
        return "missing"
    if isinstance(value, list):
        return "present" if any(str(v).strip() for v in value) else "empty"
    return "present" if str(value).strip() else "empty"


def card_sections(card: Card) -> dict[str, Status]:
    """Every section the catalogue knows, with its status in ``card`` (catalogue order)."""
    return {path: section_status(card, path) for path in catalogue().sections}


def _lookup(data: object, source: str) -> object:
    for name, index in _STEP.findall(source):
        if name:
            data = data.get(name) if isinstance(data, dict) else None
        else:
            data = data[int(index)] if isinstance(data, list) and int(index) < len(data) else None
    return data


def _numbers(card: ModelCard) -> list[Number]:
    qa = card.quantitative_analysis
    data = card.model_parameters.data
    return [
        *qa.performance_metrics,
        *qa.evaluation_metrics,
        *qa.disparities,
        *(n for d in data.values() for n in d.facts),
    ]


def _where(recorded: str, folders: list[Path]) -> Path:
    """A relative path is read from the working folder, else from each of ``folders`` (as
    given, then by its name alone: ``card check`` run from the card's folder). Whichever file
    is found, its hash decides whether it is the one measured."""
    given = Path(recorded)
    if given.is_absolute() or given.exists():
        return given
    for folder in folders:
        for beside in (folder / given, folder / given.name):
            if beside.exists():
                return beside
    return given


def _label(n: Number) -> str:
    return f"{n.type} {n.slice} ({n.source})"


def _data_status(f: DataFile, folders: list[Path]) -> DataStatus:
    if f.sha256 is None:
        return DataStatus(
            role=f.role, path=f.path, sha256_recorded=None, sha256_now=None, status="not_recorded"
        )
    now = current_sha256(_where(f.path, folders))
    status: Literal["current", "changed", "not_found"] = (
        "not_found" if now is None else "current" if now == f.sha256 else "changed"
    )
    return DataStatus(
        role=f.role, path=f.path, sha256_recorded=f.sha256, sha256_now=now, status=status
    )


def _evidence_status(ref: EvidenceRef, card: ModelCard, card_path: Path) -> EvidenceStatus:
    path = _where(ref.path, [card_path.parent])
    now = current_sha256(path)
    mine = [n for n in _numbers(card) if n.evidence_sha256 == ref.sha256]
    data = [_data_status(f, [path.parent, card_path.parent]) for f in ref.data]
    verdict = card.quantitative_analysis.verdict is not None and ref.kind == "fairness"
    status: Literal["current", "changed", "gone", "data_changed"]
    changed = {d.sha256_recorded for d in data if d.status == "changed"}
    if now is None or now != ref.sha256:
        status, stale = ("gone" if now is None else "changed"), [_label(n) for n in mine]
    elif changed:
        # the report is the one built from, but the data it measured is not what it was
        status, stale = "data_changed", [_label(n) for n in mine if n.data_sha256 in changed]
    elif ref.kind == "evaluation":
        # the data file itself: its numbers were computed from it, not copied from JSON
        status, stale, verdict = "current", [], False
    else:
        # the file is the one built from: each number must still be its value there (a
        # card.json edited by hand is caught here)
        report = json.loads(read_bytes(path, MAX_EVIDENCE_BYTES, "a clearance report"))
        stale = [_label(n) for n in mine if _lookup(report, n.source) != n.value]
        status, verdict = ("changed" if stale else "current"), False
    if verdict:
        stale.append("verdict (verdict.passed)")
    return EvidenceStatus(
        path=ref.path,
        kind=ref.kind,
        sha256_recorded=ref.sha256,
        sha256_now=now,
        status=status,
        stale_numbers=stale,
        data=data,
    )


def _item(item: Item, card: ModelCard, evidence: dict[str, EvidenceStatus]) -> ItemResult:
    sections = {p: section_status(card.card, p) for p in item.sections}
    fill = [p for p, s in sections.items() if s != "present"]
    if item.evidence is not None:
        kind = item.evidence.partition(".")[0]
        label = f"evidence: a {WHAT[kind]} report"
        found = evidence.get(kind)
        if found is None:
            sections[label] = "missing"
        elif found.status != "current":
            sections[label] = "stale"
        elif (
            item.evidence == "fairness.reasons"
            and not card.quantitative_analysis.adverse_action_reasons
        ):
            label = "evidence: adverse-action reasons (a fairness report of a model)"
            sections[label] = "missing"
        else:
            sections[label] = "present"
        if sections[label] != "present":
            fill.append(label)
    status = max(sections.values(), key=lambda s: _RANK[s])
    return ItemResult(
        id=item.id,
        title=item.title,
        reference=item.reference,
        status=status,
        fill=fill,
        sections=sections,
    )


def load_built_card(path: Path) -> ModelCard:
    what = "a built model card (card.json from card build)"
    raw = read_bytes(path, MAX_EVIDENCE_BYTES, what)
    try:
        data = json.loads(raw)
    except (json.JSONDecodeError, UnicodeDecodeError):
        raise InputError(str(path), f"not JSON (expected {what})") from None
    if not isinstance(data, dict) or data.get("kind") != "model-card":
        raise InputError(str(path), f"not a model card (expected {what})")
    return validate(ModelCard, data, path, what)


def check_card(card: ModelCard, regime: Regime, card_path: Path) -> CheckReport:
    spec = catalogue().regimes[regime]
    statuses = [_evidence_status(ref, card, card_path) for ref in card.evidence]
    by_kind = {s.kind: s for s in statuses}
    items = [_item(item, card, by_kind) for item in spec.items]
    counts: dict[Status, int] = {s: 0 for s in _RANK}
    for i in items:
        counts[i.status] += 1
    passed = counts["present"] == len(items) and all(s.status == "current" for s in statuses)
    return CheckReport(
        version=__version__,
        card=str(card_path),
        regime=regime,
        title=spec.title,
        passed=passed,
        counts=counts,
        items=items,
        evidence=statuses,
    )


def check_card_path(path: Path, regime: Regime) -> CheckReport:
    """The library entry point: ``card.json`` read, its evidence re-hashed, the checklist run."""
    return check_card(load_built_card(path), regime, path)
