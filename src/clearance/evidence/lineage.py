"""OpenLineage events of a recorded run (issue 18): each run the evidence store records is
also told to lineage tools (Marquez, DataHub, OpenMetadata, Atlas) as one OpenLineage run: a
START event (when the command opened the store, before its work) and a COMPLETE event (FAIL
when the command's verdict is ``fail``), with the run's input and output files as datasets
(their SHA-256 as the dataset version) and a ``clearance`` run facet that summarises the
findings by severity. Only what the evidence record holds goes in: counts, hashes, paths and
the verdict, never a finding's preview or a value of the data.

Where events go (read from the environment by :meth:`LineageSettings.from_env`):

- a file per event in ``lineage/`` beside the SQLite store (``.clearance/lineage/`` by
  default; ``.clearance/lineage/`` in the working directory for a PostgreSQL store), named
  ``<time>-<run id>-<n>-<EVENT>.json`` and written atomically;
- and, when ``CLEARANCE_LINEAGE_URL`` (else ``OPENLINEAGE_URL``) is set, an HTTP POST of each
  event to that OpenLineage backend (``OPENLINEAGE_ENDPOINT``, default ``api/v1/lineage``;
  ``OPENLINEAGE_API_KEY`` as a bearer token), through openlineage-python's HTTP transport,
  with ``CLEARANCE_LINEAGE_TIMEOUT`` seconds (default 5) and no retries.

``CLEARANCE_LINEAGE=off`` (or ``OPENLINEAGE_DISABLED=true``) sends nothing. Lineage is a
copy of what the store already holds: a backend that refuses, hangs or is unreachable, or a
folder that cannot be written, gives a warning and never fails the command.
"""

from __future__ import annotations

import uuid
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from clearance._version import __version__
from clearance.errors import ClearanceError
from clearance.evidence.record import RunRecord
from clearance.io.outputs import output_folder, write_outputs

if TYPE_CHECKING:
    from openlineage.client.event_v2 import RunEvent

LINEAGE_ENV = "CLEARANCE_LINEAGE"
URL_ENV = "CLEARANCE_LINEAGE_URL"
TIMEOUT_ENV = "CLEARANCE_LINEAGE_TIMEOUT"
NAMESPACE = "clearance"
FOLDER = "lineage"
DEFAULT_TIMEOUT_S = 5.0
PRODUCER = f"urn:clearance:{__version__}"
FACET_SCHEMA = "urn:clearance:lineage:ClearanceRunFacet:1"
_OFF = frozenset({"0", "off", "false", "no"})
_SEVERITIES = ("critical", "high", "medium", "low", "info")


@cache
def _facet_class() -> Any:
    """The custom ``clearance`` run facet: what the run concluded, in counts only. Built on
    first use: openlineage-python's client takes half a second to import, and only a
    recorded run needs it."""
    import attr
    from openlineage.client.facet_v2 import RunFacet

    @attr.define
    class ClearanceRunFacet(RunFacet):
        evidenceRunId: str  # OpenLineage names fields in camelCase
        command: str
        toolVersion: str
        verdict: str
        findings: int
        findingsBySeverity: dict[str, int]
        policySha256: str | None = attr.field(default=None)

        @staticmethod
        def _get_schema() -> str:
            return FACET_SCHEMA

    return ClearanceRunFacet


