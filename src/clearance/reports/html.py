"""HTML primitives every self-contained report shares (audit, fairness, LLM): escaping, tables,
sections, key-value lists. Values are escaped here; callers pass cells already escaped."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from html import escape

from clearance.reports.escape import terminal_text

# The look every report shares; each renderer appends the classes of its own sections.
BASE_CSS = """
:root { --fg: #1f2933; --muted: #52606d; --line: #cbd2d9; --bg-alt: #f5f7fa; }
* { box-sizing: border-box; }
body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, Helvetica, Arial, sans-serif;
  color: var(--fg); margin: 0 auto; max-width: 1100px; padding: 24px; line-height: 1.45; }
h1 { margin-bottom: 4px; } h2 { border-bottom: 2px solid var(--line); padding-bottom: 4px;
  margin-top: 36px; } h3 { margin-bottom: 6px; }
table { border-collapse: collapse; width: 100%; margin: 8px 0 16px; font-size: 14px; }
th, td { border: 1px solid var(--line); padding: 4px 8px; text-align: left; vertical-align: top; }
th { background: var(--bg-alt); } td.num { text-align: right; font-variant-numeric: tabular-nums; }
code { font-family: ui-monospace, Menlo, Consolas, monospace; font-size: 13px;
  background: var(--bg-alt); padding: 0 3px; overflow-wrap: anywhere; }
dl.kv { display: grid; grid-template-columns: max-content auto; gap: 2px 16px; }
dl.kv dt { color: var(--muted); } dl.kv dd { margin: 0; }
.badge { display: inline-block; padding: 2px 10px; border-radius: 4px; font-weight: 700;
  color: #fff; background: #52606d; }
"""


def page(title: str, css: str, body: Sequence[str]) -> str:
    """A whole self-contained page: ``title`` is escaped here, ``body`` is HTML already."""
    head = [
        "<!DOCTYPE html>",
        '<html lang="en">',
        "<head>",
        '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{e(title)}</title>",
        f"<style>{css}</style>",
        "</head>",
        "<body>",
    ]
    return "\n".join([*head, *body, "</body>", "</html>"]) + "\n"


def e(text: object) -> str:
    """Text from data in HTML: escaped, control characters shown (``\\x1b``), never raw."""
    return escape(terminal_text(str(text)), quote=True)


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
