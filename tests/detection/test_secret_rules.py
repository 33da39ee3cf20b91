"""Secret-rule helpers that the per-rule examples exercise only in passing."""

from __future__ import annotations

from collections import Counter

from hypothesis import given, settings
from hypothesis import strategies as st

from clearance.detection.engine import Engine
from clearance.detection.secrets._rule import PLACEHOLDER_WORDS, PUBLIC_EXAMPLE_VALUES, plausible
from clearance.detection.secrets.generic import _REFERENCE_MARKERS, _not_reference, _password_ok


def _plausible_by_definition(value: str) -> bool:
    if value in PUBLIC_EXAMPLE_VALUES:
        return False
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
    assert not plausible("AIzaSyDaGmWKa4JsXZ-HjGw7ISLn_3namBGewQe")  # Google's documented sample


def test_published_example_credentials_are_not_findings() -> None:
    """gitleaks' allowlisted sample keys are well-formed: only the allowlist keeps them out."""
    engine = Engine()
    for value in sorted(PUBLIC_EXAMPLE_VALUES):
        for text in (value, f"GOOGLE_API_KEY={value}", f'apiKey: "{value}"'):
            assert not [m for m in engine.detect(text) if m.category == "secret"], text
    # the same shape with one character changed is a finding
    assert engine.detect("AIzaSyDaGmWKa4JsXZ-HjGw7ISLn_3namBGewQf")


def test_password_may_begin_with_a_symbol() -> None:
    assert _password_ok("!Xk9#mQ2vL7p")
    assert _password_ok("#secretP@ss")
    assert _password_ok("@Tz8kQ2mVp")
    # YAML tags, anchors and aliases, instance variables: a name after the symbol
    for value in ("!vault_lookup", "&db_anchor", "*default_password", "@db_pass", "!!binary"):
        assert not _password_ok(value), value


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
