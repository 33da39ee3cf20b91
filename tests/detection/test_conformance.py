"""One conformance suite for every detector and the engine (scikit-learn's test_common idea)."""

from __future__ import annotations

import dataclasses
import itertools
import json
import re

import polars as pl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from clearance.core.severity import Severity
from clearance.detection.detector import (
    Detector,
    ascii_boundaries,
    lead_of,
    python_form,
)
from clearance.detection.engine import (
    Engine,
    _led_matches,
    _python_rows,
    lowercase_view,
    match_detector,
    match_texts,
    resolve_overlaps,
)
from clearance.detection.registry import Registry, default_registry
from clearance.llm.inventory import CATEGORIES, build_inventory
from clearance.privacy import Fingerprinter
from clearance.scan import ScanOptions, scan_paths

DETECTORS = list(default_registry())
IDS = [d.id for d in DETECTORS]
ENGINE = Engine()


def assert_engine_equals_bruteforce(texts: list[str]) -> None:
    """The engine (Rust gate, then Python on candidate rows) finds exactly what trying every
    detector on every text finds."""
    for text, got in zip(texts, ENGINE.detect_batch(texts), strict=True):
        slow = resolve_overlaps([m for d in DETECTORS for m in match_detector(d, text)])
        assert [(m.start, m.end, m.detector) for m in got] == [
            (m.start, m.end, m.detector) for m in slow
        ], text


@pytest.mark.parametrize("det", DETECTORS, ids=IDS)
def test_detector_invariants(det: Detector) -> None:
    assert list(match_detector(det, "")) == []
    for text in det.positives:
        original = str(text)
        first = list(match_detector(det, text))
        second = list(match_detector(det, text))
        assert text == original
        assert [(m.start, m.end, m.score) for m in first] == [
            (m.start, m.end, m.score) for m in second
        ]
        for m in first:
            assert 0 <= m.start < m.end <= len(text)
            assert 0.0 < m.score <= 1.0
            assert m.value == text[m.start : m.end]
            assert m.value not in repr(m)
            assert m.entity == det.entity and m.detector == det.id


def test_engine_empty_and_none() -> None:
    assert ENGINE.detect_batch([]) == []
    assert ENGINE.detect_batch(["", None]) == [[], []]


def test_engine_matches_equal_bruteforce_on_examples() -> None:
    """The Rust prefilter never loses a match the Python pass would find."""
    texts = [p for d in DETECTORS for p in d.positives] + [
        n for d in DETECTORS for n in d.negatives
    ]
    assert_engine_equals_bruteforce(texts)


def test_threshold_drops_weak_matches() -> None:
    # hand-set scores: a name after "Thanks," is 0.6, a valid card 0.99 (calibrated, the corpus
    # finds both right nearly always: see test_calibration for the threshold on those)
    text = "Thanks, Maria! Card 4111 1111 1111 1111"
    everything = Engine(calibration=None).detect(text)
    strict = Engine(threshold=0.9, calibration=None).detect(text)
    assert {m.score >= 0.9 for m in strict} == {True}
    assert len(strict) < len(everything)


def test_engine_results_are_non_overlapping_and_sorted() -> None:
    text = "Call +1 415 555 2671 or mail a.b@example.com, IBAN GB82WEST12345698765432."
    ms = ENGINE.detect(text)
    for a, b in itertools.pairwise(ms):
        assert a.end <= b.start


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(alphabet=st.characters(codec="utf-8"), max_size=300))
def test_engine_spans_inside_text(text: str) -> None:
    for m in ENGINE.detect(text):
        assert 0 <= m.start < m.end <= len(text)
        assert text[m.start : m.end] == m.value


@settings(max_examples=40, deadline=None)
@given(st.sampled_from(DETECTORS), st.text(max_size=40), st.text(max_size=40))
def test_positive_survives_random_surroundings(det: Detector, left: str, right: str) -> None:
    example = det.positives[0]
    text = f"{left}\n{example}\n{right}"
    engine = Engine(registry=Registry([det]))
    assert engine.detect(text), f"{det.id} lost its example between random lines"


