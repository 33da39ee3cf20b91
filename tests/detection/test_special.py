"""GDPR Art. 9 special categories: a labelled set of review-style sentences, none of them a
detector's own example. Revealing sentences must be found with the right entity; benign ones
(topic words with no person behind them) must give no special-category match at all."""

from __future__ import annotations

import pytest

from clearance.detection.engine import Engine
from clearance.detection.registry import default_registry
from clearance.detection.special import SPECIAL_DETECTORS

REVEALING: list[tuple[str, str]] = [
    ("Bought this for my dad, but honestly as an asthmatic I use it more.", "HEALTH_DATA"),
    ("I've had type 2 diabetes for ten years and these socks are great.", "HEALTH_DATA"),
    ("The case fits my hearing aids perfectly.", "HEALTH_DATA"),
    ("She was recently diagnosed with breast cancer so we got the soft hat.", "HEALTH_DATA"),
    ("I'm currently 7 months pregnant... I mean I'm pregnant and it fits!", "HEALTH_DATA"),
    ("Needed a cool bag for my insulin when travelling.", "HEALTH_DATA"),
    ("We go to our synagogue every Saturday, so delivery on Friday is key.", "RELIGIOUS_BELIEF"),
    ("My husband is a devout Hindu and liked the incense.", "RELIGIOUS_BELIEF"),
    ("As an atheist, I found the book preachy.", "RELIGIOUS_BELIEF"),
    ("I wear a hijab daily and these pins hold well.", "RELIGIOUS_BELIEF"),
    ("My grandparents are Jamaican and this is just like their jerk sauce.", "ETHNIC_ORIGIN"),
    ("I'm half Japanese, so I'm picky about rice cookers.", "ETHNIC_ORIGIN"),
    ("Being Black, I rarely find plasters that match my skin.", "ETHNIC_ORIGIN"),
    ("I'm a lesbian and this book spoke to me.", "SEXUAL_ORIENTATION"),
    ("Finally a card for my gay son and his boyfriend.", "SEXUAL_ORIENTATION"),
    ("I've always voted Lib Dem and the mug made me laugh.", "POLITICAL_OPINION"),
    ("As a committed communist, I object to the price.", "POLITICAL_OPINION"),
    ("Our union rep recommended these safety boots.", "TRADE_UNION_MEMBERSHIP"),
    ("My 23andMe results said I'm 40% Scandinavian.", "GENETIC_DATA"),
    ("The gym scanned my fingerprints at sign-up, which worried me.", "BIOMETRIC_DATA"),
]

BENIGN: list[str] = [
    "The church on Main Street looks lovely in the photo on the box.",
    "Follows all health and safety rules, sturdy build.",
    "Chapter 3 covers the union of two sets and intersections.",
    "Shows mosque opening hours and prayer times for the whole city.",
    "Compare the SHA fingerprint of the download before installing.",
    "Great party supplies, the balloons lasted a week.",
    "Innovation is in the DNA of our brand.",
    "A diabetic-friendly recipe book with clear photos.",
    "An essay on political correctness in comedy.",
    "My husband and I loved the hotel.",
    "The black dress is more navy than black.",
    "Chinese food arrived cold but tasty.",
    "Conservative estimate: it lasts two years.",
    "This is our gayest-coloured, brightest collection yet, says the ad.",
    "Cancer research charity shop find, lovely condition.",
    "The courier union strike delayed my parcel.",
    "I take the train to work and this bag fits under the seat.",
    "My temple is where the glasses pinch.",
    "Our brand is Italian, made in Milan.",
    "Prints your boarding pass; no fingerprint reader though.",
]


@pytest.fixture(scope="module")
def engine() -> Engine:
    return Engine()


def _special(matches: list) -> set[str]:  # type: ignore[type-arg]
    return {m.entity for m in matches if m.category == "special_category"}


def test_labelled_set_is_not_copied_from_examples() -> None:
    examples = {e.lower() for d in SPECIAL_DETECTORS for e in (*d.positives, *d.negatives)}
    for text in [t.lower() for t, _ in REVEALING] + [t.lower() for t in BENIGN]:
        # Short topic phrases may recur ("the church on main street"); whole examples may not.
        assert not any(e in text for e in examples if len(e) >= 0.6 * len(text)), text


def test_precision_and_recall_on_labelled_set(engine: Engine) -> None:
    texts = [t for t, _ in REVEALING] + BENIGN
    results = engine.detect_batch(texts)
    tp = fp = fn = 0
    errors = []
    for (text, gold), found in zip(REVEALING, results[: len(REVEALING)], strict=True):
        got = _special(found)
        tp += gold in got
        fn += gold not in got
        fp += len(got - {gold})
        if got != {gold}:
            errors.append((text, gold, got))
    for text, found in zip(BENIGN, results[len(REVEALING) :], strict=True):
        got = _special(found)
        fp += len(got)
        if got:
            errors.append((text, None, got))
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn)
    assert (precision, recall) == (1.0, 1.0), errors


def test_every_entity_type_registered() -> None:
    entities = {d.entity for d in default_registry() if d.category == "special_category"}
    assert entities == {
        "HEALTH_DATA", "RELIGIOUS_BELIEF", "ETHNIC_ORIGIN", "SEXUAL_ORIENTATION",
        "POLITICAL_OPINION", "TRADE_UNION_MEMBERSHIP", "BIOMETRIC_DATA", "GENETIC_DATA",
    }  # fmt: skip
    for det in SPECIAL_DETECTORS:
        assert det.severity.value == "high"
        assert len(det.positives) >= 5 and len(det.negatives) >= 5, det.id


def test_special_span_covers_anchor_and_term(engine: Engine) -> None:
    found = engine.detect("Honestly, as a diabetic I check labels.")
    (m,) = [m for m in found if m.category == "special_category"]
    assert m.value == "as a diabetic"
