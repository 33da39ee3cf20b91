"""``clearance llm inventory``: occurrences, locations, skips, vault import, and no plaintext."""

from __future__ import annotations

import json
import pickle
import random
import string
from pathlib import Path

import pytest
from typer.testing import CliRunner

from clearance.cli.llm_cmd import llm_app
from clearance.errors import PolicyError
from clearance.llm.inventory import build_inventory
from clearance.llm.inventory_models import Inventory, InventoryItem
from clearance.privacy import Fingerprinter

runner = CliRunner()
_ALNUM = string.ascii_letters + string.digits


def _secrets(seed: int = 7) -> dict[str, str]:
    rng = random.Random(seed)
    return {
        "github": "ghp_" + "".join(rng.choices(_ALNUM, k=36)),
        "aws": "AKIA" + "".join(rng.choices(string.ascii_uppercase + "234567", k=16)),
        "stripe": "sk_live_" + "".join(rng.choices(_ALNUM, k=24)),
        "email": "jane.doe.planted@example.org",
        "vault_only": "vault-only-" + "".join(rng.choices(_ALNUM, k=20)),
        "vault_literal": "hunter2-prod-" + "".join(rng.choices(_ALNUM, k=12)),
    }


@pytest.fixture
def corpus(tmp_path: Path) -> tuple[Path, dict[str, str]]:
    """github x1 (app.py), aws x3 (.env, README x2), stripe x7 (JSONL, one per record), e-mail x3,
    a vault password no detector knows x2, a binary file and an empty file."""
    s = _secrets()
    root = tmp_path / "corpus"
    (root / "src").mkdir(parents=True)
    (root / "src" / "app.py").write_text(
        "import os\n\n# deploy token\nTOKEN = " + repr(s["github"]) + "\n"
        f"DB_PASSWORD = '{s['vault_literal']}'\n"
    )
    (root / ".env").write_text(f"AWS_ACCESS_KEY_ID={s['aws']}\nOWNER={s['email']}\n")
    (root / "README.md").write_text(
        "# Setup\n\n"
        f"Set `AWS_ACCESS_KEY_ID={s['aws']}` and\n"
        "then run it.\n"
        f"{s['aws']}\n"
        f"Questions: {s['email']} or {s['email']}\n"
        f"password {s['vault_literal']}\n"
    )
    records = [
        {"id": i, "text": f"example {i}\nstripe.api_key = '{s['stripe']}'", "meta": {"n": i}}
        for i in range(7)
    ]
    body = "\n".join(json.dumps(r) for r in records[:3]) + "\n{not json\n"
    body += "\n".join(json.dumps(r) for r in records[3:]) + "\n"
    (root / "data.jsonl").write_text(body)
    (root / "logo.png").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00IHDR" + bytes(64))
    (root / "empty.txt").write_text("")
    return root, s


def _vault(s: dict[str, str]) -> list[str]:
    return [
        s["github"],
        "",
        f"  {s['vault_only']}  ",
        "   ",
        s["github"],
        s["vault_literal"],
        s["vault_only"],
    ]


def _fp() -> Fingerprinter:
    return Fingerprinter(b"test-key-0123456789")


def _by_entity(inv: Inventory) -> dict[str, InventoryItem]:
    return {i.entity: i for i in inv.items}


