"""Names taken from data (files, tables, columns) in every report format: Markdown never carries
raw HTML or a broken table row, the terminal never reads markup, emoji codes, links or escape
sequences; JSON shows the name as the scan masks it (control characters written out)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from clearance.cli.app import app
from clearance.reports.escape import md_code, md_text, terminal_line, terminal_text

runner = CliRunner()

HOSTILE = [
    "<script>alert(1)</script>",
    "[/]",
    ":phone:",
    "\x1b[31mred",
    "[link=http://x]y[/link]",
    "<img src=x onerror=alert(1)>",
    "a|b\nc",
    "\x1b]8;;http://x\x07click\x1b]8;;\x07",
]
FILE = "t<img src=y onerror=alert(2)>[bold]:phone:\x1b[31m"


def _data(tmp_path: Path) -> Path:
    folder = tmp_path / "in"
    folder.mkdir()
    header = ",".join('"' + h.replace('"', '""') + '"' for h in ["id", *HOSTILE])
    rows = [
        ",".join([str(i), *(f"user{i}.{j}@example.com" for j in range(len(HOSTILE)))])
        for i in range(20)
    ]
    (folder / f"{FILE}.csv").write_text("\n".join([header, *rows]) + "\n")
    return folder


def _assert_terminal_safe(text: str) -> None:
    assert "\x1b" not in text and "\x07" not in text
    assert "\u260e" not in text and "\U0001f4de" not in text  # :phone: read as an emoji
    assert ":phone:" in text
    assert "[/]" in text or "[/" in text  # shown, not read as markup (cells may wrap)


def _assert_markdown_safe(text: str) -> None:
    assert "\x1b" not in text and "\x07" not in text
    outside_code = re.sub(r"(`+)(?!`).*?(?<!`)\1(?!`)", "", text)  # code spans show text as is
    assert not re.search(r"<(script|img)", outside_code, re.I)
    tables = re.split(r"\n(?!\|)", text)
    for block in tables:
        rows = [r for r in block.splitlines() if r.startswith("|")]
        counts = {len(re.findall(r"(?<!\\)\|", r)) for r in rows}
        assert len(counts) <= 1, rows  # every row of a table has the header's cells


@pytest.mark.parametrize("fmt", ["terminal", "markdown", "json", "sarif"])
def test_scan_formats_with_hostile_names(fmt: str, tmp_path: Path) -> None:
    result = runner.invoke(app, ["scan", str(_data(tmp_path)), "-f", fmt], color=True)
    assert result.exit_code == 0, result.output
    out = result.stdout
    if fmt == "terminal":
        _assert_terminal_safe(out)
        assert "[link=" in out  # shown (its URL masked by the scan), not read as a link
    elif fmt == "markdown":
        _assert_markdown_safe(out)
        assert "&lt;script>" in out
    else:
        doc = json.loads(out)
        assert "\x1b" not in out  # JSON encodes it (a file path stays exact, as \u001b)
        if fmt == "json":
            # names are data: the scan shows them with control characters written out and
            # matched values masked, the same in every format
            assert {c["column"] for c in doc["columns"]} >= {
                "<script>alert(1)</script>",
                "[/]",
                ":phone:",
                "\\x1b[31mred",
                "a|b\\nc",
            }


@pytest.mark.parametrize("suffix", ["md", "html", "json"])
def test_audit_formats_with_hostile_names(suffix: str, tmp_path: Path) -> None:
    out = tmp_path / f"audit.{suffix}"
    result = runner.invoke(app, ["audit", str(_data(tmp_path)), "-o", str(out)], color=True)
    assert result.exit_code in (0, 1), result.output
    _assert_terminal_safe(result.stderr)  # the terminal summary
    text = out.read_text()
    if suffix == "md":
        _assert_markdown_safe(text)
    elif suffix == "html":
        assert not re.search(r"<(script|img)", text.split("</style>", 1)[-1], re.I)
        assert "\x1b" not in text
    else:
        assert "\x1b" not in text
        columns = {
            t["columns"][i] for t in json.loads(text)["tables"] for i in range(len(t["columns"]))
        }
        assert "\\x1b[31mred" in columns  # the column name as the audit masks it


def test_escape_helpers() -> None:
    assert md_text("<b>a|b</b>\n&c &lt;\\") == "&lt;b>a\\|b&lt;/b> &c &amp;lt;\\\\"
    assert md_text("ratio >= 0.8") == "ratio >= 0.8"
    assert md_text("[x](javascript:alert(1))") == "[x\\](javascript:alert(1))"
    assert md_text("[25, 65) -> 25-64") == "[25, 65) -> 25-64"
    assert md_code("a`b|c") == "`` a`b\\|c ``"
    assert md_code("plain") == "`plain`"
    assert terminal_line("a\x1b[2Jb\nc\td\u202e") == "a\\x1b[2Jb\\nc\\td\\u202e"
    assert terminal_text("line 1\n\x9bline 2\n") == "line 1\n\\x9bline 2\n"


@pytest.mark.parametrize("fmt", ["terminal", "markdown", "json", "sarif"])
def test_a_file_name_that_is_not_utf8_reaches_every_format(
    fmt: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A name of bytes that are not UTF-8 (``bad\\xff.txt``) decodes to lone surrogates, which
    a UTF-8 report cannot hold: every format shows the byte as ``\\xff`` and the report is
    written, never an internal error (70)."""
    import os

    folder = tmp_path / "in"
    folder.mkdir()
    raw = os.path.join(os.fsencode(folder), b"bad\xff\xfename.txt")
    with open(raw, "w") as fh:
        fh.write("mail jane.doe@example.com\n")
    out = tmp_path / "report.out"
    monkeypatch.chdir(tmp_path)  # a short path: the terminal table does not wrap it
    result = runner.invoke(app, ["scan", "in", "-f", fmt, "-o", str(out), "-q"])
    assert result.exit_code == 0, result.output
    text = out.read_bytes().decode("utf-8")  # valid UTF-8 throughout
    if fmt in ("json", "sarif"):
        doc = json.loads(text)
        assert "\\ud" not in text  # no lone surrogate escapes, which strict parsers reject
        if fmt == "json":
            assert doc["findings"][0]["location"]["file"].endswith("bad\\xff\\xfename.txt")
        else:
            where = doc["runs"][0]["results"][0]["locations"][0]["physicalLocation"]
            assert where["artifactLocation"]["uri"].endswith("bad%5Cxff%5Cxfename.txt")
    else:  # Markdown escapes the backslash itself (\\xff); the terminal table may wrap
        assert "\\xff" in text and "xfename.txt" in text


def test_escape_shows_undecodable_bytes() -> None:
    assert terminal_line("bad\udcff\udcfe.txt") == "bad\\xff\\xfe.txt"
    assert md_text("bad\udcff.txt") == "bad\\\\xff.txt"  # the backslash escaped for Markdown
    assert md_code("bad\udcff.txt") == "`bad\\xff.txt`"
