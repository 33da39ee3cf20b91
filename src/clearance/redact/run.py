"""``redact_paths``: files and folders in, a redacted copy of each in an output folder, with a
manifest, verified by scanning the copies again with the same engine.

Every output is first written to a hidden temporary file in its place in the output folder; the
copies are re-scanned there, and only when no finding of a remediated kind remains are they
renamed over their targets (the manifest last). An interrupted or failed run leaves no
half-written output. Inputs are only read.
"""

from __future__ import annotations

import glob
import os
import tempfile
from collections.abc import Callable, Iterable, Iterator
from datetime import date
from pathlib import Path

import polars as pl
from pydantic import BaseModel, ConfigDict, Field

from clearance._version import __version__
from clearance.audit.policy import Policy, load_policy
from clearance.core.run import SkippedInput
from clearance.detection.engine import Engine
from clearance.detection.settings import DetectionSettings
from clearance.errors import InputError, PolicyError
from clearance.io import readers
from clearance.io.files import file_sha256, shown_path
from clearance.io.kms import KeyManagementService
from clearance.io.outputs import output_folder, refuse_output_in_input
from clearance.io.table_writer import TableWriter
from clearance.io.tags import OutputTags, parquet_metadata, run_id, sidecar_path
from clearance.redact.manifest import FileEntry, RedactManifest, TagsEntry
from clearance.redact.operators import Keys
from clearance.redact.paths import check_json_depth, check_text_fields
from clearance.redact.replace import Replacer
from clearance.redact.rescan import count_remaining
from clearance.redact.storage import (
    ParquetEncryption,
    column_tags,
    encrypt_staged,
    output_tags,
    without_tag_sidecars,
)
from clearance.redact.tables import TablePlan, apply_plan, plan_table
from clearance.redact.text import redact_text
from clearance.scan import ScanOptions

MANIFEST = "manifest.json"
ProgressFn = Callable[[str, int], None]


