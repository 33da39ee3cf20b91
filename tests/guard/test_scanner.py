"""clearance.guard.scanner: secrets split anywhere are redacted; other text arrives unchanged."""

from __future__ import annotations

import itertools

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from clearance.guard.scanner import NEAR_COPY_RULE, Redactor, placeholder
from clearance.llm.inventory_windows import WINDOW_HEX, WINDOW_RULE, run_windows, token_runs
from tests.guard._upstream import AWS_SECRET, GITHUB, KNOWN, PEM, SECRETS, SLACK

FILLER = st.lists(
    st.sampled_from([*"abc xyz.,;:\n-_=é漢😀<>/'\"", "\x1b[31m", "<script>", " word "]),
    max_size=20,
).map("".join)
PLANTS = (
    f"token {GITHUB} ok",
    f"SLACK_BOT_TOKEN={SLACK}",
    f"aws_secret_access_key = {AWS_SECRET}",
    f"the password is {KNOWN}.",
    f"key:\n{PEM}\n",
)


def near(secret: str, changes: list[tuple[int, str]]) -> str:
    """``secret`` with the characters at some positions replaced (token characters)."""
    chars = list(secret)
    for pos, ch in changes:
        chars[pos % len(chars)] = ch
    return "".join(chars)


CHANGE = st.tuples(st.integers(0, 39), st.sampled_from("0aZ_x9"))
# near-copies keeping 12 consecutive characters exact: two changes in the 40 characters of
# the GitHub token always do; the 18 of the password (once normalised) with one at an end
NEAR_PLANTS = st.one_of(
    st.lists(CHANGE, min_size=1, max_size=2).map(lambda c: f"copy {near(GITHUB, c)} ok"),
    st.tuples(st.sampled_from([0, 1, 19, 20]), st.sampled_from("0aZx")).map(
        lambda c: f"pw {near(KNOWN, [c])} ."
    ),
)


def _stream(redactor: Redactor, text: str, cuts: list[int]) -> tuple[str, list[str]]:
    scanner = redactor.stream()
    out = []
    edges = [0, *sorted(set(c for c in cuts if 0 < c < len(text))), len(text)]
    for a, b in itertools.pairwise(edges):
        out.append(scanner.feed(text[a:b]))
    out.append(scanner.finish())
    return "".join(out), [h.rule for h in scanner.hits]


def _engine_whole(redactor: Redactor, text: str) -> str:
    """The text redacted from one run of the whole engine (every detector) over all of it,
    plus every window of it that is a known secret: what the scanner must reproduce."""
    spans = [(m.start, m.end, m.entity) for m in redactor.engine.detect(text)]
    assert redactor.known is not None
    for n in redactor.known.lengths:
        for lo in range(len(text) - n + 1):
            found = redactor.known.lookup(text[lo : lo + n])
            if found is not None:
                spans.append((lo, lo + n, found[1].entity))
    # token-like runs holding a window of a known secret, fingerprinted here with ``of``
    fp, near_fps = redactor.fingerprinter, redactor.known.near
    for run in token_runs(text):
        for _, window in run_windows(run[0], redactor.known.window_chars):
            value_fp = near_fps.get(bytes.fromhex(fp.of(WINDOW_RULE, window)[:WINDOW_HEX]))
            if value_fp is not None:
                spans.append((run.start(), run.end(), redactor.known.items[value_fp].entity))
                break
    spans.sort(key=lambda s: (s[0], -s[1]))
    merged: list[tuple[int, int, str]] = []
    for start, end, entity in spans:
        if merged and start < merged[-1][1]:
            lo, hi, kind = merged[-1]
            merged[-1] = (lo, max(hi, end), entity if end - start > hi - lo else kind)
        else:
            merged.append((start, end, entity))
    out, pos = [], 0
    for start, end, entity in merged:
        out.append(text[pos:start] + placeholder(entity))
        pos = end
    return "".join(out) + text[pos:]


def _longest_run(out: str, secret: str) -> int:
    """The longest run of ``secret``'s characters that ``out`` holds."""
    best = 0
    for i in range(len(secret)):
        for j in range(i + best + 1, len(secret) + 1):
            if secret[i:j] in out:
                best = j - i
            else:
                break
    return best


def test_whole_text_redaction_keeps_the_rest(redactor: Redactor) -> None:
    text = f"Here: {GITHUB} and {KNOWN}. <script>alert(1)</script> \x1b[2J done"
    out, hits = redactor.redact(text)
    assert out == (
        f"Here: {placeholder('GITHUB_TOKEN')} and {placeholder('SECRET')}. "
        "<script>alert(1)</script> \x1b[2J done"
    )
    assert [h.rule for h in hits] == ["github-pat", "inventory"]
    assert all(h.known for h in hits)  # both are in the inventory
    assert all(GITHUB not in h.fingerprint and len(h.fingerprint) == 64 for h in hits)


