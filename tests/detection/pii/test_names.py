"""PERSON as people write names: titles, lists, sign-offs, chat logs, names of many origins.

The per-detector examples run in every embedding (CSV, JSON, a log line); what needs a text's
lines (a name alone under a message, a chat's speaker column) or a whole sentence is here.
"""

from __future__ import annotations

import pytest

from clearance.detection.engine import Engine

ENGINE = Engine()


def _people(text: str) -> list[str]:
    return [text[m.start : m.end] for m in ENGINE.detect(text) if m.entity == "PERSON"]


@pytest.mark.parametrize(
    ("text", "people"),
    [
        # a single given name or surname with a title, in several languages
        ("Prezada Dra. Johansson, sua consulta foi remarcada.", ["Johansson"]),
        ("Frau Dr. Sandberg hat die Sprechstunde abgesagt.", ["Sandberg"]),
        ("Mr. van Dijk,\nThe contractor will come by.", ["van Dijk"]),
        ("School nurse Mrs McCarthy to be informed.", ["McCarthy"]),
        ("Regards, Mr. Nwosu", ["Nwosu"]),
        # lists
        ("ask Ana and Raj, they did the migration", ["Ana", "Raj"]),
        ("Priya, Tomás and Wei will join.", ["Priya", "Tomás", "Wei"]),
        ("Hello Harpreet and Sinéad,\n\nGreat to meet you both.", ["Harpreet", "Sinéad"]),
        # "Surname, Given" is one name
        ("Salary review: Yoon, Ji-hye, current $2,302.", ["Yoon, Ji-hye"]),
        # greetings, sign-offs, a name alone under a message
        ("Dear Elif Öztürk, we need a copy of your ID.", ["Elif Öztürk"]),
        ("Call me if anything changes.\n\nBirgit", ["Birgit"]),
        ("Hope you're well!\n\nLove,\nCatriona", ["Catriona"]),
        ("-- Joaquín de la Cruz", ["Joaquín de la Cruz"]),
        # names of many origins, particles, hyphens
        ("Purchaser: Hyun-woo Lee", ["Hyun-woo Lee"]),
        ("Treasurer: Inés McCarthy-Ruiz reported the balance.", ["Inés McCarthy-Ruiz"]),
        ("Patient: Maarten van Dijk, 8/20/97.", ["Maarten van Dijk"]),
        ("Prof. Wiśniewski thanked the volunteers.", ["Wiśniewski"]),
        ("photos from Heike's birthday", ["Heike"]),
        ("I'm so jealous! said Erlingur to Santino", ["Erlingur", "Santino"]),
        # a popular given name on its own
        ("Lukas had given Sara his address.", ["Lukas", "Sara"]),
        ("Maryam to rotate keys; Gareth to notify the bank.", ["Maryam", "Gareth"]),
    ],
)
def test_names_as_people_write_them(text: str, people: list[str]) -> None:
    assert _people(text) == people


def test_chat_speakers_and_mentions_are_people() -> None:
    text = "[10:15] hyun-woo: did u send the deck?\n[noon] rania: not yet\nthanks @kerem"
    assert _people(text) == ["hyun-woo", "rania", "kerem"]


def test_lower_case_given_names_in_pairs_are_people() -> None:
    assert _people("ask mathieu and kyung-soo, they did the migration") == ["mathieu", "kyung-soo"]
    assert _people("salt and pepper, rock and roll, bill and ted") == []


def test_one_line_with_a_colon_is_no_chat() -> None:
    assert _people("amira: thank u guys") == []
    assert _people("note: call back\nstatus: open\nowner: ops") == []


@pytest.mark.parametrize(
    "text",
    [
        # organisations, streets, job titles and products built from name-like words
        "Monte Rosa Therapeutics Inc. raised funds.",
        "The bus station is on Spencer Street",
        "Address: Rua Padre Chagas, 2168, casa 4",
        "vivo en Ronda de Segovia, 74",
        "I'm a Regional Sales Manager with ten years in logistics.",
        "Kind regards,\nTalent team, La Poste",
        "Nobody from La Poste answers the phone.",
        "My Le Creuset dutch oven order was cancelled.",
        "The Ford Explorer I received is the wrong colour.",
        "Staff Accountant, Canada Post, Copenhagen",
        # capitalised words, places and brands in lists and possessives
        "Paris and London are lovely.",
        "Apple, Google and Microsoft reported earnings.",
        "Monday's meeting moved to Google's office.",
        "Works fine in Safari and Chrome, not in Edge.",
        "Sales and Marketing, Finance and Legal",
        "Leggett & Platt Inc. is a design agency.",
        "I'm in Stoney Point, at the conference",
        "Thanks",
        "My Toyota Sienna order was cancelled.",
        "Ask the Alexa app.",
        "employed Jan. 2014 - Nov. 2017",
        "Best Dyson I ever had.",
    ],
)
def test_words_products_and_places_are_no_people(text: str) -> None:
    assert _people(text) == []


