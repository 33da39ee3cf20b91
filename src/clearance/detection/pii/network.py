"""Network identifiers: IP and MAC addresses, device IMEIs."""

from __future__ import annotations

from stdnum import imei

from clearance.core.severity import Severity
from clearance.detection import validators as v
from clearance.detection.pii._rule import pii

DETECTORS = (
    pii(
        "ipv4",
        "IP_ADDRESS",
        r"\b(?:\d{1,3}\.){3}\d{1,3}\b",
        positives=("client 192.168.10.24 connected", "8.8.8.8"),
        negatives=("999.1.1.1", "version 1.2.3", "0.0.0.0"),
        score=0.85,
        validator=v.ip_address,
        context=("ip", "client", "host", "addr", "from", "remote"),
        anti_context=("version", "release", "v."),
        severity=Severity.MEDIUM,
    ),
    pii(
        "ipv6",
        "IP_ADDRESS",
        r"(?:[0-9A-Fa-f]{1,4}:){1,7}(?::|[0-9A-Fa-f]{1,4})(?::[0-9A-Fa-f]{1,4}){0,6}",
        positives=("2001:db8:85a3::8a2e:370:7334", "fe80::1ff:fe23:4567:890a"),
        negatives=("12:30:45", "a:b"),
        score=0.85,
        validator=v.ip_address,
        severity=Severity.MEDIUM,
    ),
    pii(
        "mac-address",
        "MAC_ADDRESS",
        (
            r"\b[0-9A-Fa-f]{2}(?:[:-][0-9A-Fa-f]{2}){5}\b",
            r"\b[0-9A-Fa-f]{4}\.[0-9A-Fa-f]{4}\.[0-9A-Fa-f]{4}\b",
        ),
        positives=("device 00:1A:2B:3C:4D:5E", "a4-5e-60-e8-1f-0b", "0011.2233.4455"),
        negatives=("00:1A:2B:3C:4D", "12:30:45"),
        score=0.85,
        validator=v.not_repetitive,
        severity=Severity.MEDIUM,
    ),
    pii(
        "imei",
        "IMEI",
        r"\b\d{2}[ -]?\d{6}[ -]?\d{6}[ -]?\d\b",
        positives=("IMEI 490154203237518", "imei: 35-209900-176148-1"),
        negatives=("490154203237518", "IMEI 490154203237519"),
        score=0.6,
        validator=v.stdnum_valid(imei),
        context=("imei", "device", "handset"),
        requires_context=True,
        severity=Severity.MEDIUM,
    ),
)