def _case_variants(text: str) -> list[str]:
    mixed = "".join(c.upper() if i % 3 == 0 else c for i, c in enumerate(text))
    return [text, text.upper(), text.lower(), mixed, f"x{text}", f"{text} {text}"]


LED = [d for d in DETECTORS if any(lead is not None for lead in d.leads)]


def test_leads_cover_the_keyed_and_context_rules() -> None:
    led = {d.id for d in LED}
    assert {"person-context", "place-in-context", "cloudflare-api-token", "date-time"} <= led
    assert len(LED) >= 50


@pytest.mark.parametrize("det", LED, ids=[d.id for d in LED])
def test_led_search_equals_finditer(det: Detector) -> None:
    """Trying a pattern only where its lead matches finds exactly what ``finditer`` finds."""
    texts = [v for t in (*det.positives, *det.negatives) for v in _case_variants(t)]
    for pattern, lead in zip(det.compiled, det.leads, strict=True):
        if lead is None:
            continue
        for text in texts:
            if lead.lowered and not text.isascii():
                continue
            haystack = text.lower() if lead.lowered else text
            led = [m.span() for m in _led_matches(pattern, lead.regex, text, haystack)]
            assert led == [m.span() for m in pattern.finditer(text)], (det.id, text)


@pytest.mark.parametrize("det", LED, ids=[d.id for d in LED])
def test_led_search_on_the_lowercase_of_non_ascii_text(det: Detector) -> None:
    """On a non-ASCII text whose lowercase qualifies (:func:`lowercase_view`), the lead finds
    exactly what ``finditer`` finds; texts with a character ``re`` folds otherwise do not
    qualify."""
    texts = [f"{prefix}{t}" for t in (*det.positives, *det.negatives) for prefix in ("É ", "é—")]
    texts += [
        v.replace("a", "á").replace("e", "É") for t in det.positives for v in _case_variants(t)
    ]
    for pattern, lead in zip(det.compiled, det.leads, strict=True):
        if lead is None or not lead.lowered or not lead.any_text:
            continue
        for text in texts:
            view = lowercase_view(text)
            if not view:
                continue
            led = [m.span() for m in _led_matches(pattern, lead.regex, text, view)]
            assert led == [m.span() for m in pattern.finditer(text)], (det.id, text)


@pytest.mark.parametrize("text", ["ſay", "ıd", "ΣΣ", "İstanbul", "µ"])
def test_lowercase_view_refuses_what_re_folds_otherwise(text: str) -> None:
    assert lowercase_view(text) == ""
    assert lowercase_view("Zoë Müller") == "zoë müller"
    assert lowercase_view("ABC") == "abc"


