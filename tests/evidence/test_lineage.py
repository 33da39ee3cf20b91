"""OpenLineage events of a recorded run: valid RunEvents (START, then COMPLETE or FAIL), the
files as datasets with their SHA-256, counts only in the clearance facet; a file per event
beside the store, and HTTP to a real local server; a backend that refuses, hangs or errs is a
warning, never an exception."""

from __future__ import annotations

import hashlib
import json
import os
import socket
import threading
from collections.abc import Iterator
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import jsonschema
import pytest

from clearance.evidence.lineage import (
    FACET_SCHEMA,
    LineageSettings,
    emit_run,
    event_json,
    run_events,
)
from clearance.evidence.record import new_record

SCHEMA = json.loads((Path(__file__).parent / "openlineage_runevent.schema.json").read_text())
PLANTED = "planted.person@example.org"
STARTED = datetime(2026, 1, 2, 3, 4, 5, 600000, tzinfo=UTC)


def _formats() -> jsonschema.FormatChecker:
    """jsonschema's checker with date-time and uri, which it checks only with optional
    packages: ISO 8601 with a time and an offset, and a URI with a scheme."""
    checker = jsonschema.FormatChecker()

    @checker.checks("date-time", raises=ValueError)
    def _date_time(value: object) -> bool:
        if not isinstance(value, str) or "T" not in value:
            return False
        return datetime.fromisoformat(value.replace("Z", "+00:00")).tzinfo is not None

    @checker.checks("uri")
    def _uri(value: object) -> bool:
        return isinstance(value, str) and bool(urlsplit(value).scheme)

    return checker


# The spec's published file, where a machine has it (CLEARANCE_OPENLINEAGE_SPEC=path to
# OpenLineage.json, e.g. https://openlineage.io/spec/2-1-0/OpenLineage.json saved): every event
# the tests build is then validated against it as well (offline CI has only the schema above).
_SPEC_FILE = os.environ.get("CLEARANCE_OPENLINEAGE_SPEC", "")
SPECS = [SCHEMA] + ([json.loads(Path(_SPEC_FILE).read_text())] if _SPEC_FILE else [])


def validate(doc: dict[str, Any]) -> None:
    for schema in SPECS:
        jsonschema.Draft202012Validator(schema, format_checker=_formats()).validate(doc)


def _record(tmp_path: Path, verdict: str = "findings") -> dict[str, Any]:
    data = tmp_path / "users.csv"
    data.write_text(f"email\n{PLANTED}\n")
    out = tmp_path / "report.json"
    out.write_text("{}")
    report = {
        "summary": {"findings": 3},
        "findings": [
            {"rule": "email", "severity": "high", "preview": "pl*****@example.org"},
            {"rule": "email", "severity": "high", "preview": "pl*****@example.org"},
            {"rule": "phone", "severity": "low", "preview": "+4*******"},
        ],
    }
    return new_record(
        "audit", inputs=[data], outputs=[out], report=report, verdict=verdict
    )


def _events(tmp_path: Path, verdict: str = "findings") -> list[dict[str, Any]]:
    return [json.loads(event_json(e)) for e in run_events(_record(tmp_path, verdict), STARTED)]


def test_a_run_is_a_start_and_a_complete_event_valid_against_the_spec(tmp_path: Path) -> None:
    start, complete = _events(tmp_path)
    for event in (start, complete):
        validate(event)
    assert (start["eventType"], complete["eventType"]) == ("START", "COMPLETE")
    assert start["run"]["runId"] == complete["run"]["runId"]
    assert start["eventTime"] == "2026-01-02T03:04:05.600000Z"
    assert start["job"] == complete["job"]
    assert (complete["job"]["namespace"], complete["job"]["name"]) == ("clearance", "audit")


