from __future__ import annotations

from datetime import date

import pytest

from clearance.audit.policy import RedactOperator
from clearance.errors import PolicyError
from clearance.redact.operators import Keys, generalize, mask_keep, parse_date, placeholder

KEY = b"k" * 32


def test_pseudonym_is_deterministic_keyed_and_normalised() -> None:
    keys = Keys(KEY)
    token = keys.pseudonym("Ana.Lopez@example.org", "EMAIL_ADDRESS", "t")
    assert token == keys.pseudonym("ana.lopez@example.org", "EMAIL_ADDRESS", "other table")
    assert token.startswith("EMAIL_ADDRESS_") and len(token) == len("EMAIL_ADDRESS_") + 16
    assert "example" not in token
    assert Keys(b"another key").pseudonym("ana.lopez@example.org", "EMAIL_ADDRESS", "t") != token
    assert keys.pseudonym("bob@example.org", "EMAIL_ADDRESS", "t") != token


def test_pseudonyms_of_many_values_are_the_hmac_of_the_normalised_value() -> None:
    """The batch path (ASCII normalised in Polars) gives the tokens of the definition,
    HMAC-SHA256 of ``normalise(value)``, for every kind of character Python and Polars could
    read differently: whitespace only Python calls whitespace (\\x1c), non-ASCII spaces, letters
    whose casefold is not lower (ß, İ, the ligature ﬁ), dashes, dots and brackets."""
    import hashlib
    import hmac
    import random

    from clearance.privacy.fingerprint import normalise

    rng = random.Random(3)
    alphabet = "aZ09 -.()@_+\t\n\x0b\x0c\r\x1c\x1d\x1e\x1f\x1b\x7f\u00a0\u2028\u3000ßİǄﬁÉ"
    values = ["".join(rng.choices(alphabet, k=rng.randint(0, 10))) for _ in range(5000)]
    keys = Keys(KEY)
    sub = keys._subkey("pseudonym", "t")
    expected = [
        f"PERSON_{hmac.digest(sub, normalise(v).encode(), hashlib.sha256).hex()[:16]}"
        for v in values
    ]
    assert keys.pseudonyms(values, "PERSON", "t") == expected
    assert [keys.pseudonym(v, "PERSON", "t") for v in values[:50]] == expected[:50]


def test_pseudonym_is_not_the_fingerprint_of_the_same_key() -> None:
    from clearance.privacy import Fingerprinter

    digest = Fingerprinter(KEY).of("email", "a@b.org")
    assert Keys(KEY).pseudonym("a@b.org", "EMAIL_ADDRESS", "t")[-16:] not in digest


@pytest.mark.parametrize("op", ["pseudonym", "encrypt"])
@pytest.mark.parametrize("key", [None, b""])
def test_a_keyed_operator_without_key_is_refused(op: str, key: bytes | None) -> None:
    keys = Keys(key)
    with pytest.raises(
        PolicyError, match=f"users.csv: column email: the {op} operator needs a key"
    ):
        if op == "pseudonym":
            keys.pseudonym("secret@example.org", "EMAIL_ADDRESS", "users.csv: column email")
        else:
            keys.encrypt("secret@example.org", "users.csv: column email")


def test_aes_siv_round_trip_with_the_key_only() -> None:
    keys = Keys(KEY)
    token = keys.encrypt("DE89 3704 0044 0532 0130 00", "w")
    assert token.startswith("enc:") and "3704" not in token
    assert token == keys.encrypt("DE89 3704 0044 0532 0130 00", "w")  # deterministic: joins
    assert keys.decrypt(token) == "DE89 3704 0044 0532 0130 00"
    with pytest.raises(PolicyError, match="cannot decrypt"):
        Keys(b"wrong key").decrypt(token)
    with pytest.raises(PolicyError, match="cannot decrypt"):
        keys.decrypt(token[:-2] + ("A" if token[-2] != "A" else "B") + token[-1])
    with pytest.raises(PolicyError, match="not a clearance ciphertext"):
        keys.decrypt("plain")


def test_keys_never_show_the_key() -> None:
    assert "k" * 8 not in repr(Keys(KEY))


def test_mask_and_placeholders() -> None:
    assert mask_keep("ana@example.org", 3) == "ana" + "*" * 12
    assert mask_keep("ab", 4) == "ab"
    assert placeholder("EMAIL_ADDRESS") == "<EMAIL_ADDRESS>"
    assert placeholder("EMAIL_ADDRESS", code=True) == "REDACTED_EMAIL_ADDRESS"


@pytest.mark.parametrize(
    ("to", "value", "expected"),
    [
        ("month", "1984-07-23", "1984-07"),
        ("month", "2025-01-21T18:03:58", "2025-01"),
        ("year", "23.07.1984", "1984"),
        ("age_band", "1984-07-23", "40-49"),
        ("age_band", "1986-01-31", "40-49"),
        ("age_band", "1986-02-01", "30-39"),
        ("prefix", "SW1A 1AA", "SW1"),
        ("month", "yesterday", None),
        ("age_band", "2030-01-01", None),
    ],
)
def test_generalize(to: str, value: str, expected: str | None) -> None:
    op = RedactOperator.model_validate({"op": "generalize", "to": to, "keep": 3})
    assert generalize(value, op, date(2026, 1, 31)) == expected


def test_parse_date_formats() -> None:
    assert parse_date("2024/02/29") == date(2024, 2, 29)
    assert parse_date("31/12/2020") == date(2020, 12, 31)
    assert parse_date("2024-13-45") is None
