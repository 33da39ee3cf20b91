"""Masked previews: enough shape to recognise a finding, never enough to recover the value."""

from __future__ import annotations

import re
from collections.abc import Iterable

_SEP = " -./:()"


def _mask_email(value: str) -> str:
    local, _, domain = value.rpartition("@")
    host, _, tld = domain.rpartition(".")
    return f"{local[:1]}***@{host[:1]}***.{tld}"


def _mask_digits(value: str, keep: int) -> str:
    total = sum(c.isalnum() for c in value)
    shown = 0
    out = []
    for c in value:
        if c.isalnum():
            shown += 1
            out.append(c if shown > total - keep else "*")
        else:
            out.append(c)
    return "".join(out)


def _mask_words(value: str) -> str:
    return " ".join(f"{w[:1]}***" for w in value.split())


# First words of a special-category statement that say nothing themselves ("my ***", "as ***",
# "I'm ***"): kept so the preview shows its shape. Any other first word (a cell that is only
# "Catholic" or "Crohn's disease") is masked like the rest.
_ANCHOR_WORDS = frozenset(
    "i i'm i’m im i've i’ve i'd we we're we’re we've he she he's she’s she's they they're my our"
    " as being at to in from born came come coming me was am".split()
)


def _mask_statement(value: str) -> str:
    words = value.split()
    if len(words) > 1 and words[0].lower() in _ANCHOR_WORDS:
        return f"{words[0]} ***"
    return value[:1] + "***"


def mask(value: str, entity: str, category: str = "pii") -> str:
    """A preview of ``value`` safe to print in reports and logs."""
    if not value:
        return ""
    if category == "secret":
        head = ""
        for sep in ("_", "-", "."):
            idx = value.find(sep)
            if 0 < idx <= 7 and value[:idx].isalpha():
                head = value[: idx + 1]
                break
        return f"{head}***({len(value)} chars)"
    if category == "special_category":
        return _mask_statement(value)
    if entity == "EMAIL_ADDRESS" and "@" in value:
        return _mask_email(value)
    if entity in {"PERSON", "LOCATION"}:
        return _mask_words(value)
    alnum = sum(c.isalnum() for c in value)
    digit_share = sum(c.isdigit() for c in value) / max(1, alnum)
    if digit_share > 0.6 and alnum >= 12:
        return _mask_digits(value, 4)
    if alnum >= 8:
        return _mask_digits(value, 2)
    return value[:1] + "***"


# C0 and C1 controls, DEL, soft hyphen, zero-width and invisible format characters, the byte
# order mark, line and paragraph separators, and the bidirectional controls that can reorder
# what a terminal or a viewer shows (Trojan Source, CVE-2021-42574).
_CONTROLS = (
    "\x00-\x1f\x7f-\x9f\xad\u061c\u180e\u200b-\u200f\u2028-\u202e\u2060-\u206f\ufeff\ufff9-\ufffb"
)
# ... and lone surrogates: the bytes of a name that is not UTF-8 (``surrogateescape``), which no
# UTF-8 output can hold; shown as the byte they stand for (``\xff``).
_CONTROLS += "\ud800-\udfff"
_CONTROL = re.compile(f"[{_CONTROLS}]")
_CONTROL_BUT_LINES = re.compile(f"(?![\n\t])[{_CONTROLS}]")
_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def _show(match: re.Match[str]) -> str:
    char = match.group()
    if char in _NAMED:
        return _NAMED[char]
    code = ord(char)
    if 0xDC80 <= code <= 0xDCFF:
        return f"\\x{code - 0xDC00:02x}"
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def escape_controls(text: str, *, keep_lines: bool = False) -> str:
    """``text`` with control and format characters (ANSI escapes, NUL, bidi overrides, line
    breaks unless ``keep_lines``) written as ``\\x1b``/``\\u202e``/``\\n``: text taken from data
    prints as what it is and never drives a terminal. Shown, not dropped: a name that carries
    one is suspicious and the reader should see it. The one escaping rule of every output."""
    return (_CONTROL_BUT_LINES if keep_lines else _CONTROL).sub(_show, text)


def mask_name(name: str, spans: Iterable[tuple[int, int, str, str]] = ()) -> str:
    """A name taken from data (a column name, a JSON object key) safe to print: each
    ``(start, end, entity, category)`` span a detector matched in it replaced by its masked
    preview, control characters escaped. A headerless CSV's first row and a JSON object keyed
    by e-mail addresses are values, not labels: the scan and the audit show them only so."""
    out, pos = [], 0
    for start, end, entity, category in sorted(spans):
        if start < pos:
            continue
        out += [name[pos:start], mask(name[start:end], entity, category)]
        pos = end
    out.append(name[pos:])
    return escape_controls("".join(out))


# A category label as people code them: a short word ("good", "approved", "no default") or a
# small number ("1", "-1", "0.5"). Anything else taken from data (an e-mail, an ID, a sentence)
# may identify someone and is never echoed.
_LABEL_LIKE = re.compile(r"[A-Za-z][A-Za-z _-]{0,23}|-?\d{1,6}(?:\.\d{1,6})?")


def shown_label(value: object) -> str:
    """A label value from data in a message: ``repr`` of a short plain word or small number
    (``'good'``, ``2``), else only its size (``<a value of 17 characters>``): an error about a
    column that is not a label must not print what the column holds."""
    text = str(value)
    if isinstance(value, bool | int | float) or _LABEL_LIKE.fullmatch(text):
        return repr(value)
    return f"<a value of {len(text)} characters>"