def test_the_validator_refuses_what_the_spec_refuses(tmp_path: Path) -> None:
    # the schema is ours to keep: prove that it can fail
    _, complete = _events(tmp_path)
    for broken in (
        {k: v for k, v in complete.items() if k != "producer"},
        {**complete, "eventType": "DONE"},
        {**complete, "run": {"runId": "not-a-uuid"}},
        {**complete, "eventTime": "2026-01-02"},
        {**complete, "run": {**complete["run"], "facets": {"x": {"_producer": "urn:a"}}}},
    ):
        with pytest.raises(jsonschema.ValidationError):
            validate(broken)


def test_a_failed_verdict_ends_the_run_with_fail(tmp_path: Path) -> None:
    _, end = _events(tmp_path, verdict="fail")
    validate(end)
    assert end["eventType"] == "FAIL"
    assert end["run"]["facets"]["clearance"]["verdict"] == "fail"


def test_datasets_are_the_files_with_their_sha256(tmp_path: Path) -> None:
    start, complete = _events(tmp_path)
    [source] = complete["inputs"]
    [written] = complete["outputs"]
    assert source["namespace"] == "file"
    assert source["name"] == (tmp_path / "users.csv").as_posix()
    digest = hashlib.sha256((tmp_path / "users.csv").read_bytes()).hexdigest()
    assert source["facets"]["version"]["datasetVersion"] == f"sha256:{digest}"
    digest = hashlib.sha256((tmp_path / "report.json").read_bytes()).hexdigest()
    assert written["facets"]["version"]["datasetVersion"] == f"sha256:{digest}"
    assert start["inputs"] == complete["inputs"] and start.get("outputs", []) == []


def test_the_clearance_facet_counts_findings_and_holds_no_value(tmp_path: Path) -> None:
    record = _record(tmp_path)
    _, complete = [json.loads(event_json(e)) for e in run_events(record, STARTED)]
    facet = complete["run"]["facets"]["clearance"]
    assert facet["_schemaURL"] == FACET_SCHEMA
    assert facet["findings"] == 3
    assert facet["findingsBySeverity"] == {"high": 2, "low": 1}
    assert facet["evidenceRunId"] == record["run_id"]
    text = event_json(run_events(record, STARTED)[1])
    for value in (PLANTED, "pl*****", "+4*******"):
        assert value not in text


def test_a_run_id_that_is_not_a_uuid_gets_a_stable_one(tmp_path: Path) -> None:
    record = {**_record(tmp_path), "run_id": "a" * 32}
    first = json.loads(event_json(run_events(record, STARTED)[0]))
    assert first["run"]["runId"] == "aaaaaaaa-aaaa-aaaa-aaaa-aaaaaaaaaaaa"
    record["run_id"] = "manifest:1"
    ids = {json.loads(event_json(run_events(record, STARTED)[0]))["run"]["runId"] for _ in "ab"}
    [one] = ids
    validate(json.loads(event_json(run_events(record, STARTED)[0])))
    assert one != first["run"]["runId"]


def test_the_file_transport_writes_one_file_per_event_named_by_the_run(tmp_path: Path) -> None:
    record = _record(tmp_path)
    folder = tmp_path / "store" / "lineage"
    assert emit_run(record, STARTED, LineageSettings(folder)) == []
    names = sorted(p.name for p in folder.iterdir())
    assert [n.split("-", 1)[1] for n in names] == [
        f"{record['run_id']}-1-START.json",
        f"{record['run_id']}-2-COMPLETE.json",
    ]
    for path in folder.iterdir():
        validate(json.loads(path.read_text()))
    # the same record again: the same two files, not two more
    assert emit_run(record, STARTED, LineageSettings(folder)) == []
    assert sorted(p.name for p in folder.iterdir()) == names


def test_a_folder_that_cannot_be_made_is_a_warning(tmp_path: Path) -> None:
    (tmp_path / "store").write_text("a file where the folder goes")
    [warning] = emit_run(_record(tmp_path), STARTED, LineageSettings(tmp_path / "store" / "l"))
    assert warning.startswith("lineage: events not written")


