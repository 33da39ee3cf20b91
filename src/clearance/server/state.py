"""What the dashboard reads: the evidence store (opened on first use, so that a server whose
store is down still starts and answers 503), the policy's approval rules, and one snapshot of
the chain, verified, that the governance views are computed from.

The snapshot follows the store's head (record count and last hash): when records were only
appended since (the record at the verified head's position still has that hash, every checkpoint
verified then is still there), only the new records are read and verified
(``audit_trail.verify_appended``); otherwise the whole chain is re-read and verified. Pages of
runs and a run's detail read the store directly, a page at a time."""

from __future__ import annotations

import threading
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from clearance.audit.policy import load_policy
from clearance.core.controls import FrameworkSlug
from clearance.errors import ClearanceError
from clearance.evidence.audit_trail import verify_appended, verify_entries
from clearance.evidence.chain import Entry, Verification
from clearance.evidence.signing import Checkpoint
from clearance.evidence.store import EvidenceStore, open_store
from clearance.governance.approvals import COMMAND
from clearance.governance.gates import AUDITS, Gate, GateResult, check_gate
from clearance.governance.report import GovernanceReport
from clearance.governance.status import governance_report, latest_runs
from clearance.server.trends import Trends, trends


class StoreDown(Exception):
    """The store cannot be used now: the reason, one line, no password (answered with 503)."""


def gate_of(command: object) -> Gate | None:
    """The gate a run of ``command`` is evidence for (an audit: training; a fairness or LLM
    audit: deployment), or None."""
    for gate, commands in AUDITS.items():
        if command in commands:
            return gate
    return None


@dataclass(frozen=True)
class Approvals:
    """The policy's ``approvals``: role -> users who hold it, gate -> roles it requires."""

    roles: dict[str, list[str]] = field(default_factory=dict)
    required: dict[str, list[str]] = field(default_factory=dict)
    source: str = "no policy"


def read_approvals(policy: Path | None) -> Approvals:
    if policy is None or not policy.is_file():
        return Approvals()
    rules = load_policy(policy).approvals
    return Approvals(
        {k: list(v) for k, v in rules.roles.items()},
        {k: list(v) for k, v in rules.required.items()},
        str(policy),
    )


@dataclass
class Snapshot:
    head: tuple[int, str]
    entries: list[Entry]
    verification: Verification
    checkpoints: frozenset[Checkpoint] = frozenset()  # those verified with the entries
    full: bool = True  # read and verified whole (False: extended from the one before)
    reports: dict[str, GovernanceReport] = field(default_factory=dict)
    gates: dict[str, GateResult | None] = field(default_factory=dict)
    gate_files: dict[str, frozenset[str]] = field(default_factory=dict)  # key -> gated hashes
    gated: list[tuple[Entry, GateResult]] | None = None
    trends: Trends | None = None


def _slim(entries: list[Entry]) -> list[Entry]:
    """The entries with each finding cut to its ``controls``: all the governance views read of
    a finding (``governance.status``), at a fraction of the memory (a store of a million
    findings: about 2 GB in full). Verified before; a run's page reads its full record."""
    slimmed: list[Entry] = []
    shared: dict[str, dict[str, Any]] = {}  # one object per distinct list of controls

    def cut(finding: object) -> object:
        if not isinstance(finding, dict):
            return finding
        controls = finding.get("controls")
        key = repr(controls)
        return shared.setdefault(key, {"controls": controls})

    for entry in entries:
        findings = entry.record.get("findings")
        if isinstance(findings, list) and findings:
            record = dict(entry.record)
            record["findings"] = [cut(f) for f in findings]
            entry = replace(entry, record=record)
        slimmed.append(entry)
    return slimmed


def _hashes(files: Sequence[dict[str, Any]]) -> set[str]:
    return {str(f["sha256"]) for f in files if f.get("sha256")}


def _carry_gates(previous: Snapshot, extended: Snapshot) -> None:
    """The gates decided on ``previous`` that the records appended since cannot change, kept
    for ``extended`` (its prefix is ``previous``'s entries). A gate (``check_gate``) rests on
    the latest audit of its files and that audit's approvals: an appended run changes it only
    when it is an audit of the gate's kind whose inputs hold the gated files, or an approval of
    the run the gate rests on. The others are decided again on first use."""
    appended = extended.entries[len(previous.entries) :]
    audits: list[tuple[Gate, set[str]]] = []
    approved: set[str] = set()
    for entry in appended:
        record = entry.record
        gate = gate_of(record.get("command"))
        inputs = record.get("inputs")
        if gate is not None:
            listed = [f for f in (inputs if isinstance(inputs, list) else []) if isinstance(f, dict)]
            audits.append((gate, _hashes(listed)))
        summary = record.get("summary")
        if record.get("command") == COMMAND and isinstance(summary, dict):
            approved.add(str(summary.get("approves")))
    for key, result in dict(previous.gates).items():
        files = previous.gate_files.get(key)
        if result is None or files is None:
            continue
        if result.run_id is not None and result.run_id in approved:
            continue
        if files and any(g == result.gate and files <= hashes for g, hashes in audits):
            continue
        extended.gates[key] = result
        extended.gate_files[key] = files


