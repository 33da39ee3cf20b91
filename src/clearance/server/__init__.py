"""The dashboard (``clearance serve``): the evidence store's runs, control coverage per
framework, gates and approvals as server-rendered pages and a JSON API, behind sign-in with
roles (viewer, auditor, approver, admin)."""

from clearance.server.app import create_app, serve

__all__ = ["create_app", "serve"]
