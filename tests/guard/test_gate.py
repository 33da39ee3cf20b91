"""clearance.guard.gate: the detectors whose literals a text holds find what the engine finds."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from clearance.detection.engine import lowercase_view
from clearance.guard.gate import Gate, _ascii_folded
from clearance.guard.scanner import Redactor

AROUND = st.sampled_from(["", "x ", "token: ", "\n", "é ", "«", "the key is "])


def _live(redactor: Redactor, text: str) -> set[str]:
    return {det_id for _, det_id, _ in redactor.gate.found(text, 0)} | set(redactor.gate.always)


def test_every_positive_of_every_rule_is_found_through_its_literals(redactor: Redactor) -> None:
    engine = redactor.engine
    checked = 0
    for det in engine.registry:
        for positive in det.positives:
            for text in (positive, f"said: {positive} ok", f"é {positive}\n"):
                expected = engine.detect(text)
                assert redactor.gate.detect(text, _live(redactor, text)) == expected, det.id
                checked += bool(expected)
    assert checked > 200  # the rules' own examples are found, not skipped


@settings(max_examples=40, deadline=None)
@given(before=AROUND, after=AROUND, index=st.integers(min_value=0))
def test_rule_positives_inside_other_text_match_the_engine(
    redactor: Redactor, before: str, after: str, index: int
) -> None:
    positives = [p for d in redactor.engine.registry for p in d.positives]
    text = before + positives[index % len(positives)] + after
    assert redactor.gate.detect(text, _live(redactor, text)) == redactor.engine.detect(text)


def test_letters_case_folding_matches_with_ascii_ones_find_the_literals(
    redactor: Redactor,
) -> None:
    # under IGNORECASE the long s matches "s", the dotless i and the dotted capital I match
    # "i": "client_\u017fecret" is a match of the generic rule, which a lowercase search alone
    # would not see (the engine's lowercase view refuses such texts)
    for odd, plain in (("client_\u017fecret", "client_secret"), ("AP\u0130_KEY", "api_key")):
        found = {det_id for _, det_id, _ in redactor.gate.found(f"{odd} = x", 0)}
        assert found == {det_id for _, det_id, _ in redactor.gate.found(f"{plain} = x", 0)}
        text = f"{odd} = 'Zx8bQ2vL9pR4tY7wK3mN6sD1'"
        every = [d.id for d in redactor.engine.registry]
        matches = redactor.gate.detect(text, found)
        assert matches == redactor.gate.detect(text, every)  # every detector's own pass
        assert [m.entity for m in matches] in (["SECRET"], ["API_KEY"])


def test_a_literal_inside_a_longer_one_is_found_too(redactor: Redactor) -> None:
    found = {det_id for at, det_id, _ in redactor.gate.found("aws_secret_access_key", 0)}
    assert {"aws-secret-access-key", "generic-secret"} <= found


def test_a_run_of_characters_stands_in_for_a_one_character_literal() -> None:
    from clearance.guard.gate import run_of

    discord = r"(?:\b|\\[nrt])(?P<value>[MNO][A-Za-z0-9_-]{23,25}\.[A-Za-z0-9_-]{6}\.[A-Z]{27})"
    klass, k = run_of(discord) or ("", 0)
    assert k == 1 + 23 + 1 + 6 + 1 + 27 and "." in klass
    assert run_of(r"(?i)[a-z]{40}") is None  # case folding: the class is not what it says
    assert run_of(r"\d{40}") is None  # \d is every Unicode digit
    assert run_of(r"x[a-f]{5}y") is None  # too short to be rare


@settings(max_examples=30, deadline=None)
@given(
    rule=st.sampled_from(
        ["discord-bot-token", "facebook-app-access-token", "twitter-bearer-token"]
    ),
    step=st.integers(min_value=1, max_value=7),
    before=AROUND,
)
def test_rules_gated_by_a_run_are_caught_in_any_chunking(
    redactor: Redactor, rule: str, step: int, before: str
) -> None:
    positive = redactor.engine.registry[rule].positives[0]
    text = f"{before}{positive} and after"
    scanner = redactor.stream()
    out = "".join(scanner.feed(text[i : i + step]) for i in range(0, len(text), step))
    out += scanner.finish()
    assert out == redactor.redact(text)[0]
    assert rule in [h.rule for h in scanner.hits]


def _found_apart(gate: Gate, text: str, lo: int) -> set[tuple[int, str, int]]:
    """What :meth:`Gate.found` must give, searched the plain way: each run regex over the
    text, the exact literals in the text, the folded ones in its lowercase view."""
    out: set[tuple[int, str, int]] = set()
    for regex, k, det_id, reach in gate.runs:
        out.update((m.end() - k, det_id, reach) for m in regex.finditer(text, max(0, lo - k + 1)))
    for word, reaches in gate.exact_words.items():
        at = text.find(word, lo)
        while at != -1:
            out.update((at, d, r) for d, r in reaches)
            at = text.find(word, at + 1)
    region = text[lo:]
    low = lowercase_view(region) or (_ascii_folded(region) if gate.folded_ascii else "")
    for word, reaches in gate.folded_words.items():
        if region and not low:
            out.update((lo, d, r) for d, r in reaches)
            continue
        at = low.find(word)
        while at != -1:
            out.update((lo + at, d, r) for d, r in reaches)
            at = low.find(word, at + 1)
    return out


@settings(max_examples=300, deadline=None)
@given(
    text=st.text(alphabet="aAkKıİſK-_.=/+ 09xyzSKghp_AKIAsecretPASSWORDtoken漢é\n", max_size=90),
    lo=st.integers(0, 90),
)
def test_one_search_finds_what_the_separate_searches_find(
    redactor: Redactor, text: str, lo: int
) -> None:
    gate = redactor.gate
    assert gate.both is not None and gate.any_run is not None  # the one-search paths
    lo = min(lo, len(text))
    assert set(gate.found(text, lo)) == _found_apart(gate, text, lo)
    planted = f"x AKIAIOSFODNN7EXAMPLE {text} ghp_{'a1' * 18} password=hunter2hunter2 "
    assert set(gate.found(planted, 0)) == _found_apart(gate, planted, 0)
