"""The table model: one table, built once from typed cells, printed as Markdown and as HTML."""

from __future__ import annotations

from clearance.reports.table import (
    Badge,
    Checkbox,
    Code,
    Strong,
    Styled,
    Table,
    Text,
    cell_html,
    cell_markdown,
    joined,
)

EVIL = "<b>x|y</b>"


def test_each_fragment_in_each_format() -> None:
    assert cell_markdown(Text(EVIL)) == "&lt;b>x\\|y&lt;/b>"
    assert cell_html(Text(EVIL)) == "&lt;b&gt;x|y&lt;/b&gt;"
    assert cell_markdown(Code("a`b")) == "`` a`b ``"
    assert cell_html(Code(EVIL)) == "<code>&lt;b&gt;x|y&lt;/b&gt;</code>"
    assert cell_markdown(Badge("high", "sev-high")) == "high"
    assert cell_html(Badge("high", "sev-high")) == '<span class="badge sev-high">high</span>'
    assert cell_markdown(Styled("[1, 2]", "ci")) == "[1, 2]"
    assert cell_html(Styled("<1>", "ci")) == '<span class="ci">&lt;1&gt;</span>'
    assert cell_markdown((Checkbox(), " done")) == "[ ] done"
    assert cell_html((Checkbox(), " done")) == "&#9744; done"
    assert cell_markdown(Strong(EVIL)) == "**&lt;b>x\\|y&lt;/b>**"
    assert cell_html(Strong(EVIL)) == "<strong>&lt;b&gt;x|y&lt;/b&gt;</strong>"
    # the tool's own words: as is in Markdown, still escaped in HTML
    assert cell_markdown("a & b") == "a & b" and cell_html("a & b") == "a &amp; b"


def test_cells_concatenate_and_join() -> None:
    cell = (Code("t"), " (subject table)")
    assert cell_markdown(cell) == "`t` (subject table)"
    assert cell_html(cell) == "<code>t</code> (subject table)"
    assert cell_markdown(joined([Code("a"), Code("b")])) == "`a`, `b`"
    assert cell_html(joined([])) == ""


def test_one_table_two_formats() -> None:
    t = Table(["name", "n"], [[Text(EVIL), "3"]], num=(1,), row_css=["flagged"], wrap=True)
    assert t.markdown() == ["| name | n |", "|---|---|", "| &lt;b>x\\|y&lt;/b> | 3 |"]
    html = t.html()
    assert html.startswith('<div class="table-wrap"><table>') and html.endswith("</table></div>")
    assert '<tr class="flagged"><td>&lt;b&gt;x|y&lt;/b&gt;</td><td class="num">3</td></tr>' in html


def test_aligned_markdown_is_opt_in() -> None:
    rows = [[Text(EVIL), "3", ""]]
    t = Table(["name", "n", ""], rows, num=(1,), md_align=True)
    assert t.markdown() == [
        "| name | n |  |",
        "| --- | ---: | --- |",
        "| &lt;b>x\\|y&lt;/b> | 3 |  |",
    ]
    assert Table(["name", "n", ""], rows, num=(1,)).markdown()[1] == "|---|---|---|"
    assert t.html() == Table(["name", "n", ""], rows, num=(1,)).html()  # Markdown only
