"""US government and health identifiers, and national identity numbers validated by python-stdnum."""

from __future__ import annotations

import re

from stdnum.au import tfn
from stdnum.br import cpf
from stdnum.ca import sin
from stdnum.de import idnr
from stdnum.es import dni, nie
from stdnum.fr import nir
from stdnum.gb import nhs
from stdnum.in_ import aadhaar, pan
from stdnum.it import codicefiscale
from stdnum.nl import bsn
from stdnum.pl import pesel
from stdnum.se import personnummer
from stdnum.us import itin, ssn

from clearance.core.severity import Severity
from clearance.detection import validators as v
from clearance.detection.detector import Refiner
from clearance.detection.pii._rule import BUSINESS_NUMBER_WORDS, pii

_SPACED_GROUP_AFTER = re.compile(r" \d{2}")
_SPACED_GROUP_BEFORE = re.compile(r"\d{2} $")


def _unglued(score: float) -> Refiner:
    """Drops digits that are one group of a longer identifier: the last group of a UUID,
    "INV-59268927", a dashed card number, or the first twelve digits of a number typed in
    groups of four ("4780 0837 4071 8815", a tracking number)."""

    def refine(text: str, start: int, end: int) -> tuple[int, int, float] | None:
        if start >= 2 and text[start - 1] in "-/#_" and text[start - 2].isalnum():
            return None
        if end + 1 < len(text) and text[end] in "-_" and text[end + 1].isalnum():
            return None
        if " " in text[start:end] and (
            _SPACED_GROUP_AFTER.match(text, end, end + 3)
            or _SPACED_GROUP_BEFORE.search(text, max(0, start - 3), start)
        ):
            return None
        return start, end, score

    return refine


_ID_WORDS = ("id", "identity", "national", "number", "no.", "nr", "tax", "personal")

