"""HTML primitives every self-contained report shares (audit, fairness, LLM): escaping, tables,
sections, key-value lists.

Escaping is the default, not a convention: HTML is :class:`Html`, a :class:`markupsafe.Markup`
(Jinja2's escaping library), so a plain ``str`` interpolated, concatenated or joined into it is
escaped (control characters shown as ``\\x1b``). Markup comes only from these primitives or from
:func:`tag`, whose template is a literal of the renderer and whose arguments are escaped.
``str.join`` of Html gives a plain ``str``, which would then be escaped (shown, never run): join
with :func:`join`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from html import escape as _escape
from typing import LiteralString

from markupsafe import Markup

from clearance.reports.escape import terminal_text

_HTML_SPECIAL = re.compile("[&<>\"']")

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


class Html(Markup):
    """HTML that is safe as it is. Anything else that meets it (``+``, ``format``, ``join``)
    is escaped the one way every report escapes: :func:`html.escape` with quotes, after control
    characters are shown (``\\x1b``)."""

    __slots__ = ()

    @classmethod
    def escape(cls, s: object) -> Html:
        if type(s) is cls:  # already ours: no copy (reports build hundreds of thousands)
            return s
        if hasattr(s, "__html__"):
            return cls(s.__html__())
        return cls(_escape(terminal_text(str(s)), quote=True))


BOX = Html("&#9744;")  # a ballot box: a checkbox on paper


def _escaped(value: object) -> str:
    """What :func:`e` gives, as plain text: no Html object per fragment on the hot path."""
    if isinstance(value, Markup):
        return str(value)  # plain text: concatenating Markup to a str would escape the str
    if hasattr(value, "__html__"):
        return str(value.__html__())
    text = str(value)
    # printable ASCII without &<>"' is its own escape (no control character, nothing to quote)
    if text.isascii() and text.isprintable() and _HTML_SPECIAL.search(text) is None:
        return text
    return _escape(terminal_text(text), quote=True)


def e(text: object) -> Html:
    """Text from data in HTML: escaped, control characters shown, never raw; Html is kept."""
    return Html.escape(text)


def tag(template: LiteralString, *args: object) -> Html:
    """``template`` (a literal of the renderer, ``{}`` placeholders) with each argument
    escaped by :func:`e`: ``tag('<span class="badge {}">{}</span>', css, text)``."""
    # each argument is escaped here, so the literal template is filled with str.format: what
    # Markup.format would give, without its per-field formatter machinery (the hot path of a
    # large report)
    return Html(template.format(*map(_escaped, args)))


def join(parts: Iterable[object], sep: LiteralString = "") -> Html:
    """``parts`` escaped (Markup kept) and joined by the literal ``sep``."""
    return Html(sep.join(map(_escaped, parts)))


def lines(parts: Iterable[object]) -> Html:
    return join(parts, "\n")


def page(title: str, css: str, body: Sequence[object]) -> str:
    """A whole self-contained page: ``title`` is escaped, ``css`` is the renderer's own."""
    head = [
        Html("<!DOCTYPE html>"),
        Html('<html lang="en">'),
        Html("<head>"),
        Html('<meta charset="utf-8">'),
        Html('<meta name="viewport" content="width=device-width, initial-scale=1">'),
        tag("<title>{}</title>", title),
        Html("<style>") + Html(css) + Html("</style>"),
        Html("</head>"),
        Html("<body>"),
    ]
    return str(lines([*head, *body, Html("</body>"), Html("</html>")])) + "\n"


def code(text: object) -> Html:
    return tag("<code>{}</code>", text)


def cells(row: Sequence[object], num: Sequence[int] = ()) -> Html:
    # built as text from escaped cells and literal tags (one Html per row: a findings table of a
    # large audit has hundreds of thousands of cells)
    return Html(
        "".join(
            ('<td class="num">' if i in num else "<td>") + _escaped(c) + "</td>"
            for i, c in enumerate(row)
        )
    )


def table(
    head: Sequence[str],
    rows: Iterable[Sequence[object]],
    num: Sequence[int] = (),
    *,
    row_css: Sequence[str] | None = None,
    wrap: bool = False,
) -> Html:
    """A table: ``num`` are the right-aligned column indexes, ``row_css`` one CSS class per
    row (``""`` for none), ``wrap`` puts it in a horizontal scroll box."""
    th = join(tag("<th>{}</th>", h) for h in head)
    body = []
    for i, r in enumerate(rows):
        css = row_css[i] if row_css is not None else ""
        open_tr = f'<tr class="{_escaped(css)}">' if css else "<tr>"
        body.append(Html(open_tr + str(cells(r, num)) + "</tr>"))
    first, last = ("<div class=\"table-wrap\"><table>", "</table></div>") if wrap else ("<table>", "</table>")  # fmt: skip
    return lines(
        [
            Html(first),
            tag("<thead><tr>{}</tr></thead>", th),
            Html("<tbody>"),
            *body,
            Html("</tbody>"),
            Html(last),
        ]
    )


def section(anchor: str, title: str, *body: object) -> Html:
    return lines([tag('<section id="{}">', anchor), tag("<h2>{}</h2>", title), *body, Html("</section>")])  # fmt: skip


def empty(text: str) -> Html:
    return tag('<p class="empty">{}</p>', text)


def kv(pairs: Iterable[tuple[str, object]]) -> Html:
    items = join(tag("<dt>{}</dt><dd>{}</dd>", k, v) for k, v in pairs)
    return tag('<dl class="kv">{}</dl>', items)


def items(values: Iterable[object], css: str = "") -> Html:
    """A ``<ul>`` of the values, one ``<li>`` each."""
    lis = join(tag("<li>{}</li>", v) for v in values)
    return tag('<ul class="{}">{}</ul>', css, lis) if css else tag("<ul>{}</ul>", lis)


def signoff(rows: Sequence[tuple[str, object]]) -> Html:
    """The sign-off table: a header cell and a cell to fill in per row."""
    body = join(tag("<tr><th>{}</th><td>{}</td></tr>", k, v) for k, v in rows)
    return tag('<table class="signoff"><tbody>{}</tbody></table>', body)


def review_signoff(decisions: Sequence[str]) -> Html:
    """A reviewer's sign-off (the HTML of ``markdown.signoff_lines``): reviewer, role, date,
    a box per decision, conditions, signature."""
    decision = join((BOX + " " + d for d in decisions), " ")
    return signoff(
        [
            ("Reviewed by", ""),
            ("Role", ""),
            ("Date", ""),
            ("Decision", decision),
            ("Conditions and notes", ""),
            ("Signature", ""),
        ]
    )