def test_known_secret_is_caught_glued_to_other_text(redactor: Redactor) -> None:
    out, hits = _stream(redactor, f"x{KNOWN}y and z{GITHUB}9", [3, 11, 30])
    assert KNOWN[:8] not in out and GITHUB[4:12] not in out
    assert hits == ["inventory", "inventory"]  # glued: no rule matches, the inventory does


def test_private_key_block_is_held_until_its_end_marker(redactor: Redactor) -> None:
    scanner = redactor.stream()
    released = scanner.feed("intro text " * 30 + PEM[:40])
    assert "-----BEGIN" not in released and scanner.held >= 40
    for line in PEM[40:].splitlines(keepends=True):
        assert "MIIE" not in scanner.feed(line)
    rest = scanner.feed(" and then some more words after the key block " * 8) + scanner.finish()
    assert placeholder("PRIVATE_KEY") in rest and "MIIE" not in rest


def test_clean_text_streams_behind_the_holdback(redactor: Redactor) -> None:
    scanner = redactor.stream()
    text = "A plain answer about gardening, with no secret at all. " * 20
    out = "".join(scanner.feed(text[i : i + 7]) for i in range(0, len(text), 7))
    assert len(out) >= len(text) - redactor.holdback.chars - 80  # released while streaming
    assert out + scanner.finish() == text


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    parts=st.lists(
        st.tuples(FILLER, st.one_of(st.sampled_from(PLANTS), NEAR_PLANTS)), min_size=1, max_size=3
    ),
    tail=FILLER,
    cuts=st.lists(st.integers(min_value=1, max_value=600), max_size=40),
)
def test_random_splits_never_leak_and_keep_other_text(
    redactor: Redactor, parts: list[tuple[str, str]], tail: str, cuts: list[int]
) -> None:
    # plants stand apart from the filler (a rule's key glued to more key-like characters is
    # another string for the engine; known secrets are caught even glued: see the test above)
    text = "".join(f"{a} {b} " for a, b in parts) + tail
    out, _ = _stream(redactor, text, cuts)
    whole, _ = redactor.redact(text)
    assert out == whole  # chunking changes nothing
    assert out == _engine_whole(redactor, text)  # nor does scanning only what may match
    for secret in SECRETS:
        assert _longest_run(out, secret) < 8
    # the non-secret text arrives unchanged: the filler around the plants, in order
    for filler, _ in parts:
        assert filler in out
    assert out.endswith(tail)


def test_text_without_any_rule_literal_runs_no_detector(
    redactor: Redactor, monkeypatch: pytest.MonkeyPatch
) -> None:
    text = "the rain in spain falls mainly on the plain, or so they say; " * 12
    assert not list(redactor.gate.found(text, 0))  # no literal of any rule in it
    calls: list[str] = []
    monkeypatch.setattr(redactor.engine, "detect", lambda t: calls.append(t) or [])
    monkeypatch.setattr(redactor.gate, "detect", lambda t, ids: calls.append(t) or [])
    scanner = redactor.stream()
    out = "".join(scanner.feed(text[i : i + 4]) for i in range(0, len(text), 4))
    assert out + scanner.finish() == text
    assert calls == []  # nothing was scanned: no chunk could complete a match


def test_a_literal_wakes_only_its_rules_and_only_near_it(
    redactor: Redactor, monkeypatch: pytest.MonkeyPatch
) -> None:
    filler = "the rain in spain falls mainly on the plain, or so they say; " * 12
    text = f"{filler}token {GITHUB} ok {filler}"
    seen: list[set[str]] = []
    detect = redactor.gate.detect
    monkeypatch.setattr(
        redactor.gate, "detect", lambda t, ids: seen.append(set(ids)) or detect(t, ids)
    )
    scanner = redactor.stream()
    out = "".join(scanner.feed(text[i : i + 4]) for i in range(0, len(text), 4))
    out += scanner.finish()
    assert GITHUB not in out and placeholder("GITHUB_TOKEN") in out
    assert seen and all("github-pat" in ids or "generic-token" in ids for ids in seen)
    assert len(seen) < len(text) // 4 // 2  # most chunks ran nothing


