"""Dashboard users in the store: Argon2id password hashes, SHA-256 token hashes, roles."""

from __future__ import annotations

from pathlib import Path

import pytest

from clearance.errors import PolicyError
from clearance.evidence import open_store
from clearance.evidence.users import add_user, by_name, by_token, list_users, sign_in

PASSWORD = "twelve chars at least"


def test_passwords_tokens_and_roles(store_url: str) -> None:
    store = open_store(store_url)
    assert add_user(store, "dpo", "approver", password=PASSWORD) is None
    token = add_user(store, "bot", "viewer")
    assert token is not None
    dpo = sign_in(store, "dpo", PASSWORD)
    assert (
        dpo is not None and dpo.role == "approver" and dpo.may("auditor") and not dpo.may("admin")
    )
    assert sign_in(store, "dpo", "wrong password!") is None
    assert sign_in(store, "bot", PASSWORD) is None  # a token user has no password
    assert sign_in(store, "nobody", PASSWORD) is None
    assert by_token(store, token) == by_name(store, "bot")
    assert by_token(store, token + "x") is None and by_token(store, "not-a-token") is None
    # replaced: a new password drops the token, a new role applies
    add_user(store, "bot", "admin", password=PASSWORD)
    assert by_token(store, token) is None and [u.role for u in list_users(store)] == [
        "admin",
        "approver",
    ]


def test_a_store_not_made_yet_has_no_users_and_is_not_made_by_reading(tmp_path: Path) -> None:
    store = open_store(str(tmp_path / "none" / "e.db"))
    assert sign_in(store, "dpo", PASSWORD) is None and by_name(store, "dpo") is None
    assert not (tmp_path / "none").exists()


@pytest.mark.parametrize(
    ("name", "role", "password", "says"),
    [
        ("a b", "viewer", PASSWORD, "user name"),
        ("\x1b[31mred", "viewer", PASSWORD, "user name"),
        ("dpo", "root", PASSWORD, "role 'root'"),
        ("dpo", "viewer", "short", "password"),
    ],
)
def test_refused(tmp_path: Path, name: str, role: str, password: str, says: str) -> None:
    with pytest.raises(PolicyError, match=says):
        add_user(open_store(str(tmp_path / "e.db")), name, role, password=password)
