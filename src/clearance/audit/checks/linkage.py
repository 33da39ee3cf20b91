"""Linkage: free text that names its own author (a review containing the reviewer's e-mail or
name ties the text to the structured identity), and identifier values repeated across tables
(each copy is another place to erase and another join key for an attacker)."""

from __future__ import annotations

from typing import Any

import polars as pl

from clearance.audit.checks._check import Check, Example
from clearance.audit.context import AuditContext, CheckSkipped
from clearance.detection.detector import Severity
from clearance.privacy import mask
from clearance.reports.models import Finding

WHY_TEXT = (
    "Free text that contains its author's own identifier re-links a pseudonymised record to the "
    "person, and survives dropping the identifier columns."
)
WHY_REPEAT = (
    "The same identifier values stored in several tables multiply the places to protect and to "
    "erase (GDPR Art. 17) and let the tables be joined without the subject key."
)
_IDENTITY = ("EMAIL_ADDRESS", "PHONE_NUMBER", "PERSON")
_FIRST = ("first_name", "given_name", "firstname")
_LAST = ("last_name", "family_name", "surname", "lastname")


def _identity_columns(ctx: AuditContext, table: str) -> dict[str, pl.Expr]:
    """Expressions yielding the subject's identity values in the subject table."""
    frame = ctx.tables[table].frame
    out: dict[str, pl.Expr] = {}
    for c in ctx.scan().columns:
        if c.table == table and c.kind == "entity" and c.entity in _IDENTITY:
            out[c.column] = pl.col(c.column).cast(pl.String)
    first = next((c for c in frame.columns if c.lower() in _FIRST), None)
    last = next((c for c in frame.columns if c.lower() in _LAST), None)
    if first and last:
        out[f"{first}+{last}"] = pl.concat_str(pl.col(first), pl.lit(" "), pl.col(last))
    return out


def _entity_of(ctx: AuditContext, table: str, column: str) -> str:
    for c in ctx.scan().columns:
        if c.table == table and c.column == column and c.entity:
            return c.entity
    return "PERSON"


def run_text(ctx: AuditContext) -> list[Finding]:
    links = ctx.links
    if links.subject_table is None:
        raise CheckSkipped("no subject key declared or detected; texts cannot be tied to authors")
    subject = links.subject_table
    identities = _identity_columns(ctx, subject)
    if not identities:
        raise CheckSkipped(f"{subject}: no e-mail, phone or name column to compare texts with")
    free_text = [c for c in ctx.scan().columns if c.kind == "free_text" and c.table in links.keys]
    if not free_text:
        raise CheckSkipped("no free-text column in a table linked to the subjects")
    subject_key = links.keys[subject]
    ids = ctx.tables[subject].frame.select(
        pl.col(subject_key).alias("_k"),
        *[expr.str.to_lowercase().alias(f"_id{i}") for i, expr in enumerate(identities.values())],
    )
    out = []
    for prof in free_text:
        table = prof.table or ""
        key = links.keys[table]
        texts = ctx.tables[table].frame.select(
            pl.col(key).alias("_k"), pl.col(prof.column).cast(pl.String).str.to_lowercase()
        )
        try:
            joined = texts.join(ids, on="_k", how="inner")
        except pl.exceptions.PolarsError:
            continue
        for i, name in enumerate(identities):
            ident = pl.col(f"_id{i}")
            hit = (ident.str.len_chars() >= 3) & pl.col(prof.column).str.contains(
                ident, literal=True
            ).fill_null(False)
            hits = joined.filter(hit)
            if hits.height == 0:
                continue
            entity = _entity_of(ctx, subject, name.split("+")[0])
            first_value = str(hits[f"_id{i}"][0])
            out.append(
                ctx.finding(
                    rule="linkage-self-identifying-text",
                    category="linkage",
                    entity=entity,
                    severity=Severity.HIGH,
                    table=table,
                    column=prof.column,
                    count=hits.height,
                    share=hits.height / max(1, texts.height),
                    scope="column",
                    remediation=f"Redact {entity} spans in {table}.{prof.column} "
                    "(clearance remediation: redact) before the text is used.",
                    fix="redact",
                    why=WHY_TEXT,
                    preview=mask(first_value, entity, "pii"),
                    metrics={"rows": float(hits.height)},
                    identity=f"{subject}.{name}",
                )
            )
    return out


