"""A second labelled PII corpus, written independently of ``eval_corpus`` and of the detectors.

Its author saw neither the detectors, their tests nor the first corpus: the templates
(``corpus_independent_templates_a``/``_b``: support tickets, e-mails, chat logs, medical and
HR notes, CVs, shipping messages, forum posts, meeting minutes, Spanish/German/French/
Portuguese snippets) and the vocabularies (``corpus_independent_vocab``: names of many origins,
real cities, street addresses of seven countries, look-alikes) are hand-written; dates, phone
numbers, cards, IBANs, SSNs and IPs come from ``corpus_independent_values`` (checked with
``phonenumbers`` and ``python-stdnum``; no Faker).

Gold spans use Presidio's entity names: PERSON, LOCATION (a whole street address, one or
several lines, is one span), DATE_TIME (relative phrases such as "yesterday" are not labelled),
EMAIL_ADDRESS, PHONE_NUMBER, CREDIT_CARD, IBAN_CODE, US_SSN, IP_ADDRESS and URL (personal
pages only; the texts hold no other URL). Titles ("Dr.", "Frau") are outside PERSON spans.

Split: a template is ``tune`` or ``holdout`` by a stable hash of its text (about 40% tune),
and so are the name and street vocabularies; a document takes the split of its template and
draws names and streets from that half only, so the holdout split has phrasing and names that
tuning never saw. Never tune on, or look at detector output for, the holdout split.

    python benchmarks/corpus_independent.py [--docs 3000] [--seed 13]
"""

from __future__ import annotations

import argparse
import hashlib
import random
import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import corpus_independent_templates_a as templates_a
import corpus_independent_templates_b as templates_b
import corpus_independent_values as values
import corpus_independent_vocab as vocab

TEMPLATES: dict[str, tuple[str, ...]] = {
    "support_ticket": templates_a.SUPPORT_TICKET,
    "email": templates_a.EMAIL,
    "chat": templates_a.CHAT,
    "medical_note": templates_a.MEDICAL_NOTE,
    "hr_note": templates_a.HR_NOTE,
    "cv": templates_b.CV,
    "shipping": templates_b.SHIPPING,
    "forum_post": templates_b.FORUM_POST,
    "meeting_minutes": templates_b.MEETING_MINUTES,
    "multilingual": templates_b.MULTILINGUAL,
}
SPLITS = ("tune", "holdout")
TUNE_PERCENT = 40
ENTITY_TYPES = ("PERSON", "LOCATION", "DATE_TIME", "EMAIL_ADDRESS", "PHONE_NUMBER",
                "CREDIT_CARD", "IBAN_CODE", "US_SSN", "IP_ADDRESS", "URL")

Piece = tuple[str, str | None]  # text, entity type or None


def _percent(key: str) -> int:
    return int.from_bytes(hashlib.sha256(key.encode()).digest()[:8], "big") % 100


def template_split(template: str) -> str:
    return "tune" if _percent("template:" + template) < TUNE_PERCENT else "holdout"


def _csv(text: str) -> list[str]:
    return [w.strip() for w in text.split(",") if w.strip()]


_INITIAL = re.compile(r"\w\.")


def name_tokens(name: str) -> set[str]:
    """The words of a name that identify it: lowercased, without initials ("P.") and particles
    ("van", "bin") unless the name is nothing else (the Vietnamese surname "Le")."""
    words = {w.lower() for w in name.replace(",", " ").split() if not _INITIAL.fullmatch(w)}
    return (words - vocab.PARTICLES) or words


# --------------------------------------------------------------------------------------------
# Vocabulary halves
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _NameEntry:
    origin: str
    role: str  # "f", "m" or "last"
    text: str


