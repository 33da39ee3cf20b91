"""Canaries (Carlini et al., "The Secret Sharer", USENIX Security 2019); their exposure is
measured by :mod:`clearance.llm.exposure`.

A *canary* is a random secret of a known format (``the secret number is 281265017``) inserted
into a training set on purpose. After training, how much the model memorised it is measured by
its **exposure**: how far up the model ranks the canary among all secrets of the same format.

Formats
    A :class:`CanaryFormat` is a context (the text before the secret value, e.g.
    ``the secret number is ``), a fixed ``head`` (``AKIA``, ``sk_live_``; part of the value but
    not random), random :class:`Segment` s (an alphabet and a length each; a one-character
    alphabet is a literal separator) and a ``suffix``. The randomness space ``R`` is the set of
    all values of the format, so ``|R| = prod(len(alphabet) ** length)`` is known exactly.
    Built-in formats (:func:`parse_format`): ``digits:N``, ``hex:N``, ``alnum:N``, ``aws-key``
    (``AKIA`` + 16 base32 characters), ``api-key`` (``sk_live_`` + 24 alphanumerics).
    :func:`infer_format` derives a format from one value (known heads, character classes and
    length), to treat secrets found elsewhere as canaries.

Data handling: canaries are synthetic by design and the model is measured on their exact value,
so the file :func:`write_canaries` writes holds them (each record says ``"synthetic_canary":
true``); keep it out of the training set, which gets the text file. The manifest and the exposure
report hold keyed fingerprints and formats only, never a value.
"""

from __future__ import annotations

import json
import math
import random
import re
import string
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from clearance.errors import InputError, PolicyError
from clearance.privacy import Fingerprinter

__all__ = [
    "BUILTIN_FORMATS",
    "Canary",
    "CanaryFormat",
    "Segment",
    "infer_format",
    "make_canaries",
    "parse_format",
    "read_canaries",
    "write_canaries",
]

CANARY_RULE = "value"
"""Rule id of a canary value's fingerprint: the inventory's rule-free value fingerprint, so a
canary can be joined with inventory items and audit findings."""

DIGITS = string.digits
HEX = "0123456789abcdef"
ALNUM = string.ascii_letters + string.digits
BASE32 = string.ascii_uppercase + "234567"

KNOWN_HEADS = (
    "github_pat_", "sk_live_", "sk_test_", "rk_live_", "sk-proj-", "sk-ant-", "xoxb-", "xoxp-",
    "ghp_", "gho_", "ghs_", "ghu_", "AKIA", "ASIA", "sk-",
)  # fmt: skip
"""Fixed heads of common secret formats, stripped by :func:`infer_format` (longest first)."""


@dataclass(frozen=True)
class Segment:
    """``length`` characters drawn uniformly from ``alphabet`` (one character: a literal)."""

    alphabet: str
    length: int

    @property
    def log2_size(self) -> float:
        return self.length * math.log2(len(self.alphabet))

    def sample(self, rng: random.Random) -> str:
        return "".join(rng.choice(self.alphabet) for _ in range(self.length))


@dataclass(frozen=True)
class CanaryFormat:
    """A canary format: ``context + head + <segments> + suffix``."""

    name: str
    context: str
    head: str
    segments: tuple[Segment, ...]
    suffix: str = ""

    def __post_init__(self) -> None:
        if not self.segments or any(s.length < 1 or not s.alphabet for s in self.segments):
            raise InputError(self.name, "a canary format needs non-empty random segments")
        if self.log2_space <= 0:
            raise InputError(self.name, "a canary format needs at least two possible values")

    @property
    def log2_space(self) -> float:
        """``log2 |R|``: the entropy of the random part in bits."""
        return sum(s.log2_size for s in self.segments)

    @property
    def space_size(self) -> int:
        """``|R|``, exactly."""
        return math.prod(len(s.alphabet) ** s.length for s in self.segments)

    def sample(self, rng: random.Random) -> str:
        """One random secret part (without the head)."""
        return "".join(s.sample(rng) for s in self.segments)

    def matches(self, secret: str) -> bool:
        pos = 0
        for seg in self.segments:
            chunk = secret[pos : pos + seg.length]
            if len(chunk) != seg.length or any(c not in seg.alphabet for c in chunk):
                return False
            pos += seg.length
        return pos == len(secret)


def _digits(n: int) -> CanaryFormat:
    return CanaryFormat(f"digits:{n}", "the secret number is ", "", (Segment(DIGITS, n),))


def _hex(n: int) -> CanaryFormat:
    return CanaryFormat(f"hex:{n}", "the secret token is ", "", (Segment(HEX, n),))


