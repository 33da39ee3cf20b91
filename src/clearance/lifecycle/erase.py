"""``erase_subject``: the right to erasure (GDPR Art. 17) across the tables of a dataset and
the text files beside them (notes, logs, source: searched line by line for step 3).

1. The subject's rows: every table linked by the subject key (the policy's ``subject_key``, a
   table's own, or the audit's detection, :func:`clearance.audit.subjects.link_subjects`), the
   key compared as the audit compares keys (:mod:`clearance.audit.keys`: ``"0042"`` is ``42``).
2. The subject's identifiers: the e-mail addresses, phone numbers and names the detection engine
   finds in the subject's own rows, and the values of their name / e-mail / phone columns.
3. Every other row's text is searched for them: the engine's spans whose value is one of them
   (written the same after :func:`clearance.privacy.fingerprint.normalise`: case, spaces and
   dashes ignored), and each identifier as written (case ignored, whole words).
4. ``apply=True``: the subject's rows are deleted, the spans replaced by redact's placeholder
   operator (``<EMAIL_ADDRESS>``), every file written to a temporary file, and the written files
   read back and searched again (every column as text, and CSV / JSONL as raw text). Only when
   nothing of the subject remains are they renamed over the originals, and the record written;
   otherwise nothing is replaced (``record.remaining > 0``).

The record and every message hold the subject only as a keyed fingerprint.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import polars as pl

from clearance._version import __version__
from clearance.audit.keys import KeyTypeError, join_key
from clearance.audit.policy import RedactPolicy, load_policy
from clearance.audit.sources import Table, cell_text
from clearance.audit.subjects import link_subjects
from clearance.core.severity import Severity
from clearance.detection.engine import Engine
from clearance.detection.match import Match
from clearance.errors import InputError, PolicyError
from clearance.io.files import file_sha256, shown_path
from clearance.io.readers import kind_of, strip_break
from clearance.lifecycle.nested import (
    Redact,
    jsonl_lines,
    jsonl_text,
    nested_columns,
    nested_texts,
    shown_key,
)
from clearance.lifecycle.records import (
    ConsentSource,
    ErasureRecord,
    FileErasure,
    subject_fingerprint,
)
from clearance.lifecycle.tables import (
    Staging,
    TableFile,
    read_table,
    read_text,
    split_files,
)
from clearance.lifecycle.tagging import ERASED, Tagger
from clearance.privacy import Fingerprinter
from clearance.privacy.fingerprint import normalise
from clearance.redact import Keys
from clearance.redact.paths import redact_paths_in
from clearance.redact.replace import Replacer

# What identifies the subject in someone else's text.
IDENTIFYING = frozenset({"EMAIL_ADDRESS", "PHONE_NUMBER", "PERSON"})
_COLUMN_ENTITY = (
    (re.compile(r"^(e_?mail|email_?address|mail)$"), "EMAIL_ADDRESS"),
    (re.compile(r"^(phone|phone_?number|mobile|telephone|tel)$"), "PHONE_NUMBER"),
    (re.compile(r"^(name|full_?name|display_?name|customer_?name|user_?name)$"), "PERSON"),
)
_MIN_CHARS = 3  # a shorter value would match inside unrelated words


@dataclass(frozen=True)
class Identifier:
    entity: str
    value: str  # in memory only: never written, printed or recorded


def _norm_column(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", name.lower()).strip("_")


def _column_entity(name: str) -> str | None:
    norm = _norm_column(name)
    return next((e for pattern, e in _COLUMN_ENTITY if pattern.match(norm)), None)


def _text_columns(frame: pl.DataFrame) -> list[str]:
    return [c for c, t in frame.schema.items() if t == pl.String]


def _subject_masks(
    tables: list[TableFile],
    declared: str | None,
    per_table: dict[str, str | None],
    canon: frozenset[str],
) -> tuple[dict[str, pl.Series], dict[str, str]]:
    """Per table linked by the subject key: which rows are the subject's; and the key column
    of each linked table."""
    linked = link_subjects(
        [Table(t.name, str(t.path), t.frame) for t in tables], declared, per_table
    )
    if not linked.keys:
        raise PolicyError(
            "subject_key: no column links the tables to a data subject; declare subject_key "
            "in the policy"
        )
    masks: dict[str, pl.Series] = {}
    for t in tables:
        column = linked.keys.get(t.name)
        if column is None:
            continue
        try:
            keys = join_key(t.frame[column], f"{t.name}.{column}")
        except KeyTypeError as exc:
            raise InputError(str(t.path), str(exc)) from None
        masks[t.name] = keys.is_in(list(canon)).fill_null(False)
    return masks, dict(linked.keys)


def _identifiers(
    engine: Engine, tables: list[TableFile], masks: dict[str, pl.Series]
) -> list[Identifier]:
    found: dict[str, Identifier] = {}
    for t in tables:
        mask = masks.get(t.name)
        if mask is None or not mask.any():
            continue
        rows = t.frame.filter(mask)
        for column in _text_columns(rows):
            cells = [c for c in rows[column].to_list() if c]
            entity = _column_entity(column)
            for cell, matches in zip(cells, engine.detect_batch(cells, column), strict=True):
                if entity is not None:
                    found.setdefault(normalise(cell.strip()), Identifier(entity, cell.strip()))
                for m in matches:
                    if m.entity in IDENTIFYING:
                        found.setdefault(normalise(m.value), Identifier(m.entity, m.value))
        for column, paths in nested_columns(rows).items():
            for path in paths:
                leaf = next((s for s in reversed(path.steps) if s is not None), column)
                entity = _column_entity(leaf)
                cells = nested_texts(rows[column], path, f"{shown_path(t.path)}: {path.field}")
                context = leaf.replace("_", " ")
                for cell, matches in zip(cells, engine.detect_batch(cells, context), strict=True):
                    if entity is not None and cell.strip():
                        found.setdefault(normalise(cell.strip()), Identifier(entity, cell.strip()))
                    for m in matches:
                        if m.entity in IDENTIFYING:
                            found.setdefault(normalise(m.value), Identifier(m.entity, m.value))
        first = next((c for c in rows.columns if _norm_column(c) == "first_name"), None)
        last = next((c for c in rows.columns if _norm_column(c) == "last_name"), None)
        if first is not None and last is not None:
            for a, b in zip(rows[first].to_list(), rows[last].to_list(), strict=True):
                if a and b:
                    full = f"{str(a).strip()} {str(b).strip()}"
                    found.setdefault(normalise(full), Identifier("PERSON", full))
    return [i for k, i in sorted(found.items()) if len(k) >= _MIN_CHARS]


class _Search:
    """Finds the subject's identifiers in text: the engine's spans of the same value, and each
    identifier as written (case ignored, whole words)."""

    def __init__(self, engine: Engine, identifiers: list[Identifier]) -> None:
        self.engine = engine
        self.by_norm = {normalise(i.value): i.entity for i in identifiers}
        self.literal = [
            (re.compile(r"(?<!\w)" + re.escape(i.value) + r"(?!\w)", re.IGNORECASE), i.entity)
            for i in identifiers
        ]

    def spans(self, texts: Sequence[str], context: str = "") -> list[list[Match]]:
        if not self.literal:
            return [[] for _ in texts]
        out: list[list[Match]] = []
        for text, matches in zip(
            texts, self.engine.detect_batch(list(texts), context), strict=True
        ):
            spans = [m for m in matches if normalise(m.value) in self.by_norm]
            for pattern, entity in self.literal:
                spans += [
                    Match(entity, h.start(), h.end(), 1.0, "erase", "pii", Severity.HIGH, h.group())
                    for h in pattern.finditer(text)
                ]
            out.append(spans)
        return out

    def count_raw(self, text: str) -> int:
        return sum(len(pattern.findall(text)) for pattern, _ in self.literal)


def _redactor(search: _Search, replacer: Replacer, where: str) -> Redact:
    """What redact's path walker calls with the distinct strings at a path: their redacted text
    (only those that quote the subject)."""

    def redact(texts: list[str], context: str) -> dict[str, str]:
        found = search.spans(texts, context)
        return {v: replacer.spans(v, m, where) for v, m in zip(texts, found, strict=True) if m}

    return redact


def _redact(
    t: TableFile, keep: pl.Series, search: _Search, replacer: Replacer
) -> tuple[pl.DataFrame, int, list[bool]]:
    """The kept rows with the subject's identifiers replaced in every text column and every
    text field of nested columns; the cells rewritten; which kept rows changed."""
    frame = t.frame.filter(keep)
    spans = 0
    changed = [False] * frame.height
    replaced: list[pl.Series] = []
    for column in _text_columns(frame):
        cells = frame[column].to_list()
        distinct = list(dict.fromkeys(c for c in cells if c))
        found = search.spans(distinct, column)
        mapping: dict[str, str] = {}
        for value, matches in zip(distinct, found, strict=True):
            if matches:
                where = f"{shown_path(t.path)}: column {column}"
                mapping[value] = replacer.spans(value, matches, where)
        if mapping:
            replaced.append(
                pl.Series(column, [mapping.get(c, c) if c else c for c in cells], dtype=pl.String)
            )
            for i, c in enumerate(cells):
                if c in mapping:
                    spans += 1
                    changed[i] = True
    for column, paths in nested_columns(frame).items():
        where = f"{shown_path(t.path)}: column {shown_key(column)}"
        before = frame[column]
        after = redact_paths_in(before, paths, _redactor(search, replacer, where), where)
        rows = [i for i, (a, b) in enumerate(zip(before, after, strict=True)) if a != b]
        if rows:
            replaced.append(after)
            spans += len(rows)
            for i in rows:
                changed[i] = True
    return (frame.with_columns(replaced) if replaced else frame), spans, changed


def _redact_text(path: Path, text: str, search: _Search, replacer: Replacer) -> tuple[str, int]:
    """A text file (notes, logs, source) searched line by line; each line with the subject's
    identifiers is rewritten span by span, every other byte kept (line breaks included)."""
    lines = text.splitlines(keepends=True)
    bare = [strip_break(line) for line in lines]
    found = search.spans(bare, "")
    spans = 0
    out: list[str] = []
    for line, core, matches in zip(lines, bare, found, strict=True):
        if matches:
            spans += 1  # like a table's cells: the lines rewritten
            where = f"{shown_path(path)}: line"
            out.append(replacer.spans(core, matches, where) + line[len(core) :])
        else:
            out.append(line)
    return "".join(out), spans


def _remaining(
    frame: pl.DataFrame,
    path: Path | None,
    kind: str,
    search: _Search,
    key: str | None,
    canon: frozenset[str],
) -> int:
    """What of the subject is left in a written table: rows with its key, identifiers in any
    column read as text, and (CSV, JSONL) identifiers in the file's raw text."""
    left = 0
    if key is not None and key in frame.columns:
        try:
            left += int(join_key(frame[key]).is_in(list(canon)).fill_null(False).sum())
        except KeyTypeError:
            pass
    for column in frame.columns:
        texts = [cell_text(v) for v in frame[column].to_list()]
        left += sum(search.count_raw(t) for t in texts if t)
    if path is not None and kind in ("csv", "tsv", "jsonl"):
        raw = path.read_text(encoding="utf-8", errors="replace")
        left = max(left, sum(search.count_raw(line) for line in raw.splitlines()))
    return left


