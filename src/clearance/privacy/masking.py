"""Masked previews: enough shape to recognise a finding, never enough to recover the value."""

from __future__ import annotations

_SEP = " -./:()"


def _mask_email(value: str) -> str:
    local, _, domain = value.rpartition("@")
    host, _, tld = domain.rpartition(".")
    return f"{local[:1]}***@{host[:1]}***.{tld}"


def _mask_digits(value: str, keep: int) -> str:
    total = sum(c.isalnum() for c in value)
    shown = 0
    out = []
    for c in value:
        if c.isalnum():
            shown += 1
            out.append(c if shown > total - keep else "*")
        else:
            out.append(c)
    return "".join(out)


def _mask_words(value: str) -> str:
    return " ".join(f"{w[:1]}***" for w in value.split())


def mask(value: str, entity: str, category: str = "pii") -> str:
    """A preview of ``value`` safe to print in reports and logs."""
    if not value:
        return ""
    if category == "secret":
        head = ""
        for sep in ("_", "-", "."):
            idx = value.find(sep)
            if 0 < idx <= 7 and value[:idx].isalpha():
                head = value[: idx + 1]
                break
        return f"{head}***({len(value)} chars)"
    if entity == "EMAIL_ADDRESS" and "@" in value:
        return _mask_email(value)
    if entity in {"PERSON", "LOCATION"}:
        return _mask_words(value)
    alnum = sum(c.isalnum() for c in value)
    digit_share = sum(c.isdigit() for c in value) / max(1, alnum)
    if digit_share > 0.6 and alnum >= 12:
        return _mask_digits(value, 4)
    if alnum >= 8:
        return _mask_digits(value, 2)
    return value[:1] + "***"
