"""The export bundle an external auditor verifies: JSON lines, one entry per line (``seq``,
``prev_hash``, ``hash``, ``record``), then one ``checkpoint`` line (the store's latest signed
checkpoint, or the unsigned head when no key is configured)."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any

from clearance.errors import InputError
from clearance.evidence.chain import Entry, canonical_json
from clearance.evidence.signing import Checkpoint

FORMAT = "clearance-evidence-bundle/1"


def bundle_text(entries: Sequence[Entry], checkpoint: Checkpoint | None) -> str:
    return "".join(bundle_lines(entries, len(entries), checkpoint))


def bundle_lines(
    entries: Iterable[Entry], count: int, checkpoint: Checkpoint | None
) -> Iterator[str]:
    """The bundle line by line (each with its newline), for a caller that streams it
    (the dashboard's export): ``count`` entries are announced and must follow."""
    yield canonical_json({"format": FORMAT, "records": count}) + "\n"
    head: str | None = None
    for e in entries:
        head = e.hash
        yield (
            canonical_json(
                {"seq": e.seq, "prev_hash": e.prev_hash, "hash": e.hash, "record": e.record}
            )
            + "\n"
        )
    yield (
        canonical_json(
            {
                "checkpoint": checkpoint.as_dict()
                if checkpoint is not None
                else {"seq": count, "head": head, "signature": None}
            }
        )
        + "\n"
    )


def read_bundle(path: Path) -> tuple[list[Entry], Checkpoint | None]:
    """The entries and signed checkpoint of a bundle; a malformed line is an
    :class:`InputError` naming it (line number, never its content)."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else "not UTF-8 text"
        raise InputError(str(path), f"cannot read the bundle: {reason}") from None
    entries: list[Entry] = []
    checkpoint: Checkpoint | None = None
    lines = text.splitlines()
    if not lines or _load(path, 1, lines[0]).get("format") != FORMAT:
        raise InputError(str(path), f"not a clearance evidence bundle (no {FORMAT} header)")
    for number, line in enumerate(lines[1:], start=2):
        if not line.strip():
            continue
        item = _load(path, number, line)
        if "checkpoint" in item:
            cp = item["checkpoint"]
            if isinstance(cp, dict) and cp.get("signature"):
                try:
                    checkpoint = Checkpoint(
                        int(cp["seq"]), str(cp["head"]), str(cp["public_key"]), str(cp["signature"])
                    )
                except (KeyError, TypeError, ValueError):
                    raise InputError(str(path), f"line {number}: malformed checkpoint") from None
            continue
        try:
            record = item["record"]
            if not isinstance(record, dict):
                raise TypeError
            entries.append(
                Entry(int(item["seq"]), str(item["prev_hash"]), str(item["hash"]), record)
            )
        except (KeyError, TypeError, ValueError):
            raise InputError(str(path), f"line {number}: not an evidence record") from None
    return entries, checkpoint


def _load(path: Path, number: int, line: str) -> dict[str, Any]:
    try:
        item = json.loads(line)
    except ValueError:
        raise InputError(str(path), f"line {number}: not JSON") from None
    if not isinstance(item, dict):
        raise InputError(str(path), f"line {number}: not a JSON object")
    return item