@dataclass(frozen=True)
class LineageSettings:
    """Where a run's events go: ``folder`` (the file transport) and ``url`` (HTTP)."""

    folder: Path | None
    url: str | None = None
    endpoint: str = "api/v1/lineage"
    api_key: str | None = None
    timeout: float = DEFAULT_TIMEOUT_S

    @classmethod
    def from_env(
        cls, store_path: Path | None, environ: Mapping[str, str]
    ) -> tuple[LineageSettings | None, list[str]]:
        """The settings the environment gives for a store at ``store_path`` (None: a server),
        or None when lineage is switched off; and the warnings about values it ignored."""
        warnings: list[str] = []
        if environ.get(LINEAGE_ENV, "").strip().lower() in _OFF or (
            environ.get("OPENLINEAGE_DISABLED", "").strip().lower() == "true"
        ):
            return None, warnings
        base = store_path.parent if store_path is not None else Path(".clearance")
        url = (environ.get(URL_ENV) or environ.get("OPENLINEAGE_URL") or "").strip() or None
        timeout = DEFAULT_TIMEOUT_S
        raw = environ.get(TIMEOUT_ENV, "").strip()
        if raw:
            try:
                timeout = float(raw)
                if not 0 < timeout <= 600:
                    raise ValueError
            except ValueError:
                timeout = DEFAULT_TIMEOUT_S
                warnings.append(
                    f"{TIMEOUT_ENV}: not a number of seconds in (0, 600]; "
                    f"using {DEFAULT_TIMEOUT_S:g}"
                )
        endpoint = environ.get("OPENLINEAGE_ENDPOINT", "").strip() or "api/v1/lineage"
        key = environ.get("OPENLINEAGE_API_KEY", "").strip() or None
        return cls(base / FOLDER, url, endpoint, key, timeout), warnings


def _run_uuid(run_id: str) -> str:
    """OpenLineage wants a UUID: the evidence run id when it is one (or 32 hex digits, as
    redact's), else a UUID derived from it (the facet keeps the id itself)."""
    try:
        return str(uuid.UUID(run_id))
    except ValueError:
        return str(uuid.uuid5(uuid.NAMESPACE_URL, f"urn:clearance:run:{run_id}"))


def _name(path: str) -> str:
    """A file's dataset name: its absolute path (OpenLineage's naming for local files:
    namespace ``file``, name the path)."""
    return Path(path).absolute().as_posix()


def _facets(entry: Mapping[str, Any]) -> dict[str, Any]:
    from openlineage.client.facet_v2 import dataset_version_dataset

    digest = entry.get("sha256")
    if not isinstance(digest, str):
        return {}  # a file the run could not read: listed, with no version
    version = dataset_version_dataset.DatasetVersionDatasetFacet(
        datasetVersion=f"sha256:{digest}", producer=PRODUCER
    )
    return {"version": version}


def _counts(findings: object) -> tuple[int, dict[str, int]]:
    counts: Counter[str] = Counter()
    total = 0
    for f in findings if isinstance(findings, list) else []:
        total += 1
        severity = f.get("severity") if isinstance(f, dict) else None
        counts[severity if severity in _SEVERITIES else "unknown"] += 1
    return total, {s: counts[s] for s in (*_SEVERITIES, "unknown") if counts[s]}


