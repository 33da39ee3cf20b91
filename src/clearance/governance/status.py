"""Each control's status from the evidence store's runs.

Runs are grouped by command and input files; only the latest run of each group counts (a
re-run after a fix replaces the failed one; an audit of another dataset does not). A latest run
that passed (``pass``, ``clean``, ``built``, an ``approved`` sign-off, a ``recorded`` risk) is evidence for every control its command maps to;
one that failed (``fail``, ``findings``) is evidence against the controls its findings name,
or against all of its command's controls when it names none (a failed fairness verdict), and
still evidence for the others. An audit maps to the controls of the checks that ran (its
record's ``checks``), never to those of a check it skipped. ``incomplete`` and unknown verdicts count for nothing.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from clearance.core.controls import FrameworkSlug, catalogue
from clearance.evidence.chain import Entry, Verification
from clearance.governance.mapping import mapping
from clearance.governance.report import STATUSES, ControlStatus, GovernanceReport, RunRef, Status
from clearance.governance.risks import risk_register

# an access decision, allow or deny, is the control working
PASSING = frozenset({"pass", "clean", "built", "approved", "recorded", "allow", "deny"})
FAILING = frozenset({"fail", "findings"})


def _paths(files: object) -> list[str]:
    if not isinstance(files, list):
        return []
    return [str(f.get("path")) for f in files if isinstance(f, dict) and "path" in f]


def latest_runs(entries: Sequence[Entry]) -> list[Entry]:
    """The latest entry of each (command, input files) group, in store order."""
    latest: dict[tuple[str, tuple[str, ...]], Entry] = {}
    for entry in entries:
        record = entry.record
        key = (str(record.get("command", "")), tuple(sorted(_paths(record.get("inputs")))))
        latest[key] = entry
    return sorted(latest.values(), key=lambda e: e.seq)


def _finding_controls(record: Mapping[str, Any]) -> dict[str, int]:
    """How many of the run's findings name each control."""
    counts: dict[str, int] = {}
    findings = record.get("findings")
    for finding in findings if isinstance(findings, list) else []:
        controls = finding.get("controls") if isinstance(finding, dict) else None
        for control in controls if isinstance(controls, list) else []:
            counts[str(control)] = counts.get(str(control), 0) + 1
    return counts


def governance_report(
    entries: Sequence[Entry], verification: Verification, framework: FrameworkSlug, store: str
) -> GovernanceReport:
    """The status of every control of ``framework`` (catalogue order) from ``entries``."""
    cat = catalogue()
    evidence: dict[str, list[Entry]] = {}
    against: dict[str, list[tuple[Entry, int]]] = {}
    for entry in latest_runs(entries):
        record = entry.record
        verdict = str(record.get("verdict", ""))
        if verdict not in PASSING | FAILING:
            continue
        checks = record.get("checks")
        mapped = mapping().for_command(
            str(record.get("command", "")),
            [str(c) for c in checks] if isinstance(checks, list) else None,
        )
        named = _finding_controls(record) if verdict in FAILING else {}
        if verdict in FAILING and not named:
            named = {c: 0 for c in mapped}
        for control in mapped:
            if control not in named:
                evidence.setdefault(control, []).append(entry)
        for control, n in named.items():
            against.setdefault(control, []).append((entry, n))
    controls: list[ControlStatus] = []
    cited: dict[int, Entry] = {}
    for c in cat.controls:
        if c.framework != framework or c.kind != "control":
            continue
        passing = evidence.get(c.id, [])
        failing = against.get(c.id, [])
        status: Status = "open_findings" if failing else "covered" if passing else "no_evidence"
        controls.append(
            ControlStatus(
                id=c.id,
                title=c.title,
                reference=c.reference,
                status=status,
                evidence=[e.run_id for e in passing],
                open_runs=[e.run_id for e, _ in failing],
                open_findings=sum(n for _, n in failing),
            )
        )
        cited.update({e.seq: e for e in passing})
        cited.update({e.seq: e for e, _ in failing})
    counts: dict[Status, int] = {s: sum(c.status == s for c in controls) for s in STATUSES}
    return GovernanceReport(
        framework=framework,
        framework_name=cat.frameworks[framework].name,
        source=cat.frameworks[framework].source,
        catalogue_version=cat.version,
        store=store,
        records=len(entries),
        chain_intact=verification.intact,
        chain_break=None if verification.broken is None else str(verification.broken),
        counts=counts,
        controls=controls,
        runs=[_ref(cited[seq]) for seq in sorted(cited)],
        risks=risk_register(entries),
    )


def _ref(entry: Entry) -> RunRef:
    r = entry.record
    return RunRef(
        run_id=entry.run_id,
        seq=entry.seq,
        command=str(r.get("command", "")),
        verdict=str(r.get("verdict", "")),
        created_at=str(r.get("created_at", "")),
        user=str(r.get("user", "")),
        inputs=_paths(r.get("inputs")),
    )


__all__ = ["governance_report", "latest_runs"]
