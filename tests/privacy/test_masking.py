from __future__ import annotations

import pytest

from clearance.privacy import Fingerprinter, load_key, mask
from clearance.privacy.masking import shown_label


@pytest.mark.parametrize(
    ("value", "entity", "category", "expected"),
    [
        ("jane.doe@example.com", "EMAIL_ADDRESS", "pii", "j***@e***.com"),
        ("4111 1111 1111 1111", "CREDIT_CARD", "pii", "**** **** **** 1111"),
        ("Maria Garcia", "PERSON", "pii", "M*** G***"),
        ("ghp_abcdefghijklmnopqrstuvwxyz0123456789", "GITHUB_TOKEN", "secret", "ghp_***(40 chars)"),
        ("536-90-4399", "US_SSN", "pii", "***-**-**99"),
        ("as a diabetic", "HEALTH_DATA", "special_category", "as ***"),
        ("I'm Jewish", "RELIGIOUS_BELIEF", "special_category", "I'm ***"),
        ("my HIV medication", "HEALTH_DATA", "special_category", "my ***"),
        ("Crohn's disease", "HEALTH_DATA", "special_category", "C***"),
        ("Catholic", "RELIGIOUS_BELIEF", "special_category", "C***"),
    ],
)
def test_mask(value: str, entity: str, category: str, expected: str) -> None:
    assert mask(value, entity, category) == expected
    assert value not in mask(value, entity, category)


def test_fingerprint_is_keyed_and_normalised() -> None:
    a = Fingerprinter(b"key-a")
    b = Fingerprinter(b"key-b")
    assert a.of("credit-card", "4111 1111 1111 1111") == a.of("credit-card", "4111-1111-1111-1111")
    assert a.of("credit-card", "4111111111111111") != b.of("credit-card", "4111111111111111")
    assert a.of("credit-card", "4111111111111111") != a.of("iban", "4111111111111111")
    assert len(a.of("x", "y")) == 64
    assert "key-a" not in repr(a)


def test_key_file_created_once_with_private_mode(monkeypatch: pytest.MonkeyPatch, tmp_path) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.delenv("CLEARANCE_KEY")
    first = load_key(tmp_path)
    path = tmp_path / ".clearance" / "key"
    assert path.stat().st_mode & 0o777 == 0o600
    assert load_key(tmp_path) == first


def test_key_from_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CLEARANCE_KEY", "abc")
    assert load_key() == b"abc"


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        ("good", "'good'"),
        ("no default", "'no default'"),
        (2, "2"),
        ("-1", "'-1'"),
        (True, "True"),
        ("jane.doe@example.com", "<a value of 20 characters>"),
        ("536-90-4399", "<a value of 11 characters>"),
        ("\x1b[31mred", "<a value of 8 characters>"),
        ("a" * 30, "<a value of 30 characters>"),
    ],
)
def test_shown_label_echoes_only_plain_labels(value: object, shown: str) -> None:
    assert shown_label(value) == shown
