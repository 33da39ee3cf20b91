"""The store's paged reads (the dashboard's): run lines newest first with filters, one run by
id, the head, entries read in batches."""

from __future__ import annotations

from clearance.evidence import new_record, open_store
from clearance.evidence.chain import GENESIS


def test_pages_filters_lookups_and_batches(store_url: str) -> None:
    store = open_store(store_url)
    assert store.head() == (0, GENESIS) and store.count() == 0 and store.lines() == []
    ids = [
        store.append(new_record("scan" if i % 3 else "audit", verdict="pass" if i % 2 else "fail"))
        for i in range(30)
    ]
    assert store.count() == 30 and store.count(command="audit") == 10
    assert store.count(command="audit", verdict="pass") == 5
    page = store.lines(offset=5, limit=10)
    assert [x.seq for x in page] == list(range(25, 15, -1))
    assert [x.run_id for x in store.lines(limit=2)] == ids[:-3:-1]
    assert store.distinct("command") == ["audit", "scan"]
    entry = store.entry(ids[7])
    assert entry is not None and entry.seq == 8 and store.entry("nope") is None
    assert store.head() == (30, store.entries()[-1].hash)
    assert [e.seq for e in store.iter_entries(25, batch=7)] == list(range(1, 26))
    assert list(store.iter_entries(0)) == []
