"""clearance.guard.holdback: what a search remembers of a growing text changes nothing."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from clearance.guard.holdback import Seen
from clearance.guard.scanner import Redactor
from tests.guard._upstream import PEM

KEEP = 8
PIECES = st.sampled_from(
    [
        PEM[:31],
        PEM[31:90],
        PEM[90:],
        "Authorization: Bearer ",
        "abcdefghij0123456789" * 2,
        " ",
        "eyJhbGciOiJIUzI1NiJ9",
        ".eyJzdWIiOiIxIn0",
        ".c2lnbmF0dXJlLXNpZ25hdHVyZQ",
        "\n",
        "e",
        "-",
    ]
)


def _first_in_progress(redactor: Redactor, text: str, start: int) -> int | None:
    """The answer tried position by position (within ``block_cap`` of the end)."""
    for pos in range(max(start, len(text) - redactor.holdback.block_cap), len(text)):
        m = redactor.holdback.long.match(text, pos, partial=True)
        if m is not None and (m.partial or m.end() >= len(text)):
            return pos
    return None


@settings(max_examples=60, deadline=None)
@given(pieces=st.lists(PIECES, max_size=25), drops=st.lists(st.integers(0, 40), max_size=25))
def test_remembering_what_was_read_gives_the_same_answer(
    redactor: Redactor, pieces: list[str], drops: list[int]
) -> None:
    # as the scanner does: text is appended, and dropped only well before where the search
    # starts (a dropped character can change a word boundary at the new start of the text)
    hold = redactor.holdback
    seen = Seen()
    text = ""
    start = 0
    for i, piece in enumerate(pieces):
        text += piece
        held = _first_in_progress(redactor, text, start)
        assert hold.hold_from(text, start, seen) == held
        cut = min(drops[i] if i < len(drops) else 0, len(text) - KEEP)
        if held is not None:
            cut = min(cut, held - KEEP)
        if cut > 0:
            text = text[cut:]
            hold.shift(seen, cut)
            start = KEEP


def test_a_key_block_in_progress_is_held_from_its_start(redactor: Redactor) -> None:
    seen = Seen()
    text = "intro " * 50 + PEM[:60]
    assert redactor.holdback.hold_from(text, 0, seen) == 300
    text += PEM[60:]
    assert redactor.holdback.hold_from(text, 0, seen) == 300  # touching the end: may grow
    text += " and more text after it"
    after = redactor.holdback.hold_from(text, 0, seen)
    assert after is None or after > 300 + len(PEM)  # the block is complete: released
    assert after == _first_in_progress(redactor, text, 0)


def test_a_complete_match_does_not_hide_an_earlier_one_in_progress(redactor: Redactor) -> None:
    # ``regex`` reports the complete bearer token, not the key block begun before it
    text = PEM.split("\n")[0] + "Authorization: Bearer " + PEM[31:150] + "\n more"
    assert redactor.holdback.hold_from(text, 0) == 0


def test_a_match_in_progress_past_the_cap_does_not_hide_a_later_one(redactor: Redactor) -> None:
    from clearance.guard.holdback import derive

    hold = derive(redactor.engine.registry, holdback=256, block_cap=256)
    text = PEM.split("\n")[0] + "x " * 200 + "Authorization: Bearer abcdefghijklmnopqrstuvwxyz"
    assert hold.long.match(text, 0, partial=True).partial  # the key block: 480 characters
    held = hold.hold_from(text, 0)
    assert held is not None and len(text) - 256 <= held <= text.index("Bearer")
