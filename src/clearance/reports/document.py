"""The parts of a report that are not tables (headings, paragraphs, lists, key-value lists,
empty notes, sections), as one model that prints Markdown and HTML: a section is built once, from
the typed cells of :mod:`clearance.reports.table`, and each format prints it. Escaping stays the
default in both formats, because every fragment is a typed cell.

Markdown: a :class:`Section` is a blank line, its heading, a blank line and its blocks, each block
separated from the next by one blank line (the layout every Markdown report here uses).
HTML: a :class:`Section` is ``<section id=...><h2>...</h2>...</section>``.

Blocks that only one format shows (an SVG chart has no Markdown; a Markdown-only note) are
:class:`Only` blocks: the one place a format difference is written down. Where the two formats
print the same fact with a different decoration (a bold word in Markdown, a tag in HTML),
:func:`each_format` builds the block once per format from one function. An :class:`Only` may hold a function
that builds its block, called only when its format prints: the Markdown of a large report
then builds none of the HTML's charts.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Literal

from clearance.reports.html import Html, join, lines, tag
from clearance.reports.table import Cell, Table, cell_html, cell_markdown


@dataclass(frozen=True, slots=True)
class Heading:
    """``level`` 1-4: ``#``-``####`` in Markdown, ``<h1>``-``<h4>`` in HTML."""

    text: Cell
    level: int = 3


@dataclass(frozen=True, slots=True)
class Para:
    """One paragraph: a Markdown line, an HTML ``<p>`` (``css`` only changes the HTML)."""

    text: Cell
    css: str = ""


@dataclass(frozen=True, slots=True)
class Lines:
    """Lines of one paragraph: consecutive lines in Markdown (no blank line between), a ``<p>``
    each in HTML."""

    lines: Sequence[Cell]


@dataclass(frozen=True, slots=True)
class Item:
    """A list item with sub-items: indented ``  - sub`` lines, a nested ``<ul>``."""

    text: Cell
    subs: Sequence[Cell] = ()


@dataclass(frozen=True, slots=True)
class Bullets:
    """A list: ``- item`` lines in Markdown, ``<ul><li>`` in HTML (``css`` only changes the
    HTML: ``<ul class=...>``)."""

    items: Sequence[Cell | Item]
    css: str = ""


@dataclass(frozen=True, slots=True)
class Pairs:
    """Labelled facts: ``- label: value`` lines in Markdown, a ``<dl class="kv">`` in HTML. A
    value that is a :class:`Bullets` is a list under its label: ``- label:`` and indented
    ``  - item`` lines, a ``<ul>`` in the ``<dd>``."""

    pairs: Sequence[tuple[str, Cell | Bullets]]


@dataclass(frozen=True, slots=True)
class Empty:
    """Nothing to show: the sentence as a Markdown line, ``<p class="empty">`` in HTML."""

    text: str


@dataclass(frozen=True, slots=True)
class Only:
    """A block one format shows and the other does not (a chart, a Markdown-only note);
    ``block`` may be a function that builds it, called only when that format prints."""

    fmt: Literal["markdown", "html"]
    block: Block | Html | Callable[[], Block | Html]  # Html: markup the HTML alone shows


@dataclass(frozen=True, slots=True)
class Box:
    """Blocks kept together: a ``<div class="css">`` in HTML (a verdict panel), the blocks
    themselves in Markdown."""

    css: str
    blocks: Sequence[Block]


Block = Heading | Para | Lines | Bullets | Pairs | Empty | Table | Box | Only

Format = Literal["markdown", "html"]


def each_format(build: Callable[[Format], Block]) -> tuple[Only, Only]:
    """The block ``build`` gives for each format, each shown in its own format only: for a fact
    both formats print with a different decoration (``**yes**`` in Markdown, a tag in HTML)."""
    return Only("markdown", build("markdown")), Only("html", build("html"))


def _built(only: Only) -> Block | Html:
    return only.block() if callable(only.block) else only.block


@dataclass(frozen=True, slots=True)
class Section:
    """A titled part of a report (``anchor`` is the HTML id; ``css`` an HTML class of the
    ``<section>``; the title may hold data, e.g. a code span)."""

    anchor: str
    title: Cell
    blocks: Sequence[Block]
    level: int = 2
    css: str = ""


