"""``clearance llm``: audit an LLM for memorised secrets against the organisation's inventory.

``clearance llm inventory CORPUS...`` scans the training corpus and writes the inventory (keyed
fingerprints and masked previews only, see ``clearance.llm.inventory``).
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Annotated

import typer

from clearance.cli._common import err, fail, write_atomic
from clearance.errors import ClearanceError, PolicyError
from clearance.llm.inventory import (
    Inventory,
    build_inventory,
    duplication_bucket,
    read_vault,
)
from clearance.privacy import Fingerprinter, load_key

EXIT_INPUT = 3
_BUCKETS = ("1", "2-4", "5-19", "20+")

llm_app = typer.Typer(help="LLM memorization audit", no_args_is_help=True)


@llm_app.callback()
def llm() -> None:
    """LLM memorization audit: inventory the secrets of a training corpus, then probe a model."""


def _categories(text: str) -> list[str]:
    cats = [c.strip() for c in text.split(",") if c.strip()]
    if not cats:
        raise PolicyError("--categories: give at least one of secret, pii, special_category")
    return cats


def summary_lines(inventory: Inventory, output: Path | None = None) -> list[str]:
    """The terse summary printed to stderr: counts only, never a value."""
    corpus = [i for i in inventory.items if i.occurrences > 0]
    occurrences = sum(i.occurrences for i in corpus)
    lines = [
        f"inventory: {len(corpus)} distinct values, {occurrences} occurrences in "
        f"{inventory.files_scanned} files ({inventory.records_scanned} lines/records)"
    ]
    by_type: Counter[str] = Counter()
    occ_by_type: Counter[str] = Counter()
    for item in corpus:
        by_type[item.entity] += 1
        occ_by_type[item.entity] += item.occurrences
    for entity, n in sorted(by_type.items(), key=lambda kv: (-occ_by_type[kv[0]], kv[0])):
        lines.append(f"  {entity:<28} {n:>6} values {occ_by_type[entity]:>8} occurrences")
    buckets = Counter(duplication_bucket(i.occurrences) for i in corpus)
    lines.append(
        "  duplication: " + ", ".join(f"{b}x: {buckets.get(b, 0)}" for b in _BUCKETS) + " values"
    )
    if inventory.vault is not None:
        v = inventory.vault
        lines.append(
            f"vault: {v.imported} imported from {v.lines} lines ({v.blank} blank, "
            f"{v.duplicates} duplicate), {v.found_in_corpus} found in the corpus"
        )
    for warning in inventory.warnings:
        lines.append(f"warning: {warning}")
    if inventory.skipped:
        lines.append(f"skipped {len(inventory.skipped)} input(s):")
        lines.extend(f"  {s.path}: {s.reason}" for s in inventory.skipped)
    if output is not None:
        lines.append(f"inventory written to {output}")
    return lines


@llm_app.command("inventory")
def inventory(
    corpus: Annotated[
        list[Path], typer.Argument(help="Corpus files and folders (code, docs, JSON Lines).")
    ],
    vault: Annotated[
        Path | None,
        typer.Option(
            "--vault", help="Known secrets, one per line (a vault export); hashed on read."
        ),
    ] = None,
    output: Annotated[
        Path, typer.Option("--output", "-o", help="Where to write the inventory (JSON).")
    ] = Path("inventory.json"),
    categories: Annotated[
        str, typer.Option("--categories", help="Comma-separated: secret, pii, special_category.")
    ] = "secret,pii",
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress or summary.")] = False,
) -> None:
    """Inventory a training corpus's secrets and personal data (fingerprints, no plaintext)."""
    try:
        cats = _categories(categories)
        vault_lines = read_vault(vault) if vault is not None else None
        fingerprinter = Fingerprinter(load_key())
        if quiet:
            inv, _plain = build_inventory(
                corpus, fingerprinter=fingerprinter, categories=cats, vault_lines=vault_lines
            )
        else:
            with err.status("inventory", spinner="dots") as status:

                def on_progress(label: str, n: int) -> None:
                    status.update(f"inventory: {label}")

                inv, _plain = build_inventory(
                    corpus,
                    fingerprinter=fingerprinter,
                    categories=cats,
                    vault_lines=vault_lines,
                    progress=on_progress,
                )
        del vault_lines, _plain  # plaintext never outlives the run
        write_atomic(output, inv.to_json())
        if not quiet:
            for line in summary_lines(inv, output):
                typer.echo(line, err=True)
        if inv.skipped:
            raise typer.Exit(EXIT_INPUT)
    except ClearanceError as exc:
        raise fail(exc) from None
