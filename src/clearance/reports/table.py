"""A table model rendered to Markdown and to HTML by one code path: a section builds its
:class:`Table` once, from typed cells, and each format prints it.

A cell is one fragment or a tuple of fragments (concatenated):

- ``str``: the tool's own text (numbers, enum values, fixed words): as is in Markdown, escaped
  in HTML;
- :class:`Text`: text from data: ``md_text`` in Markdown (no raw HTML, no broken row),
  escaped in HTML;
- :class:`Code`: a name or value from data shown verbatim: a code span / ``<code>``;
- :class:`Badge`: a word with a style: plain in Markdown, ``<span class="badge ...">`` in HTML;
- :class:`Styled`: text from data in a styled span in HTML (``md_text`` in Markdown);
- :class:`Checkbox`: a box to tick on paper: ``[ ]`` in Markdown, a ballot box in HTML;
- :class:`Strong`: text from data in bold: ``**md_text**`` / ``<strong>``.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from clearance.reports.escape import md_code, md_text
from clearance.reports.html import BOX, Html, join, tag
from clearance.reports.html import code as html_code
from clearance.reports.html import table as html_table
from clearance.reports.markdown import md_table


@dataclass(frozen=True, slots=True)
class Text:
    value: str


@dataclass(frozen=True, slots=True)
class Code:
    value: str


@dataclass(frozen=True, slots=True)
class Badge:
    value: str
    css: str


@dataclass(frozen=True, slots=True)
class Styled:
    value: str
    css: str


@dataclass(frozen=True, slots=True)
class Checkbox:
    """A box to tick on paper (a checklist step, a *done* column)."""


@dataclass(frozen=True, slots=True)
class Strong:
    value: str


Fragment = str | Text | Code | Badge | Styled | Checkbox | Strong
Cell = Fragment | tuple[Fragment, ...]


def joined(parts: Iterable[Fragment], sep: str = ", ") -> tuple[Fragment, ...]:
    """``parts`` separated by the tool's own ``sep``, as one cell."""
    out: list[Fragment] = []
    for i, part in enumerate(parts):
        out += [sep, part] if i else [part]
    return tuple(out)


def _md(fragment: Fragment) -> str:
    match fragment:
        case str():
            return fragment
        case Text(value) | Styled(value):
            return md_text(value)
        case Code(value):
            return md_code(value)
        case Badge(value):
            return value
        case Checkbox():
            return "[ ]"
        case Strong(value):
            return f"**{md_text(value)}**"


def _html(fragment: Fragment) -> Html:
    match fragment:
        case str():
            return Html.escape(fragment)
        case Text(value):
            return Html.escape(value)
        case Code(value):
            return html_code(value)
        case Badge(value, css):
            return tag('<span class="badge {}">{}</span>', css, value)
        case Styled(value, css):
            return tag('<span class="{}">{}</span>', css, value)
        case Checkbox():
            return BOX
        case Strong(value):
            return tag("<strong>{}</strong>", value)


def cell_markdown(cell: Cell) -> str:
    if not isinstance(cell, tuple):
        return _md(cell)
    return "".join(map(_md, cell))


def cell_html(cell: Cell) -> Html:
    if not isinstance(cell, tuple):
        return _html(cell)
    return join(_html(f) for f in cell)


def _md_row(cells: Sequence[str]) -> str:
    return "| " + " | ".join(cells) + " |"


@dataclass(frozen=True, slots=True)
class Table:
    """``num``: right-aligned columns, ``row_css``: a CSS class per row (``""`` for none) and
    ``wrap``: a horizontal scroll box; all three only change the HTML. ``md_align``: the Markdown
    aligns too (``| --- | ---: |``, ``num`` columns right); off by
    default, the compact ``|---|`` the other reports print."""

    head: Sequence[str]
    rows: Sequence[Sequence[Cell]]
    num: Sequence[int] = ()
    row_css: Sequence[str] | None = field(default=None)
    wrap: bool = False
    md_align: bool = False

    def markdown(self) -> list[str]:
        rows = ([cell_markdown(c) for c in row] for row in self.rows)
        if not self.md_align:
            return md_table(self.head, rows)
        rule = ["---:" if i in self.num else "---" for i in range(len(self.head))]
        return [_md_row(self.head), _md_row(rule), *map(_md_row, rows)]

    def html(self) -> Html:
        rows = [[cell_html(c) for c in row] for row in self.rows]
        return html_table(self.head, rows, self.num, row_css=self.row_css, wrap=self.wrap)