def _md_block(block: Block) -> list[str]:
    match block:
        case Heading(text, level):
            return ["#" * level + " " + cell_markdown(text)]
        case Para(text):
            return [cell_markdown(text)]
        case Lines(texts):
            return [cell_markdown(t) for t in texts]
        case Bullets(items):
            out: list[str] = []
            for item in items:
                if isinstance(item, Item):
                    out.append("- " + cell_markdown(item.text))
                    out += ["  - " + cell_markdown(s) for s in item.subs]
                else:
                    out.append("- " + cell_markdown(item))
            return out
        case Pairs(pairs):
            out = []
            for label, value in pairs:
                if isinstance(value, Bullets):
                    out += [f"- {label}:", *("  " + line for line in _md_block(value))]
                else:
                    out.append(f"- {label}: {cell_markdown(value)}")
            return out
        case Empty(text):
            return [text]
        case Table():
            return block.markdown()
        case Box(_, blocks):
            return markdown_blocks(blocks)
        case Only(fmt):
            if fmt != "markdown":
                return []
            inner = _built(block)
            return [] if isinstance(inner, Html) else _md_block(inner)


def markdown_blocks(blocks: Sequence[Block]) -> list[str]:
    """The blocks as Markdown lines, one blank line between blocks."""
    out: list[str] = []
    for block in blocks:
        text = _md_block(block)
        if not text:
            continue
        if out:
            out.append("")
        out += text
    return out


def markdown_section(section: Section) -> list[str]:
    head = ["", "#" * section.level + " " + cell_markdown(section.title)]
    body = markdown_blocks(section.blocks)
    return [*head, "", *body] if body else head


def _html_item(item: Cell | Item) -> Html:
    if isinstance(item, Item):
        nested = join(tag("<li>{}</li>", cell_html(s)) for s in item.subs)
        return tag("<li>{}<ul>{}</ul></li>", cell_html(item.text), nested)
    return tag("<li>{}</li>", cell_html(item))


def _html_value(value: Cell | Bullets) -> Html:
    if isinstance(value, Bullets):
        return tag("<ul>{}</ul>", join(_html_item(i) for i in value.items))
    return cell_html(value)


def _html_block(block: Block) -> Html | None:
    match block:
        case Heading(text, level):
            return Html(f"<h{level}>") + cell_html(text) + Html(f"</h{level}>")
        case Para(text, css):
            if css:
                return tag('<p class="{}">{}</p>', css, cell_html(text))
            return tag("<p>{}</p>", cell_html(text))
        case Lines(texts):
            return lines(tag("<p>{}</p>", cell_html(t)) for t in texts)
        case Bullets(items, css):
            lis = join(_html_item(i) for i in items)
            return tag('<ul class="{}">{}</ul>', css, lis) if css else tag("<ul>{}</ul>", lis)
        case Pairs(pairs):
            dl = join(tag("<dt>{}</dt><dd>{}</dd>", k, _html_value(v)) for k, v in pairs)
            return tag('<dl class="kv">{}</dl>', dl)
        case Empty(text):
            return tag('<p class="empty">{}</p>', text)
        case Table():
            return block.html()
        case Box(css, blocks):
            return lines([tag('<div class="{}">', css), html_blocks(blocks), Html("</div>")])
        case Only(fmt):
            if fmt != "html":
                return None
            inner = _built(block)
            return inner if isinstance(inner, Html) else _html_block(inner)


def html_blocks(blocks: Sequence[Block]) -> Html:
    """The blocks as HTML, one per line."""
    return lines(h for h in (_html_block(b) for b in blocks) if h is not None)


def html_section(section: Section) -> Html:
    parts = [h for h in (_html_block(b) for b in section.blocks) if h is not None]
    if section.css:
        start = tag('<section id="{}" class="{}">', section.anchor, section.css)
    else:
        start = tag('<section id="{}">', section.anchor)
    title = Html("<h2>") + cell_html(section.title) + Html("</h2>")
    return lines([start, title, *parts, Html("</section>")])
