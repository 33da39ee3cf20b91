"""The known-secret list (a vault export, one secret per line) of ``clearance llm inventory``.

:func:`read_vault` reads the file; :func:`import_vault` fingerprints each entry as soon as it is
read (``of("value", value)``, the inventory's ``value_fingerprint``) and counts blank and
duplicate lines. Entries of at least ``MIN_VAULT_LITERAL`` characters are also searched literally
in the corpus, so a known password no detector recognises is still counted; those hits are items
with rule ``vault``, entity ``SECRET``. Vault entries never seen in the corpus stay in the
inventory with ``occurrences == 0`` and ``source == "vault"``.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from clearance.errors import InputError
from clearance.llm.inventory_models import VALUE_RULE, VaultSummary
from clearance.privacy import Fingerprinter

MIN_VAULT_LITERAL = 8


def read_vault(path: Path) -> list[str]:
    """Lines of a known-secret list (one secret per line). ``InputError`` if the file is
    missing, binary, empty or not UTF-8; blank and duplicate lines are counted later."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise InputError(str(path), f"cannot read the vault file: {exc.strerror}") from None
    if not raw.strip():
        raise InputError(str(path), "vault file is empty; expected one secret per line")
    if b"\x00" in raw:
        raise InputError(
            str(path), "vault file is binary (NUL bytes); expected one secret per line"
        )
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError(
            str(path), f"vault file is not valid UTF-8 (byte {exc.start}); re-export it as UTF-8"
        ) from None
    return text.splitlines()


@dataclass
class VaultEntry:
    value_fp: str
    line: int
    value: str = field(repr=False)


def import_vault(
    lines: Iterable[str], fp: Fingerprinter, warnings: list[str]
) -> tuple[dict[str, VaultEntry], VaultSummary]:
    """The entries of a known-secret list by value fingerprint, and its counts; a note on the
    entries too short to search literally is added to ``warnings``."""
    entries: dict[str, VaultEntry] = {}
    total = blank = duplicates = 0
    short: list[int] = []
    for number, line in enumerate(lines, start=1):
        total += 1
        value = line.strip()
        if not value:
            blank += 1
            continue
        value_fp = fp.of(VALUE_RULE, value)  # hashed on read: the fingerprint is the identity
        if value_fp in entries:
            duplicates += 1
            continue
        entries[value_fp] = VaultEntry(value_fp, number, value)
        if len(value) < MIN_VAULT_LITERAL:
            short.append(number)
    if short:
        shown = ", ".join(map(str, short[:10])) + (", ..." if len(short) > 10 else "")
        warnings.append(
            f"vault: {len(short)} entr{'y' if len(short) == 1 else 'ies'} shorter than "
            f"{MIN_VAULT_LITERAL} characters (line {shown}) are matched only where a detector "
            "finds them, not searched literally"
        )
    summary = VaultSummary(lines=total, blank=blank, duplicates=duplicates, imported=len(entries))
    return entries, summary
