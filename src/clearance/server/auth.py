"""Who is asking: an API token (``Authorization: Bearer clr_...``) or a signed-in session's
cookie; what they may do (their role, re-read from the store on every request); and the CSRF
check of every state-changing request made with a cookie."""

from __future__ import annotations

from dataclasses import dataclass

from fastapi import HTTPException, Request

from clearance.evidence.users import Role, User, by_name, by_token
from clearance.server.security import Session, Sessions, same_token
from clearance.server.state import Dashboard

SESSION_COOKIE = "clearance_session"
CSRF_HEADER = "x-csrf-token"


@dataclass(frozen=True)
class Caller:
    user: User
    session: Session | None  # None: an API token (no cookie, so no CSRF to check)


def dashboard(request: Request) -> Dashboard:
    found: Dashboard = request.app.state.dashboard
    return found


def sessions(request: Request) -> Sessions:
    found: Sessions = request.app.state.sessions
    return found


def caller(request: Request) -> Caller | None:
    header = request.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    store = dashboard(request).store()
    if scheme.lower() == "bearer" and token.strip():
        user = by_token(store, token.strip())
        return None if user is None else Caller(user, None)
    session = sessions(request).get(request.cookies.get(SESSION_COOKIE))
    if session is None:
        return None
    user = by_name(store, session.name)
    return None if user is None else Caller(user, session)


def require(request: Request, role: Role) -> Caller:
    """The caller, holding ``role`` or above: else 401 (nobody signed in) or 403."""
    found = caller(request)
    if found is None:
        raise HTTPException(401, "sign in first", headers={"WWW-Authenticate": "Bearer"})
    if not found.user.may(role):
        raise HTTPException(403, f"the role {role} or above is needed (you are {found.user.role})")
    return found


def check_csrf(found: Caller, token: str | None) -> None:
    """A cookie-borne request that changes state must carry the session's CSRF token (a form
    field or the X-CSRF-Token header); an API token is not sent by browsers on their own."""
    if found.session is not None and not same_token(token, found.session.csrf):
        raise HTTPException(403, "missing or wrong CSRF token (reload the page)")
