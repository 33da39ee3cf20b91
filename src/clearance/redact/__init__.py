"""``clearance redact``: redacted copies of data files, verified by scanning them again."""

from clearance.redact.database import redact_database
from clearance.redact.manifest import RedactManifest
from clearance.redact.operators import Keys
from clearance.redact.run import RedactSettings, redact_paths

__all__ = ["Keys", "RedactManifest", "RedactSettings", "redact_database", "redact_paths"]