@pytest.mark.parametrize(
    "text",
    [
        "We ordered from Mathews LLC last week.",  # "L" of LLC is no middle initial
        "We ordered from Johnson and Sons last week.",
        "We ordered from Phillips, Reynolds and Monroe last week.",  # a firm of surnames
        "Flying from Alcalá de Henares today.",  # a place after "from"
        "We shipped it to Brandon.",
        # a firm of surnames of which one is also a popular given name
        "We ordered from Elliott, Walker and Diaz last week.",
        "We ordered from Munoz, Sharp and Lewis last week.",
        # "&" joins surnames of a firm; "& Co."
        "We ordered from Collins & Aikman Corp. last week.",
        "We ordered from Smith & Wesson last week.",
        "Our account at Arthur J. Gallagher & Co. was renewed.",
        # a firm's word written with a capital, a fund's acronym, a version
        "We ordered from Wolfram Research last week.",
        "We ordered from Black Stone Minerals last week.",
        "We ordered from Amundi ETF last week.",
        "Our account at Landi Renzo S.p.A. was renewed.",
        "Cheers, Ivy Focused Growth fund managers",
        "Try the new Grass-Roots Bifurcated Model today.",
        "Upgrade to Maria 2.4 before Friday.",
    ],
)
def test_firms_and_places_are_no_person(text: str) -> None:
    assert not [m for m in Engine().detect(text) if m.entity == "PERSON"]


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("I gave the charger to Tyler yesterday.", "Tyler"),  # a verb that takes a person
        ("The brainchild of our founders: Andersson, Solberg and Kincaid.", "Andersson"),
        ("Love, Elif, Jian and Maryam", "Jian"),  # a sign-off opens no firm
        ("Thanks, Katarzyna, Yetunde and Oliver", "Yetunde"),  # given names: no firm
        ("Mike & Sarah's wedding was lovely.", "Sarah"),  # given names joined by "&"
        ("Dear Maria Garcia MD, your results are in.", "Maria Garcia"),  # a credential
        ("Thanks, Xueying", "Xueying"),  # pinyin ends in "-ing" too
        ("ask Raj ASAP about the invoice", "Raj"),  # capitals that are no legal form
    ],
)
def test_people_next_to_the_place_and_firm_guards(text: str, name: str) -> None:
    found = {text[m.start : m.end] for m in Engine().detect(text) if m.entity == "PERSON"}
    assert name in found


# ---- the quick tests in front of the name rules: each must be a superset of what they guard

_WORDS = [
    "Ana",
    "Raj",
    "Priya",
    "Tomás",
    "Wei",
    "Byrne",
    "Seamus",
    "Smith",
    "Paris",
    "Monday",
    "Zorblax",
    "DeShawn",
    "Jean-Luc",
    "Jean-luc",
    "D'Angelo",
    "O'Neill",
    "McCarthy",
    "Sinéad",
    "Élodie",
    "Hello",
    "Thanks",
    "the",
    "and",
    "or",
    "y",
    "met",
    "Apple",
    "Google",
    "Lukas",
    "Maryam",
    "Zara",
    "XL",
    "Sara",
    "hyun-woo",
    "Ji-hoon",
    "Barış",
    "2024",
    "Mr.",
    "Love",
]
_GLUE = [" ", " ", ", ", " and ", ", and ", "\n", ": ", ". ", " & ", "'s ", "-", ""]


def _random_texts(seed: int, n: int) -> list[str]:
    import random

    rng = random.Random(seed)
    return [
        "".join(rng.choice(_WORDS) + rng.choice(_GLUE) for _ in range(rng.randint(1, 9)))
        for _ in range(n)
    ]


def test_the_list_precheck_passes_every_text_with_a_list_of_names() -> None:
    import dataclasses

    from clearance.detection.engine import match_texts
    from clearance.detection.pii import names
    from clearance.detection.registry import default_registry

    rule = default_registry()["person-list"]
    unchecked = dataclasses.replace(rule, precheck=None)
    texts = _random_texts(11, 6000)
    found = match_texts(unchecked, texts)
    assert sum(map(bool, found)) > 100  # the texts do hold lists
    for text, matches in zip(texts, found, strict=True):
        if matches:
            assert names._two_listed_names(text), text
    assert match_texts(rule, texts) == found


def test_the_given_name_gate_finds_every_row_the_rule_matches() -> None:
    import dataclasses

    import polars as pl

    from clearance.detection.engine import match_texts
    from clearance.detection.registry import default_registry

    rule = default_registry()["person-given-name"]
    texts = _random_texts(12, 6000)
    found = match_texts(dataclasses.replace(rule, prefilter=None), texts)
    assert sum(map(bool, found)) > 100
    gated = pl.Series(texts).str.contains(rule.gate_pattern).to_list()
    ascii_gated = pl.Series(texts).str.contains(rule.gate_ascii_pattern).to_list()
    for text, matches, hit, ascii_hit in zip(texts, found, gated, ascii_gated, strict=True):
        if matches:
            assert hit, text
            assert ascii_hit or not text.isascii(), text
    assert not all(gated)  # and it does narrow


def test_the_strong_context_shortcut_reads_as_its_pattern() -> None:
    import random

    from clearance.detection.pii import names

    rng = random.Random(5)
    words = [*names._STRONG_WORDS, "x", "the", "best friend", "Regards", "THANKS", "ny"]
    seps = ["", " ", ",", ", ", ":", "\n", ",\n", "\n\n", " \n", "\n ", ": \n\n", "x"]
    for _ in range(20000):
        before = rng.choice(["", " ", "a", "love "]) + rng.choice(words)
        before = (before + rng.choice(seps) + rng.choice(seps))[-24:]
        text = before + "Ana"
        expected = names._STRONG_BEFORE.search(before) is not None
        assert names._strong_context(text, len(before), len(text)) == expected, repr(before)
