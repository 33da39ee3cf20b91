"""The evidence store (issue 18): every run of a command that writes a report, kept in an
append-only, hash-chained table (SQLite by default, PostgreSQL by URL), verifiable by anyone
holding the store or an exported bundle."""

from clearance.evidence.chain import ChainBreak, Verification, verify_chain
from clearance.evidence.record import RunRecord, new_record
from clearance.evidence.store import STORE_ENV, EvidenceStore, default_store_url, open_store

__all__ = [
    "STORE_ENV",
    "ChainBreak",
    "EvidenceStore",
    "RunRecord",
    "Verification",
    "default_store_url",
    "new_record",
    "open_store",
    "verify_chain",
]
