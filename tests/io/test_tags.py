"""clearance.io.tags: the one tags writer and reader every command uses."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import polars as pl
import pyarrow.parquet as pq
import pytest

from clearance.errors import InputError
from clearance.io.outputs import write_outputs
from clearance.io.tags import (
    OutputTags,
    Sensitivity,
    read_tags,
    run_id,
    sidecar_path,
    tagged_outputs,
    verify_tags,
    without_sidecars,
    write_parquet,
)

REDACT_KEYS = [
    "format",
    "purpose",
    "run_id",
    "manifest",
    "policy_sha256",
    "input_sha256",
    "columns",
    "encryption",
]


def _tags(**more: object) -> OutputTags:
    return OutputTags(
        purpose="fraud-analytics",
        run_id=run_id(["x"]),
        manifest="report.json",
        policy_sha256=None,
        input_sha256="0" * 64,
        **more,  # type: ignore[arg-type]
    )


def test_unset_additions_leave_the_json_as_redact_wrote_it() -> None:
    assert list(json.loads(_tags().to_json())) == REDACT_KEYS


def test_sensitivity_lists_only_what_the_command_set() -> None:
    tags = _tags(command="dp", sensitivity=Sensitivity(treatment="differential-privacy", epsilon=1))
    data = json.loads(tags.to_json())
    assert data["command"] == "dp" and "manifest_sha256" not in data
    assert data["sensitivity"] == {"treatment": "differential-privacy", "epsilon": 1.0}
    assert OutputTags.model_validate_json(tags.to_json()) == tags  # read back as written


def test_parquet_and_sidecar_carry_the_same_tags(tmp_path: Path) -> None:
    out = tmp_path / "t.parquet"
    tags = _tags(command="anonymize")
    write_parquet(pl.DataFrame({"a": [1, 2]}), out, tags)
    write_outputs(tagged_outputs(out, out.read_bytes(), tags))
    assert OutputTags.model_validate_json(pq.read_metadata(out).metadata[b"clearance"]) == tags
    assert read_tags(out) == tags
    sidecar_path(out).unlink()
    assert read_tags(out) == tags  # the embedded copy alone


def test_report_hash_is_checked(tmp_path: Path) -> None:
    report = tmp_path / "report.json"
    report.write_text("{}\n")
    out = tmp_path / "t.csv"
    tags = _tags(manifest_sha256=hashlib.sha256(b"{}\n").hexdigest())
    write_outputs(tagged_outputs(out, "a\n1\n", tags))
    assert verify_tags(out) == tags
    report.write_text("{} \n")
    with pytest.raises(InputError, match="differs from the report"):
        verify_tags(out)


def test_a_record_with_another_run_id_or_without_the_files_hash_is_refused(
    tmp_path: Path,
) -> None:
    out = tmp_path / "t.csv"
    tags = _tags()
    write_outputs(tagged_outputs(out, "a\n1\n", tags))
    sha = hashlib.sha256(b"a\n1\n").hexdigest()
    record = tmp_path / "report.json"
    record.write_text(json.dumps({"run_id": tags.run_id, "files": [{"sha256_after": sha}]}))
    assert verify_tags(out) == tags
    record.write_text(json.dumps({"run_id": "other", "files": [{"sha256_after": sha}]}))
    with pytest.raises(InputError, match="not written by the run"):
        verify_tags(out)
    record.write_text(json.dumps({"run_id": tags.run_id, "files": [{"sha256_after": "0"}]}))
    with pytest.raises(InputError, match="changed since"):
        verify_tags(out)


def test_unreadable_or_malformed_tags_are_input_errors(tmp_path: Path) -> None:
    out = tmp_path / "t.csv"
    out.write_text("a\n")
    sidecar_path(out).mkdir()  # a path that cannot be read as a file
    with pytest.raises(InputError, match="cannot read"):
        read_tags(out)
    sidecar_path(out).rmdir()
    sidecar_path(out).write_text('{"format": "clearance-tags/1", "purpose": "<script>"}')
    with pytest.raises(InputError, match="no valid clearance tags"):
        read_tags(out)


def test_sidecars_of_listed_files_are_left_out() -> None:
    files = [Path("d/a.csv"), Path("d/a.csv.clearance.json"), Path("d/b.clearance.json")]
    assert without_sidecars(files) == [Path("d/a.csv"), Path("d/b.clearance.json")]
