"""Build the name lexicon clearance ships (``src/clearance/detection/pii/data/names.tsv.gz``)
from maintained packages, so that detection does not rest on a hand list:

- ``names-dataset`` 3.3.1 (Philippe Remy; Apache-2.0): first and last names of 105 countries
  with their per-country popularity rank, taken from public profiles. A name is kept when it
  ranks within the top ``RANK`` of at least one country and is written in Latin script.
- ``wordfreq`` 3.1.1 (Robyn Speer; Apache-2.0, data CC BY-SA 4.0): word frequencies. A kept
  name that is also a common word of a language (English Zipf >= 3.3, or >= 4.0 in Spanish,
  German, French, Portuguese, Italian or Dutch) and not a popular name (rank <= ``POPULAR``) in
  a country of these languages ("John" is frequent in German text because it is a name), or an
  English dictionary word that is no popular name in an English-speaking country ("Sales" is a
  frequent surname in Brazil, a word in English text), is marked ``C``: the detector counts it
  as a name only with support (a title, a context phrase, a known name beside it). "Smith" is a
  surname first.
- Faker's per-locale first and last names (which the detector adds at run time) are flagged the
  same way, so that the words among them are marked ``C`` too.
- ``english_words`` 2.0.2 (MIT): the lower-case words of Webster's Second, which tell an English
  word ("sales", "said") from a name frequent in English text ("Jonas", "Yong").
- First names among the ``POPULAR_FIRST`` most popular of an English-speaking country are marked
  ``P``: a place with such a name ("Savannah", "Florence") may be a person after "to" or "at".

Neither package is needed at run time: names-dataset takes ~10 s and ~2 GB to load, so the
lexicon is derived once, here, and committed. Rebuild after changing a constant::

    pip install --no-deps names-dataset==3.3.1 wordfreq==3.1.1 english-words==2.0.2 pycountry \
        msgpack ftfy langcodes
    PYTHONPATH=src python scripts/build_name_lexicon.py   # with Faker installed

Output: one line per token, ``token<TAB>flags``, lower-case, sorted; flags are ``F`` (first
name), ``L`` (last name), ``C`` (also a common word) and ``P`` (a popular first name). The gzip
header carries no time, so the same inputs give the same bytes.
"""

from __future__ import annotations

import gzip
import io
import re
import sys
from collections.abc import Iterable
from pathlib import Path

RANK = 3000
POPULAR = 1000
POPULAR_FIRST = 500
COMMON_EN = 3.3
COMMON_OTHER = 4.0
# where each language is spoken: a word common in these languages is still a name first when it
# is a popular name in one of these countries ("João" is frequent in Portuguese text because it
# is a frequent name in Portugal and Brazil)
COUNTRIES = {
    "en": ("US", "GB", "CA", "AU", "IE", "NZ"),
    "es": ("ES", "MX", "AR", "CO", "CL", "PE"),
    "de": ("DE", "AT", "CH"),
    "fr": ("FR", "BE", "CH"),
    "pt": ("PT", "BR"),
    "it": ("IT",),
    "nl": ("NL", "BE"),
}
ENGLISH_SPEAKING = COUNTRIES["en"]
OUT = Path(__file__).resolve().parents[1] / "src/clearance/detection/pii/data/names.tsv.gz"

_WORD = re.compile(r"^[^\W\d_]+(?:[-'][^\W\d_]+)*$")


def _latin(name: str) -> bool:
    return all(ord(c) < 0x250 for c in name)


def _kept(table: dict[str, dict[str, dict[str, int]]]) -> dict[str, dict[str, int]]:
    """Lower-cased name -> its best rank per language's countries (missing: not popular)."""
    out: dict[str, dict[str, int]] = {}
    for name, info in table.items():
        ranks = info.get("rank") or {}
        if not ranks or min(ranks.values()) > RANK:
            continue
        if len(name) < 2 or not _WORD.match(name) or not _latin(name):
            continue
        best = out.setdefault(name.lower(), {})
        for lang, countries in COUNTRIES.items():
            rank = min((ranks[c] for c in countries if c in ranks), default=RANK + 1)
            best[lang] = min(best.get(lang, RANK + 1), rank)
    return out


def _rank(table: dict[str, dict[str, int]], token: str, lang: str) -> int:
    return table.get(token, {}).get(lang, RANK + 1)


def _common(token: str, langs: Iterable[str]) -> bool:
    from wordfreq import zipf_frequency

    return any(
        zipf_frequency(token, lang) >= (COMMON_EN if lang == "en" else COMMON_OTHER)
        for lang in langs
    )


def _faker_names() -> tuple[set[str], set[str]]:
    """Faker's names, which the detector adds at run time: flagged here too, so that a word
    among them ("Jail", "Forum") is marked ``C`` as well."""
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
    from clearance.detection.pii.lexicons import faker_names

    first, last = faker_names()
    keep = {n for n in first | last if len(n) >= 2 and _WORD.match(n) and _latin(n)}
    return first & keep, last & keep


def _dictionary() -> set[str]:
    """The lower-case entries of Webster's Second (``english_words``' ``web2``): common nouns,
    verbs and adjectives; its proper nouns are capitalised."""
    from english_words import get_english_words_set

    return {w for w in get_english_words_set(["web2"], lower=False, alpha=True) if w.islower()}


def _dictionary_word(token: str, words: set[str]) -> bool:
    return token in words or (token.endswith("s") and token[:-1] in words)


def build() -> bytes:
    from names_dataset import NameDataset

    nd = NameDataset()
    first, last = _kept(nd.first_names), _kept(nd.last_names)
    faker_first, faker_last = _faker_names()
    words = _dictionary()
    lines = []
    for token in sorted(first.keys() | last.keys() | faker_first | faker_last):
        flags = ("F" if token in first or token in faker_first else "") + (
            "L" if token in last or token in faker_last else ""
        )
        popular = {
            lang
            for lang in COUNTRIES
            if min(_rank(first, token, lang), _rank(last, token, lang)) <= POPULAR
        }
        # a common English word that is no popular name in an English-speaking country is a
        # word first: "Sales" is a frequent surname in Brazil, not in English text ("Jonas",
        # frequent in English text as a name, is in no dictionary and stays a name)
        dictionary = (
            "en" not in popular and _common(token, ("en",)) and _dictionary_word(token, words)
        )
        # Faker's curated lists are names: frequency alone ("Zelda", a game) makes none of
        # them a word, a dictionary entry does ("Jail", "Forum")
        curated = token in faker_first or token in faker_last
        common = dictionary or (not curated and not popular and _common(token, COUNTRIES))
        if common:
            flags += "C"
        if _rank(first, token, "en") <= POPULAR_FIRST:
            flags += "P"
        lines.append(f"{token}\t{flags}\n")
    buf = io.BytesIO()
    with gzip.GzipFile(fileobj=buf, mode="wb", mtime=0, compresslevel=9) as gz:
        gz.write("".join(lines).encode("utf-8"))
    return buf.getvalue()


if __name__ == "__main__":
    data = build()
    OUT.parent.mkdir(parents=True, exist_ok=True)
    tmp = OUT.with_suffix(".tmp")
    tmp.write_bytes(data)
    tmp.replace(OUT)
    print(f"{OUT}: {len(data):,} bytes")
