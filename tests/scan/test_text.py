"""Rules that span lines (private keys, .netrc entries) are found in files read line by line."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from clearance.detection.engine import Engine
from clearance.detection.registry import default_registry
from clearance.io import readers
from clearance.llm.inventory import build_inventory
from clearance.privacy import Fingerprinter
from clearance.scan import scan_paths
from clearance.scan.text import TextDetector, multiline_ids

REG = default_registry()
RSA = REG["private-key-rsa"].positives[0]
NETRC = "machine github.com\n  login jane\n  password rWdpK5DFznX88PIbHRC6"
FP = Fingerprinter(b"text-test-key")


def test_multiline_rules_are_the_key_blocks_and_netrc() -> None:
    ids = multiline_ids(REG)
    assert {"private-key-rsa", "private-key-openssh", "private-key-pkcs8", "netrc-password"} <= ids
    assert "email" not in ids and "age-secret-key" not in ids


@pytest.mark.parametrize("newline", ["\n", "\r\n"])
def test_id_rsa_file_is_found_on_its_first_line(tmp_path: Path, newline: str) -> None:
    body = "# deploy key\n\n" + RSA + "\nmail jane@example.com\n" + NETRC + "\n"
    (tmp_path / "id_rsa").write_bytes(body.replace("\n", newline).encode())
    report = scan_paths([tmp_path], fingerprinter=FP, engine=Engine())
    by_rule = {f.rule: f.location for f in report.findings}
    assert by_rule["private-key-rsa"].line == 3 and by_rule["private-key-rsa"].start == 0
    assert by_rule["email"].line == 3 + RSA.count("\n") + 1
    netrc_line = by_rule["email"].line + 1 + NETRC.count("\n")
    assert by_rule["netrc-password"].line == netrc_line
    assert by_rule["netrc-password"].start == NETRC.splitlines()[-1].index("rWdp")
    inventory, _ = build_inventory([tmp_path], fingerprinter=FP)
    rules = {i.rule: i.locations[0] for i in inventory.items}
    assert (rules["private-key-rsa"].line, rules["private-key-rsa"].column) == (3, 0)
    assert rules["netrc-password"].line == netrc_line


def test_service_account_json_key_is_found(tmp_path: Path) -> None:
    pkcs8 = REG["private-key-pkcs8"].positives[0]
    account = {
        "type": "service_account",
        "project_id": "demo",
        "private_key_id": "0123456789abcdef",
        "private_key": pkcs8 + "\n",
        "client_email": "svc@demo.iam.gserviceaccount.com",
    }
    (tmp_path / "sa.json").write_text(json.dumps(account, indent=2))
    report = scan_paths([tmp_path], fingerprinter=FP, engine=Engine())
    assert "private-key-pkcs8" in {f.rule for f in report.findings}
    inventory, _ = build_inventory([tmp_path], fingerprinter=FP)  # read as text
    assert "private-key-pkcs8" in {i.rule for i in inventory.items}
    # a JSONL record whose field holds the key with real newlines
    (tmp_path / "sa.json").unlink()
    (tmp_path / "corpus.jsonl").write_text(json.dumps({"text": "key:\n" + pkcs8}) + "\n")
    inventory, _ = build_inventory([tmp_path], fingerprinter=FP)
    item = next(i for i in inventory.items if i.rule == "private-key-pkcs8")
    assert (item.locations[0].field_line, item.locations[0].column) == (2, 0)


@pytest.mark.parametrize("max_lines", [1, 2, 3, 5, 7])
def test_a_key_across_chunk_boundaries_is_found_once(tmp_path: Path, max_lines: int) -> None:
    lines = ["filler line"] * 3 + RSA.splitlines() + ["filler"] * 3 + RSA.splitlines()
    path = tmp_path / "keys.txt"
    path.write_text("\n".join(lines) + "\n")
    detector = TextDetector(Engine())
    found = []
    for chunk, per_line in detector.chunks(readers.text_chunks(path, max_lines=max_lines)):
        found += [
            (chunk.first_line + k, m.start, m.detector) for k, ms in enumerate(per_line) for m in ms
        ]
    second = 4 + RSA.count("\n") + 1 + 3
    assert found == [(4, 0, "private-key-rsa"), (second, 0, "private-key-rsa")]
