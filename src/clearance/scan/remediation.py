"""What to do about a finding, naming the clearance operation that fixes it."""

from __future__ import annotations

from clearance.reports.models import Fix


def advice(category: str, entity: str, scope: str) -> str:
    if category == "secret":
        return (
            "Rotate this credential now, then remove it from the source and its history "
            "(clearance remediation: redact); store secrets in a vault."
        )
    if scope == "column":
        return (
            f"Drop the column if the purpose does not need it; otherwise pseudonymize "
            f"{entity} values with a keyed hash (clearance remediation: pseudonymize)."
        )
    return f"Redact or mask {entity} spans in free text before use (clearance remediation: redact)."


def fix_for(category: str, scope: str) -> Fix:
    """The remediation operation for an engine finding."""
    if category == "secret":
        return "rotate"
    return "pseudonymize" if scope == "column" else "redact"