def run_repeated(ctx: AuditContext) -> list[Finding]:
    columns = [
        c
        for c in ctx.scan().columns
        if c.kind == "entity" and c.entity in (*_IDENTITY, "CREDIT_CARD", "IBAN_CODE", "US_SSN")
    ]
    if len({c.table for c in columns}) < 2:
        raise CheckSkipped("identifier columns appear in fewer than two tables")
    out = []
    for i, a in enumerate(columns):
        for b in columns[i + 1 :]:
            if a.entity != b.entity or a.table == b.table:
                continue
            left = ctx.tables[a.table or ""].frame[a.column].cast(pl.String).drop_nulls().unique()
            right = ctx.tables[b.table or ""].frame[b.column].cast(pl.String).drop_nulls()
            shared = int(right.unique().is_in(left.implode()).sum())
            if not shared:
                continue
            out.append(
                ctx.finding(
                    rule="linkage-repeated-identifier",
                    category="linkage",
                    entity=a.entity or "",
                    severity=Severity.MEDIUM,
                    table=b.table or "",
                    column=b.column,
                    count=shared,
                    scope="column",
                    remediation=f"Keep {a.entity} in {a.table}.{a.column} only and refer to it "
                    f"by the subject key elsewhere (clearance remediation: pseudonymize).",
                    fix="pseudonymize",
                    why=WHY_REPEAT,
                    preview=f"{shared} values shared with {a.table}.{a.column}",
                    metrics={"shared_values": float(shared)},
                    identity=f"{a.table}.{a.column}",
                )
            )
    return out


_EMAILS = ["ana.silva@example.org", "bo.chen@example.net", "cy.ode@example.com"]
_USERS: dict[str, list[Any]] = {"user_id": [1, 2, 3], "email": _EMAILS}
SELF_IDENTIFYING_TEXT = Check(
    id="linkage-self-identifying-text",
    category="linkage",
    title="Free text that reveals its author's identity",
    why=WHY_TEXT,
    scope="dataset",
    run_dataset=run_text,
    positives=(
        Example(
            {
                "users": _USERS,
                "reviews": {
                    "user_id": [1, 2, 3],
                    "text": [
                        "Lovely teapot, questions to ana.silva@example.org please",
                        "The lid broke after two weeks of daily use, sadly",
                        "Good value for the money, would buy this again",
                    ],
                },
            },
            {"subject_key": "user_id"},
        ),
    ),
    negatives=(
        Example(
            {
                "users": _USERS,
                "reviews": {
                    "user_id": [1, 2, 3],
                    "text": [
                        "Lovely teapot, the spout pours without any drips",
                        "The lid broke after two weeks of daily use, sadly",
                        "Good value for the money, would buy this again",
                    ],
                },
            },
            {"subject_key": "user_id"},
        ),
    ),
)
REPEATED_IDENTIFIER = Check(
    id="linkage-repeated-identifier",
    category="linkage",
    title="Identifier values repeated across tables",
    why=WHY_REPEAT,
    scope="dataset",
    run_dataset=run_repeated,
    positives=(
        Example(
            {
                "users": _USERS,
                "orders": {"order_id": [10, 11], "email": _EMAILS[:2]},
            }
        ),
    ),
    negatives=(
        Example(
            {
                "users": _USERS,
                "orders": {
                    "order_id": [10, 11],
                    "email": ["dee.fox@example.com", "eli.gray@example.com"],
                },
            }
        ),
    ),
)
