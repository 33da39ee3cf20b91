"""Column-name hints match whole tokens of the name, however it is written."""

from __future__ import annotations

import pytest

from clearance.scan.column_names import is_birth_date, name_hint, tokens


@pytest.mark.parametrize(
    ("column", "expected"),
    [
        ("cancellation_policy", ["cancellation", "policy"]),
        ("phoneNumber", ["phone", "number"]),
        ("IPAddress", ["ip", "address"]),
        ("home-phone", ["home", "phone"]),
        ("Date of Birth", ["date", "of", "birth"]),
        ("address1", ["address", "1"]),
    ],
)
def test_tokens_split_every_naming_style(column: str, expected: list[str]) -> None:
    assert tokens(column) == expected


@pytest.mark.parametrize(
    "column",
    [
        "cancellation_policy",
        "excellent_rating",
        "cellar_count",
        "telemetry",
        "hotel_name",
        "faxed_at_desk",
        "capacity",
        "velocity",
        "zipper_size",
        "mandatory",
        "archived_flag",
        "snapshot_id",
        "pipeline",
        "tokenizer_version",
    ],
)
def test_a_hint_inside_a_longer_word_is_no_hint(column: str) -> None:
    hint = name_hint(column)
    assert hint not in {"PHONE_NUMBER", "LOCATION", "URL", "SECRET", "HEALTH_DATA", "DATE_TIME"}, (
        column,
        hint,
    )


@pytest.mark.parametrize(
    ("column", "entity"),
    [
        ("phone", "PHONE_NUMBER"),
        ("phone_number", "PHONE_NUMBER"),
        ("phoneNumber", "PHONE_NUMBER"),
        ("PhoneNumber", "PHONE_NUMBER"),
        ("phonenumber", "PHONE_NUMBER"),
        ("cell", "PHONE_NUMBER"),
        ("cellphone", "PHONE_NUMBER"),
        ("Cell Phone", "PHONE_NUMBER"),
        ("mobile-number", "PHONE_NUMBER"),
        ("home_tel", "PHONE_NUMBER"),
        ("fax", "PHONE_NUMBER"),
        ("emailAddress", "EMAIL_ADDRESS"),
        ("e-mail", "EMAIL_ADDRESS"),
        ("user_email", "EMAIL_ADDRESS"),
        ("firstName", "PERSON"),
        ("lastname", "PERSON"),
        ("surname", "PERSON"),
        ("name", "PERSON"),
        ("zipcode", "LOCATION"),
        ("postal_code", "LOCATION"),
        ("street_address", "LOCATION"),
        ("addressLine1", "LOCATION"),
        ("city", "LOCATION"),
        ("ip_address", "IP_ADDRESS"),
        ("clientIP", "IP_ADDRESS"),
        ("card_number", "CREDIT_CARD"),
        ("creditCardNumber", "CREDIT_CARD"),
        ("ssn", "US_SSN"),
        ("dob", "DATE_TIME"),
        ("dateOfBirth", "DATE_TIME"),
        ("created_at", "DATE_TIME"),
        ("signup_ts", "DATE_TIME"),
        ("apiKey", "SECRET"),
        ("access_token", "SECRET"),
        ("profile_url", "URL"),
        ("passport_no", "US_PASSPORT"),
    ],
)
def test_whole_token_hints(column: str, entity: str) -> None:
    assert name_hint(column) == entity


@pytest.mark.parametrize(
    ("column", "birth"),
    [
        ("dob", True),
        ("birth_date", True),
        ("date_of_birth", True),
        ("DateOfBirth", True),
        ("birthday", True),
        ("signup_ts", False),
        ("created_at", False),
        ("ts", False),
        ("ordered_at", False),
        ("rebirth_count", False),
    ],
)
def test_birth_dates_are_told_from_event_times(column: str, birth: bool) -> None:
    assert is_birth_date(column) is birth
