"""``Scanner.scan_frames``: many small tables scanned together give exactly what scanning each
table on its own gives, in a few engine calls instead of two per column."""

from __future__ import annotations

import random

import polars as pl
import pytest

from clearance.detection.engine import Engine
from clearance.detection.match import Match
from clearance.privacy import Fingerprinter
from clearance.scan.options import ScanOptions
from clearance.scan.report import ScanReport
from clearance.scan.scanner import Scanner
from tests._engine import count_engine_calls

FP = Fingerprinter(b"test-key-groups-0123456789")
FIRST = ["Jane", "Omar", "Li", "Zoë", "Émile", "Priya", "Tom"]
LAST = ["Doe", "Haddad", "Wei", "Müller", "Dubois", "Patel", "Brown"]
SECRETS = ["ghp_8sXq2ZrT6vN1mKpL0aYwC3dE5fG7hJ9kQbRt", "sk_live_Q8mZr2VtX9bLw4Kc7Hn1Pd5F"]
CARDS = ["4111 1111 1111 1111", "5555555555554444", "378282246310005"]


def _mixed_tables(n: int, seed: int = 7) -> list[tuple[str, str, pl.DataFrame]]:
    """``n`` small tables of mixed content: identifier columns, free text with secrets and
    e-mails, timestamps, a column name shared by columns of different kinds, an e-mail as a
    column name, empty tables and cells, non-ASCII text, and now and then a table too large to
    be grouped; some share an origin (tables of one database)."""
    rng = random.Random(seed)
    out: list[tuple[str, str, pl.DataFrame]] = []
    for i in range(n):
        rows = rng.choice([0, 1, 1, 1, 2, 3])
        kind = i % 7
        person = [f"{rng.choice(FIRST)} {rng.choice(LAST)}" for _ in range(rows)]
        mails = [f"user{rng.randrange(40)}@example.org" for _ in range(rows)]
        if kind == 0:
            data = {
                "email": mails,
                "phone": [f"+1-202-555-{rng.randrange(100, 199):04d}" for _ in range(rows)],
                "full_name": person,
            }
        elif kind == 1:
            data = {
                "card_number": [rng.choice(CARDS) for _ in range(rows)],
                "amount": [str(rng.randrange(1, 500)) for _ in range(rows)],
            }
        elif kind == 2:
            data = {
                "note": [
                    rng.choice(
                        [
                            f"Ask {p} to rotate {rng.choice(SECRETS)} before Friday please",
                            f"Écrire à {m} au sujet de la commande, merci beaucoup",
                            "Arrived quickly and well packed, would order again",
                            "",
                        ]
                    )
                    for p, m in zip(person, mails, strict=True)
                ]
            }
        elif kind == 3:
            data = {
                "created_at": [
                    f"2025-0{rng.randrange(1, 9)}-1{rng.randrange(0, 9)} 10:22:0{j}"
                    for j in range(rows)
                ],
                "signup_ts": [f"2024-11-0{rng.randrange(1, 9)}" for _ in range(rows)],
            }
        elif kind == 4:  # one name, different kinds of values: e-mails here, text elsewhere
            data = {
                "value": mails if i % 2 else [f"see {m} for details on the order" for m in mails]
            }
        elif kind == 5:
            data = {
                "user_id": [str(i * 10 + j) for j in range(rows)],
                f"user{i % 3}@example.com": mails,
            }
        else:
            data = {"city": [rng.choice(["Leeds", "Omaha", None, ""]) for _ in range(rows)]}
        frame = pl.DataFrame(data, schema={k: pl.String for k in data})
        if i % 29 == 5:  # a table over probe_rows: scanned on its own, in order
            frame = pl.DataFrame({"email": [f"bulk{j}@example.net" for j in range(60)]})
        origin = f"db{i % 2}.sqlite" if i % 3 == 0 else f"t{i:04d}.csv"
        out.append((origin, f"t{i:04d}", frame))
    return out


def _scan(tables: list[tuple[str, str, pl.DataFrame]], **options: int) -> ScanReport:
    scanner = Scanner(Engine(), FP, ScanOptions(**options))  # type: ignore[arg-type]
    scanner.scan_frames(tables)
    return scanner.report()


def _scan_each(tables: list[tuple[str, str, pl.DataFrame]], **options: int) -> ScanReport:
    scanner = Scanner(Engine(), FP, ScanOptions(**options))  # type: ignore[arg-type]
    for origin, table, frame in tables:
        scanner.scan_frame(origin, table, frame)
    return scanner.report()


@pytest.mark.parametrize("group_tables", [5_000, 16])
def test_grouped_scan_equals_scanning_each_table(group_tables: int) -> None:
    tables = _mixed_tables(240)
    # probe_rows=50 sends the 60-row tables down the per-table path; max_values_per_rule=3
    # makes which value is listed first (the order values are recorded in) visible.
    options = {"probe_rows": 50, "max_values_per_rule": 3}
    each = _scan_each(tables, **options)
    grouped = _scan(tables, group_tables=group_tables, **options)
    assert grouped.model_dump() == each.model_dump()
    forced = _scan(tables, group_tables=1, **options)
    assert forced.model_dump() == each.model_dump()
    # the content is mixed enough to mean something
    entities = {c.entity for c in each.columns if c.kind == "entity"}
    assert {"EMAIL_ADDRESS", "PHONE_NUMBER", "CREDIT_CARD", "DATE_TIME"} <= entities
    assert any(f.category == "secret" for f in each.findings)
    header = [f for f in each.findings if f.location.row is None and f.location.column]
    assert header and all("***" in (f.location.column or "") for f in header)
    assert each.warnings  # overflow past max_values_per_rule


def test_sample_applies_to_grouped_tables() -> None:
    tables = _mixed_tables(60)
    assert _scan(tables, sample=1).model_dump() == _scan_each(tables, sample=1).model_dump()


def test_many_small_tables_take_few_engine_calls(monkeypatch: pytest.MonkeyPatch) -> None:
    calls = count_engine_calls(monkeypatch)
    tables = [
        (
            f"t{i}.csv",
            f"t{i}",
            pl.DataFrame({"user_id": [str(i)], "email": [f"p{i}@example.org"], "city": ["Leeds"]}),
        )
        for i in range(300)
    ]
    report = _scan(tables)
    # names once; the cells once per column name; the e-mail columns once more with their
    # detectors only: 5 calls, where scanning each table took 300 x (1 + 3 x 2) = 2,100
    assert len(calls) <= 6, len(calls)
    assert sum(c.entity == "EMAIL_ADDRESS" for c in report.columns) == 300


class _BatchSensitiveNer:
    """A NER model whose output may depend on the batch: records the batches it is given."""

    def __init__(self) -> None:
        self.batches: list[list[str]] = []

    def detect_batch(self, texts: list[str]) -> list[list[Match]]:
        self.batches.append(list(texts))
        return [[] for _ in texts]


def test_an_engine_with_ner_scans_each_table_on_its_own() -> None:
    tables = [
        (f"t{i}.csv", f"t{i}", pl.DataFrame({"note": [f"hello from table {i}"]})) for i in range(4)
    ]
    ner = _BatchSensitiveNer()
    scanner = Scanner(Engine(ner=ner), FP)
    scanner.scan_frames(tables)
    assert all(len({t for t in batch if t.startswith("hello")}) <= 1 for batch in ner.batches)
    assert len(scanner.report().columns) == 4
