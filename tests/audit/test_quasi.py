"""Quasi-identifier names match whole tokens of the column name, like the scan's name hints."""

from __future__ import annotations

import pytest

from clearance.audit.quasi import qi_kind


@pytest.mark.parametrize(
    ("column", "kind"),
    [
        ("city", "place"),
        ("ethnicity", "ethnic origin"),
        ("capacity", None),
        ("velocity", None),
        ("regional_sales", None),
        ("region", "place"),
        ("state", "place"),
        ("estate_value", None),
        ("zipcode", "postcode"),
        ("birthDate", "date of birth / age"),
        ("jobless_days", None),
        ("job_title", "occupation"),
        ("postalCode", "postcode"),
        ("signup_ts", None),
        ("created_at", None),
        ("birth_date", "date of birth / age"),
        ("age", "date of birth / age"),
        ("stage", None),
    ],
)
def test_quasi_identifier_names_match_whole_tokens(column: str, kind: str | None) -> None:
    assert qi_kind(column) == kind
