"""``clearance consent import``: consent records (a OneTrust-style export, CSV or JSON, or a
database table) written as the consent table the dataset audit's consent check reads
(:mod:`clearance.audit.consent_records`)."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Annotated

import polars as pl
import typer

from clearance.audit.consent_records import (
    consent_table,
    load_mapping,
    read_events,
    read_file,
)
from clearance.cli._common import (
    NoEvidenceOpt,
    StoreOpt,
    check_outputs,
    evidence_store,
    is_stdout,
    record_run,
    say,
    write_atomic,
)
from clearance.errors import InputError, PolicyError
from clearance.io.files import not_regular

consent_app = typer.Typer(
    help="Consent records: import a consent platform's export as the audit's consent table.",
    no_args_is_help=True,
)


def _db_rows(uri: str, table: str) -> list[tuple[int, dict[str, object]]]:
    from clearance.audit.databases import load_database, mask_uri

    tables, skipped = load_database(uri, [table])
    if skipped or not tables:
        raise InputError(f"{mask_uri(uri)}#{table}", "cannot read the consent table")
    data = tables[0].data
    frame = data.collect() if hasattr(data, "collect") else data
    # text as the export would give it: a date-time column as ISO 8601
    return list(enumerate(frame.cast({c: pl.String for c in frame.columns}).to_dicts(), start=1))


@consent_app.command("import")
def import_(
    source: Annotated[
        Path | None, typer.Argument(help="The export: CSV, JSON or JSON lines.")
    ] = None,
    mapping: Annotated[
        str,
        typer.Option("--mapping", "-m", help="Mapping YAML, or onetrust (the bundled one)."),
    ] = "onetrust",
    output: Annotated[
        Path, typer.Option("-o", "--output", help="The consent table: .parquet or .csv.")
    ] = Path("consent.parquet"),
    db: Annotated[
        str | None, typer.Option("--db", help="Read the records from a database instead.")
    ] = None,
    table: Annotated[
        str | None, typer.Option("--table", help="The database table of records (with --db).")
    ] = None,
    store: StoreOpt = None,
    no_evidence: NoEvidenceOpt = False,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No summary.")] = False,
) -> None:
    """Read consent records (subject, purpose, granted/withdrawn, timestamps) and write the
    consent table: one row per subject and purpose, its latest state. Nothing is written
    unless every record reads."""
    if (source is None) == (db is None):
        raise typer.BadParameter("give an export FILE or --db URL (one of them)")
    if db is not None and not table:
        raise typer.BadParameter("--db needs --table (the table of consent records)")
    suffix = output.suffix.lower()
    if is_stdout(output) or suffix not in {".parquet", ".csv"}:
        raise PolicyError(f"-o {output}: the consent table is a .parquet or .csv file")
    check_outputs([output], [source] if source is not None else [])
    rules = load_mapping(mapping)
    evidence = evidence_store(store, no_evidence, [output])
    if source is not None:
        reason = not_regular(source)
        if reason is not None:
            raise InputError(str(source), reason)
        events = read_file(source, rules)
    else:
        assert db is not None and table is not None
        from clearance.audit.databases import mask_uri

        events = read_events(f"{mask_uri(db)}#{table}", _db_rows(db, table), rules)
    frame = consent_table(events)
    if suffix == ".parquet":
        buffer = io.BytesIO()
        frame.write_parquet(buffer, compression="zstd")
        write_atomic(output, buffer.getvalue())
    else:
        write_atomic(output, frame.write_csv())
    granted = int((frame["status"] == "granted").sum())
    summary = {
        "records": len(events),
        "subjects": frame["subject_id"].n_unique(),
        "purposes": sorted(set(frame["purpose"].to_list())),
        "granted": granted,
        "withdrawn": frame.height - granted,
    }
    if not quiet:
        say(
            f"{summary['records']} consent records, {summary['subjects']} subjects: "
            f"{granted} granted, {summary['withdrawn']} withdrawn (subject x purpose); "
            f"wrote {output}"
        )
    record_run(
        evidence,
        "consent import",
        report=None,
        summary=summary,
        verdict="recorded",
        inputs=[source] if source is not None else [],
        outputs=[output],
        quiet=quiet,
    )