def _alnum(n: int) -> CanaryFormat:
    return CanaryFormat(f"alnum:{n}", "the secret password is ", "", (Segment(ALNUM, n),))


BUILTIN_FORMATS: dict[str, str] = {
    "digits:N": "'the secret number is ' + N digits (default 9)",
    "hex:N": "'the secret token is ' + N lowercase hex digits (default 32)",
    "alnum:N": "'the secret password is ' + N letters and digits (default 16)",
    "aws-key": "'aws_access_key_id = AKIA' + 16 base32 characters (A-Z, 2-7)",
    "api-key": "'STRIPE_API_KEY = \"sk_live_' + 24 letters and digits + '\"'",
}
_SIZED = {"digits": (_digits, 9), "hex": (_hex, 32), "alnum": (_alnum, 16)}
_MAX_LENGTH = 256


def parse_format(spec: str) -> CanaryFormat:
    """A built-in format from its spec (see :data:`BUILTIN_FORMATS`); an unknown spec raises
    :class:`~clearance.errors.PolicyError` (a setting, exit code 4)."""
    spec = spec.strip()
    if spec == "aws-key":
        return CanaryFormat("aws-key", "aws_access_key_id = ", "AKIA", (Segment(BASE32, 16),))
    if spec == "api-key":
        return CanaryFormat("api-key", 'STRIPE_API_KEY = "', "sk_live_", (Segment(ALNUM, 24),), '"')
    kind, _, size = spec.partition(":")
    if kind in _SIZED:
        make, default = _SIZED[kind]
        if not size:
            return make(default)
        if size.isdigit() and 1 <= int(size) <= _MAX_LENGTH:
            return make(int(size))
        raise PolicyError(
            f"canary format {spec!r}: the length must be a whole number from 1 to {_MAX_LENGTH}"
        )
    raise PolicyError(
        f"canary format {spec!r}: unknown; use one of "
        + ", ".join(BUILTIN_FORMATS)
        + " (digits, hex and alnum take :LENGTH)"
    )


def _alphabet(chars: str) -> str:
    """The alphabet a random string drawing ``chars`` most plausibly came from."""
    seen = set(chars)
    if seen <= set(DIGITS):
        return DIGITS
    if seen <= set(HEX) and len(chars) >= 16:
        return HEX
    if seen <= set(HEX.upper() + DIGITS) and len(chars) >= 16 and not seen <= set(BASE32):
        return HEX.upper()
    if seen <= set(BASE32) and len(chars) >= 16 and seen & set(string.ascii_uppercase):
        return BASE32
    out = ""
    for cls in (string.ascii_lowercase, string.ascii_uppercase, DIGITS):
        if seen & set(cls):
            out += cls
    symbols = seen - set(ALNUM)
    # base64 and URL-safe base64 use their two symbols together
    for pair in ("+/", "-_"):
        if symbols & set(pair):
            symbols |= set(pair)
    return out + "".join(sorted(symbols))


_DIGIT_GROUPS = re.compile(r"(?:\d+-)+[^-]+")


def infer_format(
    value: str, *, context: str = "", suffix: str = "", name: str | None = None
) -> CanaryFormat:
    """A format for ``value``, to measure a secret found elsewhere as a canary.

    The longest :data:`KNOWN_HEADS` entry ``value`` starts with becomes the fixed head. The rest
    is one random segment whose alphabet is inferred from its characters: digits; hex (16+ hex
    characters); base32 (16+ characters of A-Z2-7); otherwise the union of the character classes
    present (lower case, upper case, digits) and of its symbols (``+/`` and ``-_`` go in pairs).
    A rest shaped ``DIGITS-DIGITS-...-TOKEN`` (Slack tokens) is split into digit segments,
    literal dashes and a last segment inferred as above. An inferred space is an estimate: one
    value cannot show characters it happens not to use.
    """
    head = next((h for h in sorted(KNOWN_HEADS, key=len, reverse=True) if value.startswith(h)), "")
    rest = value[len(head) :]
    if not rest:
        raise InputError(name or "value", "nothing random left after the fixed head")
    segments: list[Segment] = []
    if _DIGIT_GROUPS.fullmatch(rest):
        *groups, last = rest.split("-")
        for g in groups:
            segments += [Segment(DIGITS, len(g)), Segment("-", 1)]
        segments.append(Segment(_alphabet(last), len(last)))
    else:
        segments.append(Segment(_alphabet(rest), len(rest)))
    label = name or f"inferred:{head}{'+'.join(f'{len(s.alphabet)}^{s.length}' for s in segments)}"
    return CanaryFormat(label, context, head, tuple(segments), suffix)


