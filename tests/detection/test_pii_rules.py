"""Behaviour of PII rules that the per-detector examples cannot show (multi-line context,
calendar checks)."""

from __future__ import annotations

import ipaddress

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from clearance.detection.engine import Engine
from clearance.detection.validators import date_value, ip_address

ENGINE = Engine()


@pytest.mark.parametrize(
    "text",
    ["2024-02-29", "03/14/1985", "14/03/1985", "1.5.2020", "Sept 3, 2023", "3rd Mar. 2023",
     "Sunday, October 27", "Feb 29", "Sep  3 17:23:42", "2025-10-25 04:02:03,695"],
)  # fmt: skip
def test_real_dates_pass(text: str) -> None:
    assert date_value(text)


@pytest.mark.parametrize(
    "text", ["2023-02-29", "13/13/2020", "2024-13-45", "31.04.2020", "Marchy 3, 2023", "01/02/1850"]
)
def test_impossible_dates_fail(text: str) -> None:
    assert not date_value(text)


def test_sign_off_on_its_own_line_is_a_person() -> None:
    text = "Please check the order.\nRegards,\nKalani Taufa"
    found = [m for m in ENGINE.detect(text) if m.entity == "PERSON"]
    assert [text[m.start : m.end] for m in found] == ["Kalani Taufa"]


def _ip_by_the_library(value: str) -> bool:
    try:
        addr = ipaddress.ip_address(value)
    except ValueError:
        return False
    if isinstance(addr, ipaddress.IPv4Address):
        return not addr.is_unspecified
    return value.count(":") >= 2


@settings(max_examples=400, deadline=None)
@given(
    st.one_of(
        st.text(alphabet="0123456789abcdefABCDEF:", min_size=2, max_size=45),
        st.lists(st.text(alphabet="0123456789abcdef", max_size=4), min_size=2, max_size=9).map(
            ":".join
        ),
    )
)
def test_ip_address_shortcut_agrees_with_ipaddress(value: str) -> None:
    assert ip_address(value) == _ip_by_the_library(value)
