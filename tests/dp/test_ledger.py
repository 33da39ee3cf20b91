from __future__ import annotations

import json
from pathlib import Path

import pytest

from clearance.dp.ledger import GENESIS, Ledger, LedgerEntry, append, read_ledger
from clearance.errors import InputError

H = "a" * 64


def _entry(eps: float, dataset: str = "d", data: str = H) -> LedgerEntry:
    return LedgerEntry(
        dataset=dataset,
        data_sha256=data,
        release="r",
        query_sha256=H,
        kind="count",
        epsilon=eps,
        delta=0.0,
        budget_epsilon=1.0,
        budget_delta=0.0,
        time="2026-01-01T00:00:00Z",
        output_sha256=H,
        prev_sha256=GENESIS,
    )


def test_missing_file_is_a_new_ledger_missing_folder_is_an_error(tmp_path: Path) -> None:
    assert read_ledger(tmp_path / "l.json").entries == []
    with pytest.raises(InputError, match="does not exist"):
        read_ledger(tmp_path / "nope" / "l.json")


def test_entries_chain_and_sum(tmp_path: Path) -> None:
    path = tmp_path / "l.json"
    append(path, Ledger(), [_entry(0.25), _entry(0.5, dataset="other")])
    append(path, read_ledger(path), [_entry(0.125, dataset="renamed")])
    ledger = read_ledger(path)
    assert [e.prev_sha256 for e in ledger.entries[1:]] == [e.sha256 for e in ledger.entries[:-1]]
    assert ledger.spent("d", "b" * 64) == (0.25, 0.0)
    # the same content under other names counts against it
    assert ledger.spent("d", H) == (0.875, 0.0)


@pytest.mark.parametrize(
    "edit",
    [
        lambda d: d["entries"][0].update(epsilon=0.0),  # lowering what was spent
        lambda d: d["entries"].pop(0),  # removing a release
        lambda d: d["entries"].reverse(),
    ],
)
def test_tampered_ledger_refused_not_reset(tmp_path: Path, edit: object) -> None:
    path = tmp_path / "l.json"
    append(path, Ledger(), [_entry(0.25), _entry(0.5)])
    data = json.loads(path.read_text())
    edit(data)  # type: ignore[operator]
    path.write_text(json.dumps(data))
    with pytest.raises(InputError, match="hash chain"):
        read_ledger(path)
    assert json.loads(path.read_text()) == data  # left as it was


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("{not json", "not valid JSON"),
        ("[1, 2]", "corrupt ledger"),
        ('{"version": 1, "entries": [{"dataset": "d"}]}', "corrupt ledger at entries.0"),
        ('{"version": 2, "entries": []}', "corrupt ledger at version"),
        ("\udcff".encode("utf-8", "surrogateescape").decode("latin-1"), "not valid JSON"),
    ],
)
def test_corrupt_ledger_is_an_input_error(tmp_path: Path, text: str, reason: str) -> None:
    path = tmp_path / "l.json"
    path.write_text(text, encoding="latin-1")
    with pytest.raises(InputError, match=reason):
        read_ledger(path)


def test_a_folder_in_place_of_the_ledger(tmp_path: Path) -> None:
    (tmp_path / "l.json").mkdir()
    with pytest.raises(InputError, match="cannot read the ledger"):
        read_ledger(tmp_path / "l.json")
