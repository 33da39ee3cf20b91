"""Consent records from a consent-management platform (a OneTrust-style export, CSV or JSON,
or a database table) turned into the consent table the dataset audit's consent check reads
(``clearance consent import``).

The table has one row per subject and purpose, the latest event of each (``granted`` or
``withdrawn``), sorted by subject and purpose:

- ``subject_id`` (text), ``purpose`` (text, lowercased), ``status`` (``granted``/``withdrawn``);
- ``consent``: the purpose when granted, else null: the column the consent check reads (a
  text column of purposes), so that a policy's ``consent: {table: consent, column: consent,
  subject_key: subject_id}`` needs nothing else;
- ``granted_at`` and ``withdrawn_at`` (UTC timestamps, null when unknown): the check flags a
  withdrawal after the dataset's snapshot (``consent.snapshot_date``) on its own.

What each field of the export is called, and which status values grant or withdraw, is a
mapping file (YAML); the one for a OneTrust-style export ships with clearance
(``clearance/audit/consent_onetrust.yaml``, ``--mapping onetrust``). A record that cannot be
read is an :class:`InputError` naming the file, the row and the field, never the value; the
table is only built when every record is read.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Iterator, Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Final, Literal

import polars as pl
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from clearance.errors import InputError, PolicyError
from clearance.io.policy_files import read_policy_file, validation_error

BUNDLED: Final = {"onetrust": "consent_onetrust.yaml"}
COLUMNS: Final = ("subject_id", "purpose", "status", "consent", "granted_at", "withdrawn_at")
MAX_FIELD = 4096  # a subject id or purpose longer than this is not a consent record


class _Model(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class ConsentFields(_Model):
    subject: str = Field(min_length=1, description="the subject's identifier")
    purpose: str = Field(min_length=1, description="the purpose consented to")
    status: str = Field(min_length=1, description="granted or withdrawn, per `status`")
    granted_at: str | None = Field(default=None, description="when consent was given")
    withdrawn_at: str | None = Field(default=None, description="when it was withdrawn")
    updated_at: str | None = Field(
        default=None, description="when the record last changed (orders a subject's events)"
    )


class ConsentMapping(_Model):
    version: Literal[1] = 1
    records: str | None = Field(
        default=None, description="JSON: the key of the list of records (None: the top level)"
    )
    fields: ConsentFields
    granted: list[str] = Field(min_length=1, description="status values that grant consent")
    withdrawn: list[str] = Field(min_length=1, description="status values that withdraw it")
    ignored: list[str] = Field(
        default_factory=list, description="status values that are no decision (pending)"
    )
    purposes: dict[str, str] = Field(
        default_factory=dict, description="purpose names in the export -> the policy's purpose"
    )


def load_mapping(name_or_path: str | Path) -> ConsentMapping:
    """A mapping file, or the name of a bundled one (``onetrust``)."""
    if str(name_or_path) in BUNDLED:
        path = Path(__file__).with_name(BUNDLED[str(name_or_path)])
    else:
        path = Path(name_or_path)
    data = read_policy_file(path)
    source = str(name_or_path)
    if not isinstance(data, dict):
        raise PolicyError(f"{source}: a consent mapping is a mapping of keys to values")
    try:
        return ConsentMapping.model_validate(data)
    except ValidationError as exc:
        raise validation_error(source, exc, ConsentMapping) from None


def _rows(path: Path, mapping: ConsentMapping) -> Iterator[tuple[int, Mapping[str, Any]]]:
    """``(row number, record)``: CSV rows numbered from 2 (after the header), JSON records
    from 1."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise InputError(str(path), f"cannot read: {exc.strerror or exc}") from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError(str(path), f"not UTF-8 (byte {exc.start})") from None
    suffix = path.suffix.lower()
    if suffix in {".json", ".jsonl", ".ndjson"}:
        yield from _json_rows(path, text, mapping, lines=suffix != ".json")
        return
    reader = csv.DictReader(io.StringIO(text, newline=""), strict=True)
    try:
        for row in reader:
            if None in row:
                raise InputError(str(path), f"row {reader.line_num}: more fields than the header")
            yield reader.line_num, row
    except csv.Error as exc:
        raise InputError(str(path), f"row {reader.line_num}: not CSV ({exc})") from None


def _json_rows(
    path: Path, text: str, mapping: ConsentMapping, *, lines: bool
) -> Iterator[tuple[int, Mapping[str, Any]]]:
    if lines:
        for n, line in enumerate(text.splitlines(), start=1):
            if not line.strip():
                continue
            try:
                record = json.loads(line)
            except (json.JSONDecodeError, RecursionError):
                raise InputError(str(path), f"row {n}: not JSON") from None
            if not isinstance(record, dict):
                raise InputError(str(path), f"row {n}: not a JSON object")
            yield n, record
        return
    try:
        doc = json.loads(text)
    except (json.JSONDecodeError, RecursionError) as exc:
        where = f"line {exc.lineno}" if isinstance(exc, json.JSONDecodeError) else "nested"
        raise InputError(str(path), f"not JSON ({where})") from None
    if mapping.records is not None:
        doc = doc.get(mapping.records) if isinstance(doc, dict) else None
        if doc is None:
            raise InputError(str(path), f"no {mapping.records!r} list of records")
    if not isinstance(doc, list):
        raise InputError(str(path), "not a JSON list of records")
    for n, record in enumerate(doc, start=1):
        if not isinstance(record, dict):
            raise InputError(str(path), f"record {n}: not a JSON object")
        yield n, record


