"""Linkage: free text that names its own author (a review containing the reviewer's e-mail or
name ties the text to the structured identity), and identifier values repeated across tables
(each copy is another place to erase and another join key for an attacker).

Both compare values as the canonical text of :mod:`clearance.audit.keys` (whitespace stripped,
integers as their decimal text), so a key that is text in one table and an integer in another
still joins. A table whose key or identifier column has a type that cannot be compared is named
in the report's warnings; when nothing could be compared the check is skipped with the reason.

Repeated identifiers are found in one pass whatever the number of tables: every identifier
column's distinct normalised values go into one long frame, which is joined with itself on
(entity, value); the pairs of columns sharing values, and how many, come out of one group-by.
The work grows with the number of values and of (column pair, shared value) incidences, not with
the square of the number of columns (20,000 one-row tables: well under a second, against
hours pairwise; ``benchmarks/bench_linkage.py``)."""

from __future__ import annotations

from typing import Any

import numpy as np
import polars as pl

from clearance.audit.checks._check import Check, CheckResult, Example
from clearance.audit.context import AuditContext, CheckSkipped
from clearance.audit.keys import KeyTypeError, join_key, key_expr
from clearance.core.findings import Finding
from clearance.core.severity import Severity
from clearance.io.columns import column as column_expr
from clearance.privacy import mask

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
    names = ctx.tables[table].columns
    out: dict[str, pl.Expr] = {}
    for c in ctx.scan().columns:
        if c.table == table and c.kind == "entity" and c.entity in _IDENTITY:
            out[c.column] = column_expr(c.column).cast(pl.String)
    first = next((c for c in names if c.lower() in _FIRST), None)
    last = next((c for c in names if c.lower() in _LAST), None)
    if first and last:
        out[f"{first}+{last}"] = pl.concat_str(column_expr(first), pl.lit(" "), column_expr(last))
    return out


def _entity_of(ctx: AuditContext, table: str, column: str) -> str:
    for c in ctx.scan().columns:
        if c.table == table and c.column == column and c.entity:
            return c.entity
    return "PERSON"


def run_text(ctx: AuditContext) -> CheckResult:
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
    subject_table = ctx.tables[subject]
    try:
        subject_keys = key_expr(
            subject_key,
            subject_table.schema[subject_key],
            f"{subject}.{subject_key}",
            ctx.key_secret,
        )
    except KeyTypeError as exc:
        raise CheckSkipped(f"texts cannot be tied to authors: {exc}") from None
    # The subjects' identities (one row per subject), joined with each text by key.
    ids = subject_table.rows(
        {
            "_k": subject_keys,
            **{f"_id{i}": e.str.to_lowercase() for i, e in enumerate(identities.values())},
        }
    ).with_row_index("_subject_row")
    out: list[Finding] = []
    incomparable: list[str] = []
    compared = 0
    for prof in free_text:
        table = prof.table or ""
        key = links.keys[table]
        source = ctx.tables[table]
        try:
            keys = key_expr(key, source.schema[key], f"{table}.{key}", ctx.key_secret)
        except KeyTypeError as exc:
            incomparable.append(str(exc))
            continue
        compared += 1
        text = column_expr(prof.column).cast(pl.String).str.to_lowercase()
        results = source.text_hits(keys, text, ids, len(identities))
        for name, (hit_rows, first_value) in zip(identities, results, strict=True):
            if not hit_rows:
                continue
            entity = _entity_of(ctx, subject, name.split("+")[0])
            out.append(
                ctx.finding(
                    rule="linkage-self-identifying-text",
                    category="linkage",
                    entity=entity,
                    severity=Severity.HIGH,
                    table=table,
                    column=prof.column,
                    count=hit_rows,
                    share=hit_rows / max(1, source.height),
                    scope="column",
                    remediation=f"Redact {entity} spans in {table}.{prof.column} "
                    "(clearance remediation: redact) before the text is used.",
                    fix="redact",
                    why=WHY_TEXT,
                    preview=mask(str(first_value), entity, "pii"),
                    metrics={"rows": float(hit_rows)},
                    identity=f"{subject}.{name}",
                )
            )
    if incomparable and not compared:
        raise CheckSkipped("texts cannot be tied to authors: " + "; ".join(incomparable))
    warnings = [f"linkage-self-identifying-text: not checked for {r}" for r in incomparable]
    return CheckResult(out, warnings=warnings)


