from __future__ import annotations

from dataclasses import replace

from clearance.evidence.chain import GENESIS, Entry, canonical_json, entry_hash, verify_chain


def chain(n: int) -> list[Entry]:
    entries: list[Entry] = []
    prev = GENESIS
    for seq in range(1, n + 1):
        record = {"run_id": f"r{seq}", "command": "scan", "n": seq}
        digest = entry_hash(seq, prev, record)
        entries.append(Entry(seq, prev, digest, record))
        prev = digest
    return entries


def test_canonical_json_is_independent_of_key_order() -> None:
    assert canonical_json({"b": 1, "a": [1, "é"]}) == canonical_json({"a": [1, "é"], "b": 1})
    assert canonical_json({"a": "é"}) == '{"a":"é"}'


def test_intact_chain_verifies() -> None:
    result = verify_chain(chain(4))
    assert result.intact and result.count == 4 and result.head == chain(4)[-1].hash


def test_empty_chain_is_intact() -> None:
    assert verify_chain([]).intact


def test_altered_record_is_named() -> None:
    entries = chain(4)
    entries[2] = replace(entries[2], record={**entries[2].record, "n": 99})
    broken = verify_chain(entries).broken
    assert broken is not None
    assert (broken.seq, broken.run_id, broken.reason) == (3, "r3", "altered")


def test_deleted_record_is_named() -> None:
    entries = chain(4)
    del entries[1]
    broken = verify_chain(entries).broken
    assert broken is not None and broken.seq == 3 and "2..2 deleted" in broken.reason


def test_reordered_records_are_named() -> None:
    entries = chain(4)
    entries[1], entries[2] = entries[2], entries[1]
    broken = verify_chain(entries).broken
    assert broken is not None and broken.seq == 3 and "reordered" in broken.reason


def test_swapped_payloads_keep_positions_but_break_the_chain() -> None:
    entries = chain(3)
    a, b = entries[0], entries[1]
    entries[0] = replace(a, record=b.record, hash=b.hash)
    entries[1] = replace(b, record=a.record, hash=a.hash)
    broken = verify_chain(entries).broken
    assert broken is not None and broken.seq == 1


def test_a_continuation_verifies_from_the_head_it_follows() -> None:
    entries = chain(5)
    prefix = verify_chain(entries[:3])
    rest = verify_chain(entries[3:], after=(prefix.count, prefix.head))
    assert rest == verify_chain(entries) and rest.count == 5
    # the appended records must link to that head, and be the next positions
    wrong = verify_chain(entries[3:], after=(3, entries[1].hash)).broken
    assert wrong is not None and wrong.seq == 4 and "does not follow" in wrong.reason
    gap = verify_chain(entries[4:], after=(3, entries[2].hash)).broken
    assert gap is not None and gap.seq == 5 and "4..4 deleted" in gap.reason
    altered = [entries[3], replace(entries[4], record={"n": 0})]
    broken = verify_chain(altered, after=(3, entries[2].hash)).broken
    assert broken is not None and (broken.seq, broken.reason) == (5, "altered")
