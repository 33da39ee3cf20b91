"""What a run's record keeps of its report beyond the summary and findings, so that the dashboard
can show a job's results from the store alone (the report file may live elsewhere): a fairness
audit's per-group metrics with their intervals and its disparities; an LLM audit's secrets by
kind (masked previews, keyed fingerprints: what the report holds, never a value).

Read from the report's JSON form, as :func:`~clearance.evidence.record.new_record` reads its
``checks``: the evidence layer knows the documents, not the jobs' models."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

# a very large inventory keeps its first secrets here; the summary counts them all
MAX_ITEMS = 2000
# each kept item: only these keys (an unexpected one in a report is dropped, not recorded)
_SECRET_KEYS = ("type", "entity", "preview", "length", "duplicates", "extracted", "match")
_HALLUCINATED_KEYS = ("rule", "entity", "preview", "count")
_DISPARITY_KEYS = ("attribute", "reference", "reference_rule", "metrics", "ci", "insufficient_groups")
_SETTINGS_KEYS = ("min_group_size", "alpha", "correction", "bootstrap", "seed")


def _pick(item: object, keys: tuple[str, ...]) -> dict[str, Any] | None:
    if not isinstance(item, Mapping):
        return None
    return {k: item[k] for k in keys if k in item}


def _listed(value: object, keys: tuple[str, ...] | None = None) -> list[Any]:
    items = value if isinstance(value, list) else []
    if keys is None:
        return [x for x in items[:MAX_ITEMS] if isinstance(x, Mapping)]
    return [p for p in (_pick(x, keys) for x in items[:MAX_ITEMS]) if p is not None]


def details_of(doc: Mapping[str, Any]) -> dict[str, Any] | None:
    """The results worth keeping of the report ``doc`` (a fairness or LLM audit report's JSON),
    tagged with their ``kind``; None for any other report."""
    if doc.get("kind") == "fairness" and isinstance(doc.get("by_group"), list):
        settings = doc.get("settings")
        return {
            "kind": "fairness",
            "settings": _pick(settings, _SETTINGS_KEYS) or {},
            "by_group": _listed(doc["by_group"]),
            "disparities": _listed(doc.get("disparities"), _DISPARITY_KEYS),
        }
    if isinstance(doc.get("secrets"), list) and isinstance(doc.get("probes_run"), Mapping):
        return {
            "kind": "llm-audit",
            "secrets_total": len(doc["secrets"]),
            "secrets": _listed(doc["secrets"], _SECRET_KEYS),
            "hallucinated": _listed(doc.get("hallucinated"), _HALLUCINATED_KEYS),
        }
    return None