def erase_subject(
    paths: Sequence[Path | str],
    subject: str,
    *,
    policy_path: Path,
    key: bytes | None,
    apply: bool = False,
    record: Path | None = None,
    engine: Engine | None = None,
    progress: Callable[[str, int], None] | None = None,
) -> ErasureRecord:
    """Finds (``apply=False``) or erases the data subject ``subject`` (its subject-key value) in
    the table files under ``paths``; returns the record (written to ``record`` on a real run,
    only when the files were replaced). ``key`` keys the subject's fingerprint (required: the
    subject is never recorded otherwise). A subject found nowhere is not an error: ``found`` is
    false and nothing changes. Every rewritten file gets its tags
    (:mod:`clearance.lifecycle.tagging`); ``progress(label, 1)`` is called as each file is done."""
    return erase_subjects(
        paths,
        [subject],
        policy_path=policy_path,
        key=key,
        apply=apply,
        record=record,
        engine=engine,
        progress=progress,
    )


def erase_subjects(
    paths: Sequence[Path | str],
    subjects: Sequence[str],
    *,
    policy_path: Path,
    key: bytes | None,
    apply: bool = False,
    record: Path | None = None,
    engine: Engine | None = None,
    progress: Callable[[str, int], None] | None = None,
    consent: ConsentSource | None = None,
) -> ErasureRecord:
    """:func:`erase_subject` for several subjects at once (every file read, rewritten and
    searched again once): those of a consent table who withdrew (:func:`withdrawn_subjects`),
    given as ``consent``, which the record names by its hash."""
    if not key:
        raise PolicyError(
            "erasure records the subject as a keyed fingerprint and needs a key "
            "(CLEARANCE_KEY); refused rather than using a default key"
        )
    if apply and record is None:
        raise PolicyError("a real erasure needs a path for its record")
    policy = load_policy(policy_path)
    canon_series = join_key(pl.Series("subject", list(subjects), dtype=pl.String))
    canon = frozenset(c for c in canon_series.to_list() if c)
    if not canon and consent is None:
        raise InputError("subject", "the subject id is empty")
    engine = engine or Engine(threshold=policy.min_score)
    table_paths, text_paths = split_files([Path(p) for p in paths])
    for f in table_paths:
        if kind_of(f) == "jsonl":
            jsonl_lines(f)  # a malformed line named before Polars reads the file
    tables = [read_table(f) for f in table_paths]
    if not tables:
        raise InputError(", ".join(shown_path(Path(p)) for p in paths), "no table file")
    texts = [(f, read_text(f)) for f in text_paths]
    per_table = {name: tp.subject_key for name, tp in policy.tables.items()}
    masks, key_columns = _subject_masks(tables, policy.subject_key, per_table, canon)
    identifiers = _identifiers(engine, tables, masks)
    search = _Search(engine, identifiers)
    replacer = Replacer(RedactPolicy(), Keys(None), policy.today())
    now = datetime.now(UTC).replace(microsecond=0)
    files: list[FileErasure] = []
    remaining = 0
    policy_sha = file_sha256(policy_path)
    tag = Tagger.for_run("erase", policy.purpose, policy_sha, record if apply else None, now)
    with Staging() as staging:
        for t in tables:
            keep = ~masks.get(t.name, pl.Series([False] * t.frame.height))
            frame, spans, changed = _redact(t, keep, search, replacer)
            deleted = int((~keep).sum())
            before = file_sha256(t.path)
            after = None
            key_col = key_columns.get(t.name)
            if apply and (deleted or spans):
                tags = tag(t.path, before, ERASED)
                tmp = (
                    staging.text(
                        jsonl_text(t.path, keep, changed, lambda w: _redactor(search, replacer, w)),
                        t.path,
                        tags,
                    )
                    if t.kind == "jsonl"
                    else staging.table(frame, t.kind, t.path, tags)
                )
                written = read_table(tmp)  # read back what was written, not what was meant
                remaining += _remaining(written.frame, tmp, t.kind, search, key_col, canon)
                after = file_sha256(tmp)
            else:
                remaining += _remaining(frame, None, t.kind, search, key_col, canon)
            files.append(
                FileErasure(
                    path=shown_path(t.path),
                    rows_deleted=deleted,
                    spans_redacted=spans,
                    sha256_before=before,
                    sha256_after=after,
                )
            )
            if progress is not None:
                progress(t.path.name, 1)
        for path, text in texts:
            new_text, spans = _redact_text(path, text, search, replacer)
            before = file_sha256(path)
            after = None
            if apply and spans:
                tmp = staging.text(new_text, path, tag(path, before, ERASED))
                back = tmp.read_text(encoding="utf-8")  # what was written, not what was meant
                remaining += sum(search.count_raw(line) for line in back.splitlines())
                after = file_sha256(tmp)
            else:
                remaining += sum(search.count_raw(line) for line in new_text.splitlines())
            files.append(
                FileErasure(
                    path=shown_path(path),
                    rows_deleted=0,
                    spans_redacted=spans,
                    sha256_before=before,
                    sha256_after=after,
                )
            )
            if progress is not None:
                progress(path.name, 1)
        result = ErasureRecord(
            version=__version__,
            time=now.isoformat().replace("+00:00", "Z"),
            applied=apply and remaining == 0,
            subject=(
                subject_fingerprint(Fingerprinter(key), next(iter(canon)))
                if len(canon) == 1 and consent is None
                else None
            ),
            subjects=sorted(subject_fingerprint(Fingerprinter(key), c) for c in canon),
            consent=consent,
            found=any(bool(m.any()) for m in masks.values())
            or any(f.spans_redacted for f in files),
            identifiers=len(identifiers),
            remaining=remaining,
            policy_sha256=policy_sha,
            files=files,
            run_id=tag.run_id,
        )
        if apply and remaining == 0 and record is not None:
            staging.text(result.model_dump_json(indent=2) + "\n", record)
            staging.commit()
    return result


