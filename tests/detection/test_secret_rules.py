"""Secret-rule helpers that the per-rule examples exercise only in passing."""

from __future__ import annotations

from collections import Counter

from hypothesis import given, settings
from hypothesis import strategies as st

from clearance.detection.secrets._rule import PLACEHOLDER_WORDS, plausible
from clearance.detection.secrets.generic import _REFERENCE_MARKERS, _not_reference


def _plausible_by_definition(value: str) -> bool:
    low = value.lower()
    if any(word in low for word in PLACEHOLDER_WORDS):
        return False
    return not (len(value) >= 4 and Counter(value).most_common(1)[0][1] * 2 > len(value))


@settings(max_examples=300, deadline=None)
@given(
    st.lists(
        st.one_of(st.sampled_from(PLACEHOLDER_WORDS).map(str.upper), st.text(max_size=6)),
        max_size=4,
    ).map("".join)
)
def test_plausible_rejects_placeholders_and_repeats(value: str) -> None:
    assert plausible(value) == _plausible_by_definition(value)


def test_plausible_examples() -> None:
    assert plausible("sk_live_4eC39HqLyjWDarjtT1zdp7dc")
    assert not plausible("YOUR_API_KEY_HERE")
    assert not plausible("aaaaaaab")


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.one_of(
            st.sampled_from(_REFERENCE_MARKERS).map(str.upper), st.text(min_size=1, max_size=6)
        ),
        min_size=1,
        max_size=4,
    ).map("".join)
)
def test_reference_markers_found_anywhere(value: str) -> None:
    if any(marker in value.lower() for marker in _REFERENCE_MARKERS):
        assert not _not_reference(value)