def test_occurrences_locations_and_order(corpus: tuple[Path, dict[str, str]]) -> None:
    root, s = corpus
    inv, plain = build_inventory([root], fingerprinter=_fp())
    items = _by_entity(inv)
    assert items["GITHUB_TOKEN"].occurrences == 1
    assert items["AWS_ACCESS_KEY_ID"].occurrences == 3
    assert items["STRIPE_SECRET_KEY"].occurrences == 7
    assert items["EMAIL_ADDRESS"].occurrences == 3
    assert [i.occurrences for i in inv.items] == sorted(
        (i.occurrences for i in inv.items), reverse=True
    )

    gh = items["GITHUB_TOKEN"]
    assert gh.fingerprint == _fp().of("github-pat", s["github"])  # same as clearance scan
    assert gh.value_fingerprint == _fp().of("value", s["github"])
    assert gh.preview == "ghp_***(40 chars)"
    (loc,) = gh.locations
    assert (Path(loc.path).name, loc.line, loc.column) == ("app.py", 4, 9)
    assert [c.lines for c in loc.contexts] == [1, 3, 4]  # 3 lines before + "TOKEN = '"
    assert loc.contexts[0].chars == len("TOKEN = '")

    aws = items["AWS_ACCESS_KEY_ID"]
    assert aws.files == 2
    where = sorted((Path(x.path).name, x.line, x.column) for x in aws.locations)
    assert where == [(".env", 1, 18), ("README.md", 3, 23), ("README.md", 5, 0)]

    stripe = items["STRIPE_SECRET_KEY"]
    assert [(x.line, x.record, x.field, x.field_line) for x in stripe.locations] == [
        (1, 1, "text", 2), (2, 2, "text", 2), (3, 3, "text", 2),
        (5, 5, "text", 2), (6, 6, "text", 2), (7, 7, "text", 2), (8, 8, "text", 2),
    ]  # fmt: skip
    assert inv.files_scanned == 4

    # the plaintext side, in memory only: values and the text that preceded each occurrence
    assert plain.value(gh.fingerprint) == s["github"]
    occ = plain.occurrences(gh.fingerprint)[0]
    assert occ.prefix(1) == "TOKEN = '"
    assert occ.prefix(10) == "import os\n\n# deploy token\nTOKEN = '"
    at_start = next(o for o in plain.occurrences(aws.fingerprint) if o.column == 0)
    assert at_start.prefix(1) == "then run it.\n"
    first = plain.occurrences(stripe.fingerprint)[0]
    assert first.prefix(3) == "example 0\nstripe.api_key = '"
    ctx = _fp().of("llm-context", first.prefix(3))
    assert stripe.locations[0].contexts[-1].fingerprint == ctx


def test_skipped_inputs_have_reasons(corpus: tuple[Path, dict[str, str]]) -> None:
    root, _ = corpus
    inv, _ = build_inventory([root, root / "missing"], fingerprinter=_fp())
    reasons = {Path(s.path).name: s.reason for s in inv.skipped}
    assert "binary" in reasons["logo.png"]
    assert "empty" in reasons["empty.txt"]
    assert "no such file" in reasons["missing"]
    assert "invalid JSON" in reasons["data.jsonl:4"] and "record 4" in reasons["data.jsonl:4"]
    assert len(inv.skipped) == 4


def test_vault_import(corpus: tuple[Path, dict[str, str]]) -> None:
    root, s = corpus
    inv, plain = build_inventory([root], fingerprinter=_fp(), vault_lines=_vault(s))
    assert inv.vault is not None
    assert inv.vault.model_dump() == {
        "lines": 7,
        "blank": 2,
        "duplicates": 2,
        "imported": 3,
        "found_in_corpus": 2,
    }
    items = _by_entity(inv)
    assert items["GITHUB_TOKEN"].in_vault and items["GITHUB_TOKEN"].source == "corpus"
    assert not items["AWS_ACCESS_KEY_ID"].in_vault
    vault_items = [i for i in inv.items if i.source == "vault"]
    by_occ = {i.occurrences: i for i in vault_items}
    assert set(by_occ) == {0, 2}
    absent = by_occ[0]
    assert (absent.entity, absent.category, absent.rule, absent.in_vault) == (
        "SECRET", "secret", "vault", True,
    )  # fmt: skip
    assert absent.value_fingerprint == _fp().of("value", s["vault_only"])
    assert absent.locations == [] and inv.items[-1] == absent
    assert plain.value(absent.fingerprint) == s["vault_only"]
    literal = by_occ[2]  # no detector knows it: found by literal search for vault entries
    assert sorted(Path(x.path).name for x in literal.locations) == ["README.md", "app.py"]
    # a vault value found by a detector is one item, not also a vault item
    assert (
        sum(i.value_fingerprint == items["GITHUB_TOKEN"].value_fingerprint for i in inv.items) == 1
    )


def test_no_plaintext_anywhere(corpus: tuple[Path, dict[str, str]], tmp_path: Path) -> None:
    root, s = corpus
    vault = tmp_path / "vault.txt"
    vault.write_text("\n".join(_vault(s)) + "\n")
    out = tmp_path / "inv.json"
    result = runner.invoke(llm_app, ["inventory", str(root), "--vault", str(vault), "-o", str(out)])
    assert result.exit_code == 3, result.output  # inputs were skipped
    text = out.read_text()
    Inventory.model_validate_json(text)
    inv, plain = build_inventory([root], fingerprinter=_fp(), vault_lines=_vault(s))
    for value in s.values():
        assert value not in text
        assert value.lower() not in text.lower()
        assert value not in result.output and value not in result.stderr
        assert value not in repr(plain) and value not in str(plain)
        assert value not in repr(inv)
        assert value not in repr(plain.occurrences(plain.fingerprints()[0]))
    assert "GITHUB_TOKEN" in result.stderr and "skipped 3 input(s)" in result.stderr
    assert "1x: 1, 2-4x: 3, 5-19x: 1, 20+x: 0" in result.stderr
    with pytest.raises(TypeError):
        pickle.dumps(plain)
    assert not hasattr(plain, "model_dump") and not hasattr(plain, "to_json")


