"""Governance (issue 18): the evidence store's runs read against the control catalogue: what
each command and audit check provides evidence for, and the status of every control of a
framework (covered, open findings, no evidence)."""

from clearance.governance.report import GovernanceReport
from clearance.governance.status import governance_report

__all__ = ["GovernanceReport", "governance_report"]
