"""Text taken from data (file, table and column names, group labels, reasons quoting them) made
safe for the place it is printed: Markdown never gets raw HTML or a broken table row, a terminal
never gets an escape sequence, a bidirectional override or a line break it did not ask for.

Control characters are shown, not dropped (``\\x1b``): a name that carries one is suspicious and
the reader should see it. Rich consoles that print data are built with ``markup=False,
emoji=False, highlight=False`` as well: these helpers do not escape ``[...]`` or ``:name:``.
"""

from __future__ import annotations

import re
from typing import TextIO

from rich.console import Console

from clearance.privacy.masking import escape_controls

# a backslash, a backtick (code span), a pipe (table cell), and "]" before "(" (a link or image).
_MD_SPECIAL = re.compile(r"([\\`|]|\](?=\())")
_LINE_BREAK = re.compile("\r\n|[\r\n]")
_ENTITY = re.compile(r"&(?=#?\w+;)")


def terminal_line(text: str) -> str:
    """One line for a terminal: every control character (line breaks included) shown escaped."""
    return escape_controls(text)


def terminal_text(text: str) -> str:
    """Several lines for a terminal: line breaks and tabs kept, other controls shown escaped."""
    return escape_controls(text, keep_lines=True)


def md_text(text: str) -> str:
    """Text from data in a Markdown line or table cell: no HTML tag or entity, the characters
    that would open a code span or link, or end a table cell, backslash-escaped; line breaks as
    spaces."""
    text = terminal_line(_LINE_BREAK.sub(" ", text))
    text = _MD_SPECIAL.sub(r"\\\1", text)
    # "<" opens no tag once escaped, so ">" stays readable (">= 0.8"); "&" only where it would
    # start an entity reference.
    return _ENTITY.sub("&amp;", text).replace("<", "&lt;")


def md_code(text: str) -> str:
    """Text from data as a Markdown code span (shown verbatim): on one line, ``|`` escaped for
    tables, fenced with more backticks than it holds."""
    text = terminal_line(_LINE_BREAK.sub(" ", text)).replace("|", "\\|")
    longest = max((len(run) for run in re.findall(r"`+", text)), default=0)
    if longest == 0:
        return f"`{text}`"
    fence = "`" * (longest + 1)
    return f"{fence} {text} {fence}"


def plain_console(file: TextIO, width: int) -> Console:
    """A Rich console for a terminal report rendered to text: no colour codes, and names and
    paths from data never read as markup, emoji codes or highlighted."""
    return Console(
        file=file,
        width=width,
        color_system=None,
        force_terminal=False,
        markup=False,
        emoji=False,
        highlight=False,
    )
