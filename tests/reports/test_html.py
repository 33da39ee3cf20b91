"""HTML primitives: escaping is the default. A plain ``str`` meeting HTML (``+``, ``join``,
``tag`` arguments, table cells) is escaped the one way every report escapes; Html is kept."""

from __future__ import annotations

from clearance.reports.html import Html, e, items, join, kv, page, section, table, tag

EVIL = "<script>alert('x')</script> & \"q\""
ESCAPED = "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt; &amp; &quot;q&quot;"


def test_plain_text_is_escaped_like_html_escape_with_controls_shown() -> None:
    assert e(EVIL) == ESCAPED
    assert e("a\x1bb\u202e") == "a\\x1bb\\u202e"
    assert e(e(EVIL)) == ESCAPED  # Html is never escaped twice
    assert isinstance(e(3), Html) and e(3) == "3"


def test_concatenation_join_and_tag_escape_plain_strings() -> None:
    assert Html("<b>") + EVIL == "<b>" + ESCAPED
    assert EVIL + Html("<b>") == ESCAPED + "<b>"
    assert join([Html("<i>x</i>"), EVIL], ", ") == "<i>x</i>, " + ESCAPED
    assert tag('<span class="{}">{}</span>', 'a" onclick="x', EVIL) == (
        '<span class="a&quot; onclick=&quot;x">' + ESCAPED + "</span>"
    )
    # str.join of Html gives a plain str, which is then escaped: shown, never run
    assert tag("<p>{}</p>", "".join([Html("<i>")])) == "<p>&lt;i&gt;</p>"


def test_table_cells_headers_and_row_classes_are_escaped() -> None:
    out = table(["<h>"], [[EVIL], [Html("<code>x</code>")]], num=(0,), row_css=['"x', ""])
    assert "<th>&lt;h&gt;</th>" in out
    assert f'<tr class="&quot;x"><td class="num">{ESCAPED}</td></tr>' in out
    assert '<tr><td class="num"><code>x</code></td></tr>' in out
    assert "<script>" not in out


def test_sections_lists_and_pages() -> None:
    assert section("a", EVIL, EVIL).count(ESCAPED) == 2
    assert items([EVIL]) == f"<ul><li>{ESCAPED}</li></ul>"
    assert (
        kv([(EVIL, Html("<b>v</b>"))]) == f'<dl class="kv"><dt>{ESCAPED}</dt><dd><b>v</b></dd></dl>'
    )
    text = page(EVIL, "p{}", [EVIL, Html("<main>")])
    assert f"<title>{ESCAPED}</title>" in text and f"\n{ESCAPED}\n<main>\n" in text
    assert "<script>" not in text
