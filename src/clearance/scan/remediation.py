"""What to do about a finding, naming the clearance operation that fixes it."""

from __future__ import annotations

from clearance.core.findings import Fix


def advice(category: str, entity: str, scope: str) -> str:
    if category == "secret":
        return (
            "Rotate this credential now, then remove it from the source and its history "
            "(clearance remediation: redact); store secrets in a vault."
        )
    if category == "special_category":
        return _special_advice(entity, scope)
    if scope == "column":
        return (
            f"Drop the column if the purpose does not need it; otherwise pseudonymize "
            f"{entity} values with a keyed hash (clearance remediation: pseudonymize)."
        )
    return f"Redact or mask {entity} spans in free text before use (clearance remediation: redact)."


# GDPR Art. 9: what the data reveals, and why it needs more than ordinary PII handling.
_SPECIAL: dict[str, str] = {
    "HEALTH_DATA": "health data (conditions, medication, devices, pregnancy)",
    "RELIGIOUS_BELIEF": "religious or philosophical beliefs",
    "ETHNIC_ORIGIN": "racial or ethnic origin",
    "SEXUAL_ORIENTATION": "sexual orientation or sex life",
    "POLITICAL_OPINION": "political opinions",
    "TRADE_UNION_MEMBERSHIP": "trade union membership",
    "BIOMETRIC_DATA": "biometric data (fingerprints, face, iris, voice)",
    "GENETIC_DATA": "genetic data (DNA tests, genotypes, gene variants)",
}


def _special_advice(entity: str, scope: str) -> str:
    what = _SPECIAL.get(entity, "special-category data")
    basis = (
        "GDPR Art. 9 special category: processing it needs an Art. 9(2) condition such as "
        "explicit consent"
    )
    if entity in {"BIOMETRIC_DATA", "GENETIC_DATA"}:
        basis += "; biometric and genetic data also need a DPIA and strict access control"
    if scope == "column":
        return (
            f"This column holds {what} ({basis}). Drop it unless the purpose needs it and a "
            f"condition applies; otherwise restrict access and pseudonymize {entity} values "
            f"(clearance remediation: pseudonymize)."
        )
    return (
        f"This text reveals {what} about a person ({basis}). Redact these spans before "
        f"training or sharing (clearance remediation: redact)."
    )


def fix_for(category: str, scope: str) -> Fix:
    """The remediation operation for an engine finding."""
    if category == "secret":
        return "rotate"
    return "pseudonymize" if scope == "column" else "redact"
