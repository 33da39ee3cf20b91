"""``scan_paths``: files and folders in, one ``ScanReport`` out.

Structured files are read in batches. Each column is first classified on a probe of its first
rows: an *entity column* (most cells are one value of one type, e.g. ``email``) is then counted
with only the detectors that fired in the probe; free-text and other columns go through the whole
engine span by span. Text and source files are scanned line by line, and rules that span lines
(private keys) on whole chunks of them. One bad file never stops the scan: it is listed in
``skipped`` with the reason.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from pathlib import Path

import polars as pl

from clearance._version import __version__
from clearance.core.findings import Finding, FindingCategory, Location, build_finding
from clearance.core.run import SkippedInput
from clearance.core.severity import Severity
from clearance.detection.detector import Category
from clearance.detection.engine import Engine
from clearance.detection.match import Match
from clearance.errors import InputError
from clearance.io import readers
from clearance.io.files import shown_path
from clearance.privacy import Fingerprinter, mask, mask_name
from clearance.scan.column_names import SPECIAL_CATEGORY_ENTITIES, name_hint
from clearance.scan.columns import (
    EVENT_TIME_ADVICE,
    ColumnState,
    Distinct,
    classify,
    distinct_cells,
    is_event_time,
    pattern_matches,
)
from clearance.scan.options import ScanOptions
from clearance.scan.remediation import advice, fix_for
from clearance.scan.report import ColumnProfile, ScanReport, ScanSummary
from clearance.scan.text import TextDetector
from clearance.scan.values import ValueFindings

ProgressFn = Callable[[str, int], None]


class Scanner:
    def __init__(
        self,
        engine: Engine,
        fingerprinter: Fingerprinter,
        options: ScanOptions | None = None,
        progress: ProgressFn | None = None,
    ) -> None:
        self.engine = engine
        self.opts = options or ScanOptions()
        self.found = ValueFindings(fingerprinter, self.opts.max_values_per_rule)
        self.fp = fingerprinter
        self.progress = progress
        self.column_findings: list[Finding] = []
        self.profiles: list[ColumnProfile] = []
        self.skipped: list[SkippedInput] = []
        self.warnings: list[str] = []
        self.rows = 0
        self.files = 0
        self._text: TextDetector | None = None

    def _tick(self, label: str, n: int) -> None:
        if self.progress is not None:
            self.progress(label, n)

    def scan_text(self, path: Path) -> None:
        """A text file, read in chunks (memory bounded by the chunk, not the file): rules that
        span lines (private keys) on whole chunks, the others line by line
        (:class:`clearance.scan.text.TextDetector`). A match is located on the line where it
        starts."""
        info = readers.check_text(path)  # InputError: binary, empty, unreadable, huge lines
        if info.replaced_bytes:
            self.warnings.append(f"{path}: not valid UTF-8; undecodable bytes were replaced")
        name = shown_path(path)
        if self._text is None or self._text.engine is not self.engine:
            self._text = TextDetector(self.engine)
        for chunk, per_line in self._text.chunks(readers.text_chunks(path)):
            for offset, ms in enumerate(per_line):
                for m in ms:
                    line = chunk.first_line + offset
                    loc = Location(file=name, line=line, start=m.start, end=m.end)
                    self.found.add(name, None, m, loc)
            self.rows += len(chunk.lines)
            self._tick(name, len(chunk.lines))

    def scan_table(self, path: Path, kind: readers.Kind) -> None:
        batches = readers.table_batches(path, kind, self.opts.batch_rows, self.opts.sample)
        self._scan_batches(shown_path(path), None, batches)

    def scan_frame(self, origin: str, table: str, frame: pl.DataFrame) -> None:
        """Scans an in-memory table (a database table or a file the audit already loaded);
        findings carry ``location.table``."""
        if self.opts.sample is not None:
            frame = frame.head(self.opts.sample)
        step = self.opts.batch_rows
        slices = (frame.slice(lo, step) for lo in range(0, max(frame.height, 1), step))
        self.scan_frame_batches(origin, table, slices)

    def scan_frame_batches(self, origin: str, table: str, batches: Iterable[pl.DataFrame]) -> None:
        """:meth:`scan_frame` for a table its caller reads in batches (a table too large to
        load, :meth:`clearance.audit.sources.Table.batches`): the same results when the batches
        are the slices of ``batch_rows`` rows ``scan_frame`` cuts. Memory: one batch."""
        self._scan_batches(origin, table, (readers.as_strings(b) for b in batches))
        self.files += 1

    def scan_frames(self, frames: Iterable[tuple[str, str, pl.DataFrame]]) -> None:
        """:meth:`scan_frame` for each ``(origin, table, frame)``, with the same results, in
        fewer engine calls. An engine call has a fixed cost, and a table
        costs one per batch of column names plus two per column (classification, then the
        distinct values), so 20,000 one-row tables took minutes. Small tables (at most
        ``probe_rows`` rows) are therefore scanned ``group_tables`` at a time: the column names
        of all of them in one call, and their cells in one call per column name (the name is
        the context the engine scores with), then the matches are handed back to each column,
        in the order :meth:`scan_frame` would have recorded them. This relies on the engine's
        matches in a text depending only on the text, the context and the detectors, not on the
        other texts of the call."""
        group: list[tuple[str, str, pl.DataFrame]] = []
        rows = 0
        for origin, table, frame in frames:
            if self.opts.sample is not None:
                frame = frame.head(self.opts.sample)
            if not self._groupable(frame):
                self._scan_group(group)
                group, rows = [], 0
                self.scan_frame(origin, table, frame)
                continue
            group.append((origin, table, readers.as_strings(frame)))
            rows += frame.height
            if len(group) >= self.opts.group_tables or rows >= self.opts.batch_rows:
                self._scan_group(group)
                group, rows = [], 0
        self._scan_group(group)

    def _groupable(self, frame: pl.DataFrame) -> bool:
        """A table :meth:`scan_frames` scans with others: one batch, probed whole, and every
        distinct value validated (the paths of :meth:`_scan_column` that depend only on each
        value), by an engine without a NER model (a model may score a text differently in
        another batch; its per-call cost is small next to the model's)."""
        limit = self.opts.validate_limit
        return (
            self.opts.group_tables > 1
            and self.engine.ner is None
            and frame.height <= min(self.opts.probe_rows, self.opts.batch_rows)
            and (limit is None or frame.height <= limit)
        )

    def _scan_group(self, group: Sequence[tuple[str, str, pl.DataFrame]]) -> None:
        """Scans small all-string tables together (:meth:`scan_frames`)."""
        if not group:
            return
        names = list(dict.fromkeys(c for _, _, batch in group for c in batch.columns))
        known = dict(zip(names, self.engine.detect_batch(names), strict=True)) if names else {}
        # Each column: its state, cells and distinct values; the probe texts per context.
        columns: list[list[tuple[ColumnState, list[str | None], Distinct, str]]] = []
        probes: dict[str, dict[str, None]] = {}
        for _, table, batch in group:
            shown, _ = safe_column_names(self.engine, batch.columns, known=known)
            cols = []
            for column, display in zip(batch.columns, shown, strict=True):
                cells: list[str | None] = batch[column].to_list()
                context = display.replace("_", " ").lower()
                probes.setdefault(context, {}).update(dict.fromkeys(c or "" for c in cells))
                cols.append((ColumnState(display, table), cells, distinct_cells(cells), context))
            columns.append(cols)
        probed = {
            context: dict(zip(texts, self.engine.detect_batch(list(texts), context), strict=True))
            for context, texts in probes.items()
        }
        # Classified, each column's distinct values go to the engine its kind uses: the whole
        # engine (whose matches the probe already has) or the column's entity detectors.
        wanted: dict[tuple[frozenset[str], str], dict[str, None]] = {}
        for cols in columns:
            for state, cells, distinct, context in cols:
                matches = probed[context]
                classify(state, cells, [matches[c or ""] for c in cells], self.opts)
                if state.kind == "entity":
                    key = (frozenset(state.entity_rules), context)
                    wanted.setdefault(key, {}).update(dict.fromkeys(distinct.values))
        detected: dict[tuple[frozenset[str], str], dict[str, list[Match]]] = {}
        for (rules, context), texts in wanted.items():
            results = self.engine.restricted(rules).detect_batch(list(texts), context)
            detected[(rules, context)] = dict(zip(texts, results, strict=True))
        # Recorded table by table, column by column, as scan_frame records them.
        for (origin, table, batch), cols in zip(group, columns, strict=True):
            self.scan_column_names(origin, table, batch.columns, {}, known=known)
            for state, _, distinct, context in cols:
                matches = (
                    detected[(frozenset(state.entity_rules), context)]
                    if state.kind == "entity"
                    else probed[context]
                )
                state.validated += len(distinct.values)
                results = [matches[v] for v in distinct.values]
                self.record(origin, state, distinct, results, batch.height, 0)
            self.rows += batch.height
            self._tick(origin, batch.height)
            for state, _, _, _ in cols:
                self.finish_column(origin, state)
            self.files += 1

    def scan_batches(self, name: str, batches: Iterable[pl.DataFrame]) -> None:
        """Scans a file's table as all-string batches its caller read (some of its columns:
        each column is scanned on its own, so the columns of a file may be scanned apart);
        findings are located in ``name``. The file is not counted in ``files_scanned``."""
        self._scan_batches(name, None, batches)

    def _scan_batches(self, name: str, table: str | None, batches: Iterable[pl.DataFrame]) -> None:
        states: dict[str, ColumnState] = {}
        shown: dict[str, str] = {}
        row_base = 0
        for batch in batches:
            if set(batch.columns) - set(shown):
                shown = self.scan_column_names(name, table, batch.columns, shown)
            for column in batch.columns:
                state = states.setdefault(column, ColumnState(shown[column], table))
                self._scan_column(name, state, batch[column], row_base)
            row_base += batch.height
            self._tick(name, batch.height)
        self.rows += row_base
        for state in states.values():
            self.finish_column(name, state)

    def scan_column_names(
        self,
        file: str,
        table: str | None,
        columns: Sequence[str],
        shown: dict[str, str],
        known: Mapping[str, list[Match]] | None = None,
    ) -> dict[str, str]:
        """Column names (object keys) are data too: a headerless CSV's first row, a JSON object
        keyed by e-mail addresses. Each new name goes through the engine; a match is a finding
        located at the column header (``column`` and ``start``/``end`` in the name, no ``row``)
        and the name is shown masked everywhere (:func:`safe_column_names`; ``known``: the
        engine's matches in the names, when already computed)."""
        new = [c for c in columns if c not in shown]
        names, matches = safe_column_names(self.engine, new, taken=set(shown.values()), known=known)
        for display, ms in zip(names, matches, strict=True):
            for m in ms:
                loc = Location(file=file, table=table, column=display, start=m.start, end=m.end)
                self.found.add(file, display, m, loc)
        return {**shown, **dict(zip(new, names, strict=True))}

    def _scan_column(self, file: str, state: ColumnState, series: pl.Series, base: int) -> None:
        distinct = column_distinct(series)
        if state.kind is None:
            self.classify_column(state, series.head(self.opts.probe_rows).to_list())
        results = self._detect(
            column_engine(self.engine, state), state, distinct.values, context_of(state)
        )
        self.record(file, state, distinct, results, series.len(), base)

    def classify_column(self, state: ColumnState, probe: list[str | None]) -> None:
        """Decides the column's kind (entity, free text, other) on a probe of its first rows."""
        classify(state, probe, self.engine.detect_batch(probe, context_of(state)), self.opts)

    def record(
        self,
        file: str,
        state: ColumnState,
        distinct: Distinct,
        results: list[list[Match]],
        rows: int,
        base: int,
        nonempty: int | None = None,
    ) -> None:
        """Counts a batch of a column's rows (``rows``, the first at ``base``) from the engine's
        matches in each of its distinct values. ``nonempty``: the batch's non-empty cells when
        ``distinct`` holds only some of its values (its first and those with a match: what a
        Spark executor sends back); ``None``: the sum of ``distinct``'s counts."""
        values, firsts, counts = distinct.values, distinct.firsts, distinct.counts
        state.rows += rows
        state.nonempty += sum(counts) if nonempty is None else nonempty
        if state.first_value is None and values:
            state.first_value = (values[0], base + firsts[0])
        for value_ms, first, n in zip(results, firsts, counts, strict=True):
            if not value_ms:
                continue
            row = base + first
            for rule in {m.detector for m in value_ms}:
                state.rule_rows[rule] = state.rule_rows.get(rule, 0) + n
            for entity in {m.entity for m in value_ms}:
                state.entity_rows[entity] = state.entity_rows.get(entity, 0) + n
            for m in value_ms:
                if state.kind == "entity" and m.detector in state.entity_rules:
                    state.rule_first.setdefault(m.detector, (m, row))
                    state.score_sum[m.detector] = state.score_sum.get(m.detector, 0.0) + m.score * n
                else:
                    loc = Location(
                        file=file,
                        table=state.table,
                        column=state.name,
                        row=row,
                        start=m.start,
                        end=m.end,
                    )
                    self.found.add(file, state.name, m, loc, n)

    def _detect(
        self, engine: Engine, state: ColumnState, values: list[str], context: str
    ) -> list[list[Match]]:
        """Engine results per distinct value. In a large entity column only the first
        ``validate_limit`` distinct values go through the validators; when those confirm the
        pattern (share of pattern matches valid >= ``pattern_trust``), the rest are matched by
        pattern alone, which is what makes a million distinct phone numbers take seconds."""
        limit = self.opts.validate_limit
        if state.kind != "entity" or limit is None or len(values) + state.validated <= limit:
            state.validated += len(values)
            return engine.detect_batch(values, context)
        budget = max(0, limit - state.validated)
        head, rest = values[:budget], values[budget:]
        results = engine.detect_batch(head, context) if head else []
        self._tally(engine, state, head, results)
        trusted = [
            engine.registry[r]
            for r in sorted(state.entity_rules)
            if state.candidates.get(r)
            and state.passed.get(r, 0) / state.candidates[r] >= self.opts.pattern_trust
        ]
        if len(trusted) < len(state.entity_rules):
            rest_results = engine.detect_batch(rest, context)
            self._tally(engine, state, rest, rest_results)
            return results + rest_results
        state.pattern_counted += len(rest)
        return results + pattern_matches(trusted, rest, engine.calibration)

    @staticmethod
    def _tally(
        engine: Engine, state: ColumnState, values: list[str], results: list[list[Match]]
    ) -> None:
        state.validated += len(values)
        frame = pl.DataFrame({"t": values}, schema={"t": pl.String})
        for rule in state.entity_rules:
            det = engine.registry[rule]
            hits = int(frame.select(pl.col("t").str.contains(det.rust_pattern).sum()).item())
            state.candidates[rule] = state.candidates.get(rule, 0) + hits
            ok = sum(any(m.detector == rule for m in ms) for ms in results)
            state.passed[rule] = state.passed.get(rule, 0) + ok

    def finish_column(self, file: str, state: ColumnState) -> None:
        if state.pattern_counted:
            rates = ", ".join(
                f"{r} {state.passed.get(r, 0) / max(1, state.candidates.get(r, 0)):.1%}"
                for r in sorted(state.entity_rules)
            )
            where = f"{state.table}.{state.name}" if state.table else f"{file}:{state.name}"
            self.warnings.append(
                f"{where}: {state.pattern_counted:,} distinct values counted by pattern after "
                f"validating {state.validated:,} (valid: {rates})"
            )
        hint = name_hint(state.name)
        best_entity, best_share, best_conf = None, 0.0, 0.0
        for rule, (m, row) in sorted(state.rule_first.items()):
            n = state.rule_rows[rule]
            share = n / max(1, state.nonempty)
            value_conf = state.score_sum[rule] / n
            confidence = min(
                0.99, value_conf * (0.5 + share / 2) + (0.1 if hint == m.entity else 0)
            )
            event = m.entity == "DATE_TIME" and is_event_time(state.name, hint, m.value)
            category: FindingCategory = "quasi_identifier" if event else m.category
            self.column_findings.append(
                build_finding(
                    rule=rule,
                    category=category,
                    entity=m.entity,
                    severity=Severity.INFO if event else m.severity,
                    scope="column",
                    location=Location(file=file, table=state.table, column=state.name, row=row),
                    count=n,
                    share=share,
                    preview=mask(m.value, m.entity, m.category),
                    fingerprinter=self.fp,
                    identity=f"column\x00{file}\x00{state.name}",
                    score=confidence,
                    remediation=EVENT_TIME_ADVICE
                    if event
                    else advice(m.category, m.entity, "column"),
                    fix="generalize" if event else fix_for(m.category, "column"),
                )
            )
            if share > best_share:
                best_entity, best_share, best_conf = m.entity, share, confidence
        if best_entity is None and hint not in (None, "DATE_TIME") and state.first_value:
            self._name_only_finding(file, state, hint or "")
        self.profiles.append(
            ColumnProfile(
                file=file,
                table=state.table,
                column=state.name,
                kind="entity"
                if best_entity
                else ("free_text" if state.kind == "free_text" else "other"),
                entity=best_entity,
                share=round(best_share, 4),
                confidence=round(best_conf, 4),
                rows=state.rows,
                name_hint=hint,
                matches=dict(sorted(state.entity_rows.items())),
            )
        )

    def _name_only_finding(self, file: str, state: ColumnState, hint: str) -> None:
        """A column named ``city`` or ``api_key`` whose values no detector confirms is still
        reported, at a lower score: names are how people label what they store."""
        assert state.first_value is not None
        value, row = state.first_value
        category: Category = (
            "secret"
            if hint == "SECRET"
            else "special_category"
            if hint in SPECIAL_CATEGORY_ENTITIES
            else "pii"
        )
        # --entities and --threshold apply to name findings as to every other (score 0.5)
        wanted = {d.entity for d in self.engine.registry}
        if category == "secret" and any(d.category == "secret" for d in self.engine.registry):
            wanted.add(hint)
        if hint not in wanted or self.engine.threshold > 0.5:
            return
        self.column_findings.append(
            build_finding(
                rule="column-name",
                category=category,
                entity=hint,
                severity=Severity.MEDIUM if category == "pii" else Severity.HIGH,
                scope="column",
                location=Location(file=file, table=state.table, column=state.name, row=row),
                count=state.nonempty,
                share=1.0 if state.nonempty else 0.0,
                preview=mask(value, hint, category),
                fingerprinter=self.fp,
                identity=f"column\x00{file}\x00{state.name}",
                score=0.5,
                remediation=advice(category, hint, "column"),
                fix=fix_for(category, "column"),
            )
        )

    def scan_file(self, path: Path) -> None:
        kind = readers.kind_of(path)
        try:
            if kind == "text":
                self.scan_text(path)
            else:
                self.scan_table(path, kind)
            self.files += 1
        except InputError as exc:
            self.skipped.append(SkippedInput(path=shown_path(exc.source), reason=exc.reason))

    def report(self) -> ScanReport:
        findings = sorted(
            self.column_findings + self.found.findings(),
            key=lambda f: (
                -f.severity.rank,
                f.location.file,
                f.location.column or "",
                f.location.row or 0,
                f.location.line or 0,
                f.location.start or 0,
                f.rule,
            ),
        )
        for (file, column, rule), extra in sorted(
            self.found.overflow.items(), key=lambda kv: (kv[0][0], kv[0][1] or "", kv[0][2])
        ):
            where = f"{file}:{column}" if column else file
            self.warnings.append(
                f"{where}: {extra} more distinct values for rule {rule} beyond the "
                f"{self.opts.max_values_per_rule} listed"
            )
        by_sev: dict[str, int] = {}
        by_ent: dict[str, int] = {}
        for f in findings:
            by_sev[f.severity.value] = by_sev.get(f.severity.value, 0) + 1
            by_ent[f.entity] = by_ent.get(f.entity, 0) + 1
        return ScanReport(
            version=__version__,
            threshold=self.engine.threshold,
            summary=ScanSummary(
                files_scanned=self.files,
                files_skipped=len(self.skipped),
                rows_scanned=self.rows,
                findings=len(findings),
                by_severity=dict(sorted(by_sev.items())),
                by_entity=dict(sorted(by_ent.items())),
            ),
            findings=findings,
            columns=self.profiles,
            skipped=self.skipped,
            warnings=self.warnings,
        )


def column_distinct(series: pl.Series) -> Distinct:
    """A batch of a column's distinct non-empty values, in order of first appearance, with their
    first row and count, computed in Rust: Python then works per distinct value, not per row."""
    groups = (
        pl.DataFrame({"v": series})
        .with_row_index("row")
        .filter(pl.col("v").is_not_null() & (pl.col("v") != ""))
        .group_by("v", maintain_order=True)
        .agg(pl.col("row").first(), pl.len().alias("n"))
    )
    return Distinct(groups["v"].to_list(), groups["row"].to_list(), groups["n"].to_list())


def context_of(state: ColumnState) -> str:
    """The context the engine scores a column's values in: its shown name."""
    return state.name.replace("_", " ")


def column_engine(engine: Engine, state: ColumnState) -> Engine:
    """The engine a classified column's values go through: an entity column's own detectors,
    or the whole engine."""
    return engine.restricted(state.entity_rules) if state.kind == "entity" else engine


def safe_column_names(
    engine: Engine,
    names: Sequence[str],
    taken: set[str] | None = None,
    known: Mapping[str, list[Match]] | None = None,
) -> tuple[list[str], list[list[Match]]]:
    """Names to show for ``names`` (column names, object keys) and the engine's matches in
    each. A name with a match is masked (:func:`clearance.privacy.mask_name`), control
    characters are escaped in every name, and a shown name that would clash with another gets
    ``#2``, ``#3``. The scan and the audit both show column names only through this.
    ``known``: the engine's matches per name, when already computed (one engine call for the
    names of many tables)."""
    if known is not None:
        matches = [known[n] for n in names]
    else:
        matches = engine.detect_batch(list(names)) if names else []
    used = set(taken or ()) | {n for n, ms in zip(names, matches, strict=True) if not ms}
    out: list[str] = []
    for name, ms in zip(names, matches, strict=True):
        shown = mask_name(name, [(m.start, m.end, m.entity, m.category) for m in ms])
        if shown != name:
            base, k = shown, 1
            while shown in used:
                k += 1
                shown = f"{base}#{k}"
        used.add(shown)
        out.append(shown)
    return out, matches


def scan_paths(
    paths: Iterable[Path | str],
    *,
    fingerprinter: Fingerprinter,
    engine: Engine | None = None,
    options: ScanOptions | None = None,
    progress: ProgressFn | None = None,
    on_file: Callable[[Path], None] | None = None,
) -> ScanReport:
    """Scans files and folders; never raises for a bad file (it is listed in ``skipped``).
    ``fingerprinter`` keys the findings' fingerprints: the caller chooses the key
    (:func:`clearance.privacy.load_key` is what the CLI uses), the library writes no key file."""
    scanner = Scanner(engine or Engine(), fingerprinter, options, progress)
    files, missing = readers.discover([Path(p) for p in paths])
    for missing_path, reason in missing:
        scanner.skipped.append(SkippedInput(path=shown_path(missing_path), reason=reason))
    for path in files:
        if on_file is not None:
            on_file(path)
        scanner.scan_file(path)
    return scanner.report()


__all__ = [
    "Scanner",
    "column_distinct",
    "column_engine",
    "context_of",
    "safe_column_names",
    "scan_paths",
]