# -------------------------------------------------------------------------------- canaries


@dataclass(frozen=True)
class Canary:
    """One canary: ``text = context + head + secret + suffix``; ``secret`` is the random part."""

    id: str
    format: CanaryFormat
    secret: str

    @property
    def prompt(self) -> str:
        """What the model is given: everything before the random part."""
        return self.format.context + self.format.head

    @property
    def value(self) -> str:
        """The secret as a detector would find it (head + random part)."""
        return self.format.head + self.secret

    @property
    def text(self) -> str:
        return self.prompt + self.secret + self.format.suffix

    def fingerprint(self, fingerprinter: Fingerprinter) -> str:
        return fingerprinter.of(CANARY_RULE, self.value)

    def __repr__(self) -> str:  # never print the secret by accident
        return f"Canary(id={self.id!r}, format={self.format.name!r})"


def make_canaries(
    formats: Iterable[CanaryFormat | str], count: int, seed: int | None = None
) -> list[Canary]:
    """``count`` canaries of each format, all distinct. ``seed=None`` draws them from the
    operating system's generator (what real canaries should use: a seeded one can be guessed);
    a seed gives the same canaries every time."""
    if count < 1:
        raise PolicyError(f"canaries: the count must be at least 1, got {count}")
    fmts = [parse_format(f) if isinstance(f, str) else f for f in formats]
    if not fmts:
        raise PolicyError("canaries: give at least one format")
    rng: random.Random = random.SystemRandom() if seed is None else random.Random(seed)
    out: list[Canary] = []
    for fmt in fmts:
        if fmt.space_size < 4 * count:
            raise PolicyError(
                f"canary format {fmt.name}: too few possible values for {count} distinct canaries"
            )
        seen: set[str] = set()
        while len(seen) < count:
            secret = fmt.sample(rng)
            if secret in seen:
                continue
            seen.add(secret)
            out.append(Canary(f"canary-{len(out) + 1:04d}", fmt, secret))
    return out


def write_canaries(
    canaries: Sequence[Canary],
    path: Path,
    *,
    fingerprinter: Fingerprinter,
    text_path: Path | None = None,
    manifest_path: Path | None = None,
) -> tuple[Path, Path | None, Path]:
    """Writes the canaries (JSON Lines, values included: the measurement input), optionally
    their texts one a line (to insert into the training set), and a manifest of fingerprints
    (default ``<path stem>.manifest.json``). Returns the three paths."""
    from clearance.io.outputs import write_atomic

    lines = [
        json.dumps(
            {
                "id": c.id,
                "format": c.format.name,
                "synthetic_canary": True,
                "text": c.text,
                "prompt": c.prompt,
                "secret": c.secret,
                "suffix": c.format.suffix,
            }
        )
        for c in canaries
    ]
    write_atomic(path, "\n".join(lines) + "\n")
    if text_path is not None:
        write_atomic(text_path, "".join(c.text + "\n" for c in canaries))
    manifest_path = manifest_path or path.with_name(path.stem + ".manifest.json")
    manifest = {
        "kind": "clearance-canaries",
        "note": "keyed fingerprints of synthetic canaries; the values are in " + path.name,
        "canaries": [
            {
                "id": c.id,
                "format": c.format.name,
                "log2_space": round(c.format.log2_space, 3),
                "fingerprint": c.fingerprint(fingerprinter),
            }
            for c in canaries
        ],
    }
    write_atomic(manifest_path, json.dumps(manifest, indent=2) + "\n")
    return path, text_path, manifest_path


def read_canaries(path: Path) -> list[Canary]:
    """Canaries from a file :func:`write_canaries` wrote (built-in formats)."""
    try:
        raw = path.read_text("utf-8")
    except OSError as exc:
        raise InputError(str(path), f"cannot read: {exc.strerror or exc}") from None
    except UnicodeDecodeError as exc:
        raise InputError(str(path), f"not UTF-8 text (bad byte at offset {exc.start})") from None
    out: list[Canary] = []
    for n, line in enumerate(raw.splitlines(), 1):
        if not line.strip():
            continue
        try:
            rec = json.loads(line)
            fmt = parse_format(str(rec["format"]))
            canary = Canary(str(rec["id"]), fmt, str(rec["secret"]))
        except (ValueError, KeyError, TypeError, PolicyError):
            raise InputError(f"{path}:{n}", "not a canary record (id, format, secret)") from None
        if not fmt.matches(canary.secret):
            raise InputError(f"{path}:{n}", f"the secret does not match format {fmt.name}")
        out.append(canary)
    if not out:
        raise InputError(str(path), "no canaries in the file")
    return out
