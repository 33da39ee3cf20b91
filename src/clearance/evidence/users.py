"""Dashboard users (``clearance users add``, ``clearance serve``), kept in the evidence store's
database beside the chain: a name, a role, and an Argon2id hash of the password or the SHA-256
of an API token. Neither secret is ever stored, logged or returned after it is made."""

from __future__ import annotations

import hashlib
import re
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Literal, get_args

from sqlalchemy import select

from clearance.errors import BackendUnavailableError, PolicyError
from clearance.evidence.models import UserRow
from clearance.evidence.store import EvidenceStore

Role = Literal["viewer", "auditor", "approver", "admin"]
ROLES: tuple[Role, ...] = get_args(Role)
# each role may do what the roles before it may: viewer reads, auditor also exports, approver
# also signs off runs, admin everything
RANK: dict[str, int] = {role: i for i, role in enumerate(ROLES)}
NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._@-]{0,99}")
MIN_PASSWORD = 12
MAX_PASSWORD = 1024
TOKEN_PREFIX = "clr_"


@dataclass(frozen=True)
class User:
    name: str
    role: Role

    def may(self, role: Role) -> bool:
        """Whether this user holds ``role`` or one above it."""
        return RANK[self.role] >= RANK[role]


def _hasher() -> Any:
    try:
        from argon2 import PasswordHasher
    except ImportError:
        raise BackendUnavailableError(
            "argon2-cffi", "pip install 'clearance[server]' (password hashing)"
        ) from None
    return PasswordHasher()


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def check_name(name: str) -> str:
    if not NAME.fullmatch(name):
        raise PolicyError(
            f"user name {name[:40]!r}: 1 to 100 of letters, digits, '.', '_', '@', '-'"
            " (starting with a letter or digit)"
        )
    return name


def add_user(
    store: EvidenceStore, name: str, role: str, *, password: str | None = None
) -> str | None:
    """Adds (or replaces: a new password or token, a new role) the user ``name``. With a
    ``password`` its Argon2id hash is kept; without one an API token is made, its SHA-256 kept
    and the token returned (the only time it exists in clear)."""
    check_name(name)
    if role not in ROLES:
        raise PolicyError(f"role {role[:40]!r}: one of {', '.join(ROLES)}")
    token: str | None = None
    if password is not None:
        if not MIN_PASSWORD <= len(password) <= MAX_PASSWORD:
            raise PolicyError(f"password: {MIN_PASSWORD} to {MAX_PASSWORD} characters")
        password_hash: str | None = _hasher().hash(password)
        token_hash = None
    else:
        token = TOKEN_PREFIX + secrets.token_urlsafe(32)
        password_hash, token_hash = None, token_digest(token)
    store.create()
    with store.transaction() as session:
        row = session.get(UserRow, name)
        if row is None:
            row = UserRow(name=name, created_at=datetime.now(UTC).isoformat())
            session.add(row)
        row.role = role
        row.password_hash = password_hash
        row.token_hash = token_hash
    return token


def _user(row: UserRow) -> User | None:
    return User(row.name, row.role) if row.role in ROLES else None


def sign_in(store: EvidenceStore, name: str, password: str) -> User | None:
    """The user whose password this is, else None (an unknown name costs a hash too, so the
    answer's timing does not tell which names exist)."""
    from argon2.exceptions import InvalidHashError, VerificationError

    hasher = _hasher()
    stored: str | None = None
    found: User | None = None
    if NAME.fullmatch(name) and len(password) <= MAX_PASSWORD and not store.empty:
        with store.transaction(read=True) as session:
            row = session.get(UserRow, name)
            if row is not None:
                stored, found = row.password_hash, _user(row)
    try:
        hasher.verify(stored if stored is not None else _DECOY.get(hasher), password)
    except (VerificationError, InvalidHashError):
        return None
    return found if stored is not None else None


class _Decoy:
    """A hash to verify against for unknown names, made once."""

    def __init__(self) -> None:
        self._hash: str | None = None

    def get(self, hasher: Any) -> str:
        if self._hash is None:
            self._hash = str(hasher.hash(secrets.token_urlsafe(16)))
        return self._hash


_DECOY = _Decoy()


def by_token(store: EvidenceStore, token: str) -> User | None:
    if not token.startswith(TOKEN_PREFIX) or len(token) > 200 or store.empty:
        return None
    digest = token_digest(token)
    with store.transaction(read=True) as session:
        row = session.execute(select(UserRow).where(UserRow.token_hash == digest)).scalar()
        # compare again in constant time: the index lookup found it, this is the proof
        if row is None or not secrets.compare_digest(str(row.token_hash), digest):
            return None
        return _user(row)


def by_name(store: EvidenceStore, name: str) -> User | None:
    """The user as the store holds it now (a session re-reads the role: a demoted or removed
    user loses access at the next request)."""
    if not NAME.fullmatch(name) or store.empty:
        return None
    with store.transaction(read=True) as session:
        row = session.get(UserRow, name)
        return None if row is None else _user(row)


def list_users(store: EvidenceStore) -> list[User]:
    if store.empty:
        return []
    with store.transaction(read=True) as session:
        rows = session.execute(select(UserRow).order_by(UserRow.name)).scalars().all()
        return [u for u in map(_user, rows) if u is not None]


@dataclass(frozen=True)
class Account:
    """A user as an admin's list shows it: how they sign in, never the hash itself."""

    name: str
    role: str
    created_at: str
    password: bool
    token: bool


def accounts(store: EvidenceStore) -> list[Account]:
    """Every user by name, a role the dashboard does not know included (it grants nothing)."""
    if store.empty:
        return []
    with store.transaction(read=True) as session:
        rows = session.execute(select(UserRow).order_by(UserRow.name)).scalars().all()
        return [
            Account(
                r.name, r.role, r.created_at, r.password_hash is not None, r.token_hash is not None
            )
            for r in rows
        ]


__all__ = [
    "ROLES",
    "Account",
    "Role",
    "User",
    "accounts",
    "add_user",
    "by_name",
    "by_token",
    "sign_in",
]
