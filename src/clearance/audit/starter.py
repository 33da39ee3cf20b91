"""``clearance init DATA...``: a starter policy written for the user's own tables.

Every guess comes from the audit's own detection, so that the policy says what the audit would
have assumed anyway, made explicit and editable: the subject key and subject table
(:func:`clearance.audit.subjects.link_subjects`), each table's timestamp
(:func:`clearance.audit.checks.retention.detect_timestamp`) and quasi-identifiers
(:func:`clearance.audit.quasi.detect_quasi_identifiers`). Every column is listed as a feature
(the minimisation check then runs; the user removes what the purpose does not need), and a
table with a timestamp gets a placeholder retention period, marked as such.

Names from the data are written as JSON strings (valid YAML), so no column name can change the
structure of the file.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field

from clearance.audit.checks.retention import detect_timestamp
from clearance.audit.quasi import detect_quasi_identifiers
from clearance.audit.sources import Table
from clearance.audit.subjects import link_subjects

__all__ = ["PLACEHOLDER_RETENTION_DAYS", "Guesses", "starter_for"]

PLACEHOLDER_RETENTION_DAYS = 365


@dataclass
class Guesses:
    """What :func:`starter_for` guessed, for the summary ``clearance init`` prints."""

    subject_key: str | None = None
    subject_table: str | None = None
    linked: list[str] = field(default_factory=list)
    timestamps: dict[str, str] = field(default_factory=dict)
    quasi_identifiers: dict[str, list[str]] = field(default_factory=dict)

    def summary(self, tables: int) -> list[str]:
        lines = [f"{tables} tables"]
        if self.subject_key:
            linked = ", ".join(self.linked) or "none"
            lines.append(
                f"subject key {self.subject_key} (subject table {self.subject_table}; "
                f"linked: {linked})"
            )
        else:
            lines.append("no subject key found: set subject_key if the tables share one")
        stamps = ", ".join(f"{t}.{c}" for t, c in self.timestamps.items())
        lines.append(
            f"timestamps: {stamps} (retention {PLACEHOLDER_RETENTION_DAYS} days: a placeholder)"
            if stamps
            else "timestamps: none found"
        )
        qis = "; ".join(f"{t}: {', '.join(c)}" for t, c in self.quasi_identifiers.items())
        lines.append(f"quasi-identifiers: {qis or 'none found'}")
        return lines


def _q(name: str) -> str:
    return json.dumps(name, ensure_ascii=False)


def _list(names: Sequence[str]) -> str:
    return "[" + ", ".join(_q(n) for n in names) + "]"


def starter_for(tables: Sequence[Table]) -> tuple[str, Guesses]:
    """A commented policy for ``tables`` and what was guessed."""
    ordered = sorted(tables, key=lambda t: t.name)
    links = link_subjects(list(ordered), None, {})
    guesses = Guesses(
        subject_key=links.key,
        subject_table=links.subject_table,
        linked=sorted(t for t in links.keys if t != links.subject_table),
    )
    out = [
        "# clearance policy written by `clearance init` from your tables: every value below is",
        '# a guess to check. Reference: README.md, section "Policy".',
        "version: 1",
        "profile: gdpr            # gdpr | ccpa | none: defaults for k, l, fail_on and retention",
        "purpose: model-training  # the purpose the data is cleared for",
        "",
    ]
    if links.key:
        out += [
            f"# Detected: unique in {links.subject_table}, found in "
            f"{', '.join(guesses.linked) or 'no other table'}.",
            f"subject_key: {_q(links.key)}",
        ]
    else:
        out.append(
            "# subject_key: user_id   # no column links the tables to a person; name it here"
        )
    out += [
        "",
        "k: 5",
        "l: 2",
        "fail_on: high",
        "# reference_date: 2026-01-31   # 'today' for retention (default: the day the audit runs)",
        "",
        "# consent:                  # where consent for the purpose is recorded, if anywhere",
        "#   table: users",
        "#   column: consent_purposes",
        "",
        "entities:",
        "  forbidden: [CREDIT_CARD, US_SSN, IBAN_CODE]",
        "  allowed: []",
        "",
        "# Per table. features: every column for now; remove those the purpose does not need.",
        "tables:",
    ]
    for table in ordered:
        out.append(f"  {_q(table.name)}:")
        stamp = detect_timestamp(table)  # a lazily read table is not loaded for this
        if stamp is not None:
            guesses.timestamps[table.name] = stamp
            out += [
                f"    timestamp: {_q(stamp)}",
                f"    retention_days: {PLACEHOLDER_RETENTION_DAYS}   # placeholder: set yours",
            ]
        key = links.keys.get(table.name)
        if key is not None and key != links.key:
            out.append(f"    subject_key: {_q(key)}")
        qis = detect_quasi_identifiers(table.columns)
        if qis:
            guesses.quasi_identifiers[table.name] = qis
        out += [
            f"    quasi_identifiers: {_list(qis)}",
            "    sensitive_attributes: []",
            f"    features: {_list(table.columns)}",
        ]
    return "\n".join(out) + "\n", guesses