def _name_halves() -> dict[str, dict[str, dict[str, list[str]]]]:
    """split -> origin -> role -> names. Entries sharing a word ("Santos", "dos Santos") are
    kept in one half, so no name word appears in both."""
    entries = [
        _NameEntry(origin, role, name)
        for origin, lists in sorted(vocab.NAMES.items())
        for role, text in zip(("f", "m", "last"), lists, strict=True)
        for name in _csv(text)
    ]
    parent = list(range(len(entries)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    first_with: dict[str, int] = {}
    for i, entry in enumerate(entries):
        for token in sorted(name_tokens(entry.text)):
            j = first_with.setdefault(token, i)
            parent[find(i)] = find(j)
    group_tokens: dict[int, set[str]] = {}
    for i, entry in enumerate(entries):
        group_tokens.setdefault(find(i), set()).update(name_tokens(entry.text))
    halves: dict[str, dict[str, dict[str, list[str]]]] = {s: {} for s in SPLITS}
    for i, entry in enumerate(entries):
        key = "name:" + min(group_tokens[find(i)])
        split = "tune" if _percent(key) < TUNE_PERCENT else "holdout"
        by_role = halves[split].setdefault(entry.origin, {"f": [], "m": [], "last": []})
        by_role[entry.role].append(entry.text)
    return halves


def _street_halves() -> dict[str, dict[str, list[str]]]:
    streets = {"us": vocab.STREETS_US, "uk": vocab.STREETS_UK, "de": vocab.STREETS_DE,
               "fr": vocab.STREETS_FR, "es": vocab.STREETS_ES, "in": vocab.STREETS_IN,
               "br": vocab.STREETS_BR}
    halves: dict[str, dict[str, list[str]]] = {s: {c: [] for c in streets} for s in SPLITS}
    for country, text in streets.items():
        for street in _csv(text):
            split = "tune" if _percent("street:" + street) < TUNE_PERCENT else "holdout"
            halves[split][country].append(street)
    return halves


@dataclass(frozen=True)
class _City:
    name: str
    country: str
    region: str
    hint: str


CITIES = [_City(*([*line.split("|"), ""])[:4]) for line in vocab.CITIES.splitlines() if line]
COUNTRIES = sorted({c.country for c in CITIES})
REGIONS = sorted(set(_csv(vocab.REGIONS)))
NAME_HALVES = _name_halves()
STREET_HALVES = _street_halves()

# --------------------------------------------------------------------------------------------
# People and places
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Person:
    first: str
    last: str
    gender: str
    family_first: bool  # written surname first, as many East Asian names are

    @property
    def full(self) -> str:
        return f"{self.last} {self.first}" if self.family_first else f"{self.first} {self.last}"


_EAST_ASIAN = ("chinese", "korean", "vietnamese", "japanese")


class _Doc:
    """The values of one document, drawn from its split's half of the vocabularies."""

    def __init__(self, rng: random.Random, split: str) -> None:
        self.rng = rng
        self.split = split
        self.names = NAME_HALVES[split]
        self.streets = STREET_HALVES[split]
        self.people: dict[str, _Person] = {}
        self.fixed: dict[tuple[str, str], list[Piece]] = {}
        self.titles: dict[tuple[int, str], str] = {}

    # people ---------------------------------------------------------------------------------
    def person(self, index: str, gender: str) -> _Person:
        if index not in self.people:
            self.people[index] = self._new_person(gender)
        return self.people[index]

    def _new_person(self, gender: str) -> _Person:
        rng = self.rng
        gender = gender or rng.choice("fm")
        origins = sorted(o for o, r in self.names.items() if r[gender] and r["last"])
        origin = rng.choice(origins)
        first = rng.choice(self.names[origin][gender])
        last_origin = origin if rng.random() < 0.88 else rng.choice(origins)
        last = rng.choice(self.names[last_origin]["last"])
        if origin in ("spanish", "latam") and rng.random() < 0.3:
            second = rng.choice(self.names[origin]["last"])
            if second != last and " " not in last + second:
                last = f"{last}{rng.choice((' ', '-'))}{second}"
        east = origin in _EAST_ASIAN and last_origin == origin and rng.random() < 0.35
        used = {p.first for p in self.people.values()}
        if first in used:  # two people of one text with one first name read as one person
            return self._new_person(gender)
        return _Person(first, last, gender, east)

    def honorific(self, person: _Person, lang: str) -> str:
        """One title per person and language in a document ("Dr. X" is not "Ms X" later)."""
        female, male = vocab.HONORIFICS[lang]
        key = (id(person), lang)
        if key not in self.titles:
            self.titles[key] = self.rng.choice(female if person.gender == "f" else male)
        return self.titles[key]

    def email(self, person: _Person) -> str:
        rng = self.rng
        first, last = values.fold(person.first) or "mail", values.fold(person.last) or "box"
        local = rng.choice((f"{first}.{last}", f"{first}{last}", f"{first[0]}{last}",
                            f"{first}_{last}", f"{first}.{last}{rng.randint(1, 99)}",
                            f"{first}{rng.randint(70, 99)}", f"{last}.{first}",
                            f"{first[0]}.{last}"))
        return f"{local}@{rng.choice(values.EMAIL_DOMAINS)}"

    def personal_url(self, person: _Person) -> str:
        rng = self.rng
        first, last = values.fold(person.first) or "me", values.fold(person.last) or "page"
        return rng.choice((
            f"https://www.linkedin.com/in/{first}-{last}",
            f"linkedin.com/in/{first}{last}-{rng.randrange(16**4):04x}",
            f"https://github.com/{first}{last[0]}",
            f"https://{first}{last}.dev",
            f"https://www.{first}-{last}.com",
            f"instagram.com/{first}.{last}",
            f"https://{first}{last}.substack.com",
        ))

    # places ---------------------------------------------------------------------------------
    def city_in(self, country: str) -> _City:
        return self.rng.choice([c for c in CITIES if c.country == country])

    def address(self, country: str, multiline: bool) -> str:
        rng, streets = self.rng, self.streets
        if country == "us":
            city = self.city_in("United States")
            line = f"{rng.randint(2, 9899)} {rng.choice(streets['us'])} "
            line += rng.choice(vocab.US_SUFFIXES)
            unit = rng.choice(("", "", f", Apt {rng.randint(1, 40)}{rng.choice('ABCD')}",
                               f" #{rng.randint(100, 999)}", f", Suite {rng.randint(100, 900)}"))
            zipcode = values.digits(rng, 5) if rng.random() < 0.8 else f"{values.digits(rng, 5)}-{values.digits(rng, 4)}"
            lines = [line + unit, f"{city.name}, {city.hint} {zipcode}"]
        elif country == "uk":
            city = self.city_in("United Kingdom")
            area = city.hint if city.name != "London" else rng.choice(("E", "N", "SE", "SW", "NW", "W"))
            postcode = f"{area}{rng.randint(1, 19)} {rng.randint(1, 9)}{values.letters(rng, 2)}"
            street = f"{rng.randint(1, 180)} {rng.choice(streets['uk'])}"
            flat = rng.choice(("", "", f"Flat {rng.randint(1, 12)}"))
            lines = ([flat] if flat else []) + [street, city.name, postcode]
            if not multiline:
                lines = ([flat] if flat else []) + [street, f"{city.name} {postcode}"]
        elif country == "de":
            city = self.city_in("Germany")
            number = f"{rng.randint(1, 140)}{rng.choice(('', '', '', 'a', 'b'))}"
            plz = city.hint + values.digits(rng, 5 - len(city.hint))
            lines = [f"{rng.choice(streets['de'])} {number}", f"{plz} {city.name}"]
        elif country == "fr":
            city = self.city_in("France")
            number = f"{rng.randint(1, 120)}{rng.choice(('', '', '', ' bis'))}"
            cp = city.hint + values.digits(rng, 5 - len(city.hint))
            if city.name == "Paris":
                cp = f"750{rng.randint(1, 20):02d}"
            lines = [f"{number} {rng.choice(streets['fr'])}", f"{cp} {city.name}"]
            if rng.random() < 0.2:
                lines.insert(0, f"Appt {rng.randint(1, 60)}, bâtiment {rng.choice('ABC')}")
        elif country == "es":
            city = self.city_in("Spain")
            cp = city.hint + values.digits(rng, 3)
            floor = rng.choice((f", {rng.randint(1, 9)}º {rng.choice('ABCD')}",
                                f", {rng.randint(1, 6)}º izq.", ""))
            lines = [f"{rng.choice(streets['es'])}, {rng.randint(1, 150)}{floor}",
                     f"{cp} {city.name}"]
        elif country == "in":
            city = self.city_in("India")
            pin = city.hint + values.digits(rng, 3)
            building = rng.choice((f"Flat {rng.randint(101, 1204)}, "
                                   f"{rng.choice(_csv(vocab.IN_BUILDINGS))}",
                                   f"No. {rng.randint(1, 99)}/{rng.randint(1, 9)}",
                                   f"House No. {rng.randint(10, 999)}"))
            lines = [building, f"{rng.choice(streets['in'])}, "
                     f"{rng.choice(_csv(vocab.IN_LOCALITIES))}",
                     f"{city.name} {pin}", city.region]
            if not multiline:
                lines = [*lines[:2], f"{city.name} - {pin}"]
        else:
            city = self.city_in("Brazil")
            uf, prefix = city.hint.split()
            cep = f"{prefix}{values.digits(rng, 3)}-{values.digits(rng, 3)}"
            apto = rng.choice(("", f", apto {rng.randint(11, 1502)}", f", casa {rng.randint(1, 4)}"))
            lines = [f"{rng.choice(streets['br'])}, {rng.randint(10, 3500)}{apto}",
                     f"{rng.choice(_csv(vocab.BR_BAIRROS))}, {city.name} - {uf}", cep]
        if multiline and rng.random() < 0.2:
            lines.append(city.country)
        return ("\n" if multiline else ", ").join(lines)

    def street_line(self) -> str:
        return self.address(self.rng.choice(("us", "uk", "de", "fr", "es")), False).split(", ")[0]


_COUNTRY_CODES = ("us", "uk", "de", "fr", "es", "in", "br")


# --------------------------------------------------------------------------------------------
# Slots
# --------------------------------------------------------------------------------------------

# Slots. Person slots (index N ties them to one person; "f"/"m" after N fixes the gender):
# first, last, full, lfirst/lfull (lowercase, chat), initial_last ("P. Raman"), last_first
# ("Raman, Priya"), upper_last ("RAMAN Priya"), email, purl (personal page) and the unlabelled
# titles hon, hon_es, hon_de, hon_fr, hon_pt. Labelled: city, country, region, city_country
# (two spans), address / address_ml (one span, one line or several), addr_<cc>[_ml] for
# us uk de fr es in br, street, dob, date, date_short (no year), datetime, monthyear,
# year_born, year, date_<lang> / dob_<lang> for es de fr pt, phone, phone_<region>, card,
# iban, ssn, ip, ipv6. Unlabelled look-alikes: product, device, company, job, med, dept, rel
# (past) and relf (future) relative phrases, weekday, month, age, last4, time, version,
# order, tracking, ticket, price.
_PERSON_SLOTS: dict[str, Callable[[_Doc, _Person], list[Piece]]] = {
    "first": lambda d, p: [(p.first, "PERSON")],
    "last": lambda d, p: [(p.last, "PERSON")],
    "full": lambda d, p: [(p.full, "PERSON")],
    "lfirst": lambda d, p: [(p.first.lower(), "PERSON")],
    "lfull": lambda d, p: [(p.full.lower(), "PERSON")],
    "initial_last": lambda d, p: [(f"{p.first[0]}. {p.last}", "PERSON")],
    "last_first": lambda d, p: [(f"{p.last}, {p.first}", "PERSON")],
    "upper_last": lambda d, p: [(f"{p.last.upper()} {p.first}", "PERSON")],
    "hon": lambda d, p: [(d.honorific(p, "en"), None)],
    "hon_es": lambda d, p: [(d.honorific(p, "es"), None)],
    "hon_de": lambda d, p: [(d.honorific(p, "de"), None)],
    "hon_fr": lambda d, p: [(d.honorific(p, "fr"), None)],
    "hon_pt": lambda d, p: [(d.honorific(p, "pt"), None)],
    "email": lambda d, p: [(d.email(p), "EMAIL_ADDRESS")],
    "purl": lambda d, p: [(d.personal_url(p), "URL")],
}


def _date(first: int, last: int, forms: tuple[str, ...], lang: str = "en") -> Callable[[_Doc], list[Piece]]:
    def render(d: _Doc) -> list[Piece]:
        when = values.random_day(d.rng, first, last)
        return [(values.format_date(d.rng, when, d.rng.choice(forms), lang), "DATE_TIME")]
    return render


def _one(values: list[str] | tuple[str, ...], label: str | None = None) -> Callable[[_Doc], list[Piece]]:
    return lambda d: [(d.rng.choice(values), label)]


def _city_country(d: _Doc) -> list[Piece]:
    city = d.rng.choice(CITIES)
    return [(city.name, "LOCATION"), (", ", None), (city.country, "LOCATION")]


def _region(d: _Doc) -> list[Piece]:
    if d.rng.random() < 0.5:
        return [(d.rng.choice(REGIONS), "LOCATION")]
    return [(d.rng.choice([c.region for c in CITIES if c.region != c.name]), "LOCATION")]


def _fmt(pattern: Callable[[random.Random], str]) -> Callable[[_Doc], list[Piece]]:
    return lambda d: [(pattern(d.rng), None)]


_SLOTS: dict[str, Callable[[_Doc], list[Piece]]] = {
    "city": lambda d: [(d.rng.choice(CITIES).name, "LOCATION")],
    "country": _one(COUNTRIES, "LOCATION"),
    "region": _region,
    "city_country": _city_country,
    "address": lambda d: [(d.address(d.rng.choice(_COUNTRY_CODES), False), "LOCATION")],
    "address_ml": lambda d: [(d.address(d.rng.choice(_COUNTRY_CODES), True), "LOCATION")],
    "street": lambda d: [(d.street_line(), "LOCATION")],
    "dob": _date(1938, 2005, values.DATE_FORMS),
    "date": _date(2017, 2026, values.DATE_FORMS),
    "date_short": _date(2020, 2026, values.SHORT_FORMS),
    "datetime": _date(2019, 2026, values.DATETIME_FORMS),
    "monthyear": _date(2003, 2025, values.MONTHYEAR_FORMS),
    "year_born": lambda d: [(str(d.rng.randint(1931, 2004)), "DATE_TIME")],
    "year": lambda d: [(str(d.rng.randint(1988, 2023)), "DATE_TIME")],
    "phone": lambda d: [(values.phone(d.rng, d.rng.choice(values.PHONE_REGIONS)), "PHONE_NUMBER")],
    "card": lambda d: [(values.card(d.rng), "CREDIT_CARD")],
    "iban": lambda d: [(values.iban(d.rng), "IBAN_CODE")],
    "ssn": lambda d: [(values.ssn(d.rng), "US_SSN")],
    "ip": lambda d: [(values.ipv4(d.rng), "IP_ADDRESS")],
    "ipv6": lambda d: [(values.ipv6(d.rng), "IP_ADDRESS")],
    # unlabelled look-alikes
    "product": _one(_csv(vocab.PRODUCTS)),
    "device": _one(_csv(vocab.DEVICES)),
    "company": _one(_csv(vocab.COMPANIES)),
    "job": _one(_csv(vocab.JOBS)),
    "med": _one(_csv(vocab.MEDS)),
    "dept": _one(_csv(vocab.DEPARTMENTS)),
    "rel": _one(values.RELATIVE_PAST),
    "relf": _one(values.RELATIVE_NEXT),
    "weekday": _one(values.WEEKDAYS),
    "month": _one(values.MONTHS),
    "age": _fmt(lambda r: str(r.randint(19, 91))),
    "last4": _fmt(lambda r: values.digits(r, 4)),
    "time": _fmt(lambda r: r.choice((f"{r.randint(7, 19)}:{r.choice(('00', '15', '30', '45'))}",
                                     f"{r.randint(1, 11)}{r.choice(('am', 'pm', ' pm', ' a.m.'))}",
                                     f"{r.randint(8, 18)}h{r.choice(('00', '30'))}", "noon"))),
    "version": _fmt(lambda r: r.choice((f"v{r.randint(1, 9)}.{r.randint(0, 30)}.{r.randint(0, 9)}",
                                        f"{r.randint(2, 17)}.{r.randint(0, 9)}.{r.randint(0, 12)}",
                                        f"iOS {r.randint(15, 18)}.{r.randint(0, 6)}",
                                        f"build {r.randint(1000, 9999)}",
                                        f"version {r.randint(3, 12)}.{r.randint(0, 9)}"))),
    "order": _fmt(lambda r: r.choice((f"ORD-{values.digits(r, 6)}", f"#{values.letters(r, 1)}-{values.digits(r, 5)}",
                                      f"SO{values.digits(r, 7)}", f"INV-{values.digits(r, 4)}-{values.digits(r, 3)}",
                                      f"{values.letters(r, 2)}-{values.digits(r, 5)}"))),
    "tracking": _fmt(lambda r: r.choice((f"1Z{values.letters(r, 3)}{values.digits(r, 3)}{values.letters(r, 2)}"
                                         f"{values.digits(r, 8)}", f"JD{values.digits(r, 16)}",
                                         f"LX{values.digits(r, 9)}DE", f"TRK-{values.letters(r, 4)}{values.digits(r, 6)}"))),
    "ticket": _fmt(lambda r: r.choice((f"INC{values.digits(r, 7)}", f"#{values.digits(r, 5)}",
                                       f"SR-{values.digits(r, 5)}", f"CASE-{values.digits(r, 6)}"))),
    "price": _fmt(lambda r: r.choice((f"${r.randint(5, 2400)}.{r.choice(('00', '99', '49'))}",
                                      f"€{r.randint(5, 900)},{r.choice(('00', '90'))}",
                                      f"£{r.randint(3, 1500)}.{r.choice(('00', '50'))}",
                                      f"R$ {r.randint(20, 900)},90", f"₹{r.randint(1, 99)},{values.digits(r, 3)}",
                                      f"USD {r.randint(1, 9)},{values.digits(r, 3)}.00"))),
}
for _lang in ("es", "de", "fr", "pt"):
    _SLOTS[f"date_{_lang}"] = _date(2018, 2026, values.LOCAL_DATE_FORMS[_lang], _lang)
    _SLOTS[f"dob_{_lang}"] = _date(1938, 2005, values.LOCAL_DATE_FORMS[_lang], _lang)


def _address_slot(country: str, multiline: bool) -> Callable[[_Doc], list[Piece]]:
    return lambda d: [(d.address(country, multiline), "LOCATION")]


def _phone_slot(region: str) -> Callable[[_Doc], list[Piece]]:
    return lambda d: [(values.phone(d.rng, region), "PHONE_NUMBER")]


for _code in _COUNTRY_CODES:
    _SLOTS[f"addr_{_code}"] = _address_slot(_code, False)
    _SLOTS[f"addr_{_code}_ml"] = _address_slot(_code, True)
for _region_code in sorted(set(values.PHONE_REGIONS)):
    _SLOTS[f"phone_{_region_code.lower()}"] = _phone_slot(_region_code)

_SLOT_RE = re.compile(r"\{([a-z_0-9]+)(?::(\d)([fm]?))?\}")


def _render(template: str, doc: _Doc) -> tuple[str, list[dict[str, Any]]]:
    out: list[str] = []
    spans: list[tuple[str, int, int, str, str]] = []  # type, start, end, value, person index
    pos = last = 0
    for match in _SLOT_RE.finditer(template):
        literal = template[last:match.start()]
        out.append(literal)
        pos += len(literal)
        last = match.end()
        name, index, gender = match.group(1), match.group(2) or "1", match.group(3) or ""
        owner = ""
        if name in _PERSON_SLOTS:
            pieces = _PERSON_SLOTS[name](doc, doc.person(index, gender))
            owner = index
        elif name in _SLOTS:
            key = (name, index)
            if match.group(2) and key in doc.fixed:
                pieces = doc.fixed[key]
            else:
                pieces = _SLOTS[name](doc)
                if match.group(2):
                    doc.fixed[key] = pieces
        else:
            raise ValueError(f"template slot {{{name}}} is unknown: {template[:60]!r}")
        for piece, label in pieces:
            prev = spans[-1] if spans else None
            if (label == "PERSON" and prev and prev[0] == "PERSON" and owner
                    and prev[4] == owner and pos - prev[2] == 1 and out[-1].endswith(" ")):
                # "{first:1} {last:1}" is one name, as "{full:1}" is
                spans[-1] = (label, prev[1], pos + len(piece), f"{prev[3]} {piece}", owner)
            elif label:
                spans.append((label, pos, pos + len(piece), piece, owner))
            out.append(piece)
            pos += len(piece)
    out.append(template[last:])
    text = "".join(out)
    end = -1
    for label, start, stop, value, _ in spans:
        # Exact by construction; checked so that a change to the builder cannot shift a span.
        if text[start:stop] != value or start < end or not value.strip():
            raise RuntimeError(f"span {label} {start}:{stop} does not match its value")
        end = stop
    return text, [{"type": t, "start": s, "end": e} for t, s, e, _, _ in spans]


def generate(n_docs: int, seed: int) -> list[dict[str, Any]]:
    """``n_docs`` documents, the kinds in turn; the same arguments give the same documents."""
    kinds = sorted(TEMPLATES)
    counters: Counter[str] = Counter()
    docs = []
    for i in range(n_docs):
        kind = kinds[i % len(kinds)]
        rng = random.Random(seed * 1_000_003 + i)
        template = rng.choice(TEMPLATES[kind])
        split = template_split(template)
        text, spans = _render(template, _Doc(rng, split))
        docs.append({"id": f"{kind}-{counters[kind]:05d}", "kind": kind, "text": text,
                     "split": split, "spans": spans})
        counters[kind] += 1
    return docs


def render_every_template(seed: int = 0) -> list[dict[str, Any]]:
    """One document of every template (for the tests: a typo in a slot fails here)."""
    docs = []
    for kind, templates in sorted(TEMPLATES.items()):
        for n, template in enumerate(templates):
            split = template_split(template)
            text, spans = _render(template, _Doc(random.Random(seed * 7919 + n), split))
            docs.append({"id": f"{kind}-t{n:03d}", "kind": kind, "text": text, "split": split,
                         "spans": spans})
    return docs


def _main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--docs", type=int, default=3000)
    parser.add_argument("--seed", type=int, default=13)
    args = parser.parse_args()
    docs = generate(args.docs, args.seed)
    templates = Counter((k, template_split(t)) for k, ts in TEMPLATES.items() for t in ts)
    print(f"{len(docs)} documents, seed {args.seed}\n")
    print(f"{'kind':<16} {'templates tune/holdout':>22} {'docs tune':>10} {'docs holdout':>13}")
    per_kind = Counter((d["kind"], d["split"]) for d in docs)
    for kind in sorted(TEMPLATES):
        print(f"{kind:<16} {templates[kind, 'tune']:>10}/{templates[kind, 'holdout']:<11} "
              f"{per_kind[kind, 'tune']:>10} {per_kind[kind, 'holdout']:>13}")
    per_type = Counter((s["type"], d["split"]) for d in docs for s in d["spans"])
    print(f"\n{'entity':<14} {'tune':>7} {'holdout':>8}")
    for label in ENTITY_TYPES:
        print(f"{label:<14} {per_type[label, 'tune']:>7} {per_type[label, 'holdout']:>8}")
    print(f"{'ALL':<14} {sum(v for (_, s), v in per_type.items() if s == 'tune'):>7} "
          f"{sum(v for (_, s), v in per_type.items() if s == 'holdout'):>8}")
    print("\nSample documents (tune split only):")
    for doc in [d for d in docs if d["split"] == "tune"][:5]:
        print(f"\n--- {doc['id']}\n{doc['text']}")
        for span in doc["spans"]:
            print(f"    {span['type']:<13} {doc['text'][span['start']:span['end']]!r}")


if __name__ == "__main__":
    _main()
