"""HTML primitives every self-contained report shares (audit, fairness, LLM): escaping, tables,
sections, key-value lists. Values are escaped here; callers pass cells already escaped."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from html import escape


def e(text: object) -> str:
    return escape(str(text), quote=True)


def code(text: object) -> str:
    return f"<code>{e(text)}</code>"


def table(head: Sequence[str], rows: Iterable[Sequence[str]], num: Sequence[int] = ()) -> str:
    """``rows`` hold HTML already escaped; ``num`` are the right-aligned column indexes."""
    th = "".join(f"<th>{e(h)}</th>" for h in head)
    body = [
        "<tr>"
        + "".join(
            f'<td class="num">{c}</td>' if i in num else f"<td>{c}</td>" for i, c in enumerate(r)
        )
        + "</tr>"
        for r in rows
    ]
    return "\n".join(
        ["<table>", f"<thead><tr>{th}</tr></thead>", "<tbody>", *body, "</tbody>", "</table>"]
    )


def section(anchor: str, title: str, *body: str) -> str:
    return "\n".join([f'<section id="{anchor}">', f"<h2>{e(title)}</h2>", *body, "</section>"])


def empty(text: str) -> str:
    return f'<p class="empty">{e(text)}</p>'


def kv(pairs: Iterable[tuple[str, str]]) -> str:
    items = "".join(f"<dt>{e(k)}</dt><dd>{v}</dd>" for k, v in pairs)
    return f'<dl class="kv">{items}</dl>'
