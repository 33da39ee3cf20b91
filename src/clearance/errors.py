"""Exceptions raised by clearance.

Every message says what happened, where (file, field, line) and what to do, and never carries a
sensitive value::

    ClearanceError
    ├── InputError               unreadable, corrupt or unsupported input (exit code 3)
    ├── PolicyError              invalid policy or configuration value (exit code 4)
    ├── BackendUnavailableError  an optional dependency or model is missing (exit code 5)
    └── SourceUnavailableError   a database or endpoint is down or refuses the credentials (exit 6)
"""

from __future__ import annotations


class ClearanceError(Exception):
    """Base class of every error clearance raises on purpose."""

    exit_code = 1


class InputError(ClearanceError):
    """Input that cannot be read: missing, binary, corrupt or of an unsupported format."""

    exit_code = 3

    def __init__(self, source: str, reason: str) -> None:
        self.source = source
        self.reason = reason
        super().__init__(f"{source}: {reason}")


class PolicyError(ClearanceError):
    """A configuration or policy value that is not allowed."""

    exit_code = 4


class BackendUnavailableError(ClearanceError):
    """An optional backend (spaCy, transformers, ...) is not installed or its model is missing."""

    exit_code = 5

    def __init__(self, backend: str, hint: str) -> None:
        self.backend = backend
        self.hint = hint
        super().__init__(f"{backend} is not available: {hint}")


class SourceUnavailableError(ClearanceError):
    """A database or service that should hold the input cannot be reached or refuses the login.

    ``source`` is the masked location (credentials removed), never the raw URI."""

    exit_code = 6

    def __init__(self, source: str, reason: str) -> None:
        self.source = source
        self.reason = reason
        super().__init__(f"{source}: {reason}")
