"""The one finding builder, and the core's place below every job."""

from __future__ import annotations

import subprocess
import sys

import pytest

from clearance.core.controls import controls_for
from clearance.core.findings import Location, build_finding
from clearance.core.severity import Severity
from clearance.privacy import Fingerprinter

FP = Fingerprinter(b"core-test-key")


def _finding(**over: object):  # type: ignore[no-untyped-def]
    args: dict[str, object] = {
        "rule": "consent",
        "category": "consent",
        "entity": "CONSENT",
        "severity": Severity.HIGH,
        "scope": "table",
        "location": Location(file="t/users.csv", table="users", column="user_id"),
        "count": 3,
        "fingerprinter": FP,
        "identity": "users\x00user_id\x00",
        "remediation": "exclude them",
        "fix": "exclude-unconsented",
    }
    args.update(over)
    return build_finding(**args)  # type: ignore[arg-type]


def test_fingerprint_is_the_keyed_hash_of_rule_and_identity() -> None:
    f = _finding()
    assert f.fingerprint == FP.of("consent", "users\x00user_id\x00")
    assert f.fingerprint != _finding(identity="users\x00email\x00").fingerprint
    assert f.fingerprint != _finding(fingerprinter=Fingerprinter(b"other")).fingerprint


def test_controls_come_from_the_category() -> None:
    assert _finding().controls == controls_for("consent")
    assert _finding(category="secret").controls == controls_for("secret")
    assert _finding().controls  # consent concerns at least one article


@pytest.mark.parametrize(
    ("share", "shown"), [(None, None), (-0.5, 0.0), (1.7, 1.0), (1 / 3, 0.3333), (0.0, 0.0)]
)
def test_share_is_clamped_and_rounded(share: float | None, shown: float | None) -> None:
    assert _finding(share=share).share == shown


def test_count_is_at_least_one_and_score_is_rounded() -> None:
    assert _finding(count=0).count == 1
    assert _finding(count=7).count == 7
    assert _finding().score == 1.0
    assert _finding(score=0.123456).score == 0.1235


def test_defaults_are_empty_not_shared() -> None:
    a, b = _finding(), _finding()
    assert a.metrics == {} and a.why == "" and a.preview == ""
    assert a.metrics is not b.metrics


def test_core_imports_no_job() -> None:
    """The core sits below detection, scan, audit and the renderers: importing it loads none."""
    code = (
        "import sys, clearance.core.findings, clearance.core.run, clearance.core.severity\n"
        "jobs = ('detection', 'scan', 'audit', 'fairness', 'llm', 'reports', 'cli')\n"
        "print(sorted(m for m in sys.modules if m.split('.')[:2][-1] in jobs"
        " and m.startswith('clearance.')))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    assert out.strip() == "[]"
