"""Payment cards, bank accounts, routing numbers and crypto wallets."""

from __future__ import annotations

from stdnum import bitcoin, iban
from stdnum.us import rtn

from clearance.core.severity import Severity
from clearance.detection import validators as v
from clearance.detection.pii._rule import BUSINESS_NUMBER_WORDS, pii

DETECTORS = (
    pii(
        "credit-card",
        "CREDIT_CARD",
        r"\b\d{4}(?:[ -]?\d{2,7}){2,4}\b",
        positives=(
            "4111 1111 1111 1111",
            "card 5555-5555-5555-4444",
            "2223003122003222",
            "Amex 3782 822463 10005",
            "JCB 3530111333300000",
            "Diners 36227206271667",
            "Discover 6011 1111 1111 1117",
            "visa 4222222222222",
            "Maestro 501812345673",
            "Maestro 6759 6498 2648",
            "JCB 213100000000001",
            "JCB 1800 1234 5678 905",
        ),
        negatives=(
            "4111 1111 1111 1112",
            "1234 5678 9012 3456",
            "0000 0000 0000 0000",
            "order 2024 0501 1200 55",
            "ratio 0.36227206271667",
            "mean 4111111111111111.5",
            "401812345676",
        ),
        score=0.9,
        validator=v.credit_card,
        context=("card", "visa", "mastercard", "amex", "credit", "debit", "cc", "payment"),
        anti_context=("order", "tracking", "invoice", "sku"),
        severity=Severity.CRITICAL,
        description="Every network's prefixes and lengths (12-19 digits: Maestro 12-19, JCB "
        "2131/1800 15), Luhn-validated by python-stdnum; never the digits of a decimal number.",
    ),
    pii(
        "iban",
        "IBAN_CODE",
        r"\b[A-Z]{2}\d{2}(?:[ ]?[A-Z0-9]{4}){2,7}(?:[ ]?[A-Z0-9]{1,3})?\b",
        positives=(
            "GB82WEST12345698765432",
            "IBAN: DE89 3704 0044 0532 0130 00",
            "FR1420041010050500013M02606",
        ),
        negatives=("GB82WEST12345698765431", "DE00 1234 5678 9012 3456 78"),
        score=0.95,
        validator=v.stdnum_valid(iban),
        severity=Severity.HIGH,
        description="IBAN of any country, mod-97 checked by python-stdnum.",
    ),
    pii(
        "aba-routing",
        "ABA_ROUTING_NUMBER",
        r"\b\d{9}\b",
        positives=("routing number 021000021", "ABA 011000015"),
        negatives=("021000021", "routing number 021000022"),
        score=0.5,
        validator=v.stdnum_valid(rtn),
        context=("routing", "aba", "rtn", "transit"),
        context_boost=0.4,
        requires_context=True,
        severity=Severity.MEDIUM,
    ),
    pii(
        "us-bank-account",
        "US_BANK_NUMBER",
        r"\b\d{8,17}\b",
        positives=("checking account 000123456789", "acct no. 12345678901"),
        negatives=("00012345678", "order 12345678901"),
        score=0.45,
        validator=v.not_repetitive,
        context=("account", "acct", "checking", "savings", "bank"),
        context_boost=0.4,
        requires_context=True,
        anti_context=BUSINESS_NUMBER_WORDS,
    ),
    pii(
        "crypto-btc",
        "CRYPTO",
        (r"\b[13][a-km-zA-HJ-NP-Z1-9]{25,34}\b", r"\bbc1[ac-hj-np-z02-9]{11,71}\b"),
        positives=(
            "send to 1BvBMSEYstWetqTFn5Au4m4GFg7xJaNVN2",
            "bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq",
            "3J98t1WpEZ73CNmQviecrnyiWrnqRhWNLy",
        ),
        negatives=(
            "1BvBMSEYstWetqTFn5Au4m4GFg7xJaNVN3",
            "bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdx",
        ),
        score=0.95,
        validator=v.stdnum_valid(bitcoin),
        severity=Severity.MEDIUM,
        description="Bitcoin addresses (base58check and bech32), checked by python-stdnum.",
    ),
    pii(
        "crypto-eth",
        "CRYPTO",
        r"\b0x[a-fA-F0-9]{40}\b",
        positives=("wallet 0x52908400098527886E0F7030069857D2E4169EE7",),
        negatives=("0x52908400098527886E0F7030069857D2E4169E", "0xzz"),
        score=0.6,
        context=("wallet", "eth", "ether", "address", "send"),
        severity=Severity.MEDIUM,
    ),
)
