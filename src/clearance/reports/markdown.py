"""Markdown primitives the reports share: tables and the sign-off block. Cells are Markdown
already: text from data goes through ``md_text`` or ``md_code`` (:mod:`clearance.reports.escape`)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

_BLANK = "______________________________"


def md_table(head: Sequence[str], rows: Iterable[Sequence[str]]) -> list[str]:
    out = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    return out + ["| " + " | ".join(r) + " |" for r in rows]


def signoff_lines(decisions: Sequence[str]) -> list[str]:
    """The sign-off block: reviewer, role, date, one box per decision, conditions, signature."""
    return [
        "",
        "## Sign-off",
        "",
        f"- Reviewed by: {_BLANK}",
        f"- Role: {_BLANK}",
        f"- Date: {_BLANK}",
        "- Decision: " + " / ".join(f"[ ] {d}" for d in decisions),
        f"- Conditions and notes: {_BLANK}",
        f"- Signature: {_BLANK}",
    ]
