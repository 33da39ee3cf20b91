"""The detector declaration: one pattern family, its validator, context words and its own examples.

Patterns are written in the common subset of Python's ``re`` and Rust's ``regex`` (no look-around,
no back-references) because the engine runs them twice: once in Rust through Polars to find the
candidate rows of a batch, once in Python on those rows only to get exact spans. A named group
``value`` marks the sensitive part when the pattern also matches a keyword around it.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Container, Iterator
from dataclasses import dataclass, field
from typing import Literal, NamedTuple

from clearance.core.severity import Severity
from clearance.detection.boundaries import ascii_boundaries_hold
from clearance.detection.literals import (
    LiteralFilter,
    Literals,
    literal_filter,
    prefix_tree,
    required_literals,
)

Category = Literal["pii", "secret", "special_category"]


Validator = Callable[[str], bool]
# Narrows a candidate span using the whole text (lexicon detectors): returns (start, end, score)
# or None to drop the candidate.
Refiner = Callable[[str, int, int], "tuple[int, int, float] | None"]


@dataclass(frozen=True, slots=True)
class Detector:
    """One registered detector.

    ``score`` is the confidence of a bare match (pattern matched, validator passed, no context);
    a context word within ``context_window`` characters around the match adds ``context_boost``,
    an ``anti_context`` word (``order``, ``sku``, ``tracking``...) takes it away.
    With ``requires_context`` a match without context is dropped (for formats such as passport
    numbers that are indistinguishable from any other number on their own).

    Two ways to gate a detector more cheaply than by its own patterns (see :mod:`engine`):
    ``gate_by`` names a detector whose every text with a match of this one also matches its
    gate (the city after a street address is only where the street is): the engine then gives
    this detector that one's candidate rows and runs no regex of its own for it.
    ``prefilter`` builds, on first use, a Rust regex that matches wherever a pattern can lead to
    a match after ``refine`` (a lexicon's names), used by the engine's gate instead of the
    patterns; :attr:`rust_pattern` stays the patterns' (the scanner counts pattern matches).
    ``precheck`` is the same idea in Python, for what no regex says cheaply: a test of a whole
    text, ``False`` only where no pattern can lead to a match after ``refine`` (two listed names
    in the text), run before the patterns on each candidate row.
    ``refine_narrows`` says ``refine`` never widens a match (it keeps or shortens it, or drops
    it): the engine then skips a match inside one this detector already accepted in the text
    without refining it (it would skip it after refining anyway), which saves the validator
    that a refine calls ("716-4709" inside "(212) 716-4709").
    ``refine_words`` returns (built on first use) a set that a match's value, lower-cased, must
    be in for ``refine`` to keep it: the engine looks the value up there before calling
    ``refine`` (most capitalised words are no popular given name, and a call costs more).
    """

    id: str
    entity: str
    category: Category
    severity: Severity
    patterns: tuple[str, ...]
    positives: tuple[str, ...]
    negatives: tuple[str, ...]
    score: float = 0.8
    validator: Validator | None = None
    refine: Refiner | None = None
    context: tuple[str, ...] = ()
    anti_context: tuple[str, ...] = ()
    context_boost: float = 0.2
    requires_context: bool = False
    context_window: int = 48
    min_entropy: float | None = None
    ignore_case: bool = False
    description: str = ""
    keywords: tuple[str, ...] = ()
    gate_by: str = ""
    prefilter: Callable[[], str] | None = None
    precheck: Callable[[str], bool] | None = None
    refine_narrows: bool = False
    refine_words: Callable[[], Container[str]] | None = None
    _compiled: tuple[re.Pattern[str], ...] = field(
        default=(), init=False, repr=False, compare=False
    )
    _context_re: re.Pattern[str] | None = field(default=None, init=False, repr=False, compare=False)
    _anti_re: re.Pattern[str] | None = field(default=None, init=False, repr=False, compare=False)
    _gated: bool = field(default=False, init=False, repr=False, compare=False)
    _leads: tuple[Lead | None, ...] = field(default=(), init=False, repr=False, compare=False)
    _rust: str = field(default="", init=False, repr=False, compare=False)
    _rust_ascii: str = field(default="", init=False, repr=False, compare=False)
    _gate: str = field(default="", init=False, repr=False, compare=False)
    _gate_ascii: str = field(default="", init=False, repr=False, compare=False)
    _literals: tuple[Literals | None, ...] | None = field(
        default=None, init=False, repr=False, compare=False
    )
    _filters: tuple[LiteralFilter | None, ...] | None = field(
        default=None, init=False, repr=False, compare=False
    )
    _accented_safe: bool | None = field(default=None, init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        flags = re.IGNORECASE if self.ignore_case else 0
        compiled = tuple(re.compile(python_form(p, self.ignore_case), flags) for p in self.patterns)
        object.__setattr__(self, "_compiled", compiled)
        object.__setattr__(self, "_context_re", _word_start_re(self.context))
        object.__setattr__(self, "_anti_re", _word_start_re(self.anti_context))
        object.__setattr__(self, "_gated", self._compute_gated())
        object.__setattr__(
            self, "_leads", tuple(lead_of(p, self.ignore_case) for p in self.patterns)
        )
        body = "|".join(f"(?:{_relax_bounds(_strip_group_names(p))})" for p in self.patterns)
        object.__setattr__(self, "_rust", f"(?i){body}" if self.ignore_case else body)
        object.__setattr__(self, "_rust_ascii", ascii_boundaries(self._rust))
        if not 0.0 < self.score <= 1.0:
            raise ValueError(f"detector {self.id}: score must be in (0, 1]")

    @property
    def compiled(self) -> tuple[re.Pattern[str], ...]:
        return self._compiled

    @property
    def leads(self) -> tuple[Lead | None, ...]:
        """Per pattern, where a match of the pattern can start (see :func:`lead_of`), or
        ``None``."""
        return self._leads

    @property
    def literals(self) -> tuple[Literals | None, ...]:
        """Per pattern, strings one of which its every match contains (see
        :func:`required_literals`), or ``None``; worked out on first use."""
        if self._literals is None:
            found = tuple(required_literals(p.pattern, p.flags) for p in self._compiled)
            object.__setattr__(self, "_literals", found)
            return found
        return self._literals

    @property
    def filters(self) -> tuple[LiteralFilter | None, ...]:
        """Per pattern, a quick test that a text may hold a match (see :class:`LiteralFilter`),
        or ``None`` where none pays; worked out on first use."""
        if self._filters is None:
            found = tuple(
                None if lead is not None or lits is None else literal_filter(lits)
                for lead, lits in zip(self._leads, self.literals, strict=True)
            )
            object.__setattr__(self, "_filters", found)
            return found
        return self._filters

    @property
    def accented_safe(self) -> bool:
        """Whether the engine's ASCII gate finds every text with a match of this detector among
        texts whose non-ASCII word characters are all letters (see
        :mod:`clearance.detection.boundaries`), so such a text skips the Python pass of this
        detector where its gate finds nothing. Only a gate made of the detector's own patterns
        qualifies: a ``prefilter`` was written for the texts the gate used to see (``place-major``
        lets accented names through by the letters ``à-ÿ`` only). Nor a detector whose required
        context has a non-ASCII word (the gate compares context words by ASCII case only)."""
        if self._accented_safe is None:
            safe = (
                self.prefilter is None
                and ascii_boundaries_hold(self.gate_pattern)
                and not (self.requires_context and not all(w.isascii() for w in self.context))
            )
            object.__setattr__(self, "_accented_safe", safe)
            return safe
        return self._accented_safe

    @property
    def keyword_gated(self) -> bool:
        return self._gated

    def _compute_gated(self) -> bool:
        """Whether the engine may skip texts holding none of ``keywords``. Only when every
        keyword is specific (3+ characters) and every positive example holds one: keywords
        written as hints rather than as required literals must not hide a match."""
        if not self.keywords or min(map(len, self.keywords)) < 3:
            return False
        kws = [k.lower() for k in self.keywords]
        return all(any(k in p.lower() for k in kws) for p in self.positives)

    def has_context(self, window: str) -> bool:
        return self._context_re is not None and self._context_re.search(window) is not None

    def has_anti_context(self, window: str) -> bool:
        return self._anti_re is not None and self._anti_re.search(window) is not None

    @property
    def rust_pattern(self) -> str:
        """One alternation of all patterns for the Rust gate: Python-only group syntax removed,
        and long bounded repeats (``{0,63}``, ``{3,2000}``) left unbounded. The gate only needs
        a superset of the rows with a match, and Rust unrolls a bound into one program state
        per repeat: the e-mail's ``{0,63}`` and ``{0,62}`` made its gate group much slower."""
        return self._rust

    @property
    def rust_ascii_pattern(self) -> str:
        """:attr:`rust_pattern` with ASCII word boundaries: the same rows on texts whose
        non-ASCII characters are all punctuation, symbols or spaces (see :func:`ascii_boundaries`)."""
        return self._rust_ascii

    @property
    def rust_ascii_patterns(self) -> tuple[str, ...]:
        """Each pattern as :attr:`rust_ascii_pattern` has them all (``(?i)`` not included): a
        gate per pattern, so the exact pass runs only the patterns that can match a text."""
        return tuple(ascii_boundaries(_strip_group_names(p)) for p in self.patterns)

    @property
    def gate_pattern(self) -> str:
        """The Rust regex the engine's gate runs: :attr:`rust_pattern`, or the ``prefilter``'s
        (built once, on first use)."""
        if self.prefilter is None:
            return self._rust
        if not self._gate:
            self._build_gate(self.prefilter)
        return self._gate

    @property
    def gate_ascii_pattern(self) -> str:
        """:attr:`gate_pattern` with ASCII word boundaries (as :attr:`rust_ascii_pattern`)."""
        if self.prefilter is None:
            return self._rust_ascii
        if not self._gate:
            self._build_gate(self.prefilter)
        return self._gate_ascii

    def _build_gate(self, prefilter: Callable[[], str]) -> None:
        gate = prefilter()
        object.__setattr__(self, "_gate_ascii", ascii_boundaries(gate))
        object.__setattr__(self, "_gate", gate)


_GROUP_NAME = re.compile(r"\(\?P<[A-Za-z_][A-Za-z0-9_]*>")


def _strip_group_names(pattern: str) -> str:
    return _GROUP_NAME.sub("(", pattern)


# ``{m,n}`` with n of two digits from 16, or more digits; not after a backslash (``\{``).
_LONG_BOUND = re.compile(r"(?<!\\)\{(\d+),(1[6-9]|[2-9]\d|\d{3,})\}")


def ascii_boundaries(pattern: str) -> str:
    """``pattern`` with every ``\\b`` (outside a class) as ``(?-u:\\b)``.

    Rust's Unicode ``\\b`` keeps its fast DFA only on ASCII text: on the one text in nine with a
    curly quote, a dash or an accent it ran many times slower per character, most of the
    gate's time. Where every non-ASCII character of a text is punctuation, a symbol or a space,
    each character is a word character under both definitions or under neither, so the ASCII
    boundary is the Unicode one; the engine gates only such texts with this form.
    """
    return "".join(
        "(?-u:\\b)" if token == "\\b" and not in_class else token
        for _, token, in_class in _regex_tokens(pattern)
    )


def _regex_tokens(pattern: str) -> Iterator[tuple[int, str, bool]]:
    """``(index, token, inside a class)`` for each escape pair, class opening (``[``, ``[^``,
    ``[]``, ``[^]``: a ``]`` right after the opening is a member) and other character."""
    i, in_class = 0, False
    while i < len(pattern):
        ch = pattern[i]
        if ch == "\\" and i + 1 < len(pattern):
            yield i, pattern[i : i + 2], in_class
            i += 2
        elif in_class:
            yield i, ch, True
            in_class = ch != "]"
            i += 1
        elif ch == "[":
            step = 2 if pattern.startswith("[]", i) else 3 if pattern.startswith("[^]", i) else 1
            yield i, pattern[i : i + step], False
            in_class = True
            i += step
        else:
            yield i, ch, False
            i += 1


def _relax_bounds(pattern: str) -> str:
    return _LONG_BOUND.sub(lambda m: f"{{{m.group(1)},}}", pattern)


def _word_start_re(words: tuple[str, ...]) -> re.Pattern[str] | None:
    """Context words match at the start of a word: "ssn" in "user_ssn", not "tin" in "destination"."""
    if not words:
        return None
    return re.compile("(?<![a-z0-9])(?:" + "|".join(re.escape(w) for w in words) + ")")


_CASE_PAIR = re.compile(r"\[([a-z])([A-Z])\]")
_WORDS_ALTERNATION = re.compile(r"\(\?:[A-Za-z][A-Za-z|()?:]*\)")
_ESCAPE = re.compile(r"\\.")


# ``\b`` then one atom: a word character, ``\d`` or a class without ``\``, negation or nesting,
# with a quantifier that needs at least one (none, ``+``, ``{n}``, ``{n,}``, ``{n,m}``, n >= 1).
_BOUNDED_ATOM = re.compile(
    r"\\b(\\d|\[[^\]\\^\[]+\]|[A-Za-z0-9_])(\+|\{([1-9]\d*)(,(\d*))?\})?(?![?*+{])"
)


def python_form(pattern: str, ignore_case: bool = False) -> str:
    """``pattern`` as Python's ``re`` runs it fastest, matching exactly the same spans.

    A pattern that starts with ``\\b`` gives ``re`` no first character to skip ahead to, so it
    is tried at every position. ``\\bX`` (X one word character, ``\\d`` or a class of word
    characters) matches where ``X(?<!\\w\\w)`` does: the boundary before a word character
    means the character before it is not one. Starting with X lets ``re`` scan for it in C
    (measured on the benchmark's URL rows, ``\\b[A-Z]...`` place names and ``\\b\\d``
    shapes). Classes with lowercase letters are left
    as written (measured slower: most positions of a text are then candidates), as are
    case-insensitive patterns (``re`` does not skip ahead to a cased character then).
    Rust never sees this form: it has no look-behind.
    """
    if ignore_case:
        return pattern
    group = _GROUP_AFTER_BOUND.match(pattern)
    if group is not None and _plain_group(pattern[2:]):
        # ``\b(?P<value>X...``, ``\b(?:X...``: the boundary is zero-width, so it moves into
        # the group as well (``re`` finds a first character inside a leading group too).
        rest = python_form("\\b" + pattern[group.end() :])
        return pattern if rest.startswith("\\b") else group.group(1) + rest
    m = _BOUNDED_ATOM.match(pattern)
    if m is None:
        return pattern
    atom, quantifier = m.group(1), m.group(2)
    if atom.startswith("["):
        members = _class_members(atom)
        if members is None or any(c.islower() for c in members):
            return pattern
        if not all(_WORD_CHAR.match(c) for c in members):
            return pattern
    if quantifier is None:
        rest = ""
    elif quantifier == "+":
        rest = atom + "*"
    else:
        low, comma, high = int(m.group(3)), m.group(4), m.group(5)
        if comma is None:
            rest = atom + f"{{{low - 1}}}" if low > 1 else ""
        else:
            rest = atom + f"{{{low - 1},{int(high) - 1 if high else ''}}}"
    return f"{atom}(?<!\\w\\w){rest}{pattern[m.end() :]}"


_WORD_CHAR = re.compile(r"\w")
_GROUP_AFTER_BOUND = re.compile(r"\\b(\(\?P<[A-Za-z_]\w*>|\(\?:)")


def _class_members(cls: str) -> list[str] | None:
    """The characters of a simple class such as ``[A-HJ-NP-Z1-9]``; ``None`` if one of its
    ranges is wider than 512 characters."""
    body, i = cls[1:-1], 0
    members: list[str] = []
    while i < len(body):
        if i + 2 < len(body) and body[i + 1] == "-":
            lo, hi = ord(body[i]), ord(body[i + 2])
            if hi - lo > 512:
                return None
            members.extend(map(chr, range(lo, hi + 1)))
            i += 3
        else:
            members.append(body[i])
            i += 1
    return members


class Lead(NamedTuple):
    """Where a pattern's matches can start: ``regex`` searched in the text as it is, or in
    ``text.lower()`` when ``lowered`` (then for ASCII text only)."""

    regex: re.Pattern[str]
    lowered: bool
    # ``regex`` holds no non-ASCII capital (a lowered text never has one): it may then search
    # the lowercase of a non-ASCII text too (see ``engine.lowercase_view``)
    any_text: bool = False


def lead_of(pattern: str, ignore_case: bool = False) -> Lead | None:
    """The leading group of ``pattern`` rewritten as a case-sensitive regex for ``text.lower()``,
    when that group is made of literals, case pairs (``[cC]``), case-insensitive groups and
    case-free classes; else ``None``. A leading ``\\b`` is left out (the pattern checks it).

    Python's ``re`` skips ahead quickly only to a literal or one case-sensitive character class:
    a pattern starting with ``(?:[cC][lL]...|[xX]...)`` (every ``keyed`` secret rule) or
    ``(?i:my name is|...)`` is tried at every position. The lead finds the possible starts at
    C speed and the pattern is tried there only. On ASCII text lowering maps each letter to one
    letter at the same offset, so every start of a match is a start of the lead (the converse
    need not hold: the pattern checks).
    """
    body = pattern[2:] if pattern.startswith("\\b(?:") else pattern
    if not body.startswith("(?:"):
        return None
    end = _group_end(body)
    if end is None:
        return None
    head = body[:end]
    if body[end : end + 1] in ("?", "*") or body.startswith("{0", end):
        return None  # an optional group: a match need not start with it
    if any(x in head for x in ("(?-i", "(?P<", "(?=", "(?!", "(?<")):
        return None
    if not ignore_case and "(?i:" not in head and not _CASE_PAIR.search(head):
        # Case-sensitive: Python's own scan is as fast (measured), except behind a leading
        # ``\\b`` on an alternation of words (``\\b(?:Jan(?:uary)?|Feb...)``, measured on the
        # date candidates of the benchmark): its lowercase finds every start, and more.
        if body is pattern or not _WORDS_ALTERNATION.fullmatch(head):
            return None
        return Lead(re.compile(head), lowered=False)
    if ignore_case:
        head = re.sub(r"(\\.)|([A-Z])", lambda m: m.group(1) or m.group(2).lower(), head)
    lead = _CASE_PAIR.sub(
        lambda m: m.group(1) if m.group(1).upper() == m.group(2) else m.group(0), head
    )
    lead = lead.replace("(?i:", "(?:")
    bare = _ESCAPE.sub("", lead)
    if re.search(r"[A-Z]", bare) or re.search(r"\[[^\]]*[A-Za-z][^\]]*\]", bare):
        return None  # an uppercase literal or a class with letters: not case-free
    regex = _WORD_LIST.sub(_as_trie, lead)
    any_text = all(c == c.lower() for c in regex if not c.isascii())
    return Lead(re.compile(regex), lowered=True, any_text=any_text)


# A group of 8+ plain words: ``(?:my name is|i am|...)`` (no metacharacter in a word).
_WORD_LIST = re.compile(r"\(\?:([^()\[\]\\|.?*+{}^$]+(?:\|[^()\[\]\\|.?*+{}^$]+){7,})\)")


def _as_trie(m: re.Match[str]) -> str:
    """A group of words as a prefix tree: ``(?:a(?:sk(?: for)?|gent)|...)``. ``re`` tries a
    group's alternatives one by one at each position, so 170 context words cost 170 checks at
    every word start (most of the person-context lead's time); the tree checks one letter per
    level. It matches the same strings, so a lead finds the same starts (the order of the
    alternatives, which would choose between matches, does not matter to a lead)."""
    return prefix_tree(m.group(1).split("|"))


def _plain_group(pattern: str) -> bool:
    """Whether the group opening ``pattern`` is taken exactly once and has no alternation of
    its own (a boundary before it then holds before its first atom on every match)."""
    end = _group_end(pattern)
    if end is None or pattern[end : end + 1] in ("?", "*", "+", "{"):
        return False
    depth = 0
    for _i, token, in_class in _regex_tokens(pattern[:end]):
        if in_class:
            continue
        if token == "(":
            depth += 1
        elif token == ")":
            depth -= 1
        elif token == "|" and depth == 1:
            return False
    return True


def _group_end(pattern: str) -> int | None:
    """The index just past the group that opens ``pattern`` (escapes and classes skipped)."""
    depth = 0
    for i, token, in_class in _regex_tokens(pattern):
        if in_class:
            continue
        if token == "(":
            depth += 1
        elif token == ")":
            depth -= 1
            if depth == 0:
                return i + 1
    return None
