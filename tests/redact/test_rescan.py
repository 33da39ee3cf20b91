from __future__ import annotations

from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import Any

import joblib.externals.loky
import polars as pl
import pytest

import clearance.redact.rescan as rescan
import clearance.redact.run as run
from clearance import RedactSettings, redact_paths
from clearance.detection.settings import DetectionSettings
from clearance.redact.rescan import count_remaining

KEY = b"test-rescan-key"
ROWS = 60
KINDS = {"EMAIL_ADDRESS", "PHONE_NUMBER", "PERSON", "IBAN_CODE"}


def _copy(path: Path) -> Path:
    """A staged copy as a redaction could leave it: raw values in several columns, one column
    kept on purpose, an integer column, a free-text column."""
    pl.DataFrame(
        {
            "id": list(range(ROWS)),
            "email": [f"user{i}@example.org" for i in range(ROWS)],
            "phone": [f"+1 415 555 01{i % 100:02d}" for i in range(ROWS)],
            "token": [f"PERSON_{i:016x}" for i in range(ROWS)],
            "note": [
                f"write to me at u{i}@example.net" if i % 3 else "all good" for i in range(ROWS)
            ],
        }
    ).write_parquet(path)
    return path


@pytest.fixture
def threads(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """The worker of the split re-scan as a thread (no process to start in a test); returns
    the column indices it was given."""
    given: list[int] = []
    pool = ThreadPoolExecutor(max_workers=1)

    class Executor:
        def submit(self, fn: Any, path: str, index: int, settings: Any) -> Future[Any]:
            given.append(index)
            return pool.submit(fn, path, index, settings)

    monkeypatch.setattr(joblib.externals.loky, "get_reusable_executor", lambda **_: Executor())
    monkeypatch.setattr(rescan, "SPLIT_ROWS", 10)
    return given


def test_split_rescan_counts_what_the_whole_scan_counts(tmp_path: Path, threads: list[int]) -> None:
    path = _copy(tmp_path / ".clearance-x-t.parquet")
    kept = {str(path): {"phone": {"PHONE_NUMBER"}}}
    two = DetectionSettings(workers=2)
    whole = count_remaining([path], {path: ROWS}, kept, KINDS, DetectionSettings(workers=1))
    split = count_remaining([path], {path: ROWS}, kept, KINDS, two)
    assert threads, "the split path was not taken"
    assert split == whole
    assert whole.by_entity["EMAIL_ADDRESS"] > 0 and "PHONE_NUMBER" not in whole.by_entity


def test_split_rescan_survives_a_broken_pool(
    tmp_path: Path, threads: list[int], monkeypatch: pytest.MonkeyPatch
) -> None:
    path = _copy(tmp_path / ".clearance-x-t.parquet")
    expected = count_remaining([path], {path: ROWS}, {}, KINDS, DetectionSettings(workers=1))

    class Broken:
        def submit(self, *args: object) -> Future[Any]:
            raise RuntimeError("pool is broken")

    monkeypatch.setattr(joblib.externals.loky, "get_reusable_executor", lambda **_: Broken())
    got = count_remaining([path], {path: ROWS}, {}, KINDS, DetectionSettings(workers=2))
    assert got == expected


def test_split_rescan_falls_back_when_a_worker_fails(
    tmp_path: Path, threads: list[int], monkeypatch: pytest.MonkeyPatch
) -> None:
    path = _copy(tmp_path / ".clearance-x-t.parquet")
    expected = count_remaining([path], {path: ROWS}, {}, KINDS, DetectionSettings(workers=1))
    real = rescan.scan_column

    def dies_in_worker(p: str, index: int, settings: DetectionSettings) -> list[Any]:
        if index == 0:
            raise OSError("worker killed")
        return real(p, index, settings)

    monkeypatch.setattr(rescan, "scan_column", dies_in_worker)
    got = count_remaining([path], {path: ROWS}, {}, KINDS, DetectionSettings(workers=2))
    assert got == expected


def test_a_column_name_with_a_value_is_scanned_whole(tmp_path: Path, threads: list[int]) -> None:
    path = tmp_path / ".clearance-x-t.parquet"
    pl.DataFrame({"ana.lopez@example.org": ["x"] * ROWS, "b": ["y"] * ROWS}).write_parquet(path)
    got = count_remaining([path], {path: ROWS}, {}, KINDS, DetectionSettings(workers=2))
    assert threads == []  # the name's finding and masked name as the whole scan gives them
    assert got.by_entity == {"EMAIL_ADDRESS": 1}


def test_the_rescan_reads_what_was_written(
    tmp_path: Path, threads: list[int], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A writer that changes redacted cells on its way to the file (here: puts an e-mail back
    in the free text and in the pseudonymized column) is caught: the re-scan scans the written
    file, not what the redaction meant to write, and a column of pseudonyms with one other
    value in it is scanned like any other."""
    src = tmp_path / "in" / "people.parquet"
    src.parent.mkdir()
    pl.DataFrame(
        {
            "email": [f"user{i}@example.org" for i in range(ROWS)],
            "review": ["Arrived quickly."] * ROWS,
        }
    ).write_parquet(src)
    write = run.TableWriter.write

    def buggy(self: run.TableWriter, frame: pl.DataFrame) -> None:
        changed = frame.with_columns(
            pl.col("review").replace("Arrived quickly.", "ok x@y.org"),
            pl.lit("z@y.org").alias("email"),
        )
        write(
            self,
            changed.with_row_index()
            .filter(pl.col("index") < 1)
            .drop("index")
            .vstack(frame.slice(1)),
        )

    monkeypatch.setattr(run.TableWriter, "write", buggy)
    settings = RedactSettings(detection=DetectionSettings(workers=2), text_fields=("review",))
    manifest = redact_paths([src], tmp_path / "out", settings, key=KEY)
    assert threads, "the split path was not taken"
    assert not manifest.published
    assert manifest.rescan.by_entity == {"EMAIL_ADDRESS": 2}
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ["manifest.json"]


def test_split_rescan_of_odd_names_and_nested_values(tmp_path: Path, threads: list[int]) -> None:
    """Names from data (markup, a comma, a dot), and a nested column (scanned as its JSON
    text), count the same split as whole."""
    path = tmp_path / ".clearance-x-t.parquet"
    pl.DataFrame(
        {
            "a.b": [f"user{i}@example.org" for i in range(ROWS)],
            "a,b": ["<script>x</script>"] * ROWS,
            "nested": [{"mail": f"n{i}@example.org", "n": i} for i in range(ROWS)],
        }
    ).write_parquet(path)
    whole = count_remaining([path], {path: ROWS}, {}, KINDS, DetectionSettings(workers=1))
    split = count_remaining([path], {path: ROWS}, {}, KINDS, DetectionSettings(workers=2))
    assert threads and split == whole
    assert whole.by_entity["EMAIL_ADDRESS"] > ROWS  # every e-mail of a.b, and the nested ones


def test_only_columns_of_our_tokens_are_left_out(tmp_path: Path) -> None:
    path = tmp_path / "copy.parquet"
    pl.DataFrame(
        {
            "name": [f"PERSON_{i:016x}" for i in range(ROWS)],
            "email": [f"EMAIL_ADDRESS_{i:016x}" for i in range(ROWS - 1)] + ["a@b.org"],
            "phone": ["<PHONE_NUMBER>"] * (ROWS - 2) + [None, ""],
            "iban": [f"IBAN_CODE_{i:016x}" for i in range(ROWS)],  # not said to be tokens
            "short": [f"PERSON_{i:015x}" for i in range(ROWS)],  # one hex digit short
            "other": [f"PHONE_NUMBER_{i:016x}" for i in range(ROWS)],  # another type's shape
        }
    ).write_parquet(path)
    shapes = {
        "name": "^PERSON_[0-9a-f]{16}$",
        "email": "^EMAIL_ADDRESS_[0-9a-f]{16}$",
        "phone": "^<PHONE_NUMBER>$",
        "short": "^PERSON_[0-9a-f]{16}$",
        "other": "^PERSON_[0-9a-f]{16}$",
    }
    names = pl.read_parquet_schema(path).names()
    assert rescan.tokens_only(path, names, shapes) == {0, 2}


def test_pseudonym_columns_are_checked_not_scanned(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A large copy's pseudonymized columns are verified against the pseudonym shape; only the
    other columns go through the detectors, in one process as with workers."""
    src = tmp_path / "in" / "people.parquet"
    src.parent.mkdir()
    pl.DataFrame(
        {
            "email": [f"user{i}@example.org" for i in range(ROWS)],
            "review": [f"write to u{i}@example.net" if i % 2 else "fine" for i in range(ROWS)],
        }
    ).write_parquet(src)
    monkeypatch.setattr(rescan, "SPLIT_ROWS", 10)
    scanned: list[int] = []
    scan = rescan.scan_column

    def recording(path: str, index: int, settings: Any) -> Any:
        scanned.append(index)
        return scan(path, index, settings)

    monkeypatch.setattr(rescan, "scan_column", recording)
    settings = RedactSettings(detection=DetectionSettings(workers=1), text_fields=("review",))
    manifest = redact_paths([src], tmp_path / "out", settings, key=KEY)
    assert manifest.published and manifest.rescan.remaining == 0
    assert scanned == [1]  # the review, not the e-mail pseudonyms
    out = pl.read_parquet(tmp_path / "out" / "people.parquet")
    assert out["email"].str.contains(r"^EMAIL_ADDRESS_[0-9a-f]{16}$").all()