def withdrawn_subjects(consent_table: Path, purpose: str | None) -> tuple[list[str], ConsentSource]:
    """The subjects of a consent table (as ``clearance consent import`` writes it: ``subject_id``,
    ``purpose``, ``status``) whose consent for ``purpose`` (the policy's) is withdrawn: GDPR Art.
    17(1)(b), erasure when consent is withdrawn and no other ground remains."""
    if not purpose:
        raise PolicyError("the policy has no purpose: erasing on withdrawn consent needs one")
    table = read_table(consent_table).frame
    missing = [c for c in ("subject_id", "purpose", "status") if c not in table.columns]
    if missing:
        raise InputError(
            shown_path(consent_table),
            f"not a consent table: no column {', '.join(missing)} (write one with "
            "`clearance consent import`)",
        )
    try:
        rows = table.select(
            pl.col("subject_id").cast(pl.String),
            pl.col("purpose").cast(pl.String).str.to_lowercase(),
            pl.col("status").cast(pl.String).str.to_lowercase(),
        )
    except pl.exceptions.PolarsError:
        raise InputError(
            shown_path(consent_table), "subject_id, purpose and status must be text"
        ) from None
    chosen = rows.filter(
        (pl.col("purpose") == purpose.strip().lower()) & (pl.col("status") == "withdrawn")
    )
    subjects = sorted({s for s in chosen["subject_id"].to_list() if s and s.strip()})
    return subjects, ConsentSource(
        table=shown_path(consent_table),
        sha256=file_sha256(consent_table),
        purpose=purpose,
        withdrawn=len(subjects),
    )


__all__ = ["erase_subject", "erase_subjects", "withdrawn_subjects"]
