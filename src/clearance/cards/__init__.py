"""Model cards and datasheets built from measured evidence and checked against what a regulator
asks for (EU AI Act Annex IV and Art. 13, SR 11-7, ECOA / Regulation B).

``card.yaml`` (the sections a human writes) + evidence files (clearance fairness and dataset
audit reports) -> :func:`build_card_paths` -> a :class:`ModelCard` (every measured number with
its file's SHA-256) -> Markdown (Hugging Face model card), HTML, JSON (Model Card Toolkit
fields) -> :func:`check_card_path` against a regime's checklist (``regimes.yaml``).
"""

from clearance.cards.build import build_card, build_card_paths, init_card, load_card
from clearance.cards.check import CheckReport, check_card, check_card_path
from clearance.cards.datasheet import Datasheet, build_datasheet, build_datasheet_paths
from clearance.cards.models import Card, ModelCard

__all__ = [
    "Card",
    "CheckReport",
    "Datasheet",
    "ModelCard",
    "build_card",
    "build_card_paths",
    "build_datasheet",
    "build_datasheet_paths",
    "check_card",
    "check_card_path",
    "init_card",
    "load_card",
]
