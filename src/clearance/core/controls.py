"""The control catalogue: regulation articles and framework controls a finding concerns.

Ids are stable strings that reports carry (``GDPR-5.1.c``); titles are for renderers. The mapping
is per finding category because the category says which obligation the finding puts at risk:
an e-mail address in training data is a minimisation and data-protection-by-design question,
a record past its retention period a storage-limitation one.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Framework = Literal["GDPR", "EU AI Act", "NIST AI RMF", "ISO/IEC 42001"]


@dataclass(frozen=True, slots=True)
class Control:
    id: str
    framework: Framework
    reference: str
    title: str


CONTROLS: dict[str, Control] = {
    c.id: c
    for c in (
        Control("GDPR-5.1.b", "GDPR", "Art. 5(1)(b)", "Purpose limitation"),
        Control("GDPR-5.1.c", "GDPR", "Art. 5(1)(c)", "Data minimisation"),
        Control("GDPR-5.1.e", "GDPR", "Art. 5(1)(e)", "Storage limitation"),
        Control("GDPR-5.1.f", "GDPR", "Art. 5(1)(f)", "Integrity and confidentiality"),
        Control("GDPR-6", "GDPR", "Art. 6", "Lawfulness of processing"),
        Control("GDPR-7", "GDPR", "Art. 7", "Conditions for consent"),
        Control("GDPR-9", "GDPR", "Art. 9", "Processing of special categories of personal data"),
        Control("GDPR-25", "GDPR", "Art. 25", "Data protection by design and by default"),
        Control("GDPR-32", "GDPR", "Art. 32", "Security of processing"),
        Control("GDPR-35", "GDPR", "Art. 35", "Data protection impact assessment"),
        Control("EUAIA-10", "EU AI Act", "Art. 10", "Data and data governance"),
        Control("EUAIA-19", "EU AI Act", "Art. 19", "Automatically generated logs (providers)"),
        Control(
            "EUAIA-26.6", "EU AI Act", "Art. 26(6)", "Automatically generated logs (deployers)"
        ),
        Control(
            "NIST-MEASURE-2.7",
            "NIST AI RMF",
            "MEASURE 2.7",
            "AI system security and resilience are evaluated and documented",
        ),
        Control(
            "NIST-MEASURE-2.10",
            "NIST AI RMF",
            "MEASURE 2.10",
            "Privacy risk of the AI system is examined and documented",
        ),
        Control(
            "ISO42001-A.7.2",
            "ISO/IEC 42001",
            "Annex A.7.2",
            "Data for development and enhancement of AI system",
        ),
        Control("ISO42001-A.7.3", "ISO/IEC 42001", "Annex A.7.3", "Acquisition of data"),
        Control("ISO42001-A.7.4", "ISO/IEC 42001", "Annex A.7.4", "Quality of data for AI systems"),
        Control("ISO42001-A.7.5", "ISO/IEC 42001", "Annex A.7.5", "Data provenance"),
        Control("ISO42001-A.7.6", "ISO/IEC 42001", "Annex A.7.6", "Data preparation"),
    )
}

_BY_CATEGORY: dict[str, tuple[str, ...]] = {
    "pii": ("GDPR-5.1.c", "GDPR-25", "GDPR-35", "EUAIA-10", "NIST-MEASURE-2.10", "ISO42001-A.7.2"),
    "secret": ("GDPR-5.1.f", "GDPR-32", "NIST-MEASURE-2.7", "ISO42001-A.7.2"),
    "special_category": (
        "GDPR-9",
        "GDPR-35",
        "EUAIA-10",
        "NIST-MEASURE-2.10",
        "ISO42001-A.7.4",
    ),
    "quasi_identifier": (
        "GDPR-25",
        "GDPR-35",
        "EUAIA-10",
        "NIST-MEASURE-2.10",
        "ISO42001-A.7.6",
    ),
    "retention": ("GDPR-5.1.e", "GDPR-25", "NIST-MEASURE-2.10", "ISO42001-A.7.3"),
    "consent": (
        "GDPR-5.1.b",
        "GDPR-6",
        "GDPR-7",
        "EUAIA-10",
        "NIST-MEASURE-2.10",
        "ISO42001-A.7.3",
        "ISO42001-A.7.5",
    ),
    "minimization": ("GDPR-5.1.c", "GDPR-25", "EUAIA-10", "NIST-MEASURE-2.10", "ISO42001-A.7.6"),
    "linkage": ("GDPR-25", "GDPR-35", "NIST-MEASURE-2.10", "ISO42001-A.7.6"),
}


def controls_for(category: str) -> list[str]:
    """Control ids for a finding category, in catalogue order."""
    return list(_BY_CATEGORY.get(category, ()))


def describe(control_id: str) -> str:
    c = CONTROLS[control_id]
    return f"{c.framework} {c.reference}: {c.title}"