@pytest.mark.parametrize(
    "changes",
    [
        [(0, "x")],  # at the start (the rule's ``ghp_`` prefix is gone: only the inventory)
        [(0, "x"), (1, "Z")],
        [(39, "0")],  # at the end
        [(38, "a"), (39, "0")],
        [(20, "a")],  # in the middle
        [(0, "x"), (20, "9")],
        [(13, "a"), (26, "b")],
    ],
)
def test_near_copies_of_a_known_secret_are_redacted_whole(
    redactor: Redactor, changes: list[tuple[int, str]]
) -> None:
    copy = near(GITHUB, changes)
    assert copy != GITHUB
    text = f"Sure, the token is {copy} and that is all."
    for cuts in ([], list(range(1, len(text))), [25, 40, 41]):
        out, rules = _stream(redactor, text, cuts)
        assert out == "Sure, the token is [REDACTED:github_token] and that is all."
        assert NEAR_COPY_RULE in rules or "github-pat" in rules
        assert _longest_run(out, GITHUB) < 8
    out, hits = redactor.redact(text)
    near_hits = [h for h in hits if h.rule == NEAR_COPY_RULE]
    if changes[0][0] == 0:  # no rule matches it: the inventory's windows do
        assert [h.rule for h in hits] == [NEAR_COPY_RULE]
    for hit in near_hits:  # the secret it copies, by its value fingerprint; never the text
        assert hit.known and hit.fingerprint == redactor.fingerprinter.of("value", GITHUB)


def test_near_copy_glued_to_a_token_is_redacted_with_it(redactor: Redactor) -> None:
    copy = near(GITHUB, [(0, "x"), (39, "y")])
    out, rules = _stream(redactor, f"url /api/v1/{copy}/items, done", [7, 19, 30])
    assert out == "url [REDACTED:github_token], done" and rules == [NEAR_COPY_RULE]


def test_fewer_than_twelve_exact_characters_in_a_row_are_not_a_near_copy(
    redactor: Redactor,
) -> None:
    copy = near(GITHUB, [(0, "x"), (11, "a"), (23, "b"), (35, "c")])  # 10, 11, 11, 4 exact
    _, hits = redactor.redact(f"see {copy} here")
    assert NEAR_COPY_RULE not in [h.rule for h in hits]


def test_ordinary_text_and_other_keys_are_not_near_copies(redactor: Redactor) -> None:
    import random
    import string

    rng = random.Random(15)
    alnum = string.ascii_letters + string.digits
    keys = ["".join(rng.choices(alnum, k=40)) for _ in range(200)]
    prose = (
        "The internationalization_configuration of getUserAccountPreferences() and "
        "base64 padding aGVsbG8gd29ybGQgdGhpcyBpcyBhIHRlc3Q= stays as it is. "
    )
    text = prose + " ".join(keys)
    out, hits = redactor.redact(text)
    assert NEAR_COPY_RULE not in [h.rule for h in hits]
    assert out.startswith(prose)


def test_a_near_copy_going_on_is_held_until_its_run_ends(redactor: Redactor) -> None:
    copy = near(GITHUB, [(20, "a")])
    scanner = redactor.stream()
    released = scanner.feed("intro words " * 30)
    for i in range(0, len(copy), 3):
        released += scanner.feed(copy[i : i + 3])
    released += scanner.feed("MORE-TOKEN-CHARACTERS" * 5)  # the run goes on: still held
    assert copy[:4] not in released and "MORE" not in released
    rest = scanner.feed(" and then prose " * 20) + scanner.finish()
    assert (
        released + rest == "intro words " * 30 + "[REDACTED:github_token]" + " and then prose " * 20
    )
    assert [h.rule for h in scanner.hits] == [NEAR_COPY_RULE]


def test_a_near_copy_in_a_run_over_the_cap_is_still_redacted(redactor: Redactor) -> None:
    copy = near(GITHUB, [(20, "a")])
    run = "A" * (redactor.holdback.block_cap + 500) + copy + "B" * 30_000
    scanner = redactor.stream()
    out = "".join(scanner.feed(run[i : i + 997]) for i in range(0, len(run), 997))
    out += scanner.feed(" end of it") + scanner.finish()
    assert _longest_run(out, GITHUB) < 8 and "B" * 8 not in out
    assert out.endswith("[REDACTED:github_token] end of it")
    assert [h.rule for h in scanner.hits] == [NEAR_COPY_RULE]  # reported once


def test_an_endless_key_block_holds_at_most_the_cap(redactor: Redactor) -> None:
    # a private-key block whose END marker never comes: held while it may be in progress, but
    # never more than block_cap (plus the fixed holdback) at a time
    scanner = redactor.stream()
    scanner.feed("-----BEGIN RSA PRIVATE KEY-----\n")
    most = 0
    for _ in range(4_000):
        scanner.feed("MIIEowIBAAKCAQEA8Z0KWHAXoxefq4PvyhLnelUKfnvEaHNWIPTjXbb5KgzGd0Hd\n")
        most = max(most, scanner.held)
    assert most <= redactor.holdback.block_cap + redactor.holdback.chars + 65