def _time(value: object, where: str) -> datetime | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if not isinstance(value, str):
        raise ValueError(f"{where}: not a date-time text")
    try:
        moment = datetime.fromisoformat(value.strip())
    except ValueError:
        raise ValueError(f"{where}: not an ISO 8601 date-time") from None
    # a time without an offset is taken as UTC (what consent platforms export)
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def _text(record: Mapping[str, Any], name: str, field: str) -> str:
    value = record.get(name)
    if isinstance(value, bool) or not isinstance(value, str | int):
        raise ValueError(f"field {field} ({name}): missing or not text")
    text = str(value).strip()
    if not text:
        raise ValueError(f"field {field} ({name}): empty")
    if len(text) > MAX_FIELD or any(ord(c) < 32 for c in text):
        raise ValueError(f"field {field} ({name}): not a valid {field} (control characters "
                         f"or over {MAX_FIELD} characters)")
    return text


Event = tuple[str, str, str, datetime | None, datetime | None, datetime | None]


class _Statuses:
    """The mapping's status values, upper-cased once (not once per record)."""

    def __init__(self, mapping: ConsentMapping) -> None:
        self.granted = {s.upper() for s in mapping.granted}
        self.withdrawn = {s.upper() for s in mapping.withdrawn}
        self.ignored = {s.upper() for s in mapping.ignored}
        self.allowed = ", ".join([*mapping.granted, *mapping.withdrawn, *mapping.ignored])


def _event(record: Mapping[str, Any], mapping: ConsentMapping, statuses: _Statuses) -> Event | None:
    f = mapping.fields
    subject = _text(record, f.subject, "subject")
    purpose = _text(record, f.purpose, "purpose")
    purpose = mapping.purposes.get(purpose, purpose).strip().lower()
    status_raw = _text(record, f.status, "status")
    status_key = status_raw.upper()
    if status_key in statuses.ignored:
        return None
    if status_key in statuses.granted:
        status = "granted"
    elif status_key in statuses.withdrawn:
        status = "withdrawn"
    else:
        raise ValueError(f"field status ({f.status}): not one of the mapping's: {statuses.allowed}")
    granted = _time(record.get(f.granted_at), f"field granted_at ({f.granted_at})") if f.granted_at else None
    withdrawn = (
        _time(record.get(f.withdrawn_at), f"field withdrawn_at ({f.withdrawn_at})")
        if f.withdrawn_at
        else None
    )
    updated = _time(record.get(f.updated_at), f"field updated_at ({f.updated_at})") if f.updated_at else None
    return subject, purpose, status, granted, withdrawn, updated


def read_events(
    source: str, records: Iterable[tuple[int, Mapping[str, Any]]], mapping: ConsentMapping
) -> list[Event]:
    """Every record of ``records`` as an event; the first that cannot be read is an
    :class:`InputError` naming ``source``, its row and the field (never the value)."""
    events: list[Event] = []
    statuses = _Statuses(mapping)
    for n, record in records:
        try:
            event = _event(record, mapping, statuses)
        except ValueError as exc:
            raise InputError(source, f"row {n}: {exc}") from None
        if event is not None:
            events.append(event)
    return events


def read_file(path: Path, mapping: ConsentMapping) -> list[Event]:
    return read_events(str(path), _rows(path, mapping), mapping)


def consent_table(events: Iterable[Event]) -> pl.DataFrame:
    """The latest event per subject and purpose (by ``updated_at``, else the later of its
    grant and withdrawal; a withdrawal wins a tie), sorted: the consent check's table."""
    latest: dict[tuple[str, str], tuple[tuple[Any, ...], Event]] = {}
    floor = datetime.min.replace(tzinfo=UTC)
    for event in events:
        subject, purpose, status, granted, withdrawn, updated = event
        when = updated or max(t for t in (granted, withdrawn, floor) if t is not None)
        order = (when, status == "withdrawn")
        key = (subject, purpose)
        if key not in latest or order >= latest[key][0]:
            latest[key] = (order, event)
    rows = [latest[key][1] for key in sorted(latest)]
    def naive(moments: Iterable[datetime | None]) -> list[datetime | None]:
        # UTC wall times: Polars converts naive datetimes far faster than aware ones
        return [m.replace(tzinfo=None) if m is not None else None for m in moments]

    timestamp = pl.Datetime("us")
    frame = pl.DataFrame(
        {
            "subject_id": [r[0] for r in rows],
            "purpose": [r[1] for r in rows],
            "status": [r[2] for r in rows],
            "consent": [r[1] if r[2] == "granted" else None for r in rows],
            "granted_at": naive(r[3] for r in rows),
            # a withdrawal without its own date: when the record last changed
            "withdrawn_at": naive((r[4] or r[5]) if r[2] == "withdrawn" else None for r in rows),
        },
        schema={
            "subject_id": pl.String,
            "purpose": pl.String,
            "status": pl.String,
            "consent": pl.String,
            "granted_at": timestamp,
            "withdrawn_at": timestamp,
        },
    )
    return frame.with_columns(pl.col("granted_at", "withdrawn_at").dt.replace_time_zone("UTC"))
