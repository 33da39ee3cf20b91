"""``card init`` and ``card build``: the YAML skeleton a regime asks for, and the built card:
the human-written sections merged with the numbers measured in the evidence files."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import yaml

from clearance._version import __version__
from clearance.audit.report import AuditReport
from clearance.cards.evidence import Evidence, load_evidence, load_yaml, validate
from clearance.cards.models import (
    Card,
    CardModelDetails,
    Considerations,
    DatasetDoc,
    EvidenceRef,
    License,
    ModelCard,
    ModelParameters,
    Number,
    Owner,
    QuantitativeAnalysis,
    ReasonDoc,
    Regime,
    VerdictDoc,
    Version,
)
from clearance.cards.numbers import fairness_numbers
from clearance.cards.performance import recompute
from clearance.cards.regimes import catalogue
from clearance.errors import InputError, PolicyError
from clearance.fairness.policy import load_fairness_policy
from clearance.fairness.report import FairnessReport


def init_card(regime: Regime) -> str:
    """The YAML skeleton for ``regime``: every section it asks for, blank, under its prompt."""
    cat = catalogue()
    out = [
        f"# Model card ({cat.regimes[regime].title}).",
        "# Fill every section; measured numbers come from the evidence at build time:",
        "#   clearance card build card.yaml --evidence fairness.json -o card.md -o card.json",
        f"regime: {regime}",
    ]
    current = None
    for path in cat.sections_for(regime):
        head, _, tail = path.partition(".")
        prompt = cat.sections[path].prompt
        blank = "[]" if path == "model_details.owners" else '""'
        if not tail:
            current = None
            out += ["", f"# {prompt}", f"{head}: {blank}"]
            continue
        if head != current:
            out += ["", f"{head}:"]
            current = head
        out += [f"  # {prompt}", f"  {tail}: {blank}"]
    return "\n".join(out) + "\n"


def load_card(path: Path) -> Card:
    return validate(Card, load_yaml(path, "a model card YAML"), path, "a model card YAML")


def _eval_facts(report: FairnessReport, sha: str) -> list[Number]:
    return [
        Number(
            type=k,
            value=v,
            slice="overall",
            source=f"data.{k}",
            evidence_sha256=sha,
            data_sha256=report.data.sha256,
        )
        for k, v in (("rows_in", report.data.rows_in), ("rows_used", report.data.rows_used))
    ]


def _audit_facts(report: AuditReport, sha: str) -> tuple[list[Number], list[str]]:
    table_sha = {t.name: t.sha256 for t in report.tables}
    facts = [
        Number(
            type="rows",
            value=t.rows,
            slice=t.name,
            source=f"tables[{i}].rows",
            evidence_sha256=sha,
            data_sha256=t.sha256,
        )
        for i, t in enumerate(report.tables)
    ]
    for cat, n in sorted(report.summary.by_category.items()):
        facts.append(
            Number(
                type="findings",
                value=n,
                slice=cat,
                source=f"summary.by_category.{cat}",
                evidence_sha256=sha,
            )
        )
    for i, c in enumerate(report.consent):
        for field in ("consented", "not_consented", "no_record"):
            facts.append(
                Number(
                    type=f"consent_{field}",
                    value=getattr(c, field),
                    slice=c.table,
                    count=c.rows,
                    source=f"consent[{i}].{field}",
                    evidence_sha256=sha,
                    data_sha256=table_sha.get(c.table),
                )
            )
    for i, r in enumerate(report.retention):
        facts.append(
            Number(
                type="retention_expired",
                value=r.expired,
                slice=f"{r.table}.{r.column}",
                count=r.rows,
                source=f"retention[{i}].expired",
                evidence_sha256=sha,
                data_sha256=table_sha.get(r.table),
            )
        )
    findings = [
        f"{f.severity.value} {f.rule} ({f.category}) in "
        f"{f.location.table or f.location.file or '?'}"
        + (f".{f.location.column}" if f.location.column else "")
        + (f": {f.count} value(s)" if f.count else "")
        for f in report.findings
    ]
    return facts, findings


def _one_each(evidence: Sequence[Evidence]) -> tuple[Evidence | None, Evidence | None]:
    fairness = [e for e in evidence if isinstance(e.report, FairnessReport)]
    audit = [e for e in evidence if isinstance(e.report, AuditReport)]
    for kind, found in (("fairness", fairness), ("audit", audit)):
        if len(found) > 1:
            names = ", ".join(e.ref.path for e in found)
            raise InputError(str(names), f"more than one {kind} report; a card takes one of each")
    return (fairness[0] if fairness else None), (audit[0] if audit else None)


def build_card(
    card: Card,
    evidence: Sequence[Evidence],
    evaluation: tuple[list[Number], EvidenceRef] | None = None,
) -> ModelCard:
    """The card: ``card``'s sections verbatim, the evidence's numbers each with its file's hash
    (and ``evaluation``: performance recomputed on the evaluation data, with its entry)."""
    fairness, audit = _one_each(evidence)
    md = card.model_details
    iu = card.intended_use
    f = card.factors
    des = card.design
    mon = card.monitoring
    groups: list[Number] = []
    gaps: list[Number] = []
    verdict = None
    reasons: list[ReasonDoc] = []
    eval_facts: list[Number] = []
    if fairness is not None:
        assert isinstance(fairness.report, FairnessReport)
        sha = fairness.ref.sha256
        groups, gaps = fairness_numbers(fairness.report, sha)
        eval_facts = _eval_facts(fairness.report, sha)
        v = fairness.report.verdict
        verdict = VerdictDoc(
            passed=v.passed, reasons=v.reasons, thresholds=v.thresholds, evidence_sha256=sha
        )
        reasons = [
            ReasonDoc(
                slice=f"{r.attribute}={r.group}",
                denied=r.denied,
                top_reasons=r.top_reasons,
                evidence_sha256=sha,
            )
            for r in fairness.report.reasons
        ]
    train_facts: list[Number] = []
    train_findings: list[str] = []
    if audit is not None:
        assert isinstance(audit.report, AuditReport)
        train_facts, train_findings = _audit_facts(audit.report, audit.ref.sha256)
    td, ed = card.training_data, card.evaluation_data
    owners = (md.owners if md else None) or []
    contact = md.contact if md else None
    return ModelCard(
        version=__version__,
        regime=card.regime,
        model_details=CardModelDetails(
            name=md.name if md else None,
            overview=md.description if md else None,
            owners=[Owner(name=o, contact=contact) for o in owners],
            version=Version(name=md.version if md else None, date=md.date if md else None),
            licenses=[License(identifier=md.licence)] if md and md.licence else [],
            type=md.type if md else None,
            regulatory_requirements=card.regulatory_context,
        ),
        model_parameters=ModelParameters(
            model_architecture=des.architecture if des else None,
            theory=des.theory if des else None,
            data={
                "train": DatasetDoc(
                    name="training data",
                    description=td.description if td else None,
                    preprocessing=td.preprocessing if td else None,
                    facts=train_facts,
                    findings=train_findings,
                ),
                "eval": DatasetDoc(
                    name="evaluation data",
                    description=ed.description if ed else None,
                    preprocessing=ed.preprocessing if ed else None,
                    facts=eval_facts,
                ),
            },
        ),
        quantitative_analysis=QuantitativeAnalysis(
            notes=card.quantitative_analysis,
            performance_metrics=groups,
            evaluation_metrics=evaluation[0] if evaluation else [],
            disparities=gaps,
            verdict=verdict,
            adverse_action_reasons=reasons,
        ),
        considerations=Considerations(
            users=iu.primary_users if iu else None,
            use_cases=iu.primary_uses if iu else None,
            out_of_scope_uses=iu.out_of_scope_uses if iu else None,
            factors={
                "groups": f.groups if f else None,
                "instrumentation": f.instrumentation if f else None,
                "environments": f.environments if f else None,
            },
            limitations=card.limitations,
            tradeoffs=card.caveats_and_recommendations,
            ethical_considerations=card.ethical_considerations,
            fairness_assessment=card.fairness_considerations,
            monitoring=mon.plan if mon else None,
            human_oversight=mon.human_oversight if mon else None,
            risk_management=des.risk_management if des else None,
            adverse_action_reasons_method=(
                card.adverse_action.reasons_method if card.adverse_action else None
            ),
        ),
        evidence=[e.ref for e in (fairness, audit) if e is not None]
        + ([evaluation[1]] if evaluation else []),
        card=card,
    )


def build_card_paths(
    card_path: Path,
    evidence_paths: Sequence[Path],
    *,
    eval_data: Path | None = None,
    fairness_policy: Path | None = None,
    model: Path | None = None,
    trust_pickle: bool = False,
    trusted_types: Sequence[str] = (),
) -> ModelCard:
    """The library entry point: ``card.yaml`` and the evidence files, read and merged; with
    ``eval_data``, the fairness report's model (``model``) or prediction column is measured
    again on that file, with ``fairness_policy`` when the report's derivations need it."""
    card = load_card(card_path)
    evidence = [load_evidence(p) for p in evidence_paths]
    evaluation = None
    if eval_data is not None:
        fairness, _ = _one_each(evidence)
        if fairness is None:
            raise PolicyError(
                "recomputing performance on evaluation data needs the fairness report it "
                "follows (its label, groups and settings)"
            )
        assert isinstance(fairness.report, FairnessReport)
        evaluation = recompute(
            fairness.report,
            eval_data,
            policy=load_fairness_policy(fairness_policy) if fairness_policy else None,
            model_path=model,
            trust_pickle=trust_pickle,
            trusted_types=trusted_types,
        )
    elif model is not None or fairness_policy is not None:
        raise PolicyError("a model or fairness policy is only used with evaluation data")
    return build_card(card, evidence, evaluation)


def dump_yaml(data: object) -> str:
    """YAML of plain data, quoted where needed (text from data never breaks the structure)."""
    return yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=1000)
