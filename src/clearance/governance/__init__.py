"""Governance: the catalogue of regulation articles and framework controls findings map to."""