@settings(max_examples=150, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(st.text(alphabet=st.sampled_from("aAkKsS_-.: =\"'cCfFxX0123456789"), max_size=60))
def test_led_search_equals_finditer_on_random_text(noise: str) -> None:
    det = default_registry()["cloudflare-api-token"]
    pattern, lead = det.compiled[0], det.leads[0]
    assert lead is not None and lead.lowered
    for text in (noise, f"{noise} CF_API_TOKEN = {'a' * 40} {noise}"):
        led = [m.span() for m in _led_matches(pattern, lead.regex, text, text.lower())]
        assert led == [m.span() for m in pattern.finditer(text)]


@pytest.mark.parametrize(
    ("pattern", "ignore_case", "lead", "lowered"),
    [
        (r"(?:[cC][fF][_.-]?[aA][pP][iI])=x", False, r"(?:cf[_.-]?api)", True),
        (r"(?:\b(?i:my name is|hi)|--)[ ]+\w+", False, r"(?:\b(?:my name is|hi)|--)", True),
        (r"\b(?:Jan|Feb) \d+", False, r"(?:Jan|Feb)", False),  # words behind \b: as written
        (r"(?:Jan|Feb) \d+", False, None, None),  # no \b: re's own scan skips ahead already
        (r"\b(?:\d{2}|Jan) \d+", False, None, None),  # not words only
        (r"(?:[cC]at)?dog", False, None, None),  # optional group: a match need not start there
        (r"(?:[aA][bB]|[A-Z]x)y", False, None, None),  # a letter class: not case-free
        (r"(?:Token)[ ]x", True, r"(?:token)", True),
        (r"[?&]token=x", False, None, None),
    ],
)
def test_lead_of(pattern: str, ignore_case: bool, lead: str | None, lowered: bool | None) -> None:
    got = lead_of(pattern, ignore_case)
    if lead is None:
        assert got is None
    else:
        assert got is not None and (got.regex.pattern, got.lowered) == (lead, lowered)


REWRITTEN = [d for d in DETECTORS if any(python_form(p, d.ignore_case) != p for p in d.patterns)]


def test_python_form_covers_the_bounded_shapes() -> None:
    ids = {d.id for d in REWRITTEN}
    assert {"us-ssn", "phone", "place-major", "url", "credit-card", "in-pan"} <= ids
    assert len(REWRITTEN) >= 30


@pytest.mark.parametrize("det", REWRITTEN, ids=[d.id for d in REWRITTEN])
def test_python_form_matches_what_the_pattern_matches(det: Detector) -> None:
    flags = re.IGNORECASE if det.ignore_case else 0
    texts = [v for t in (*det.positives, *det.negatives) for v in _case_variants(t)]
    texts += [f"é{t}" for t in det.positives] + [f"_{t}" for t in det.positives]
    for source, compiled in zip(det.patterns, det.compiled, strict=True):
        original = re.compile(source, flags)
        for text in texts:
            want = [m.span() for m in original.finditer(text)]
            assert [m.span() for m in compiled.finditer(text)] == want, (det.id, text)


@settings(max_examples=200, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(st.text(alphabet=st.sampled_from("09 7-./_aZQé:wWhtps"), max_size=50))
def test_python_form_equals_pattern_on_random_text(text: str) -> None:
    for det in REWRITTEN:
        for source, compiled in zip(det.patterns, det.compiled, strict=True):
            want = [m.span() for m in re.finditer(source, text)]
            assert [m.span() for m in compiled.finditer(text)] == want, (det.id, source)


@pytest.mark.parametrize(
    ("pattern", "form"),
    [
        (r"\b\d{9}\b", r"\d(?<!\w\w)\d{8}\b"),
        (r"\b\d{3,}x", r"\d(?<!\w\w)\d{2,}x"),
        (r"\b\d+x", r"\d(?<!\w\w)\d*x"),
        (r"\b[A-Z]{1,2}\d", r"[A-Z](?<!\w\w)[A-Z]{0,1}\d"),
        (r"\bhttps?://", r"h(?<!\w\w)ttps?://"),
        (r"\b9x", r"9(?<!\w\w)x"),
        (r"\b[A-Z]?\d{8}", None),  # optional: a match need not start with [A-Z]
        (r"\b\d{1,5}?x", None),  # lazy
        (r"\b[A-Za-z0-9]x", None),  # lowercase letters in the class: measured slower
        (r"\b[+A-Z]x", None),  # '+' is no word character: \b means something else before it
        (r"\b(?:a|b)", None),
        # the boundary moves into a leading named group taken once, without alternation
        (r"\b(?P<value>[A-Z][a-z]+)\b", r"(?P<value>[A-Z](?<!\w\w)[a-z]+)\b"),
        (r"\b(?P<value>\d{3})-", r"(?P<value>\d(?<!\w\w)\d{2})-"),
        (r"\b(?P<value>[A-Z]|x)", None),  # the boundary holds before "x" too
        (r"\b(?P<value>[A-Z])?x", None),  # optional group
        (r"\b(?P<value>[a-z]+)", None),
        (r"\b(?:[A-Z]\d) ?x", r"(?:[A-Z](?<!\w\w)\d) ?x"),
        (r"\b(?:[A-Z]|\d)x", None),
    ],
)
def test_python_form(pattern: str, form: str | None) -> None:
    assert python_form(pattern) == (pattern if form is None else form)
    assert python_form(pattern, ignore_case=True) == pattern


@pytest.mark.parametrize(
    ("pattern", "gate"),
    [
        (r"[a-z]{0,63}@x", r"[a-z]{0,}@x"),
        (r"https?://\S{3,2000}", r"https?://\S{3,}"),
        (r"\d{1,9}", r"\d{1,9}"),  # short bounds stay: no gain, and a looser gate
        (r"\{0,63\}", r"\{0,63\}"),  # literal braces
        (r"[{}]x{2,40}", r"[{}]x{2,}"),
    ],
)
def test_gate_leaves_long_repeats_unbounded(pattern: str, gate: str) -> None:
    det = Detector(
        id="t",
        entity="T",
        category="pii",
        severity=Severity.LOW,
        patterns=(pattern,),
        positives=(),
        negatives=(),
    )
    assert det.rust_pattern == f"(?:{gate})"


_MIXED = st.text(alphabet=st.sampled_from(list("ab Z1-9./:@é’—€ßØ٣٤\u00a0\u200d_")), max_size=12)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("paid on ١٢/٠٥/٢٠٢٤ ok", {"DATE_TIME"}),  # Arabic-Indic digits: Unicode \b, not ASCII
        ("call ٠٢٠٧٩٤٦٠٩٥٨ now", {"PHONE_NUMBER"}),
        # non-ASCII, but no letter or digit
        ("“quoted” 2024-05-01 — €12 from Lisbon", {"DATE_TIME", "LOCATION"}),
        ("Chloé Dupont, Zoë, São Paulo", {"PERSON", "LOCATION"}),
    ],
)
def test_gate_on_texts_with_non_ascii_letters_or_digits(text: str, expected: set[str]) -> None:
    assert_engine_equals_bruteforce([text])
    assert {m.entity for m in ENGINE.detect(text)} == expected


