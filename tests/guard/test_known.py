"""clearance.guard.known: inventories with and without window fingerprints."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from clearance.errors import InputError
from clearance.guard.known import known_from_inventory, read_inventory
from clearance.privacy import Fingerprinter
from tests.guard._upstream import GITHUB, KEY, KNOWN


def test_windows_are_read_with_their_width(inventory_file: Path) -> None:
    known = known_from_inventory(read_inventory(inventory_file), Fingerprinter(KEY), max_length=99)
    assert known.window_chars == 12
    assert len(known.near) == (len(GITHUB) - 11) + (len(KNOWN.replace("-", "")) - 11)
    assert set(known.near.values()) == set(known.items)


def test_an_older_inventory_without_windows_still_works(
    inventory_file: Path, tmp_path: Path
) -> None:
    data = json.loads(inventory_file.read_text())
    del data["window_chars"]
    for item in data["items"]:
        del item["window_fingerprints"]
    old = tmp_path / "old.json"
    old.write_text(json.dumps(data))
    known = known_from_inventory(read_inventory(old), Fingerprinter(KEY), max_length=99)
    assert known.near == {} and known.window_chars == 0 and len(known) == 2
    assert known.near_copies(f"a {GITHUB} b", 0, 0) == ([], len(GITHUB) + 4)
    assert known.lookup(KNOWN) is not None  # exact matching as before


@pytest.mark.parametrize("width", [None, 4, 1000])
def test_windows_of_an_unusable_width_are_refused(
    inventory_file: Path, tmp_path: Path, width: int | None
) -> None:
    data = json.loads(inventory_file.read_text())
    data["window_chars"] = width
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(data))
    with pytest.raises(InputError, match=r"bad\.json: window_chars is .*; expected 8 to 64"):
        read_inventory(bad)


def test_windows_that_are_not_hex_match_nothing(inventory_file: Path, tmp_path: Path) -> None:
    data = json.loads(inventory_file.read_text())
    for item in data["items"]:
        item["window_fingerprints"] = ["<script>x</script>", "\x1b[2J", "zz" * 16]
    odd = tmp_path / "odd.json"
    odd.write_text(json.dumps(data))
    known = known_from_inventory(read_inventory(odd), Fingerprinter(KEY), max_length=99)
    assert known.near == {}
    assert known.near_copies(f"a {GITHUB} b", 0, 0)[0] == []