def test_settings_from_the_environment(tmp_path: Path) -> None:
    store = tmp_path / "s" / "evidence.db"
    settings, warnings = LineageSettings.from_env(store, {})
    assert settings == LineageSettings(tmp_path / "s" / "lineage") and warnings == []
    server, _ = LineageSettings.from_env(None, {"OPENLINEAGE_URL": "http://127.0.0.1:5000"})
    assert server is not None and server.folder == Path(".clearance") / "lineage"
    assert server.url == "http://127.0.0.1:5000"
    ours, _ = LineageSettings.from_env(
        None, {"OPENLINEAGE_URL": "http://a", "CLEARANCE_LINEAGE_URL": "http://b"}
    )
    assert ours is not None and ours.url == "http://b"
    for off in ({"CLEARANCE_LINEAGE": "off"}, {"OPENLINEAGE_DISABLED": "true"}):
        assert LineageSettings.from_env(store, off) == (None, [])
    bad, warnings = LineageSettings.from_env(store, {"CLEARANCE_LINEAGE_TIMEOUT": "soon"})
    assert bad is not None and bad.timeout == 5.0
    assert warnings == ["CLEARANCE_LINEAGE_TIMEOUT: not a number of seconds in (0, 600]; using 5"]


class _Backend:
    """A real OpenLineage-style backend on 127.0.0.1: records what is posted to it and answers
    ``status``."""

    def __init__(self, status: int = 201) -> None:
        self.posted: list[tuple[str, dict[str, str], dict[str, Any]]] = []
        backend = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length", "0"))
                body = json.loads(self.rfile.read(length))
                backend.posted.append((self.path, dict(self.headers), body))
                self.send_response(status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args: object) -> None:
                return None

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def backend() -> Iterator[_Backend]:
    server = _Backend()
    yield server
    server.close()


def test_http_transport_posts_both_events_to_the_backend(
    tmp_path: Path, backend: _Backend
) -> None:
    record = _record(tmp_path)
    settings = LineageSettings(tmp_path / "lineage", url=backend.url, api_key="k-123")
    assert emit_run(record, STARTED, settings) == []
    assert [p for p, _, _ in backend.posted] == ["/api/v1/lineage"] * 2
    bodies = [b for _, _, b in backend.posted]
    assert [b["eventType"] for b in bodies] == ["START", "COMPLETE"]
    for body in bodies:
        validate(body)
    assert {h.get("Authorization") for _, h, _ in backend.posted} == {"Bearer k-123"}
    # the backend got what the files hold
    files = sorted((tmp_path / "lineage").iterdir())
    assert [json.loads(f.read_text()) for f in files] == bodies


def test_a_backend_that_errs_is_one_warning_and_no_retry(tmp_path: Path) -> None:
    server = _Backend(status=500)
    try:
        settings = LineageSettings(None, url=server.url + "/?token=s3cret")
        warnings = emit_run(_record(tmp_path), STARTED, settings)
    finally:
        server.close()
    assert len(server.posted) == 1  # not retried, and COMPLETE not tried after START failed
    assert warnings == [
        f"lineage: {server.url}/: events not sent (HTTP 500); they are in the store"
    ]


def test_a_refusing_backend_is_a_warning(tmp_path: Path) -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    # the port is closed now: connections are refused
    settings = LineageSettings(tmp_path / "lineage", url=f"http://127.0.0.1:{port}")
    [warning] = emit_run(_record(tmp_path), STARTED, settings)
    assert warning.endswith("events not sent (cannot connect); they are in the store")
    assert len(list((tmp_path / "lineage").iterdir())) == 2  # the files are still written


def test_a_hanging_backend_times_out_into_a_warning(tmp_path: Path) -> None:
    with socket.socket() as sock:
        # accepts connections (the backlog) and never answers
        sock.bind(("127.0.0.1", 0))
        sock.listen(8)
        url = f"http://127.0.0.1:{sock.getsockname()[1]}"
        settings = LineageSettings(None, url=url, timeout=0.3)
        [warning] = emit_run(_record(tmp_path), STARTED, settings)
    assert warning == f"lineage: {url}: events not sent (timed out); they are in the store"