DETECTORS = (
    pii(
        "us-ssn",
        "US_SSN",
        (r"\b\d{3}-\d{2}-\d{4}\b", r"\b\d{3} \d{2} \d{4}\b"),
        positives=("SSN 536-90-4399", "social security number: 536 90 4399"),
        negatives=("000-12-3456", "666-12-3456", "536-00-4399", "078-05-1120"),
        score=0.75,
        validator=v.stdnum_valid(ssn, compact=True),
        context=("ssn", "social security", "soc sec", "ss#", "ss #", "tax"),
        anti_context=BUSINESS_NUMBER_WORDS,
        severity=Severity.CRITICAL,
    ),
    pii(
        "us-ssn-bare",
        "US_SSN",
        r"\b\d{9}\b",
        positives=("ssn: 536904399",),
        negatives=("536904399", "ssn: 000904399"),
        score=0.5,
        validator=v.stdnum_valid(ssn, compact=True),
        context=("ssn", "social security", "ss#"),
        context_boost=0.4,
        requires_context=True,
        severity=Severity.CRITICAL,
    ),
    pii(
        "us-itin",
        "US_ITIN",
        r"\b9\d{2}[- ]?[5-9]\d[- ]?\d{4}\b",
        positives=("ITIN 912-71-1234", "taxpayer id 912 71 1234"),
        negatives=("912-45-1234", "812-71-1234"),
        score=0.6,
        validator=v.stdnum_valid(itin, compact=True),
        context=("itin", "taxpayer", "tax id", "tin"),
        anti_context=BUSINESS_NUMBER_WORDS,
        severity=Severity.CRITICAL,
    ),
    pii(
        "us-passport",
        "US_PASSPORT",
        r"\b[A-Z]?\d{8,9}\b",
        positives=("passport number 912803456", "Passport: A12345678"),
        negatives=(
            "912803456",
            "passport photo size 35x45",
            "invoice INV-59268927, passport to follow",
        ),
        score=0.5,
        validator=v.not_repetitive,
        refine=_unglued(0.5),
        context=("passport",),
        context_boost=0.4,
        requires_context=True,
        severity=Severity.HIGH,
    ),
    pii(
        "us-driver-license",
        "US_DRIVER_LICENSE",
        (r"\b[A-Z]\d{4,14}\b", r"\b[A-Z]{1,2}\d{5,8}\b", r"\b\d{7,12}\b"),
        positives=(
            "driver's license D1234567",
            "DL number: 123456789",
            "driving licence S12345678",
        ),
        negatives=("D1234567", "license key MIT-2024"),
        score=0.45,
        validator=v.not_repetitive,
        context=("driver", "driving", "dl#", "dl number", "dl no", "licence", "license no"),
        context_boost=0.4,
        requires_context=True,
        severity=Severity.HIGH,
    ),
    pii(
        "medical-license-dea",
        "MEDICAL_LICENSE",
        r"\b[ABCDEFGHJKLMPRSTUX][A-Z9]\d{7}\b",
        positives=("DEA number AB1234563", "prescriber BJ6125341"),
        negatives=("AB1234564", "ZZ1234563"),
        score=0.7,
        validator=v.dea_number,
        context=("dea", "prescriber", "license", "physician", "dr."),
        severity=Severity.HIGH,
        description="US DEA registration numbers with their check digit.",
    ),
    pii(
        "uk-nhs",
        "UK_NHS",
        (r"\b\d{3} \d{3} \d{4}\b", r"\b\d{3}-\d{3}-\d{4}\b", r"\b\d{10}\b"),
        positives=("NHS number 943 476 5919", "nhs no: 9434765919"),
        negatives=("943 476 5918", "nhs no: 1234567890"),
        score=0.55,
        validator=v.stdnum_valid(nhs),
        context=("nhs", "health", "patient", "gp"),
        context_boost=0.4,
        anti_context=BUSINESS_NUMBER_WORDS,
        requires_context=True,
        severity=Severity.HIGH,
    ),
    pii(
        "uk-nino",
        "UK_NINO",
        r"\b[A-CEGHJ-PR-TW-Z][A-CEGHJ-NPR-TW-Z] ?\d{2} ?\d{2} ?\d{2} ?[A-D]\b",
        positives=("NI number AB 12 34 56 C", "nino: JG103759A"),
        negatives=("GB123456A", "AB123456E", "DA123456A"),
        score=0.8,
        validator=v.uk_nino,
        context=("national insurance", "nino", "ni number", "ni no"),
        severity=Severity.HIGH,
    ),
    pii(
        "de-tax-id",
        "DE_TAX_ID",
        r"\b\d{2} ?\d{3} ?\d{3} ?\d{3}\b",
        positives=("Steuer-IdNr 36574261809", "Steuerliche Identifikationsnummer: 36 574 261 809"),
        negatives=("36574261808", "Steuer-IdNr 11111111111"),
        score=0.5,
        validator=v.stdnum_valid(idnr),
        context=("steuer", "idnr", "identifikationsnummer", "tax id", "tin"),
        context_boost=0.4,
        requires_context=True,
    ),
    pii(
        "fr-nir",
        "FR_NIR",
        r"\b[12] ?\d{2} ?\d{2} ?(?:\d{2}|2[AB]) ?\d{3} ?\d{3} ?\d{2}\b",
        positives=("NIR 2 95 10 99 126 111 93", "sécurité sociale: 295109912611193"),
        negatives=("295109912611194", "3 95 10 99 126 111 93"),
        score=0.8,
        validator=v.stdnum_valid(nir),
        context=("nir", "sécurité sociale", "securite sociale", "insee"),
    ),
    pii(
        "es-nif",
        "ES_NIF",
        r"\b\d{8}-?[A-Z]\b",
        positives=("DNI 54362315K", "NIF: 54362315-K"),
        negatives=("54362315Z", "12345678A"),
        score=0.85,
        validator=v.stdnum_valid(dni),
    ),
    pii(
        "es-nie",
        "ES_NIE",
        r"\b[XYZ]-?\d{7}-?[A-Z]\b",
        positives=("NIE X2482300W", "nie: Y-1234567-X"),
        negatives=("X2482300A", "Z1234567A"),
        score=0.85,
        validator=v.stdnum_valid(nie),
    ),
    pii(
        "in-aadhaar",
        "IN_AADHAAR",
        r"\b[2-9]\d{3}[ -]?\d{4}[ -]?\d{4}\b",
        positives=("Aadhaar 2341 2341 2346", "aadhaar no: 234123412346"),
        negatives=(
            "2341 2341 2347",
            "1234 5678 9012",
            "uid 3f2a9c1e-4b7d-4e2a-9c3b-234123412346",
            "request_id=698c3868-2341-2341-2346-113de1f50a62",
            "card 2341-2341-2346-9106",
            "tracking 2341 2341 2346 9106",
        ),
        score=0.6,
        validator=v.stdnum_valid(aadhaar),
        refine=_unglued(0.6),
        context=("aadhaar", "uidai", "uid"),
        context_boost=0.35,
        anti_context=BUSINESS_NUMBER_WORDS,
    ),
    pii(
        "in-pan",
        "IN_PAN",
        r"\b[A-Z]{3}[ABCFGHJLPT][A-Z]\d{4}[A-Z]\b",
        positives=("PAN ACUPA7085R", "pan card: AAAPL1234C"),
        negatives=("ACUXA7085R", "ACUPA7085"),
        score=0.75,
        validator=v.stdnum_valid(pan),
        context=("pan", "income tax", "permanent account"),
    ),
    pii(
        "it-fiscal-code",
        "IT_FISCAL_CODE",
        r"\b[A-Z]{6}\d{2}[A-EHLMPR-T]\d{2}[A-Z]\d{3}[A-Z]\b",
        positives=("codice fiscale RCCMNL83S18D969H", "CF: MRTMTT91D08F205J"),
        negatives=("RCCMNL83S18D969A", "RCCMNL83Z18D969H"),
        score=0.9,
        validator=v.stdnum_valid(codicefiscale),
    ),
    pii(
        "nl-bsn",
        "NL_BSN",
        r"\b\d{4}\.?\d{2}\.?\d{3}\b",
        positives=("BSN 1112.22.333", "burgerservicenummer: 111222333"),
        negatives=("BSN 111222334", "111222333"),
        score=0.5,
        validator=v.stdnum_valid(bsn),
        context=("bsn", "burgerservicenummer", "sofinummer"),
        context_boost=0.4,
        requires_context=True,
    ),
    pii(
        "pl-pesel",
        "PL_PESEL",
        r"\b\d{11}\b",
        positives=("PESEL 44051401359", "pesel: 02070803628"),
        negatives=("PESEL 44051401358", "44051401359"),
        score=0.5,
        validator=v.stdnum_valid(pesel),
        context=("pesel",),
        context_boost=0.4,
        requires_context=True,
    ),
    pii(
        "se-personnummer",
        "SE_PERSONNUMMER",
        r"\b(?:\d{2})?\d{6}[-+]\d{4}\b",
        positives=("personnummer 880320-0016", "19880320-0016"),
        negatives=("880320-0017", "881320-0016"),
        score=0.75,
        validator=v.stdnum_valid(personnummer),
        context=("personnummer", "personal number"),
    ),
    pii(
        "au-tfn",
        "AU_TFN",
        r"\b\d{3} ?\d{3} ?\d{2,3}\b",
        positives=("TFN 123 456 782", "tax file number: 123456782"),
        negatives=("TFN 123 456 789", "123 456 782"),
        score=0.5,
        validator=v.stdnum_valid(tfn),
        context=("tfn", "tax file"),
        context_boost=0.4,
        requires_context=True,
    ),
    pii(
        "ca-sin",
        "CA_SIN",
        r"\b\d{3}[ -]?\d{3}[ -]?\d{3}\b",
        positives=("SIN 130 692 544", "social insurance number: 130-692-544"),
        negatives=("SIN 130 692 545", "130 692 544"),
        score=0.5,
        validator=v.stdnum_valid(sin, compact=True),
        context=("sin", "social insurance"),
        context_boost=0.4,
        requires_context=True,
    ),
    pii(
        "br-cpf",
        "BR_CPF",
        r"\b\d{3}\.\d{3}\.\d{3}-\d{2}\b",
        positives=("CPF 390.533.447-05", "cpf: 390.533.447-05"),
        negatives=("390.533.447-06", "111.111.111-11"),
        score=0.7,
        validator=v.stdnum_valid(cpf),
        context=("cpf", "cadastro"),
        anti_context=BUSINESS_NUMBER_WORDS,
    ),
)
