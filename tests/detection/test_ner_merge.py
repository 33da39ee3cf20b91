"""Which of a model's spans join the rules' matches: the rules keep their formats and
boundaries, a model extends a name with name words, and an unsupported span needs the
lexicon (or, for a back end with real scores, a sure score)."""

from __future__ import annotations

import pytest

from clearance.core.severity import Severity
from clearance.detection.match import Match
from clearance.detection.ner_merge import merge_model_matches
from clearance.detection.ner_spans import ner_match


def _model(text: str, entity: str, value: str, score: float = 0.85, source: str = "ner-spacy"):
    start = text.index(value)
    return ner_match(entity, start, start + len(value), score, text, source)


def _rule(text: str, entity: str, value: str, score: float = 0.75) -> Match:
    start = text.index(value)
    return Match(
        entity, start, start + len(value), score, "rule", "pii", Severity.MEDIUM, value, score
    )


def _kept(text: str, rules: list[Match], model: list[Match]) -> list[tuple[str, str]]:
    return [(m.entity, text[m.start : m.end]) for m in merge_model_matches(text, rules, model)]


def test_a_span_over_a_rule_of_another_type_is_dropped() -> None:
    text = "Disciplinary note: Dimitra late again, mail dq@example.com"
    rules = [_rule(text, "PERSON", "Dimitra"), _rule(text, "EMAIL_ADDRESS", "dq@example.com")]
    model = [_model(text, "NRP", "Dimitra"), _model(text, "LOCATION", "example.com")]
    assert _kept(text, rules, model) == []


def test_a_name_extended_by_name_words_replaces_the_rules_span() -> None:
    text = "Please ask Maryam Ahmadi about it"
    rule = _rule(text, "PERSON", "Maryam")
    kept = merge_model_matches(text, [rule], [_model(text, "PERSON", "Maryam Ahmadi")])
    assert [text[m.start : m.end] for m in kept] == ["Maryam Ahmadi"]
    assert kept[0].priority >= rule.priority and kept[0].score == 0.85  # wins, reports its own


@pytest.mark.parametrize(
    ("text", "rule", "span", "entity"),
    [
        ("Treasurer Kwame Ndiaye reported", "Kwame Ndiaye", "Treasurer Kwame Ndiaye", "PERSON"),
        (
            "Sincerely,\nMaryam Ahmadi\nSolutions Architect",
            "Maryam Ahmadi",
            "Maryam Ahmadi\nSolutions Architect",
            "PERSON",
        ),
        ("a nombre de Thao Le. Gracias", "Thao Le", "de Thao Le", "PERSON"),
        ("employed Feb. 2020 - 04/2019 as", "Feb. 2020", "Feb. 2020 - 04/2019", "DATE_TIME"),
    ],
)
def test_an_extension_by_other_words_or_over_a_line_or_a_date_is_dropped(
    text: str, rule: str, span: str, entity: str
) -> None:
    assert _kept(text, [_rule(text, entity, rule)], [_model(text, entity, span)]) == []


def test_a_span_that_covers_two_rule_matches_is_dropped() -> None:
    text = "employed Jan. 2014 - Nov. 2017 as"
    rules = [_rule(text, "DATE_TIME", "Jan. 2014"), _rule(text, "DATE_TIME", "Nov. 2017")]
    assert _kept(text, rules, [_model(text, "DATE_TIME", "Jan. 2014 - Nov. 2017")]) == []


@pytest.mark.parametrize(
    ("text", "entity", "span", "kept"),
    [
        ("Follow up with Kisuke Sugita soon.", "PERSON", "Kisuke Sugita", True),
        ("Xanthe Okonkwo will be talking", "PERSON", "Xanthe Okonkwo", True),  # one known
        ("Hleb Tikhonov will be talking", "PERSON", "Hleb Tikhonov", False),  # none known
        ("where Metallica first played", "PERSON", "Metallica", False),  # no name
        ("my company, La Poste, not me", "PERSON", "La Poste", False),  # an article opens it
        ("my Toyota Sienna order", "PERSON", "Sienna", False),  # a word of a longer run
        ("Ruf mich an: 030 299156", "PERSON", "Ruf mich", False),  # a lower-case word
        ("Order LG-96157 shipped", "PERSON", "Order LG", False),
        ("We ordered from Wolfram Research", "PERSON", "Wolfram Research", False),  # a firm
        ("we sailed past Tórshavn at noon", "LOCATION", "Tórshavn", True),
        ("near Bergen, Norway today", "LOCATION", "Bergen, Norway", True),
        ("we sailed past Vexmoor at noon", "LOCATION", "Vexmoor", False),  # no known place
        ("this morning we met", "DATE_TIME", "this morning", False),  # only the rules' dates
        ("I am Slovak but", "NRP", "Slovak", True),  # no rule finds this type
    ],
)
def test_a_span_alone_needs_the_lexicon(text: str, entity: str, span: str, kept: bool) -> None:
    assert _kept(text, [], [_model(text, entity, span)]) == ([(entity, span)] if kept else [])


@pytest.mark.parametrize(
    ("source", "kept"), [("ner-hf", True), ("ner-gliner", True), ("ner-spacy", False)]
)
def test_a_sure_score_of_a_scored_back_end_needs_no_lexicon(source: str, kept: bool) -> None:
    text = "we sailed past Vexmoor at noon"
    sure = _model(text, "LOCATION", "Vexmoor", score=0.95, source=source)
    unsure = _model(text, "LOCATION", "Vexmoor", score=0.6, source=source)
    assert bool(_kept(text, [], [sure])) is kept
    assert _kept(text, [], [unsure]) == []