def test_deterministic_json(corpus: tuple[Path, dict[str, str]], tmp_path: Path) -> None:
    root, s = corpus
    vault = tmp_path / "vault.txt"
    vault.write_text("\n".join(_vault(s)))
    outs = [tmp_path / "a.json", tmp_path / "b.json"]
    for out in outs:
        args = ["inventory", str(root), "--vault", str(vault), "-o", str(out), "-q"]
        result = runner.invoke(llm_app, args)
        assert result.exit_code == 3
        assert result.output == ""
    assert outs[0].read_bytes() == outs[1].read_bytes()


def test_clean_corpus_exits_zero(tmp_path: Path) -> None:
    (tmp_path / "c").mkdir()
    (tmp_path / "c" / "a.md").write_text("nothing to see\n")
    out = tmp_path / "inv.json"
    result = runner.invoke(llm_app, ["inventory", str(tmp_path / "c"), "-o", str(out)])
    assert result.exit_code == 0, result.output
    data = json.loads(out.read_text())
    assert data["items"] == [] and data["skipped"] == [] and data["vault"] is None


def test_bad_categories(tmp_path: Path) -> None:
    with pytest.raises(PolicyError, match="bogus"):
        build_inventory([tmp_path], fingerprinter=_fp(), categories=("secret", "bogus"))
    result = runner.invoke(
        llm_app, ["inventory", str(tmp_path), "--categories", ",", "-o", "x.json"]
    )
    assert result.exit_code == 4 and not Path("x.json").exists()


def test_categories_filter(corpus: tuple[Path, dict[str, str]]) -> None:
    root, _ = corpus
    inv, _ = build_inventory([root], fingerprinter=_fp(), categories=("pii",))
    assert {i.category for i in inv.items} == {"pii"}


def test_deeply_nested_record_is_skipped_the_others_scanned(tmp_path: Path) -> None:
    corpus = tmp_path / "c"
    corpus.mkdir()
    deep = '{"text": ' + "[" * 100_000 + "]" * 100_000 + "}"
    good = json.dumps({"text": "mail jane@example.com", "meta": [[[{"k": "bob@example.org"}]]]})
    (corpus / "d.jsonl").write_text(deep + "\n" + good + "\n")
    inv, _ = build_inventory([corpus], fingerprinter=_fp())
    assert [s.reason for s in inv.skipped] == ["record 1: JSON nested too deeply; record skipped"]
    fields = sorted(loc.field or "" for i in inv.items for loc in i.locations)
    assert fields == ["meta[0][0][0].k", "text"]


def test_secrets_carry_window_fingerprints_pii_does_not(
    corpus: tuple[Path, dict[str, str]],
) -> None:
    from clearance.llm.inventory_windows import value_windows

    root, s = corpus
    inv, _ = build_inventory([root], fingerprinter=_fp(), vault_lines=_vault(s))
    assert inv.window_chars == 12
    items = _by_entity(inv)
    assert items["GITHUB_TOKEN"].window_fingerprints == value_windows(_fp(), s["github"])
    assert len(items["GITHUB_TOKEN"].window_fingerprints) == len(s["github"]) - 11
    assert items["EMAIL_ADDRESS"].window_fingerprints == []
    vault_only = next(i for i in inv.items if i.source == "vault" and not i.occurrences)
    assert vault_only.window_fingerprints == value_windows(_fp(), s["vault_only"])


def test_an_inventory_without_windows_still_loads() -> None:
    old = {
        "schema_version": "1",
        "created_from": ["corpus"],
        "categories": ["secret"],
        "files_scanned": 1,
        "records_scanned": 1,
        "items": [
            {
                "fingerprint": "a" * 64,
                "value_fingerprint": "b" * 64,
                "rule": "vault",
                "entity": "SECRET",
                "category": "secret",
                "source": "vault",
                "in_vault": True,
                "preview": "***(21 chars)",
                "occurrences": 0,
                "files": 0,
                "locations": [],
            }
        ],
        "skipped": [],
        "warnings": [],
    }
    inv = Inventory.model_validate_json(json.dumps(old))
    assert inv.window_chars is None and inv.items[0].window_fingerprints == []
