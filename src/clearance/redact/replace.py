"""Choosing the operator for a column or an entity type, and applying it to cells and spans.

The policy's ``redact.columns`` (``email`` or ``users.email``) wins over ``redact.entities``;
unnamed, a free-text span gets its type placeholder and an identifier column keyed pseudonyms.
Every operator applied is recorded (:attr:`Replacer.operators`) for the manifest: names and
operators, never a value.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date

from clearance.audit.policy import RedactOperator, RedactPolicy
from clearance.detection.match import Match
from clearance.errors import PolicyError
from clearance.redact.operators import Keys, generalize, mask_keep, placeholder

PLACEHOLDER = RedactOperator(op="placeholder")
PSEUDONYM = RedactOperator(op="pseudonym")
KEEP = RedactOperator(op="keep")


def describe(op: RedactOperator) -> str:
    """``pseudonym``, ``mask(keep=2)``, ``generalize(to=age_band, band=10)``."""
    if op.op == "mask":
        return f"mask(keep={op.keep})"
    if op.op == "generalize":
        extra = f", band={op.band}" if op.to == "age_band" else ""
        extra += f", keep={op.keep}" if op.to == "prefix" else ""
        return f"generalize(to={op.to}{extra})"
    if op.op == "date_shift":
        return f"date_shift(max_days={op.max_days})"
    return op.op


class Replacer:
    def __init__(
        self,
        policy: RedactPolicy,
        keys: Keys,
        today: date,
        subject_key: Callable[[str], str | None] = lambda table: None,
    ) -> None:
        self.policy = policy
        self.keys = keys
        self.today = today
        # a table's subject-key column (the policy's, per table or dataset-wide): date_shift
        self.subject_key = subject_key
        self.operators: dict[str, str] = {}

    def column_operator(
        self, table: str, column: str, entity: str | None, default: RedactOperator
    ) -> RedactOperator | None:
        """The policy's operator for a whole column (by ``table.column``, then ``column``, then
        the column's entity type), else ``default``; ``None``: the column is not replaced as a
        whole (its cells are redacted span by span)."""
        named = self.policy.columns
        op = named.get(f"{table}.{column}") or named.get(column)
        if op is None and entity is not None:
            op = self.policy.entities.get(entity, default)
        return op

    def record_column(
        self, table: str, column: str, entity: str | None, op: RedactOperator
    ) -> None:
        label = f"{describe(op)} ({entity})" if entity else describe(op)
        self.operators[f"column:{table}.{column}"] = label

    def remediated_kinds(self) -> set[str]:
        """The entity types an operator replaced: every span type, and each column's entity
        unless the column was kept or date-shifted (its kind stays on purpose)."""
        kinds = {k.split(":", 1)[1] for k in self.operators if k.startswith("entity:")}
        kinds |= {
            v.split("(")[-1].rstrip(")")
            for k, v in self.operators.items()
            if k.startswith("column:") and "(" in v and not v.startswith(("keep", "date_shift"))
        }
        return kinds

    def span_operator(self, entity: str) -> RedactOperator:
        op = self.policy.entities.get(entity, PLACEHOLDER)
        if op.op in ("drop", "keep"):  # a span cannot drop its column: it goes as a placeholder
            op = PLACEHOLDER if op.op == "drop" else op
        self.operators.setdefault(f"entity:{entity}", describe(op))
        return op

    def value(self, value: str, entity: str, op: RedactOperator, where: str, code: bool) -> str:
        """``value`` (a cell or a span) replaced by ``op``. A generalization the value does not
        fit raises :class:`PolicyError` naming ``where`` (never the value)."""
        if op.op == "keep":
            return value
        if op.op == "placeholder" or op.op == "drop":
            return placeholder(entity, code)
        if op.op == "mask":
            return mask_keep(value, op.keep)
        if op.op == "pseudonym":
            return self.keys.pseudonym(value, entity, where)
        if op.op == "encrypt":
            return self.keys.encrypt(value, where)
        if op.op == "date_shift":  # needs the row's subject: only whole columns (dates.py)
            raise PolicyError(f"{where}: date_shift applies to a column, not a single value")
        out = generalize(value, op, self.today)
        if out is None:
            raise PolicyError(
                f"{where}: generalize to {op.to} does not fit a value of this {entity} data "
                "(not a date, or a birth date after the reference date); choose another operator"
            )
        return out

    def values(
        self, values: Sequence[str], entity: str, op: RedactOperator, where: str
    ) -> list[str]:
        """:meth:`value` of each of ``values`` (cells of a column), pseudonyms in one loop."""
        if op.op == "pseudonym":
            return self.keys.pseudonyms(values, entity, where)
        return [self.value(v, entity, op, where, code=False) for v in values]

    def spans(self, text: str, matches: Sequence[Match], where: str, code: bool = False) -> str:
        """``text`` with each span the engine found replaced by its entity's operator; every
        character outside the spans is kept as it was."""
        if not matches:
            return text
        out: list[str] = []
        pos = 0
        for m in sorted(matches, key=lambda m: (m.start, -m.end)):
            if m.start < pos:  # overlaps a span already replaced
                continue
            op = self.span_operator(m.entity)
            span = text[m.start : m.end]
            try:
                new = self.value(span, m.entity, op, where, code)
            except PolicyError:
                if op.op != "generalize":
                    raise
                new = placeholder(m.entity, code)  # "last Tuesday" has no month to keep
            out.append(text[pos : m.start])
            out.append(new)
            pos = m.end
        out.append(text[pos:])
        return "".join(out)
