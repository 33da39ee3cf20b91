"""Behaviour of PII rules that the per-detector examples cannot show (multi-line context,
calendar checks)."""

from __future__ import annotations

import pytest

from clearance.detection.engine import Engine
from clearance.detection.validators import date_value

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
