"""Every report model as JSON: its fields, in declaration order, indented (the README's
schemas). One renderer for the scan, audit and fairness reports."""

from __future__ import annotations

import json

from pydantic import BaseModel


def render_json(report: BaseModel) -> str:
    return json.dumps(report.model_dump(mode="json"), indent=2, sort_keys=False) + "\n"


def render_compact_json(report: BaseModel) -> str:
    """Pydantic's own serialiser (non-ASCII kept as is): the LLM audit report's JSON."""
    return report.model_dump_json(indent=2) + "\n"