@settings(max_examples=60, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(st.lists(st.tuples(_MIXED, st.sampled_from(DETECTORS)), min_size=1, max_size=6))
def test_gate_never_loses_a_match_next_to_non_ascii_text(parts: list[tuple[str, Detector]]) -> None:
    """Examples glued to accented letters, curly quotes, other scripts' digits and symbols:
    the gate (ASCII word boundaries on texts without non-ASCII letters or digits, Python for
    the others) finds what trying every detector on every text finds."""
    texts = [f"{noise}{det.positives[0]}{noise[::-1]}" for noise, det in parts]
    assert_engine_equals_bruteforce(texts)


@pytest.mark.parametrize(
    ("pattern", "ascii_form"),
    [
        (r"\b\d{3}\b", r"(?-u:\b)\d{3}(?-u:\b)"),
        (r"[\b]x", r"[\b]x"),  # in a class \b is a backspace
        (r"\\bx", r"\\bx"),  # an escaped backslash, then b
        (r"(?:\b|\\[nrt])x", r"(?:(?-u:\b)|\\[nrt])x"),
        (r"[^\]\b]\b", r"[^\]\b](?-u:\b)"),
    ],
)
def test_ascii_boundaries(pattern: str, ascii_form: str) -> None:
    assert ascii_boundaries(pattern) == ascii_form


def test_python_rows_are_those_whose_boundaries_the_gate_would_get_wrong() -> None:
    plain = ["call 555-0187", "“quoted” — €5"] * 10
    assert _python_rows(pl.Series(plain)) == []
    few = [*plain, "Zoë"]
    assert _python_rows(pl.Series(few)) == [20]
    # letters, joiners, combining accents, numbers outside ASCII: every one is a candidate
    accented = ["Chloé Dupont, São Paulo"] * 5 + ["“x”", "no 021000021\u200d", "e\u0301", "٣٣"]
    assert _python_rows(pl.Series(accented)) == [0, 1, 2, 3, 4, 6, 7, 8]


_ACCENTED = [
    "é",
    "Zoë ",
    "Straße",
    "ü",
    "Ł",
    "ı",
    "İ",
    "\u212a",
    "ſ",
    "ñ-",
    "٣",
    "²",
    "\u0301",
    "_é",
]


def test_an_accented_batch_finds_what_every_detector_finds() -> None:
    """Accented letters, digits and marks right before and after every detector's examples:
    the gate (ASCII boundaries, per detector where they hold) loses nothing."""
    texts = [f"Café {d.positives[0]} déjà" for d in DETECTORS]
    texts += [f"Café {d.positives[0]}\u200d" for d in DETECTORS]  # a joiner right after it
    for i, d in enumerate(DETECTORS):
        a, b = _ACCENTED[i % len(_ACCENTED)], _ACCENTED[(i * 7 + 3) % len(_ACCENTED)]
        for p in d.positives[:3]:
            texts += [f"{a}{p}{b}", f"{a} {p} {b}", f"x{b}{p}"]
    assert_engine_equals_bruteforce(texts)


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(
        st.sampled_from(
            [p for d in DETECTORS for p in d.positives[:2]] + _ACCENTED + [" ", "\n", ", ", "-"]
        ),
        min_size=1,
        max_size=12,
    )
)
def test_accented_text_around_examples_is_found_as_by_every_detector(parts: list[str]) -> None:
    # several texts per batch, some all ASCII: the letters-only rows stay in the gate
    text = "".join(parts)
    assert_engine_equals_bruteforce([text, text.encode("ascii", "replace").decode(), text + "é"])