_REPEATABLE = (*_IDENTITY, "CREDIT_CARD", "IBAN_CODE", "US_SSN")


def shared_values(
    columns: list[tuple[str, str, str, pl.Series]],
) -> tuple[list[tuple[int, int, int]], list[int]]:
    """Pairs of identifier columns in different tables that share normalised values.

    ``columns`` are (table, column, entity, values). Returns ``(i, j, shared)`` for ``i < j``
    (positions in ``columns``), both of one entity and in different tables, where ``shared`` is
    the number of distinct values of column ``j`` also in column ``i``, sorted by ``(i, j)``;
    and the positions of the columns whose type cannot be compared. One pass over all values (see
    the module docstring), whatever the number of columns.
    """
    by_type: dict[pl.DataType, list[int]] = {}
    for index, (_, _, _, series) in enumerate(columns):
        by_type.setdefault(series.dtype, []).append(index)
    tables = {t: n for n, t in enumerate(dict.fromkeys(c[0] for c in columns))}
    entities = {e: n for n, e in enumerate(dict.fromkeys(c[2] for c in columns))}
    parts: list[pl.DataFrame] = []
    incomparable: list[int] = []
    for indices in by_type.values():
        values = pl.concat([columns[i][3].rename("v") for i in indices], rechunk=True)
        try:
            keys = join_key(values, f"{columns[indices[0]][0]}.{columns[indices[0]][1]}")
        except KeyTypeError:
            incomparable += indices
            continue
        lengths = np.array([columns[i][3].len() for i in indices], dtype=np.int64)
        positions = np.array(indices, dtype=np.int64)
        parts.append(
            pl.DataFrame(
                {
                    "c": np.repeat(positions, lengths),
                    "t": np.repeat(np.array([tables[columns[i][0]] for i in indices]), lengths),
                    "e": np.repeat(np.array([entities[columns[i][2]] for i in indices]), lengths),
                    "v": keys,
                }
            )
        )
    if not parts:
        return [], incomparable
    long = pl.concat(parts).drop_nulls("v").unique(["c", "v"])
    pairs = (
        long.join(long, on=["e", "v"], suffix="_b")
        .filter((pl.col("c") < pl.col("c_b")) & (pl.col("t") != pl.col("t_b")))
        .group_by("c", "c_b")
        .agg(pl.len().alias("shared"))
        .sort("c", "c_b")
    )
    found = [(int(i), int(j), int(n)) for i, j, n in pairs.iter_rows()]
    return found, sorted(incomparable)


def _distinct(ctx: AuditContext, table: str, column: str) -> pl.Series:
    """A column's distinct values; where keys are compared as keyed fingerprints
    (``ctx.key_secret``: an engine whose values leave the process), the fingerprints of its
    distinct canonical keys instead, which share as many values as the values do (a column
    whose type is no key: no values, of that type, reported as not compared)."""
    source = ctx.tables[table]
    if ctx.key_secret is None:
        return source.distinct(column)
    dtype = source.schema[column]
    try:
        keys = key_expr(column, dtype, f"{table}.{column}", ctx.key_secret)
    except KeyTypeError:
        return pl.Series(column, [], dtype=dtype)
    return source.group_counts({"_k": keys}, {}).get_column("_k").rename(column)


def run_repeated(ctx: AuditContext) -> CheckResult:
    profiles = [c for c in ctx.scan().columns if c.kind == "entity" and c.entity in _REPEATABLE]
    if len({c.table for c in profiles}) < 2:
        raise CheckSkipped("identifier columns appear in fewer than two tables")
    # Each identifier column's distinct values (what the comparison needs), not its rows.
    columns = [
        (c.table or "", c.column, c.entity or "", _distinct(ctx, c.table or "", c.column))
        for c in profiles
    ]
    pairs, bad = shared_values(columns)
    reasons = [
        f"{columns[i][0]}.{columns[i][1]} is of type {columns[i][3].dtype}, which cannot be "
        "compared as a key"
        for i in bad
    ]
    if bad and len({columns[i][0] for i in range(len(columns)) if i not in set(bad)}) < 2:
        raise CheckSkipped("identifier values cannot be compared: " + "; ".join(reasons))
    warnings = [f"linkage-repeated-identifier: not checked for {r}" for r in reasons]
    out: list[Finding] = []
    for i, j, shared in pairs:
        a, b = profiles[i], profiles[j]
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
    return CheckResult(out, warnings=warnings)


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
