"""``clearance redact``: redacted copies of data files, verified by a re-scan."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated

import typer

from clearance.audit.databases import mask_uri
from clearance.cli._common import (
    CalibrationOpt,
    NoEvidenceOpt,
    StoreOpt,
    detection_settings,
    evidence_store,
    fail,
    progress,
    record_run,
    say,
)
from clearance.cli.engine_opts import EngineOpt, MasterOpt, SparkConfOpt, spark_settings
from clearance.engines.spark.redact import spark_redact_paths
from clearance.errors import ClearanceError, PolicyError
from clearance.io.kms import LocalKeyFileKms
from clearance.privacy.fingerprint import KEY_ENV
from clearance.redact import RedactSettings, redact_paths
from clearance.redact.database import redact_database
from clearance.redact.run import MANIFEST
from clearance.redact.storage import ParquetEncryption

EXIT_REMAINING = 1
EXIT_INPUT = 3


def _kept_apart(flag: str, key_file: Path, outdir: Path, inputs: list[Path]) -> None:
    """A key file inside OUTDIR would ship the key with the data, and one among the inputs
    would be copied there: both refused."""
    where = Path(os.path.abspath(key_file))
    if where.is_relative_to(os.path.abspath(outdir)):
        raise PolicyError(f"{flag} {key_file}: inside the output folder; keep the key apart")
    for source in inputs:
        if where == Path(os.path.abspath(source)) or where.is_relative_to(os.path.abspath(source)):
            raise PolicyError(
                f"{flag} {key_file}: is an input or inside one ({source}); keep the key apart"
            )


def _key(key_file: Path | None, outdir: Path, inputs: list[Path]) -> bytes | None:
    """``CLEARANCE_KEY``, else the key file given; never one made up here."""
    env = os.environ.get(KEY_ENV)
    if env:
        return env.encode()
    if key_file is None:
        return None
    _kept_apart("--key-file", key_file, outdir, inputs)
    try:
        data = key_file.read_bytes().strip()
    except OSError as exc:
        raise PolicyError(f"--key-file {key_file}: cannot read ({exc.strerror})") from None
    if not data:
        raise PolicyError(f"--key-file {key_file}: the key file is empty")
    return data


def _kms(
    encrypt: bool, kms_key_file: Path | None, outdir: Path, inputs: list[Path]
) -> LocalKeyFileKms | None:
    """The local key-file KMS of ``--encrypt-parquet``: a key file that is missing, inside
    OUTDIR (the keys would ship with the data) or among the inputs (it would be copied there)
    is refused."""
    if not encrypt:
        if kms_key_file is not None:
            raise PolicyError("--kms-key-file is given without --encrypt-parquet")
        return None
    if kms_key_file is None:
        raise PolicyError("--encrypt-parquet needs --kms-key-file (the master keys)")
    _kept_apart("--kms-key-file", kms_key_file, outdir, inputs)
    return LocalKeyFileKms.load(kms_key_file)


def redact(
    paths: Annotated[list[Path] | None, typer.Argument(help="Files and folders to redact.")] = None,
    output: Annotated[
        Path | None,
        typer.Option("-o", "--output", help="Output folder (mirrors the input names)."),
    ] = None,
    db: Annotated[
        str | None, typer.Option("--db", help="Redact the tables of this database URI.")
    ] = None,
    out_db: Annotated[
        str | None, typer.Option("--out-db", help="With --db: database URI for the copies.")
    ] = None,
    out_schema: Annotated[
        str | None,
        typer.Option("--out-schema", help="With --db: new PostgreSQL schema for the copies."),
    ] = None,
    table: Annotated[
        list[str] | None, typer.Option("--table", help="With --db: only this table (repeatable).")
    ] = None,
    policy: Annotated[
        Path | None, typer.Option("--policy", help="clearance.yaml (its redact: section).")
    ] = None,
    text_field: Annotated[
        list[str] | None,
        typer.Option("--text-field", help="A column/field of free text (repeatable)."),
    ] = None,
    key_file: Annotated[
        Path | None,
        typer.Option("--key-file", help=f"Key of the keyed operators when {KEY_ENV} is unset."),
    ] = None,
    encrypt_parquet: Annotated[
        bool,
        typer.Option(
            "--encrypt-parquet",
            help="Parquet modular encryption of Parquet outputs (sensitive columns, footer).",
        ),
    ] = False,
    kms_key_file: Annotated[
        Path | None,
        typer.Option("--kms-key-file", help="Master keys of --encrypt-parquet (owner-only)."),
    ] = None,
    encrypt_column: Annotated[
        list[str] | None,
        typer.Option("--encrypt-column", help="Also encrypt this output column (repeatable)."),
    ] = None,
    calibration: CalibrationOpt = None,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress or summary.")] = False,
    engine_name: EngineOpt = "local",
    master: MasterOpt = None,
    spark_conf: SparkConfOpt = None,
    store: StoreOpt = None,
    no_evidence: NoEvidenceOpt = False,
) -> None:
    """Write redacted copies (CSV, TSV, JSON, JSONL, Parquet, text and source trees) and a
    manifest.json; exit 1 if the re-scan of the copies finds anything of a redacted kind."""
    if output is None:
        raise typer.BadParameter("-o OUTDIR is required (the copies, or with --db the manifest)")
    if db is None and (out_db or out_schema or table):
        raise typer.BadParameter("--out-db, --out-schema and --table go with --db")
    if db is not None and paths:
        raise typer.BadParameter("give PATH arguments or --db, not both")
    if db is not None and not (out_db or out_schema):
        raise typer.BadParameter("--db needs --out-db URI or --out-schema NAME for the copies")
    if db is None and not paths:
        raise typer.BadParameter("give files or folders to redact, or --db URI")
    try:
        settings = RedactSettings(
            policy_path=policy,
            text_fields=tuple(text_field or ()),
            detection=detection_settings(calibration=calibration),
            parquet_encryption=ParquetEncryption(columns=tuple(encrypt_column or ()))
            if encrypt_parquet
            else None,
        )
        if encrypt_column and not encrypt_parquet:
            raise PolicyError("--encrypt-column is given without --encrypt-parquet")
        if db is not None and encrypt_parquet:
            raise PolicyError("--encrypt-parquet writes Parquet files; it does not go with --db")
        spark = spark_settings(engine_name, master, spark_conf)
        if spark is not None and (db is not None or encrypt_parquet):
            raise PolicyError("--engine spark redacts files; not --db or --encrypt-parquet yet")
        kms = _kms(encrypt_parquet, kms_key_file, output, paths or [])
        key = _key(key_file, output, paths or [])
        evidence = evidence_store(store, no_evidence)
        with progress("redacting", unit="rows", quiet=quiet) as advance:
            try:
                if db is not None:
                    manifest = redact_database(
                        db,
                        output,
                        settings,
                        key=key,
                        out_uri=out_db,
                        out_schema=out_schema,
                        tables=table,
                        progress=lambda label, n: advance(n, label=label),
                    )
                elif spark is not None:
                    manifest = spark_redact_paths(
                        paths or [],
                        output,
                        settings,
                        key=key,
                        spark=spark,
                        progress=lambda label, n: advance(n, label=label),
                    )
                else:
                    manifest = redact_paths(
                        paths or [],
                        output,
                        settings,
                        key=key,
                        progress=lambda label, n: advance(n, label=label),
                        kms=kms,
                    )
            except PolicyError as exc:
                if key is None and "needs a key" in str(exc):
                    raise PolicyError(f"{exc}; set {KEY_ENV} or pass --key-file") from None
                raise
    except ClearanceError as exc:
        raise fail(exc) from None
    for skipped in manifest.skipped:
        say(f"skipped {skipped.path}: {skipped.reason}")
    if encrypt_parquet and manifest.published:
        plain = [o.path for o in manifest.outputs if not o.path.lower().endswith(".parquet")]
        if plain:
            say(
                f"warning: --encrypt-parquet encrypts Parquet outputs only; {len(plain)} "
                f"output(s) are not encrypted: {', '.join(plain[:5])}"
                + (" ..." if len(plain) > 5 else "")
            )
    record_run(
        evidence,
        "redact",
        report=None,
        summary={
            "published": manifest.published,
            "operators": manifest.operators,
            "rescan": manifest.rescan.model_dump(mode="json"),
        },
        verdict="pass" if manifest.clean else "fail",
        run_id=manifest.run_id,
        inputs=list(paths or []),
        outputs=[output],
        policy=policy,
        quiet=quiet,
    )
    if not manifest.published:
        kinds = ", ".join(f"{k} {n}" for k, n in manifest.rescan.by_entity.items())
        say(
            f"error: the re-scan of the redacted copies found {manifest.rescan.remaining} "
            f"finding(s) of redacted kinds ({kinds}); no copy was written, only "
            f"{output / MANIFEST}"
        )
        raise typer.Exit(EXIT_REMAINING)
    if not quiet:
        what = "table(s)" if db is not None else "file(s)"
        into = mask_uri(out_db or db or "") + (f" schema {out_schema}" if out_schema else "")
        say(
            f"redacted {len(manifest.outputs)} {what} into {into if db else output}; re-scan: 0 remaining; "
            f"manifest: {output / MANIFEST}"
        )
    if manifest.skipped:
        raise typer.Exit(EXIT_INPUT)
