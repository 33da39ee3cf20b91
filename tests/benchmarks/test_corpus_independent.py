"""``benchmarks/corpus_independent.py``: the second labelled corpus is deterministic, its spans are
exact and valid for their type, and its holdout split shares no template or name with tune."""

from __future__ import annotations

import ipaddress
import re
import sys
from functools import cache
from pathlib import Path
from typing import Any

import phonenumbers
import pytest
from stdnum import iban, luhn
from stdnum.us import ssn

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "benchmarks"))

import corpus_independent as corpus

Doc = dict[str, Any]


@cache
def _docs() -> list[Doc]:
    return corpus.generate(2000, 13)


def _values(doc: Doc, label: str) -> list[str]:
    return [doc["text"][s["start"] : s["end"]] for s in doc["spans"] if s["type"] == label]


def test_same_arguments_give_the_same_documents() -> None:
    assert corpus.generate(300, 7) == corpus.generate(300, 7)
    assert corpus.generate(300, 7) != corpus.generate(300, 8)
    assert corpus.generate(50, 13) == _docs()[:50]


def test_documents_have_the_documented_shape() -> None:
    ids = [d["id"] for d in _docs()]
    assert len(set(ids)) == len(ids)
    for doc in _docs():
        assert set(doc) == {"id", "kind", "text", "split", "spans"}
        assert re.fullmatch(rf"{doc['kind']}-\d{{5}}", doc["id"])
        assert doc["split"] in ("tune", "holdout")
        for span in doc["spans"]:
            assert set(span) == {"type", "start", "end"}
            assert span["type"] in corpus.ENTITY_TYPES


@pytest.mark.parametrize("source", ["generated", "every template"])
def test_spans_are_exact_and_do_not_overlap(source: str) -> None:
    docs = _docs() if source == "generated" else corpus.render_every_template()
    for doc in docs:
        end = 0
        for span in doc["spans"]:
            value = doc["text"][span["start"] : span["end"]]
            assert span["start"] >= end, doc["id"]
            assert value and value == value.strip(), (doc["id"], span)
            assert not value.endswith((",", ".", ":", ";")), (doc["id"], value)
            end = span["end"]


def test_span_values_are_valid_for_their_type() -> None:
    counts = dict.fromkeys(corpus.ENTITY_TYPES, 0)
    for doc in _docs():
        for value in _values(doc, "CREDIT_CARD"):
            assert luhn.is_valid(re.sub(r"[ -]", "", value)), value
        for value in _values(doc, "IBAN_CODE"):
            assert iban.is_valid(value), value
        for value in _values(doc, "US_SSN"):
            assert ssn.is_valid(value.replace(" ", "-")), value
        for value in _values(doc, "IP_ADDRESS"):
            ipaddress.ip_address(value)
        for value in _values(doc, "EMAIL_ADDRESS"):
            assert re.fullmatch(r"[a-z0-9._]+@[a-z0-9.-]+\.[a-z]{2,}", value), value
        for value in _values(doc, "PHONE_NUMBER"):
            if value.startswith("+"):
                assert phonenumbers.is_valid_number(phonenumbers.parse(value)), value
        for label in counts:
            counts[label] += len(_values(doc, label))
    assert all(counts.values()), counts


def test_relative_phrases_and_look_alikes_are_not_labelled() -> None:
    text = "\n".join(d["text"] for d in _docs())
    labelled = {v for d in _docs() for t in corpus.ENTITY_TYPES for v in _values(d, t)}
    assert "yesterday" in text and "Apple Watch" in text and "Metformin 500 mg" in text
    assert not labelled & {"yesterday", "next week", "Apple Watch", "Metformin 500 mg"}


def test_both_splits_hold_every_kind_and_every_type() -> None:
    assert len(corpus.TEMPLATES) >= 8
    assert all(len(t) >= 25 for t in corpus.TEMPLATES.values())
    for split in ("tune", "holdout"):
        docs = [d for d in _docs() if d["split"] == split]
        assert {d["kind"] for d in docs} == set(corpus.TEMPLATES), split
        types = {s["type"] for d in docs for s in d["spans"]}
        assert types == set(corpus.ENTITY_TYPES), split
    templates = [t for ts in corpus.TEMPLATES.values() for t in ts]
    tune = sum(corpus.template_split(t) == "tune" for t in templates) / len(templates)
    assert 0.3 < tune < 0.5


def test_holdout_names_are_not_tune_names() -> None:
    names: dict[str, set[str]] = {"tune": set(), "holdout": set()}
    for doc in _docs():
        for value in _values(doc, "PERSON"):
            names[doc["split"]] |= corpus.name_tokens(value)
    assert len(names["tune"]) > 150 and len(names["holdout"]) > 150
    assert not names["tune"] & names["holdout"]


def test_holdout_streets_are_not_tune_streets() -> None:
    halves = corpus.STREET_HALVES
    for country in halves["tune"]:
        assert halves["tune"][country] and halves["holdout"][country], country
        assert not set(halves["tune"][country]) & set(halves["holdout"][country])
