"""What the NER back ends share: tagged words as spans in every tagging scheme, model labels as
entity types, and windows that read every token once."""

from __future__ import annotations

import pytest

from clearance.detection.ner_spans import Word, entity_of, tagged_spans, windows


def _words(*labels: str) -> list[Word]:
    """Word i spans characters 10*i .. 10*i+5, scored (i+1)/10."""
    return [Word(10 * i, 10 * i + 5, label, (i + 1) / 10) for i, label in enumerate(labels)]


@pytest.mark.parametrize(
    ("labels", "spans"),
    [
        # BIO: B opens, I continues its kind, B of the same kind opens a new entity
        (
            ("B-PER", "I-PER", "O", "B-LOC", "B-LOC"),
            [("PER", 0, 15), ("LOC", 30, 35), ("LOC", 40, 45)],
        ),
        # BILOU: L closes, U is one word; an I after a closed entity opens a new one
        (
            ("B-PER", "L-PER", "I-PER", "U-LOC", "U-LOC"),
            [("PER", 0, 15), ("PER", 20, 25), ("LOC", 30, 35), ("LOC", 40, 45)],
        ),
        # BIOES: S single, E end
        (("S-DATE", "B-DATE", "I-DATE", "E-DATE", "O"), [("DATE", 0, 5), ("DATE", 10, 35)]),
        # an I of another kind, or without a B, opens its own entity (lenient, like the pipelines)
        (("I-PER", "I-LOC", "I-LOC"), [("PER", 0, 5), ("LOC", 10, 25)]),
        # plain IO labels (spaCy-style): equal neighbours join
        (("PER", "PER", "O", "LOC"), [("PER", 0, 15), ("LOC", 30, 35)]),
        (("O", "O"), []),
    ],
)
def test_tagging_schemes_become_spans(
    labels: tuple[str, ...], spans: list[tuple[str, int, int]]
) -> None:
    assert [s[:3] for s in tagged_spans(_words(*labels))] == spans


def test_a_span_scores_the_mean_of_its_words() -> None:
    assert tagged_spans(_words("B-PER", "I-PER", "I-PER")) == [("PER", 0, 25, pytest.approx(0.2))]


@pytest.mark.parametrize(
    ("label", "entity"),
    [
        ("B-PER", "PERSON"),
        ("i-person", "PERSON"),
        ("U-GIVENNAME", "PERSON"),
        ("L-LOC", "LOCATION"),
        ("GPE", "LOCATION"),
        ("B-STREET_ADDRESS", "LOCATION"),
        ("B-ZIPCODE", "LOCATION"),
        ("B-DATE", "DATE_TIME"),
        ("TIME", "DATE_TIME"),
        ("B-date of birth", "DATE_TIME"),
        ("NORP", "NRP"),
        ("B-ORG", None),
        ("MISC", None),
        ("O", None),
    ],
)
def test_model_labels_map_to_entity_types(label: str, entity: str | None) -> None:
    assert entity_of(label) == entity


@pytest.mark.parametrize(
    ("count", "size", "overlap"),
    [(0, 6, 1), (1, 6, 1), (6, 6, 1), (7, 6, 1), (60, 6, 1), (61, 8, 3), (5, 1, 0)],
)
def test_windows_cover_every_token_and_own_each_once(count: int, size: int, overlap: int) -> None:
    found = windows(count, size, overlap)
    assert all(w.stop - w.first <= size for w in found)
    owned = [i for w in found for i in range(w.own_first, w.own_stop)]
    assert owned == list(range(count))  # a partition, in order
    assert all(w.first <= w.own_first <= w.own_stop <= w.stop for w in found)
