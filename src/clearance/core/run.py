"""What every job's report says about the run besides its findings: the schema and the tool
that wrote it, the inputs it skipped and the warnings of the run. Report models declare these
fields with the types here (field order stays each report's own: it is the JSON's key order)."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field

from clearance.core.model import FrozenModel

SchemaVersion = Annotated[
    Literal["1"], Field(description="version of the report's JSON shape; a change is breaking")
]
ToolName = Annotated[str, Field(description="the tool that wrote the report")]
ToolVersion = Annotated[str, Field(description="the version of clearance that wrote the report")]
Warnings = Annotated[
    list[str],
    Field(
        default_factory=list,
        description="gaps of the run (what could not be checked, and why); the CLI prints each "
        "to the terminal as well: a gap must never read as clean",
    ),
]


class SkippedInput(FrozenModel):
    """An input the run could not read, and why: listed, never silently dropped."""

    path: str
    reason: str
