"""Shared test helper: a small spaCy pipeline built in the test, so that ``--ner`` is tested
without downloading a model. A blank English pipeline with an entity ruler finds exactly the
names below; none of them is found by clearance's own rules (the tests check that too), and
both are names the lexicons know, so that the engine's merge keeps them
(``clearance.detection.ner_merge``)."""

from __future__ import annotations

from pathlib import Path

import pytest

# The ruler finds these, the built-in detectors do not: a surname the name lexicon knows after
# a given name it does not, a town without a context word that says place.
PERSON = "Zebulon Quispe"
PLACE = "Tórshavn"
PRODUCT = "Gizmotron"  # a label clearance does not map: never reported
TEXT = f"{PERSON} sailed past {PLACE} with his {PRODUCT}"


def spacy_pipeline(folder: Path) -> Path:
    """Saves the pipeline to ``folder`` and returns it; skips when spaCy is not installed (the
    dev extra and clearance[ner] install it)."""
    spacy = pytest.importorskip("spacy", reason="spaCy is not installed (clearance[ner], dev)")
    nlp = spacy.blank("en")
    ruler = nlp.add_pipe("entity_ruler")
    ruler.add_patterns(
        [
            {"label": "PERSON", "pattern": PERSON},
            {"label": "GPE", "pattern": PLACE},
            {"label": "PRODUCT", "pattern": PRODUCT},
        ]
    )
    nlp.to_disk(folder)
    return folder
