"""The jobs' results as the dashboard shows them, read from one run's record (never from a
report file): a fairness audit's groups with their intervals, a model card's sections and
checklist, an LLM audit's secrets per kind (masked previews), a guard session's incidents.

Only named fields of the record are read: a value a record holds where it should not (a hostile
or older record) is never passed on, and a preview that carries no mask is withheld."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Literal

from pydantic import Field, ValidationError

from clearance.core.model import FrozenModel
from clearance.evidence.chain import Entry
from clearance.fairness.models import Disparity, GroupMetrics

Kind = Literal["fairness", "cards", "llm", "guard"]
# the commands whose runs each results page shows
COMMANDS: dict[Kind, tuple[str, ...]] = {
    "fairness": ("fairness",),
    "cards": ("card build", "card check"),
    "llm": ("llm audit",),
    "guard": ("guard",),
}
WITHHELD = "(withheld: not masked)"


def kind_of(command: str) -> Kind | None:
    """The results page of a run of ``command``, if it has one."""
    return next((k for k, cmds in COMMANDS.items() if command in cmds), None)


class RunHead(FrozenModel):
    run_id: str
    command: str
    verdict: str
    created_at: str


class FairnessResult(RunHead):
    recorded: bool = Field(description="the record holds the per-group metrics (clearance 0.x+)")
    passed: bool | None
    reasons: list[str]
    settings: dict[str, Any]
    by_group: list[GroupMetrics]
    disparities: list[Disparity]


class ChecklistItem(FrozenModel):
    id: str
    title: str
    status: str
    fill: list[str]


class NamedStatus(FrozenModel):
    name: str
    status: str


class CardResult(RunHead):
    regime: str | None
    model: str | None
    counts: dict[str, int] = Field(description="checklist items per status (card check)")
    checklist: list[ChecklistItem]
    sections: list[NamedStatus] = Field(description="the card's sections (card build)")
    evidence: list[NamedStatus] = Field(description="evidence files and their status")


class KindCount(FrozenModel):
    type: str
    entity: str
    secrets: int
    extracted: int
    partial: int


class SecretRow(FrozenModel):
    type: str
    entity: str
    preview: str = Field(description="masked preview as the report wrote it")
    duplicates: int
    extracted: bool
    match: str


class HallucinatedRow(FrozenModel):
    rule: str
    entity: str
    preview: str
    count: int


class LlmResult(RunHead):
    recorded: bool
    summary: dict[str, int | float]
    by_kind: list[KindCount]
    secrets_total: int
    secrets: list[SecretRow]
    hallucinated: list[HallucinatedRow]


class GuardResult(RunHead):
    counts: dict[str, int] = Field(description="requests, redactions, blocked, stream_errors")
    redactions_by_type: dict[str, int]
    incidents: list[str] = Field(description="the incidents files written (paths)")


def _map(value: object) -> Mapping[str, Any]:
    return value if isinstance(value, Mapping) else {}


def _list(value: object) -> list[Mapping[str, Any]]:
    return [x for x in value if isinstance(x, Mapping)] if isinstance(value, list) else []


def _int(value: object) -> int:
    return value if isinstance(value, int) and not isinstance(value, bool) else 0


def _str(value: object) -> str:
    return "" if value is None else str(value)


def masked(preview: object) -> str:
    """The preview, when it shows a mask; else withheld (a record is data, not a promise)."""
    text = _str(preview)
    return text if "*" in text else WITHHELD


def _head(entry: Entry) -> dict[str, str]:
    r = entry.record
    return {
        "run_id": entry.run_id,
        "command": _str(r.get("command")),
        "verdict": _str(r.get("verdict")),
        "created_at": _str(r.get("created_at")),
    }


def _details(entry: Entry, kind: str) -> Mapping[str, Any] | None:
    details = entry.record.get("details")
    return details if isinstance(details, Mapping) and details.get("kind") == kind else None


def fairness_result(entry: Entry) -> FairnessResult:
    details = _details(entry, "fairness")
    verdict = _map(entry.record.get("summary"))
    passed = verdict.get("passed")
    groups: list[GroupMetrics] = []
    disparities: list[Disparity] = []
    if details is not None:
        try:
            groups = [GroupMetrics.model_validate(g) for g in _list(details.get("by_group"))]
            disparities = [Disparity.model_validate(d) for d in _list(details.get("disparities"))]
        except ValidationError:  # a record of another version, or edited: shown as not recorded
            details, groups, disparities = None, [], []
    return FairnessResult(
        **_head(entry),
        recorded=details is not None,
        passed=passed if isinstance(passed, bool) else None,
        reasons=[_str(x) for x in verdict.get("reasons", []) if isinstance(x, str)],
        settings={
            k: v
            for k, v in _map(details and details.get("settings")).items()
            if isinstance(v, (int, float, str)) and k in ("min_group_size", "alpha", "bootstrap")
        },
        by_group=groups,
        disparities=disparities,
    )


def card_result(entry: Entry) -> CardResult:
    summary = _map(entry.record.get("summary"))
    items = summary.get("items")
    return CardResult(
        **_head(entry),
        regime=_str(summary.get("regime")) or None,
        model=_str(summary.get("model")) or None,
        counts={_str(k): _int(v) for k, v in _map(items).items()},
        checklist=[
            ChecklistItem(
                id=_str(i.get("id")),
                title=_str(i.get("title")),
                status=_str(i.get("status")),
                fill=[_str(f) for f in i.get("fill", []) if isinstance(f, str)]
                if isinstance(i.get("fill"), list)
                else [],
            )
            for i in _list(summary.get("checklist"))
        ],
        sections=[
            NamedStatus(name=_str(k), status=_str(v))
            for k, v in _map(summary.get("sections")).items()
        ],
        evidence=[
            NamedStatus(name=_str(e.get("path")), status=_str(e.get("status")))
            for e in _list(summary.get("evidence"))
        ],
    )


def llm_result(entry: Entry) -> LlmResult:
    details = _details(entry, "llm-audit")
    summary = _map(entry.record.get("summary"))
    secrets = _list(details.get("secrets")) if details is not None else []
    kinds: dict[tuple[str, str], list[int]] = {}
    for s in secrets:
        counts = kinds.setdefault((_str(s.get("type")), _str(s.get("entity"))), [0, 0, 0])
        counts[0] += 1
        counts[1] += s.get("extracted") is True
        counts[2] += s.get("match") == "partial"
    return LlmResult(
        **_head(entry),
        recorded=details is not None,
        summary={
            k: v
            for k, v in summary.items()
            if isinstance(v, (int, float)) and not isinstance(v, bool)
        },
        by_kind=[
            KindCount(type=t, entity=e, secrets=n, extracted=x, partial=p)
            for (t, e), (n, x, p) in sorted(kinds.items(), key=lambda kv: (-kv[1][0], kv[0]))
        ],
        secrets_total=_int(details.get("secrets_total")) if details is not None else 0,
        secrets=[
            SecretRow(
                type=_str(s.get("type")),
                entity=_str(s.get("entity")),
                preview=masked(s.get("preview")),
                duplicates=_int(s.get("duplicates")),
                extracted=s.get("extracted") is True,
                match=_str(s.get("match")),
            )
            for s in secrets
        ],
        hallucinated=[
            HallucinatedRow(
                rule=_str(h.get("rule")),
                entity=_str(h.get("entity")),
                preview=masked(h.get("preview")),
                count=_int(h.get("count")),
            )
            for h in (_list(details.get("hallucinated")) if details is not None else [])
        ],
    )


def guard_result(entry: Entry) -> GuardResult:
    summary = _map(entry.record.get("summary"))
    outputs = _list(entry.record.get("outputs"))
    return GuardResult(
        **_head(entry),
        counts={
            k: _int(summary.get(k)) for k in ("requests", "redactions", "blocked", "stream_errors")
        },
        redactions_by_type={
            _str(k): _int(v) for k, v in _map(summary.get("redactions_by_type")).items()
        },
        incidents=[_str(o.get("path")) for o in outputs],
    )


__all__ = [
    "COMMANDS",
    "CardResult",
    "FairnessResult",
    "GuardResult",
    "Kind",
    "LlmResult",
    "card_result",
    "fairness_result",
    "guard_result",
    "kind_of",
    "llm_result",
    "masked",
]
