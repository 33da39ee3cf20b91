from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import polars as pl
import pytest

from clearance import RedactSettings, redact_paths
from clearance.audit.policy import RedactOperator, load_policy
from clearance.errors import PolicyError
from clearance.redact.dates import shift_dates
from clearance.redact.operators import Keys

KEY = b"test-date-shift-key"
SHIFT = RedactOperator(op="date_shift", max_days=30)


def _orders() -> pl.DataFrame:
    return pl.DataFrame(
        {
            "user_id": [1, 1, 2, 2, 3, None],
            "ordered_at": [date(2025, 1, 10), date(2025, 3, 1), date(2025, 1, 10)] * 2,
        }
    )


def test_dates_of_one_subject_move_together_and_keep_their_intervals() -> None:
    frame = _orders()
    out = shift_dates(frame, "ordered_at", "user_id", SHIFT, Keys(KEY), "t")
    moved = [b - a for a, b in zip(frame["ordered_at"], out, strict=True) if b is not None]
    assert all(d.days != 0 and abs(d.days) <= 30 for d in moved)
    # user 1: both dates by the same offset, so the 50 days between them stay
    assert (out[1] - out[0]).days == (date(2025, 3, 1) - date(2025, 1, 10)).days
    assert out[2] - frame["ordered_at"][2] == out[3] - frame["ordered_at"][3]
    assert out[5] is None  # no subject key: no offset of its own, never the true date


def test_subjects_are_shifted_differently_and_deterministically_with_the_key() -> None:
    subjects = pl.DataFrame({"uid": [f"u{i}" for i in range(40)], "d": [date(2025, 6, 1)] * 40})
    out = shift_dates(subjects, "d", "uid", SHIFT, Keys(KEY), "t")
    assert out.n_unique() > 10
    again = shift_dates(subjects, "d", "uid", SHIFT, Keys(KEY), "t")
    assert out.to_list() == again.to_list()
    other = shift_dates(subjects, "d", "uid", SHIFT, Keys(b"another key"), "t")
    assert other.to_list() != out.to_list()


def test_keys_compare_as_canonical_text() -> None:
    # "0042" in a CSV is subject 42 of a database table: the same offset
    a = pl.DataFrame({"k": ["0042"], "d": [date(2025, 1, 1)]})
    b = pl.DataFrame({"k": [42], "d": [date(2025, 1, 1)]})
    keys = Keys(KEY)
    assert (
        shift_dates(a, "d", "k", SHIFT, keys, "t")[0]
        == shift_dates(b, "d", "k", SHIFT, keys, "t")[0]
    )


def test_datetimes_and_iso_text_keep_time_and_rest_of_text() -> None:
    frame = pl.DataFrame(
        {
            "k": [7, 7, 7, 7],
            "at": [datetime(2025, 1, 1, 10, 30)] * 4,
            "text": ["2025-01-01", " 2025-01-01T10:30:00+01:00", "", None],
        }
    )
    keys = Keys(KEY)
    at = shift_dates(frame, "at", "k", SHIFT, keys, "t")
    days = (at[0] - datetime(2025, 1, 1, 10, 30)).days
    assert at[0].time() == datetime(2025, 1, 1, 10, 30).time() and at.dtype == pl.Datetime("us")
    text = shift_dates(frame, "text", "k", SHIFT, keys, "t").to_list()
    day = (date(2025, 1, 1) + (at[0].date() - date(2025, 1, 1))).isoformat()
    assert abs(days) >= 1
    assert text == [day, f" {day}T10:30:00+01:00", "", None]


def test_refused_without_a_key() -> None:
    with pytest.raises(PolicyError, match="t: the date_shift operator needs a key"):
        shift_dates(_orders(), "ordered_at", "user_id", SHIFT, Keys(None), "t")


@pytest.mark.parametrize(
    "values", [pl.Series("x", [1, 2]), pl.Series("x", ["2025-01-01", "next week"])]
)
def test_refused_on_a_column_that_holds_no_dates(values: pl.Series) -> None:
    frame = pl.DataFrame({"k": [1, 2], "x": values})
    with pytest.raises(PolicyError, match=r"orders\.csv: column x: date_shift does not fit"):
        shift_dates(frame, "x", "k", SHIFT, Keys(KEY), "orders.csv: column x")


def test_date_shift_is_refused_for_an_entity_type(tmp_path: Path) -> None:
    policy = tmp_path / "p.yaml"
    policy.write_text("redact:\n  entities:\n    DATE_TIME: date_shift\n")
    with pytest.raises(PolicyError, match=r"date_shift goes under redact\.columns"):
        load_policy(policy)


def _write(tmp_path: Path, policy: str) -> tuple[Path, Path]:
    src = tmp_path / "orders.csv"
    src.write_text(
        "user_id,ordered_at,returned_at,amount\n"
        "1,2025-01-10,2025-01-17,10\n2,2025-02-01,2025-02-03,20\n1,2025-03-01,,30\n"
    )
    path = tmp_path / "clearance.yaml"
    path.write_text(policy)
    return src, path


SHIFTED = (
    "subject_key: user_id\nredact:\n  columns:\n"
    "    ordered_at: {op: date_shift, max_days: 10}\n"
    "    returned_at: {op: date_shift, max_days: 10}\n"
)


def test_redact_shifts_every_date_column_of_a_subject_alike(tmp_path: Path) -> None:
    src, policy = _write(tmp_path, SHIFTED)
    settings = RedactSettings(policy_path=policy)
    manifest = redact_paths([src], tmp_path / "out", settings, key=KEY)
    assert manifest.published
    assert manifest.operators["column:orders.ordered_at"].startswith("date_shift(max_days=10)")
    out = pl.read_csv(tmp_path / "out" / "orders.csv", infer_schema=False)
    before = pl.read_csv(src, infer_schema=False)
    assert out["ordered_at"].to_list() != before["ordered_at"].to_list()

    def d(s: str) -> date:
        return date.fromisoformat(s)

    # a return 7 days after the order stays 7 days after it
    assert (d(out["returned_at"][0]) - d(out["ordered_at"][0])).days == 7
    assert (d(out["ordered_at"][2]) - d(out["ordered_at"][0])).days == 50
    assert out["amount"].to_list() == before["amount"].to_list()


@pytest.mark.parametrize(
    ("policy", "message"),
    [
        (SHIFTED.replace("ordered_at:", "amount:"), "column amount: date_shift does not fit"),
        (SHIFTED.replace("subject_key: user_id\n", ""), "needs the table's subject key"),
        (SHIFTED.replace("subject_key: user_id", "subject_key: uid"), "'uid' is not in orders"),
    ],
)
def test_redact_refuses_what_cannot_be_shifted(tmp_path: Path, policy: str, message: str) -> None:
    src, path = _write(tmp_path, policy)
    with pytest.raises(PolicyError, match=message):
        redact_paths([src], tmp_path / "out", RedactSettings(policy_path=path), key=KEY)
    assert not (tmp_path / "out" / "orders.csv").exists()
