"""What a card page shows, in order, shared by the Markdown and HTML renderers: the human-written
sections (each with its prompt when blank) and the measured tables, so the two formats differ
only in how they print."""

from __future__ import annotations

from dataclasses import dataclass

from clearance.cards.check import section_status
from clearance.cards.models import ModelCard, Number
from clearance.cards.regimes import catalogue

Spec = tuple[tuple[str, str], ...]
BlockSpecs = tuple[tuple[str, Spec], ...]

BLOCKS: BlockSpecs = (
    (
        "Intended use",
        (
            ("Primary uses", "intended_use.primary_uses"),
            ("Primary users", "intended_use.primary_users"),
            ("Out-of-scope uses", "intended_use.out_of_scope_uses"),
        ),
    ),
    (
        "Factors",
        (
            ("Groups", "factors.groups"),
            ("Instrumentation", "factors.instrumentation"),
            ("Environments", "factors.environments"),
        ),
    ),
    (
        "Metrics",
        (
            ("Performance measures", "metrics.performance_measures"),
            ("Decision thresholds", "metrics.decision_thresholds"),
        ),
    ),
    (
        "Design",
        (
            ("Architecture", "design.architecture"),
            ("Theory", "design.theory"),
            ("Risk management", "design.risk_management"),
        ),
    ),
)
AFTER: BlockSpecs = (
    ("Fairness considerations", (("", "fairness_considerations"),)),
    ("Ethical considerations", (("", "ethical_considerations"),)),
    ("Limitations", (("", "limitations"),)),
    ("Caveats and recommendations", (("", "caveats_and_recommendations"),)),
    (
        "Monitoring and human oversight",
        (
            ("Monitoring", "monitoring.plan"),
            ("Human oversight", "monitoring.human_oversight"),
            ("Changes", "monitoring.changes"),
        ),
    ),
    ("Adverse-action reasons", (("Method", "adverse_action.reasons_method"),)),
    ("Regulatory context", (("", "regulatory_context"),)),
)
DETAILS = (
    ("Owners", "model_details.owners"),
    ("Version", "model_details.version"),
    ("Date", "model_details.date"),
    ("Type", "model_details.type"),
    ("Licence", "model_details.licence"),
    ("Contact", "model_details.contact"),
)


@dataclass(frozen=True)
class Field:
    label: str
    text: str | None = None  # the human's text, or None when blank
    prompt: str = ""  # what to write, when blank


def value_of(card: ModelCard, path: str) -> str | None:
    if section_status(card.card, path) != "present":
        return None
    head, _, tail = path.partition(".")
    value: object = getattr(card.card, head)
    if tail:
        value = getattr(value, tail)
    return ", ".join(value) if isinstance(value, list) else str(value)


def fields(card: ModelCard, spec: Spec) -> list[Field]:
    """The block's fields; a field the card leaves out and its regime does not ask for is
    skipped (a Design block is noise on a card that needs none)."""
    cat = catalogue()
    asked = set(cat.sections_for(card.regime)) if card.regime else set(cat.sections)
    out = []
    for label, path in spec:
        text = value_of(card, path)
        if text is None and section_status(card.card, path) == "missing" and path not in asked:
            continue
        out.append(Field(label, text, cat.sections[path].prompt))
    return out


def blocks(card: ModelCard, which: BlockSpecs) -> list[tuple[str, list[Field]]]:
    out = []
    for title, spec in which:
        shown = fields(card, spec)
        if shown:
            out.append((title, shown))
    return out


def num(x: float | int | None) -> str:
    if x is None:
        return "n/a"
    return str(x) if isinstance(x, int) else f"{x:.3f}"


def with_ci(n: Number) -> str:
    iv = n.confidence_interval
    ci = f" [{num(iv.lower_bound)}, {num(iv.upper_bound)}]" if iv is not None else ""
    return num(n.value) + ci


def group_table(numbers: list[Number]) -> tuple[list[str], list[list[str]]]:
    """Per-group rates as one row per slice, one column per metric (value [95% CI])."""
    metrics = list(dict.fromkeys(n.type for n in numbers))
    slices: dict[str, dict[str, Number]] = {}
    for n in numbers:
        slices.setdefault(n.slice, {})[n.type] = n
    head = ["group", "n", *(m.replace("_", " ") for m in metrics)]
    rows = []
    for name, by_metric in slices.items():
        count = next(iter(by_metric.values())).count
        rows.append(
            [name, num(count), *(with_ci(by_metric[m]) if m in by_metric else "" for m in metrics)]
        )
    return head, rows


def disparity_rows(numbers: list[Number]) -> list[list[str]]:
    return [[n.slice, n.type.replace("_", " "), with_ci(n)] for n in numbers]


def fact_rows(numbers: list[Number]) -> list[list[str]]:
    return [[n.type.replace("_", " "), n.slice, num(n.value)] for n in numbers]


def title_of(card: ModelCard) -> str:
    return f"Model card: {card.model_details.name or 'unnamed model'}"


def data_rows(card: ModelCard) -> list[list[str]]:
    """The files behind the evidence's numbers: evidence file, role, file, SHA-256."""
    return [
        [e.path, f.role, f.path, f.sha256 or "not recorded"] for e in card.evidence for f in e.data
    ]


DATA_HEAD = ["evidence", "role", "file", "SHA-256"]
EVALUATION_TITLE = "On the evaluation data, recomputed at build time (value [95% bootstrap CI])"