def _timestamp(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def run_events(record: RunRecord, started: datetime) -> list[RunEvent]:
    """The START and COMPLETE (or FAIL) events of a recorded run; ``started`` (UTC) is when
    the command began, the record's ``created_at`` when it ended."""
    from openlineage.client.event_v2 import (
        InputDataset,
        Job,
        OutputDataset,
        Run,
        RunEvent,
        RunState,
    )
    from openlineage.client.facet_v2 import job_type_job

    run_id = str(record["run_id"])
    total, by_severity = _counts(record.get("findings"))
    summary = _facet_class()(
        evidenceRunId=run_id,
        command=str(record["command"]),
        toolVersion=str(record.get("tool_version", __version__)),
        verdict=str(record["verdict"]),
        findings=total,
        findingsBySeverity=by_severity,
        policySha256=record.get("policy_sha256"),
        producer=PRODUCER,
    )
    job = Job(
        namespace=NAMESPACE,
        name=str(record["command"]).replace(" ", "."),
        facets={
            "jobType": job_type_job.JobTypeJobFacet(
                processingType="BATCH", integration="CLEARANCE", jobType="COMMAND",
                producer=PRODUCER,
            )
        },
    )
    inputs = [
        InputDataset(namespace="file", name=_name(str(e["path"])), facets=_facets(e))
        for e in record.get("inputs", [])
    ]
    outputs = [
        OutputDataset(namespace="file", name=_name(str(e["path"])), facets=_facets(e))
        for e in record.get("outputs", [])
    ]
    ended = RunState.FAIL if record["verdict"] == "fail" else RunState.COMPLETE
    ol_id = _run_uuid(run_id)
    return [
        RunEvent(
            eventType=RunState.START,
            eventTime=_timestamp(started),
            run=Run(runId=ol_id),
            job=job,
            inputs=inputs,
            outputs=[],
            producer=PRODUCER,
        ),
        RunEvent(
            eventType=ended,
            eventTime=str(record["created_at"]),
            run=Run(runId=ol_id, facets={"clearance": summary}),
            job=job,
            inputs=inputs,
            outputs=outputs,
            producer=PRODUCER,
        ),
    ]


def event_json(event: RunEvent) -> str:
    """An event as OpenLineage's serializer writes it (nulls dropped, keys sorted)."""
    from openlineage.client.serde import Serde

    return Serde.to_json(event)


def _file_name(record: RunRecord, n: int, event: RunEvent) -> str:
    stamp = "".join(c for c in str(record["created_at"]) if c.isalnum() or c == ".")
    state = event.eventType.value if event.eventType is not None else "OTHER"
    # the run id is ours (a UUID or hex digits): safe in a file name
    safe_id = "".join(c for c in str(record["run_id"]) if c.isalnum() or c == "-")
    return f"{stamp}-{safe_id}-{n}-{state}.json"


def emit_run(record: RunRecord, started: datetime, settings: LineageSettings) -> list[str]:
    """Sends a recorded run's events where ``settings`` say; returns the warnings (one per
    destination that failed), never raises: lineage must not fail the command."""
    warnings: list[str] = []
    try:
        events = run_events(record, started)
    except Exception as exc:  # a record we cannot describe: the run itself is recorded
        return [f"lineage: no events for run {record.get('run_id')} ({type(exc).__name__})"]
    if settings.folder is not None:
        try:
            folder = output_folder(settings.folder)
            write_outputs(
                [(folder / _file_name(record, n, e), event_json(e)) for n, e in enumerate(events, 1)]
            )
        except ClearanceError as exc:
            warnings.append(f"lineage: events not written: {exc}")
        except Exception as exc:
            warnings.append(f"lineage: events not written in {settings.folder} ({type(exc).__name__})")
    if settings.url is not None:
        warnings.extend(_post(events, settings))
    return warnings


def _post(events: list[RunEvent], settings: LineageSettings) -> list[str]:
    from openlineage.client.transport.http import (
        ApiKeyTokenProvider,
        HttpConfig,
        HttpTransport,
        TokenProvider,
    )

    assert settings.url is not None
    shown = settings.url.split("@")[-1].split("?")[0]  # never credentials in a message
    transport: HttpTransport | None = None
    try:
        auth: TokenProvider = (
            ApiKeyTokenProvider({"api_key": settings.api_key})
            if settings.api_key
            else TokenProvider({})
        )
        transport = HttpTransport(
            HttpConfig(
                url=settings.url,
                endpoint=settings.endpoint,
                timeout=settings.timeout,
                auth=auth,
                # a backend that is down must not hold the command for retries and backoff
                retry={"total": 0, "read": 0, "connect": 0, "backoff_factor": 0},
            )
        )
        for event in events:
            # the rest of the run's events are not sent once one failed: one warning, no
            # second wait on a hanging backend
            transport.emit(event)
    except Exception as exc:
        return [f"lineage: {shown}: events not sent ({_reason(exc)}); they are in the store"]
    finally:
        if transport is not None:
            try:
                transport.close(0)
            except Exception:
                pass
    return []


def _reason(exc: BaseException) -> str:
    """A short reason that quotes no response body (it could echo our event back)."""
    response = getattr(exc, "response", None)
    status = getattr(response, "status_code", None)
    if status is not None:
        return f"HTTP {status}"
    name = type(exc).__name__
    if "Timeout" in name:
        return "timed out"
    if "Connection" in name:
        return "cannot connect"
    return name