class RedactSettings(BaseModel):
    """What ``redact_paths`` does besides the policy: which fields hold free text (redacted span
    by span whatever the scan calls them) and how the engine is built."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    policy_path: Path | None = Field(default=None, description="clearance.yaml; None: defaults")
    text_fields: tuple[str, ...] = Field(default=(), description="columns/fields of free text")
    batch_rows: int = Field(default=100_000, ge=1, description="rows of a table held at once")
    detection: DetectionSettings = Field(default_factory=DetectionSettings)
    parquet_encryption: ParquetEncryption | None = Field(
        default=None, description="encrypt Parquet outputs (needs a KMS); None: plain"
    )


def _targets(paths: list[Path], outdir: Path) -> tuple[list[tuple[Path, Path]], list[SkippedInput]]:
    """``(input file, output path relative to outdir)``: a file keeps its name, a folder's files
    their place under the folder's name. An output folder that is an input or inside one is
    refused: the copies would land among (and be read as) the data."""
    out_abs = Path(os.path.abspath(outdir))
    pairs: list[tuple[Path, Path]] = []
    skipped: list[SkippedInput] = []
    for path in paths:
        refuse_output_in_input(outdir, path)
        files, missing = readers.discover([path])
        skipped += [SkippedInput(path=shown_path(p), reason=r) for p, r in missing]
        for file in files:
            rel = Path(path.name) / file.relative_to(path) if path.is_dir() else Path(path.name)
            pairs.append((file, rel))
    seen: dict[Path, Path] = {}
    for file, rel in pairs:
        if rel in seen:
            raise InputError(
                str(file), f"has the same output name as {shown_path(seen[rel])}; redact them apart"
            )
        seen[rel] = file
        target = out_abs / rel
        if target.exists() and os.path.samefile(target, file):
            raise InputError(str(outdir), f"would replace the input {shown_path(file)}")
    return pairs, skipped


def _batches(path: Path, kind: readers.Kind, rows: int) -> Iterator[pl.DataFrame]:
    """The table in batches of ``rows``: typed as stored (Parquet, JSONL) or as text (CSV);
    a JSON file is one batch (it is parsed whole)."""
    if kind in ("csv", "tsv"):
        yield from readers.table_batches(path, kind, rows, None)
        return
    try:
        if path.stat().st_size == 0:
            raise InputError(str(path), "file is empty")
        if kind in ("json", "jsonl"):
            check_json_depth(path, lines=kind == "jsonl")
        if kind == "json":
            yield readers.read_json(path)
            return
        lazy = (
            pl.scan_parquet(path, glob=False)
            if kind == "parquet"
            # every row's keys, not the first thousand's: a key seen late must not be dropped
            else pl.scan_ndjson(glob.escape(str(path)), infer_schema_length=None)
        )
        yield from lazy.collect_batches(chunk_size=rows)
    except InputError:
        raise
    except (pl.exceptions.PolarsError, OSError, ValueError) as exc:
        raise InputError(
            str(path), f"cannot parse as {kind.upper()}: {readers.one_line(exc)}"
        ) from None


def _redact_table_file(
    file: Path,
    kind: readers.Kind,
    tmp: Path,
    engine: Engine,
    replacer: Replacer,
    settings: RedactSettings,
    tick: Callable[[int], None],
    tags_for: Callable[[TablePlan], OutputTags],
) -> tuple[int, TablePlan | None, list[str]]:
    """Redacts a table batch by batch (memory bounded by the batch): rows, plan, columns."""
    plan: TablePlan | None = None
    rows = 0
    columns: list[str] = []
    writer = TableWriter(tmp, kind)
    try:
        for batch in _batches(file, kind, settings.batch_rows):
            if plan is None:
                # planned on the rows the scan classifies on, whatever the batch size
                probe = next(_batches(file, kind, ScanOptions().probe_rows))
                columns = probe.columns
                plan = plan_table(
                    probe,
                    shown_path(file),
                    file.stem,
                    engine,
                    replacer,
                    frozenset(settings.text_fields),
                )
                writer.metadata = parquet_metadata(tags_for(plan))
            writer.write(apply_plan(plan, batch, engine, replacer))
            rows += batch.height
            tick(batch.height)
    finally:
        writer.close()
    return rows, plan, columns


def _staging(target: Path) -> Path:
    """A hidden temporary file next to ``target``, ending in its name (so that the re-scan
    reads it as the same kind of file)."""
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, name = tempfile.mkstemp(dir=target.parent, prefix=".clearance-", suffix=f"-{target.name}")
    try:
        mask = os.umask(0o022)
        os.umask(mask)
        os.fchmod(fd, 0o666 & ~mask)  # as any new file of the user's, not mkstemp's 0600
    finally:
        os.close(fd)
    return Path(name)


def redact_paths(
    paths: Iterable[Path | str],
    outdir: Path | str,
    settings: RedactSettings | None = None,
    *,
    key: bytes | None,
    progress: ProgressFn | None = None,
    kms: KeyManagementService | None = None,
) -> RedactManifest:
    """Redacts ``paths`` into ``outdir`` and returns the manifest (also written there as
    ``manifest.json`` when the outputs are). ``key`` keys the pseudonym and encrypt operators
    (``None``: they are refused with a :class:`PolicyError`). Outputs are published only when
    the re-scan finds no finding of a remediated kind (``manifest.published``). Every output
    gets its tags (:mod:`clearance.io.tags`); with ``settings.parquet_encryption``, Parquet
    outputs are encrypted with master keys from ``kms`` (required then)."""
    settings = settings or RedactSettings()
    encryption = settings.parquet_encryption
    if encryption is not None and kms is None:
        raise PolicyError(
            "Parquet encryption needs a key-management service for its master keys; "
            "none was given (no key is made up)"
        )
    inputs = [Path(p) for p in paths]
    out = Path(outdir)
    policy: Policy = load_policy(settings.policy_path)
    policy_hash = file_sha256(settings.policy_path) if settings.policy_path is not None else None
    pairs, skipped = _targets(inputs, out)
    pairs = without_tag_sidecars(pairs)
    output_folder(out)
    in_sha = {file: _inputfile_sha256(file) for file, _ in pairs}
    run = run_id(
        [
            __version__,
            policy_hash or "",
            policy.purpose,
            *sorted(settings.text_fields),
            encryption.model_dump_json() if encryption is not None else "",
            *(f"{rel.as_posix()}\0{in_sha[file] or ''}" for file, rel in pairs),
        ]
    )
    engine = settings.detection.engine()
    replacer = Replacer(
        policy.redact,
        Keys(key),
        policy.reference_date or date.today(),
        lambda table: policy.table(table).subject_key or policy.subject_key,
    )
    text_fields = frozenset(settings.text_fields)
    staged: list[tuple[Path, Path, Path]] = []  # (temp, target, input)
    in_entries: list[FileEntry] = []
    rows_of: dict[Path, int] = {}
    kept: dict[str, dict[str, set[str]]] = {}
    tokens: dict[str, dict[str, str]] = {}
    columns_seen: set[str] = set()
    tags_of: dict[Path, OutputTags] = {}
    scratch: list[Path] = []  # other staging files (encrypted copies, sidecars)

    def tags(target: Path, file: Path, plan: TablePlan | None, parquet: bool) -> OutputTags:
        enc = encryption if parquet else None
        return output_tags(
            purpose=policy.purpose,
            run=run,
            target=target,
            outdir=out,
            manifest_name=MANIFEST,
            policy_sha256=policy_hash,
            input_sha256=in_sha[file] or "",
            columns=column_tags(plan, text_fields, enc) if plan is not None else [],
            encryption=enc,
        )

    def tick(label: str) -> Callable[[int], None]:
        return lambda n: progress(label, n) if progress is not None else None

    try:
        for file, rel in pairs:
            target = out / rel
            tmp = _staging(target)
            staged.append((tmp, target, file))
            kind = readers.kind_of(file)
            name = shown_path(file)
            try:
                if kind == "text":
                    pieces, lines = redact_text(file, name, engine, replacer, tick(file.name))
                    _write_pieces(tmp, pieces)
                    rows = lines[0]
                    tags_of[tmp] = tags(target, file, None, False)
                else:

                    def tags_for(
                        plan: TablePlan,
                        tmp: Path = tmp,
                        target: Path = target,
                        file: Path = file,
                        parquet: bool = kind == "parquet",
                    ) -> OutputTags:
                        tags_of[tmp] = tags(target, file, plan, parquet)
                        return tags_of[tmp]

                    rows, plan, columns = _redact_table_file(
                        file, kind, tmp, engine, replacer, settings, tick(file.name), tags_for
                    )
                    if plan is None:  # no rows: tags without columns
                        tags_of[tmp] = tags(target, file, None, False)
                    columns_seen.update(columns)
                    if plan is not None:
                        kept[shown_path(tmp)] = plan.kept
                        tokens[shown_path(tmp)] = plan.tokens
            except InputError as exc:
                skipped.append(SkippedInput(path=shown_path(exc.source), reason=exc.reason))
                staged.pop()
                tmp.unlink(missing_ok=True)
                continue
            rows_of[tmp] = rows
            sha = in_sha[file] or file_sha256(file)
            in_entries.append(FileEntry(path=name, sha256=sha, rows=rows))
        check_text_fields(text_fields, columns_seen)
        if encryption is not None:
            named = {c.name for t in tags_of.values() if t.encryption for c in t.columns}
            absent = sorted(set(encryption.columns) - named)
            if absent:  # a misspelt name would leave that column in plain text unnoticed
                raise PolicyError(
                    f"column to encrypt {absent[0]!r}: no Parquet output has this column"
                )
        kinds = replacer.remediated_kinds()
        staged_paths = [t for t, _, _ in staged]
        rescan = count_remaining(
            staged_paths, rows_of, kept, kinds, settings.detection, tokens
        )
        published = rescan.remaining == 0
        if published and encryption is not None and kms is not None:
            for tmp, target, _ in staged:
                if tags_of[tmp].encryption is not None:
                    scratch.append(_staging(target))
                    encrypt_staged(
                        tmp, scratch[-1], tags_of[tmp], kms, encryption, settings.batch_rows
                    )
        sidecars: list[tuple[Path, Path]] = []  # (temp, target)
        if published:
            for tmp, target, _ in staged:
                side = sidecar_path(target)
                scratch.append(_staging(side))
                _write_pieces(scratch[-1], iter([tags_of[tmp].to_json()]))
                sidecars.append((scratch[-1], side))
        out_entries = [
            FileEntry(
                path=target.relative_to(out).as_posix(), sha256=file_sha256(tmp), rows=rows_of[tmp]
            )
            for tmp, target, _ in staged
        ]
        manifest = RedactManifest(
            version=__version__,
            inputs=in_entries,
            outputs=out_entries,
            policy_sha256=policy_hash,
            operators=dict(sorted(replacer.operators.items())),
            rescan=rescan,
            published=published,
            skipped=skipped,
            run_id=run,
            purpose=policy.purpose,
            tags=[
                TagsEntry(path=side.relative_to(out).as_posix(), sha256=file_sha256(tmp))
                for tmp, side in sidecars
            ],
        )
        if published:
            for tmp, target, _ in staged:
                os.replace(tmp, target)
            for tmp, side in sidecars:
                os.replace(tmp, side)
        _write_pieces(_manifest_tmp(out), iter([manifest.model_dump_json(indent=2) + "\n"]))
        os.replace(_manifest_tmp(out), out / MANIFEST)
        return manifest
    finally:
        for tmp in [*(t for t, _, _ in staged), *scratch]:
            tmp.unlink(missing_ok=True)
        _manifest_tmp(out).unlink(missing_ok=True)


def _inputfile_sha256(path: Path) -> str | None:
    """An input's hash before it is read for redaction (it names the run); ``None`` when it
    cannot be read: the redaction reports that input as skipped."""
    try:
        return file_sha256(path)
    except OSError:
        return None


def _manifest_tmp(out: Path) -> Path:
    return out / f".clearance-{MANIFEST}.tmp"


def _write_pieces(path: Path, pieces: Iterator[str]) -> None:
    # newline="": line breaks are written as they were read (\r\n stays \r\n)
    with path.open("w", encoding="utf-8", newline="") as fh:
        for piece in pieces:
            fh.write(piece)
