"""clearance.guard.truncated: a secret cut off by the end of a text is redacted; a text that
merely ends near a rule's words is not."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from clearance.guard.scanner import Redactor
from tests.guard._upstream import AWS_SECRET, GITHUB, SLACK
from tests.guard.test_scanner import _longest_run, _stream

PASSWORD = "SG3PgnDMhCKS07Xc"
# (text before the key material (a public prefix such as ``ghp_`` included), the key material,
# what a rule needs after it to match whole)
PLANTED = (
    ("connect with postgres://app:", PASSWORD, "@db.internal:5432/shop"),
    ("token ghp_", GITHUB.removeprefix("ghp_"), " ok"),
    ("SLACK_BOT_TOKEN=xoxb-", SLACK.removeprefix("xoxb-"), "\n"),
    ("aws_secret_access_key = ", AWS_SECRET, "\n"),
    ("the key id AKIA", "IOSFODNN7EXAMPLQ", " is ours"),
)


@pytest.mark.parametrize(("before", "key", "after"), PLANTED)
def test_a_key_cut_off_by_the_end_is_redacted_streamed_or_whole(
    redactor: Redactor, before: str, key: str, after: str
) -> None:
    for keep in (8, 12, len(key) - 1):
        text = f"Here it is: {before}{key[:keep]}"
        for out in (redactor.redact(text)[0], _stream(redactor, text, [5, 17, 30])[0]):
            assert _longest_run(out, key) < 8, out
            assert out.startswith("Here it is: ")
            assert out.endswith("]")


@pytest.mark.parametrize("end", ["@", "@d", "@db.", "@db.internal:"])
def test_a_key_whose_own_end_follows_it_at_the_end_is_redacted(
    redactor: Redactor, end: str
) -> None:
    # found by hypothesis in CI: the stream stopped at ``postgres://app:PASSWORD@``
    text = f"Answer: connect with postgres://app:{PASSWORD}{end}"
    for out in (redactor.redact(text)[0], _stream(redactor, text, [7, 19])[0]):
        assert _longest_run(out, PASSWORD) < 8, out


def test_the_cut_off_match_is_reported_by_its_rule(redactor: Redactor) -> None:
    out, hits = redactor.redact(f"use postgres://app:{PASSWORD}")
    assert out == "use [REDACTED:database_password]"
    assert [(h.rule, h.known) for h in hits] == [("postgres-uri-password", False)]
    assert PASSWORD not in repr(hits)


@pytest.mark.parametrize(
    "text",
    [
        "set aws_secret_access_key = ",  # the context words alone: nothing to protect yet
        "serve it on http://127.0.0",  # an address, not key material
        "we run postgres",
        "see postgres://app:",
        "the token is ghp_abc",  # fewer than 8 characters of a key
        "version 1.2.3-rc.4 of the AKIA docs",
        "an ordinary sentence that ends in the middle of a word like internationaliz",
    ],
)
def test_a_text_ending_near_a_rule_but_without_key_material_is_unchanged(
    redactor: Redactor, text: str
) -> None:
    assert redactor.redact(text)[0] == text
    assert _stream(redactor, text, [3, 9])[0] == text


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    plant=st.sampled_from(PLANTED),
    cut=st.integers(min_value=0, max_value=80),
    cuts=st.lists(st.integers(min_value=1, max_value=120), max_size=12),
)
def test_wherever_a_stream_stops_no_eight_characters_of_a_key_get_out(
    redactor: Redactor, plant: tuple[str, str, str], cut: int, cuts: list[int]
) -> None:
    before, key, after = plant
    full = f"Answer: {before}{key}{after} and more words follow."
    text = full[: len("Answer: ") + len(before) + cut]  # stops anywhere from the key on
    out, _ = _stream(redactor, text, cuts)
    assert _longest_run(out, key) < 8
    assert out.startswith("Answer: ")
