"""The document model prints one section to Markdown and HTML, escaping data in both."""

from __future__ import annotations

from clearance.reports.document import (
    Block,
    Box,
    Bullets,
    Empty,
    Format,
    Heading,
    Item,
    Lines,
    Only,
    Pairs,
    Para,
    Section,
    each_format,
    html_blocks,
    html_section,
    markdown_blocks,
    markdown_section,
)
from clearance.reports.html import Html
from clearance.reports.html import section as html_section_of
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


def test_lines_are_one_paragraph_in_markdown_and_a_p_each_in_html() -> None:
    block = Lines([("a: ", Code("x")), Text(HOSTILE)])
    assert markdown_blocks([Para("p"), block]) == ["p", "", "a: `x`", markdown_blocks([Para(Text(HOSTILE))])[0]]  # fmt: skip
    out = str(html_blocks([block]))
    assert out.startswith("<p>a: <code>x</code></p>\n<p>&lt;script&gt;") and "\x1b" not in out


def test_pairs_with_a_list_value() -> None:
    block = Pairs([("k", Text("v")), ("list", Bullets([Text(HOSTILE), Text("b")]))])
    md = markdown_blocks([block])
    assert md[:2] == ["- k: v", "- list:"] and md[3] == "  - b"
    assert md[2].startswith("  - &lt;script>")
    out = str(html_blocks([block]))
    assert "<dt>list</dt><dd><ul><li>&lt;script&gt;" in out and "<li>b</li></ul></dd></dl>" in out


def test_box_is_a_div_in_html_and_its_blocks_in_markdown() -> None:
    box = Box("gate verdict fail", [Para("a"), Only("html", Para("h")), Bullets([Text("b")])])
    assert markdown_blocks([box, Para("after")]) == ["a", "", "- b", "", "after"]
    assert str(html_blocks([box])) == '<div class="gate verdict fail">\n<p>a</p>\n<p>h</p>\n<ul><li>b</li></ul>\n</div>'  # fmt: skip


def test_each_format_builds_one_block_per_format() -> None:
    def build(fmt: Format) -> Para:
        return Para(("yes", " (md)" if fmt == "markdown" else " (html)"))

    blocks = [*each_format(build)]
    assert markdown_blocks(blocks) == ["yes (md)"]
    assert str(html_blocks(blocks)) == "<p>yes (html)</p>"


def test_section_with_a_class_and_a_title_that_holds_data() -> None:
    section = Section("attribute-0", ("Attribute ", Code(HOSTILE)), [Para("p")], css="attribute")
    md = markdown_section(section)
    assert md[1] == "## Attribute `` <script>alert(1)</script>\\|`x`\\x1b[31m ``"
    out = str(html_section(section))
    assert out.startswith('<section id="attribute-0" class="attribute">\n<h2>Attribute <code>&lt;')
    assert out.endswith("</h2>\n<p>p</p>\n</section>")
    # a plain title and no class: what reports.html.section gives
    plain = Section("s", "A & B", [Para("p")])
    assert str(html_section(plain)) == str(html_section_of("s", "A & B", Html("<p>p</p>")))


def test_bullets_css_changes_the_html_only() -> None:
    plain, styled = Bullets([Text("<a>")]), Bullets([Text("<a>")], css="checklist")
    assert markdown_blocks([styled]) == markdown_blocks([plain]) == ["- &lt;a>"]
    assert str(html_blocks([plain])) == "<ul><li>&lt;a&gt;</li></ul>"
    assert str(html_blocks([styled])) == '<ul class="checklist"><li>&lt;a&gt;</li></ul>'


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