# --- every entry point finds every detector's examples ---------------------------------------
#
# ``Engine.detect`` on an example is the reference. The same examples, all in a few files (one
# scan per entry point, not one per example), must be found by ``scan`` on a text file and in a
# CSV cell and a JSON value, and by ``llm inventory`` on a text file and in a JSONL field: the
# same (rule, value) at the same first location. A detector whose examples one entry point
# misses (a private key read line by line) fails here.

_FILLER = "\n\n" + "=" * 60 + "\n\n"  # longer than any context window: examples stay apart
_EXAMPLES = [(d.id, p) for d in DETECTORS for p in d.positives]
_KEY = Fingerprinter(b"conformance-key-0123456789")
# where a value is first found: file line (1-based) and column, or data row and cell offset
Where = tuple[int, int]


def _first(found: dict[str, Where], fingerprint: str, where: Where) -> None:
    found.setdefault(fingerprint, where)


@pytest.fixture(scope="module")
def entry_points(
    tmp_path_factory: pytest.TempPathFactory,
) -> dict[str, tuple[dict[str, Where], dict[str, Where]]]:
    """Per entry point: (expected first location, found first location) by fingerprint."""
    root = tmp_path_factory.mktemp("entry-points")
    plain = ENGINE.detect_batch([p for _, p in _EXAMPLES])
    in_note = ENGINE.detect_batch([p for _, p in _EXAMPLES], "note")
    out: dict[str, tuple[dict[str, Where], dict[str, Where]]] = {}

    # a text file: every example between filler lines
    text_dir = root / "text"
    text_dir.mkdir()
    expected: dict[str, Where] = {}
    parts, line = [], 1
    for (_, example), ms in zip(_EXAMPLES, plain, strict=True):
        for m in ms:
            head = example[: m.start]
            col = m.start - (head.rfind("\n") + 1)
            _first(expected, _KEY.of(m.detector, m.value), (line + head.count("\n"), col))
        parts.append(example)
        line += example.count("\n") + _FILLER.count("\n")
    (text_dir / "examples.txt").write_text(_FILLER.join(parts) + "\n", encoding="utf-8")
    options = ScanOptions(max_values_per_rule=100_000)
    report = scan_paths([text_dir], fingerprinter=_KEY, engine=ENGINE, options=options)
    assert not report.skipped
    found: dict[str, Where] = {}
    for f in report.findings:
        assert f.location.line is not None and f.location.start is not None
        _first(found, f.fingerprint, (f.location.line, f.location.start))
    out["scan text file"] = (expected, found)

    # a CSV cell and a JSON value (column "note"; location: data row, offset in the cell)
    expected = {}
    for row, ms in enumerate(in_note):
        for m in ms:
            _first(expected, _KEY.of(m.detector, m.value), (row, m.start))
    for kind in ("csv", "json"):
        folder = root / kind
        folder.mkdir()
        if kind == "csv":
            pl.DataFrame({"note": [p for _, p in _EXAMPLES]}).write_csv(folder / "notes.csv")
        else:
            rows = [{"note": p} for _, p in _EXAMPLES]
            (folder / "notes.json").write_text(json.dumps(rows), encoding="utf-8")
        report = scan_paths([folder], fingerprinter=_KEY, engine=ENGINE, options=options)
        assert not report.skipped
        found = {}
        for f in report.findings:
            if f.scope == "value" and f.location.row is not None:
                _first(found, f.fingerprint, (f.location.row, f.location.start or 0))
        out[f"scan {kind} cell"] = (expected, found)

    # llm inventory: the text file, and a JSONL field (location: record line, column in the
    # field's line; the field's line is checked through the record's)
    inventory, _ = build_inventory([text_dir], fingerprinter=_KEY, categories=CATEGORIES)
    assert not inventory.skipped
    out["llm inventory text file"] = (
        out["scan text file"][0],
        {i.fingerprint: (i.locations[0].line, i.locations[0].column) for i in inventory.items},
    )
    jsonl_dir = root / "jsonl"
    jsonl_dir.mkdir()
    records = [json.dumps({"text": p}) for _, p in _EXAMPLES]
    (jsonl_dir / "corpus.jsonl").write_text("\n".join(records) + "\n", encoding="utf-8")
    expected = {}
    for number, ((_, example), ms) in enumerate(zip(_EXAMPLES, plain, strict=True), start=1):
        for m in ms:
            head = example[: m.start]
            where = (number * 1000 + head.count("\n") + 1, m.start - (head.rfind("\n") + 1))
            _first(expected, _KEY.of(m.detector, m.value), where)
    inventory, _ = build_inventory([jsonl_dir], fingerprinter=_KEY, categories=CATEGORIES)
    assert not inventory.skipped
    found = {}
    for item in inventory.items:
        loc = item.locations[0]
        assert loc.field == "text" and loc.field_line is not None
        found[item.fingerprint] = (loc.line * 1000 + loc.field_line, loc.column)
    out["llm inventory jsonl field"] = (expected, found)
    return out