class Dashboard:
    def __init__(self, store_url: str | None, policy: Path | None) -> None:
        self._url = store_url
        self._store: EvidenceStore | None = None
        self._snapshot: Snapshot | None = None
        self._lock = threading.Lock()
        self._compute = threading.Lock()
        self.policy = policy
        self.approvals = read_approvals(policy)

    def store(self) -> EvidenceStore:
        """The open store; :class:`StoreDown` when it cannot be opened (tried again on the
        next request)."""
        if self._store is None:
            with self._lock:
                if self._store is None:
                    try:
                        self._store = open_store(self._url)
                    except ClearanceError as exc:
                        raise StoreDown(str(exc)) from None
        return self._store

    def snapshot(self) -> Snapshot:
        store = self.store()
        head = store.head()
        current = self._snapshot
        if current is not None and current.head == head:
            return current
        with self._lock:
            current = self._snapshot
            head = store.head()
            if current is None or current.head != head:
                fresh = self._read(store, current, head)
                if current is not None and not fresh.full:
                    _carry_gates(current, fresh)
                current = self._snapshot = fresh
        return current

    @staticmethod
    def _read(store: EvidenceStore, previous: Snapshot | None, head: tuple[int, str]) -> Snapshot:
        checkpoints = store.checkpoints()
        if (
            previous is not None
            and previous.verification.intact
            and head[0] > previous.head[0]
            and store.hash_at(previous.head[0]) == previous.head[1]
            and previous.checkpoints <= set(checkpoints)
        ):
            appended = list(store.iter_entries(head[0], after=previous.head[0]))
            if appended:
                # the new records' hashes and links are verified here, from the prefix's head
                entries = [*previous.entries, *_slim(appended)]
                verification = verify_appended(
                    entries, checkpoints, previous.verification, previous.checkpoints
                )
                return Snapshot(
                    (entries[-1].seq, entries[-1].hash),
                    entries,
                    verification,
                    frozenset(checkpoints),
                    full=False,
                )
        full = store.entries()
        verification = verify_entries(full, checkpoints)
        last = (full[-1].seq, full[-1].hash) if full else head
        return Snapshot(last, _slim(full), verification, frozenset(checkpoints))

    def cached_verification(self) -> Verification | None:
        """The last snapshot's verification, if one was read (no store access)."""
        return None if self._snapshot is None else self._snapshot.verification

    def report(self, framework: FrameworkSlug) -> GovernanceReport:
        snap = self.snapshot()
        if framework not in snap.reports:
            with self._compute:  # one thread computes; the others wait for its result
                if framework not in snap.reports:
                    snap.reports[framework] = governance_report(
                        snap.entries, snap.verification, framework, self.store().shown
                    )
        return snap.reports[framework]

    def gate(self, entry: Entry, snap: Snapshot | None = None) -> GateResult | None:
        """The gate the run ``entry`` is evidence for, decided on its own input files (as
        ``clearance gate`` decides it on the files it hashes); None for other commands."""
        gate = gate_of(entry.record.get("command"))
        if gate is None:
            return None
        snap = snap or self.snapshot()
        key = f"{gate}:{entry.run_id}"
        if key not in snap.gates:
            inputs = entry.record.get("inputs")
            files: Sequence[dict[str, Any]] = [
                f for f in (inputs if isinstance(inputs, list) else []) if isinstance(f, dict)
            ]
            snap.gate_files[key] = frozenset(_hashes(files))
            snap.gates[key] = check_gate(
                snap.entries, gate, files, self.approvals.required.get(gate, [])
            )
        return snap.gates[key]

    def gated(self) -> list[tuple[Entry, GateResult]]:
        """The latest run of each gated audit (command and files) with its gate, newest
        first."""
        snap = self.snapshot()
        # one check_gate per latest gated run, each over the whole chain: seconds on a large
        # store, so computed once per snapshot, by one thread (fifty at once starved the rest)
        with self._compute:
            if snap.gated is None:
                found: list[tuple[Entry, GateResult]] = []
                for entry in latest_runs(snap.entries):
                    result = self.gate(entry, snap)
                    if result is not None and result.run_id == entry.run_id:
                        found.append((entry, result))
                snap.gated = found[::-1]
            return snap.gated

    def trends(self) -> Trends:
        """Runs and findings per day or week and command (``server.trends``), per snapshot."""
        snap = self.snapshot()
        if snap.trends is None:
            with self._compute:
                if snap.trends is None:
                    snap.trends = trends(snap.entries)
        return snap.trends

    def pending(self) -> list[tuple[Entry, GateResult]]:
        """Those whose gate still misses something."""
        return [(e, r) for e, r in self.gated() if not r.passed]

    def close(self) -> None:
        if self._store is not None:
            self._store.close()
