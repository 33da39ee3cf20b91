"""verify_appended: a chain verified before and extended says what a full verification says,
checking only the appended records and the checkpoints not seen before."""

from __future__ import annotations

from dataclasses import replace

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from clearance.evidence.audit_trail import verify_appended, verify_entries
from clearance.evidence.chain import verify_chain
from clearance.evidence.signing import sign
from tests.evidence.test_chain import chain


def test_an_extension_is_verified_as_the_whole_chain() -> None:
    key = Ed25519PrivateKey.generate()
    entries = chain(6)
    points = [sign(key, e.seq, e.hash) for e in entries]
    before = verify_entries(entries[:4], points[:4])
    assert before.intact
    after = verify_appended(entries, points, before, set(points[:4]))
    assert after == verify_entries(entries, points) and after.intact and after.count == 6


def test_an_appended_record_that_does_not_verify_is_named() -> None:
    entries = chain(6)
    before = verify_chain(entries[:4])
    entries[4] = replace(entries[4], record={"n": 0})
    broken = verify_appended(entries, [], before, set()).broken
    assert broken is not None and (broken.seq, broken.reason) == (5, "altered")


def test_a_new_checkpoint_is_checked_and_an_old_one_is_not_again() -> None:
    key = Ed25519PrivateKey.generate()
    entries = chain(6)
    points = [sign(key, e.seq, e.hash) for e in entries]
    before = verify_entries(entries[:4], points[:4])
    forged = replace(points[5], head=entries[0].hash)
    broken = verify_appended(entries, [*points[:5], forged], before, set(points[:4])).broken
    assert broken is not None and "checkpoint 6" in broken.reason
    beyond = sign(key, 9, entries[5].hash)
    cut = verify_appended(entries, [*points, beyond], before, set(points[:4])).broken
    assert cut is not None and "7..9 deleted" in cut.reason
    # an old checkpoint changed since it was seen is not the one seen: checked again
    tampered_old = replace(points[0], signature="00" * 64)
    old = verify_appended(entries, [tampered_old, *points[1:]], before, set(points[:4])).broken
    assert old is not None and "checkpoint 1: signature invalid" in old.reason
