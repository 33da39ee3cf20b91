"""The phone validator's region gate: the same answer as parsing the number for every region."""

from __future__ import annotations

import phonenumbers
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from clearance.detection import validators as v


def parsed_everywhere(value: str) -> int:
    """:func:`v.phone_kind` without the gate: phonenumbers' parse for each region in turn."""
    text = value.strip()
    ext = v._PHONE_EXTENSION.search(text)
    body = text[: ext.start()] if ext else text
    number = v.digits(body)
    if not 7 <= len(number) <= 15 or v._NOT_PHONE_SHAPE.fullmatch(body):
        return 0
    international = body.startswith(("+", "00"))
    if not international and len(number) > 11:
        return 0
    if body.isdigit() and len(body) not in (10, 11):
        return 0
    if body.startswith("00"):
        text = "+" + text[2:]
    possible = False
    for region in (None,) if international else v._PHONE_REGIONS:
        try:
            parsed = phonenumbers.parse(text, region)
        except phonenumbers.NumberParseException:
            continue
        if (parsed.extension or None) != (ext.group(1) if ext else None):
            continue
        if phonenumbers.is_valid_number(parsed):
            return v.PHONE_VALID
        possible = possible or (
            parsed.country_code == 1 and phonenumbers.is_possible_number(parsed)
        )
    return v.PHONE_POSSIBLE if possible and v._NANP_SHAPE.fullmatch(body) else 0


# Prefixes that make the parse take each of its branches: a national prefix (0, 1, Brazil's
# 0 + carrier code, Australia's 1831), an international one (00, 011, 0011), a country code
# written without "+".
_HEADS = ("", "0", "1", "00", "011", "0011", "90", "015", "1831", "44", "49", "61", "353", "55")
_SEPARATORS = ("", " ", "-", ".")


@st.composite
def national_numbers(draw: st.DrawFn) -> str:
    groups = draw(st.lists(st.text("0123456789", min_size=1, max_size=5), min_size=1, max_size=5))
    groups[0] = draw(st.sampled_from(_HEADS)) + groups[0]
    text = draw(st.sampled_from(_SEPARATORS)).join(groups)
    if draw(st.booleans()) and len(groups) > 1:
        text = f"({groups[0]}) " + " ".join(groups[1:])
    return text + draw(st.sampled_from(("", "", "x12", " ext. 7")))


@settings(max_examples=3000, deadline=None)
@given(national_numbers())
def test_phone_gate_gives_what_every_region_parse_gives(value: str) -> None:
    v.phone_kind.cache_clear()
    assert v.phone_kind(value) == parsed_everywhere(value)


def _examples() -> list[str]:
    out = []
    for region in v._PHONE_REGIONS:
        for kind in (phonenumbers.PhoneNumberType.FIXED_LINE, phonenumbers.PhoneNumberType.MOBILE):
            example = phonenumbers.example_number_for_type(region, kind)
            if example is not None:
                fmt = phonenumbers.PhoneNumberFormat.NATIONAL
                out.append(phonenumbers.format_number(example, fmt))
    return out


@pytest.mark.parametrize(
    "value",
    [
        *_examples(),
        "(212) 555-0187",
        "705-489-6428x7954",
        "(360)508-4207",
        "842.608.6164",
        "652-1337",
        "06 12112923",
        "(11) 99979-7681",
        "01519 9094942",
        "0313 0898492",
        "1 204 500 1234",
    ],
)
def test_phone_gate_keeps_real_numbers(value: str) -> None:
    v.phone_kind.cache_clear()
    assert v.phone_kind(value) == parsed_everywhere(value)


@pytest.mark.parametrize("value", [e for e in _examples() if len(v.digits(e)) <= 11])
def test_each_regions_own_example_is_valid(value: str) -> None:
    v.phone_kind.cache_clear()
    assert v.phone_kind(value) == v.PHONE_VALID
