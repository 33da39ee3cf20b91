"""The document model prints one section to Markdown and HTML, escaping data in both."""

from __future__ import annotations

from clearance.reports.document import (
    Block,
    Bullets,
    Empty,
    Heading,
    Item,
    Only,
    Pairs,
    Para,
    Section,
    html_blocks,
    html_section,
    markdown_blocks,
    markdown_section,
)
from clearance.reports.html import Html
from clearance.reports.table import Code, Table, Text

HOSTILE = "<script>alert(1)</script>|`x`\x1b[31m"


def _section() -> Section:
    return Section(
        "s",
        "Title",
        [
            Heading(Code(HOSTILE)),
            Para(("rows: ", Text(HOSTILE))),
            Bullets([Text("a"), Item(Text("b"), [Text(HOSTILE)])]),
            Pairs([("k", Code("v"))]),
            Empty("None."),
            Table(["h"], [[Text(HOSTILE)]]),
            Only("html", Html("<svg></svg>")),
            Only("markdown", Para("md only")),
        ],
    )


def test_markdown_layout_and_escaping() -> None:
    out = markdown_section(_section())
    assert out[:3] == ["", "## Title", ""]
    assert out[3].startswith("### ")
    assert "- b" in out and any(line.startswith("  - ") for line in out)
    assert "- k: `v`" in out
    assert "md only" in out and "<svg></svg>" not in "\n".join(out)
    text = "\n".join(out)
    # raw markup only inside a code span (shown verbatim), never in text; no raw control
    assert out[3] == "### `` <script>alert(1)</script>\\|`x`\\x1b[31m ``"
    assert "<script>" not in text.replace(out[3], "") and "\x1b" not in text
    # blocks are separated by exactly one blank line
    assert "\n\n\n" not in text


def test_html_layout_and_escaping() -> None:
    out = str(html_section(_section()))
    assert out.startswith('<section id="s">\n<h2>Title</h2>')
    assert "<h3><code>" in out and '<dl class="kv"><dt>k</dt><dd><code>v</code></dd></dl>' in out
    assert '<p class="empty">None.</p>' in out and "<svg></svg>" in out
    assert "md only" not in out
    assert "<script>" not in out and "\x1b" not in out
    assert "<li>b<ul><li>" in out


def test_empty_section_and_blocks() -> None:
    assert markdown_section(Section("x", "X", [])) == ["", "## X"]
    assert markdown_blocks([Only("html", Html("<b></b>"))]) == []
    assert str(html_blocks([Para("p", css="gate")])) == '<p class="gate">p</p>'


def test_a_deferred_block_is_built_only_by_its_format() -> None:
    built: list[str] = []

    def chart() -> Html:
        built.append("chart")
        return Html("<svg></svg>")

    blocks: list[Block] = [Para("p"), Only("html", chart), Only("markdown", lambda: Para("md"))]
    assert markdown_blocks(blocks) == ["p", "", "md"]
    assert built == []
    assert str(html_blocks(blocks)) == "<p>p</p>\n<svg></svg>"
    assert built == ["chart"]
