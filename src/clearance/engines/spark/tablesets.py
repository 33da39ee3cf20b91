"""Which tables ``redact --engine spark`` makes of its inputs, and where each one's copy goes.

A file is a table. A folder's table files are grouped by the folder they belong to (the
nearest folder above them that is not a ``key=value`` partition folder) and by format: a group
of one file directly in its folder is that file's table (named by its stem, as locally); a
larger group (a partitioned folder, a folder of part files) is one table named by its folder.
A glob (``'lake/orders/*.parquet'``, quoted so that the shell leaves it) is grouped the same
way. Each table's copy is a folder of Parquet files, at the table's place under OUTDIR."""

from __future__ import annotations

import glob
import os
import re
from dataclasses import dataclass
from pathlib import Path

from clearance.core.run import SkippedInput
from clearance.engines.spark.tables import SPARK_KINDS
from clearance.errors import InputError
from clearance.io import readers
from clearance.io.files import shown_path
from clearance.io.outputs import refuse_output_in_input
from clearance.io.tags import without_sidecars

_PARTITION = re.compile(r"[^=/]+=[^/]*")
_GLOB = re.compile(r"[*?\[]")


@dataclass(frozen=True)
class TableSet:
    """One table on Spark: ``files`` of one ``kind`` read together from ``root`` (``files`` is
    ``None`` for one file, read by its own path), its policy name and its copy's place."""

    root: Path
    kind: readers.Kind
    files: tuple[Path, ...]
    name: str  # the table's name for the policy (redact.columns table.column)
    rel: Path  # the copy's folder, relative to OUTDIR

    @property
    def single(self) -> bool:
        return len(self.files) == 1 and self.files[0] == self.root

    @property
    def shown(self) -> str:
        return shown_path(self.root)


def _table_root(file: Path) -> Path:
    folder = file.parent
    while _PARTITION.fullmatch(folder.name):
        folder = folder.parent
    return folder


def _expand(path: Path) -> tuple[Path, list[Path], list[tuple[str, str]]]:
    """``(base, files, missing)``: the folder outputs are placed relative to, and the files."""
    text = str(path)
    found_glob = _GLOB.search(text)
    if not path.exists() and found_glob is not None:
        prefix = text[: found_glob.start()]
        fixed = Path(prefix) if prefix.endswith(os.sep) else Path(prefix).parent
        found = sorted(Path(p) for p in glob.glob(text, recursive=True) if Path(p).is_file())
        if not found:
            return fixed, [], [(text, "no file matches this pattern")]
        return fixed.parent, found, []
    files, missing = readers.discover([path])
    return path.parent, files, missing


def table_sets(paths: list[Path], outdir: Path) -> tuple[list[TableSet], list[SkippedInput]]:
    """The tables of ``paths`` and what was skipped (files that are no table Spark reads)."""
    sets: list[TableSet] = []
    skipped: list[SkippedInput] = []
    for path in paths:
        refuse_output_in_input(outdir, path)
        base, files, missing = _expand(path)
        skipped += [SkippedInput(path=shown_path(Path(p)), reason=r) for p, r in missing]
        groups: dict[tuple[Path, readers.Kind], list[Path]] = {}
        for file in without_sidecars(files):
            file_kind = readers.kind_of(file)
            if file_kind not in SPARK_KINDS:
                skipped.append(
                    SkippedInput(
                        path=shown_path(file),
                        reason=f"not a table Spark reads ({file_kind}); redact it with the local engine",
                    )
                )
                continue
            groups.setdefault((_table_root(file), file_kind), []).append(file)
        for (root, kind), members in groups.items():
            if len(members) == 1 and members[0].parent == root:
                file = members[0]
                rel = file.relative_to(base) if file.is_relative_to(base) else Path(file.name)
                sets.append(TableSet(file, kind, (file,), file.stem, rel.with_name(file.stem)))
            else:
                rel = root.relative_to(base) if root.is_relative_to(base) else Path(root.name)
                sets.append(TableSet(root, kind, tuple(members), root.name, rel))
    seen: dict[Path, TableSet] = {}
    for table in sets:
        if table.rel in seen:
            raise InputError(
                table.shown,
                f"has the same output folder as {seen[table.rel].shown} ({table.rel.as_posix()}); "
                "redact them apart",
            )
        seen[table.rel] = table
    return sets, skipped


__all__ = ["TableSet", "table_sets"]
