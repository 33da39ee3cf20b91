"""Exceptions raised by clearance.

Every message says what happened, where (file, field, line) and what to do, and never carries a
sensitive value; the CLI prints it on one line (``error: ...``) and exits with the class's code::

    ClearanceError
    ├── InputError               unreadable, corrupt or unsupported input, or an output path
    │                            that cannot be written or must not be replaced (exit code 3)
    ├── PolicyError              invalid policy or configuration value, or a fingerprint key
    │                            that cannot be created without CLEARANCE_KEY (exit code 4)
    ├── BackendUnavailableError  an optional dependency or model is missing (exit code 5)
    └── SourceUnavailableError   a database or endpoint is down or refuses the credentials (exit 6)

Any other exception reaching the CLI is a bug, never a result: ``clearance.cli._common.Boundary``
prints its type and where it was raised on one line, never its message (it may quote data), and
exits 70; ``clearance --debug`` or ``CLEARANCE_DEBUG=1`` adds the traceback. Ctrl-C exits 130.
Exit 1 means findings or a failed verdict only; 2 is a usage error (click).
"""

from __future__ import annotations

from typing import Literal


class ClearanceError(Exception):
    """Base class of every error clearance raises on purpose; raise one of its subclasses. The
    base itself is never a result: it exits 70 (internal error), never 1 (findings)."""

    exit_code = 70


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


_LIBRARY_REMEDY = {
    "trust_pickle": "pass trust_pickle=True",
    "trusted_types": "trust each one by name (trusted_types) to load the model",
}


class UntrustedModelError(PolicyError):
    """Loading a model file would trust more than the defaults (exit 4): a pickle
    (``trust_pickle``) or skops types (``trusted_types``). ``option`` names the argument that
    allows it, so that a front end can name its own switch instead (:meth:`ending`)."""

    def __init__(self, head: str, option: Literal["trust_pickle", "trusted_types"]) -> None:
        self.head = head
        self.option = option
        super().__init__(self.ending(_LIBRARY_REMEDY[option]))

    def ending(self, remedy: str) -> str:
        """The message with ``remedy`` (what allows the load) as its end."""
        return f"{self.head} {remedy}"


class SourceUnavailableError(ClearanceError):
    """A database or service that should hold the input cannot be reached or refuses the login.

    ``source`` is the masked location (credentials removed), never the raw URI."""

    exit_code = 6

    def __init__(self, source: str, reason: str) -> None:
        self.source = source
        self.reason = reason
        super().__init__(f"{source}: {reason}")