@pytest.mark.parametrize("det", DETECTORS, ids=IDS)
def test_every_entry_point_finds_the_examples(
    det: Detector, entry_points: dict[str, tuple[dict[str, Where], dict[str, Where]]]
) -> None:
    for example in det.positives:
        reference = ENGINE.detect(example)
        assert reference, f"{det.id}: Engine.detect finds nothing in {example!r}"
        for entry, (expected, found) in entry_points.items():
            for m in reference:
                fingerprint = _KEY.of(m.detector, m.value)
                assert fingerprint in found, (
                    f"{det.id}: {entry} misses the {m.detector} match in {example!r}"
                )
                assert found[fingerprint] == expected[fingerprint], (
                    f"{det.id}: {entry} locates the {m.detector} match in {example!r} at "
                    f"{found[fingerprint]}, Engine.detect at {expected[fingerprint]}"
                )


def test_entry_points_find_nothing_the_engine_does_not(
    entry_points: dict[str, tuple[dict[str, Where], dict[str, Where]]],
) -> None:
    for entry, (expected, found) in entry_points.items():
        extra = sorted(set(found) - set(expected))
        assert not extra, f"{entry}: {len(extra)} finding(s) Engine.detect does not make"


def test_long_word_leads_are_prefix_trees() -> None:
    # 170 context words tried one by one at every word start were most of the lead's time
    lead = default_registry()["person-context"].leads[0]
    assert lead is not None and "|".join(("thanks", "regards")) not in lead.regex.pattern
    assert lead.regex.search("many thanks, ana") is not None


def test_a_precheck_skips_texts_before_the_patterns_run() -> None:
    import dataclasses

    from clearance.detection.pii._rule import pii

    rule = pii("digits-test", "TEST", r"\b\d{4}\b", ("code 1234",), ("code 12",), score=0.9)
    checked = dataclasses.replace(rule, precheck=lambda text: "code" in text)
    texts = ["code 1234", "pin 1234", "code 12"]
    assert [bool(m) for m in match_texts(rule, texts)] == [True, True, False]
    assert [bool(m) for m in match_texts(checked, texts)] == [True, False, False]
    engine = Engine(registry=Registry([checked]), calibration=None, workers=1)
    assert [bool(m) for m in engine.detect_batch(texts)] == [True, False, False]


NARROWING = [d for d in DETECTORS if d.refine_narrows]
_PHONE_TEXTS = [
    "Call me on (212) 716-4709 about the refund.",
    "Mobile: (415) 307-7249, desk 307-7249, fax 031-773-468",
    "(999) 716-4709 and 716-4709",
    "Tel 0313 0898492-Office, +44 20 7946 0958 x12, 1-702-873-0806",
]


