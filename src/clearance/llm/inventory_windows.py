"""Window fingerprints of a secret: what lets the guard recognise a near-copy of it.

A model that memorised a key often reproduces it with a character or two wrong; an exact
fingerprint then misses it although 34 of its 36 characters leaked. So the inventory also
carries, per secret, the keyed fingerprints of every window of :data:`WINDOW_CHARS`
consecutive characters of the value (``InventoryItem.window_fingerprints``), and the guard
redacts any token-like run of its output holding a window whose fingerprint is in that set.

Both sides cut text the same way (:func:`token_runs`, :func:`run_windows`): the value or the
output is split into token-like runs (letters, digits, ``_ + /``, joined by ``.`` and ``-``,
ended by ``=`` padding),
each run normalised as every value fingerprint is (``.`` and ``-`` dropped, casefolded:
:func:`clearance.privacy.fingerprint.normalise`), and every ``WINDOW_CHARS`` consecutive
characters of a run of at least that length are one window. A window's fingerprint is
``of("value-window", window)`` (HMAC-SHA256 under ``CLEARANCE_KEY``, a rule id of its own so it
is never confused with a value fingerprint), cut to :data:`WINDOW_HEX` hex digits (128 bits:
a chance match among a million stored windows is below 2**-100 per window looked up).

Why 12 characters (and not 8): without the key a fingerprint says nothing, whatever the
width. With the key (a stolen inventory *and* key), the windows of one secret overlap, so the
secret is as strong as one window: guess the first window, then each next character against
the set (40 guesses each). Casefolded, a window draws on about 40 characters (36 for an
alphanumeric key, 16 for hex): 8 characters is 40**8 ~ 2**43 (hex: 2**32), hours on one GPU at
HMAC speed or seconds for hex; 12 is 40**12 ~ 2**64 (hex 2**48), out of reach for the former
and days for hex, which is no worse than the value fingerprint of a short password the inventory
already holds. A longer window would protect more and catch less: a near-copy is found when
some 12 consecutive characters are exact, so a 36-character key with two changes is always
found when the changes are 12 or more characters apart from its ends or each other; with 16 it
would take 16. Chance hits in ordinary output need 12 exact characters of a known secret.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator

from clearance.privacy import Fingerprinter

WINDOW_CHARS = 12
WINDOW_RULE = "value-window"
WINDOW_HEX = 32
TOKEN_RUN = re.compile(r"[A-Za-z0-9_+/]+(?:[.\-]+[A-Za-z0-9_+/]+)*=*")
"""A token-like run: what a key looks like. ``.`` and ``-`` only inside it (a sentence's full
stop is not part of the key before it), ``=`` only at its end (base64 padding: ``key=`` in
``key=VALUE`` is not part of the value)."""
_DROPPED = frozenset(".-")


def token_runs(text: str, pos: int = 0) -> Iterator[re.Match[str]]:
    return TOKEN_RUN.finditer(text, pos)


def run_windows(
    run: str, width: int = WINDOW_CHARS, ends_after: int = 0
) -> Iterator[tuple[int, str]]:
    """``(raw end, window)`` of each normalised window of the token-like ``run`` whose last
    character lies at or after ``ends_after`` (raw offsets in ``run``)."""
    start = 0
    if ends_after > 0:  # only the windows ending in new text: from ``width - 1`` kept chars back
        start, need = min(ends_after, len(run)), width - 1
        while start > 0 and need > 0:
            start -= 1
            if run[start] not in _DROPPED:
                need -= 1
    chars: list[str] = []
    ends: list[int] = []
    for i in range(start, len(run)):
        ch = run[i]
        if ch not in _DROPPED:
            chars.append(ch.lower())  # ASCII: ``lower`` is ``casefold``
            ends.append(i + 1)
    for k in range(width, len(chars) + 1):
        if ends[k - 1] > ends_after:
            yield ends[k - 1], "".join(chars[k - width : k])


def window_digester(fingerprinter: Fingerprinter) -> Callable[[str], bytes]:
    """A normalised window -> its fingerprint's bytes (the stored hex, as bytes)."""
    digest = fingerprinter.digester(WINDOW_RULE)
    size = WINDOW_HEX // 2
    return lambda window: digest(window)[:size]


def value_windows(fingerprinter: Fingerprinter, value: str, width: int = WINDOW_CHARS) -> list[str]:
    """The sorted, distinct window fingerprints of a secret ``value`` (none when no token-like
    run of it has ``width`` characters)."""
    digest = window_digester(fingerprinter)
    found = {
        digest(window).hex()
        for run in token_runs(value)
        for _, window in run_windows(run[0], width)
    }
    return sorted(found)