def test_narrowing_refines_are_declared() -> None:
    assert {"phone", "phone-labelled"} <= {d.id for d in NARROWING}


@pytest.mark.parametrize("det", NARROWING, ids=[d.id for d in NARROWING])
def test_a_narrowing_refine_never_widens_a_match(det: Detector) -> None:
    """``refine_narrows``: every refined span lies inside the pattern's match, on the
    detector's examples and on text holding numbers inside numbers."""
    assert det.refine is not None
    for text in [*det.positives, *det.negatives, *_PHONE_TEXTS]:
        for pattern in det.compiled:
            for m in pattern.finditer(text):
                refined = det.refine(text, *m.span())
                if refined is not None:
                    assert m.start() <= refined[0] <= refined[1] <= m.end(), text


@pytest.mark.parametrize("det", NARROWING, ids=[d.id for d in NARROWING])
def test_skipping_inside_accepted_values_finds_the_same(det: Detector) -> None:
    """The engine's shortcut for a narrowing refine (skip a match inside an accepted one
    before refining it) finds what refining every match finds."""
    plain = dataclasses.replace(det, refine_narrows=False)
    for text in [*det.positives, *det.negatives, *_PHONE_TEXTS]:
        fast = [(m.start, m.end, m.score) for m in match_detector(det, text)]
        slow = [(m.start, m.end, m.score) for m in match_detector(plain, text)]
        assert fast == slow, text


WORDED = [d for d in DETECTORS if d.refine_words is not None]
_NAME_TEXTS = [
    "Lukas had given Sara his address, Maryam and Yasmin from support called",
    "The Alexa app, Zara XL, Paris is lovely on Monday in Spencer Street",
    "Update: Jean-Luc O'Brien met DeShawn and Zoë at the Öztürk Holdings office",
    "We shipped it to Brandon; Mr. Tyler wrote to Savannah, Georgia",
]


def test_word_sets_are_declared() -> None:
    assert "person-given-name" in {d.id for d in WORDED}


@pytest.mark.parametrize("det", WORDED, ids=[d.id for d in WORDED])
def test_a_refine_keeps_only_values_of_its_word_set(det: Detector) -> None:
    """``refine_words``: every value the refiner keeps is, lower-cased, in the set (the engine
    drops the others without calling it), on the detector's examples and on name-heavy text."""
    assert det.refine is not None and det.refine_words is not None
    words = det.refine_words()
    for text in [*det.positives, *det.negatives, *_NAME_TEXTS]:
        for pattern in det.compiled:
            for m in pattern.finditer(text):
                start, end = m.span("value") if "value" in pattern.groupindex else m.span()
                if det.refine(text, start, end) is not None:
                    assert text[start:end].lower() in words, text


@pytest.mark.parametrize("det", WORDED, ids=[d.id for d in WORDED])
def test_looking_values_up_first_finds_the_same(det: Detector) -> None:
    """The engine's shortcut for a word set finds what refining every match finds."""
    plain = dataclasses.replace(det, refine_words=None)
    for text in [*det.positives, *det.negatives, *_NAME_TEXTS]:
        fast = [(m.start, m.end, m.score) for m in match_detector(det, text)]
        slow = [(m.start, m.end, m.score) for m in match_detector(plain, text)]
        assert fast == slow, text


def test_a_word_set_drops_values_outside_it_without_refining() -> None:
    """Values outside the set never reach the refiner; the others are refined as before."""
    from clearance.detection.pii._rule import pii

    seen: list[str] = []

    def refine(text: str, start: int, end: int) -> tuple[int, int, float] | None:
        seen.append(text[start:end])
        return start, end, 0.7

    rule = pii("word-test", "TEST", r"\b[A-Z][a-z]+\b", ("Ana",), ("ana",), refine=refine)
    worded = dataclasses.replace(rule, refine_words=lambda: frozenset({"ana", "raj"}))
    found = match_detector(worded, "Ana met Bob and Raj")
    assert [m.value for m in found] == ["Ana", "Raj"]
    assert seen == ["Ana", "Raj"]
