"""A labelled corpus from text written by Microsoft, not us: Presidio's evaluation templates.

The sentence templates (``templates.txt``, 200+ lines: bank support chat, song reviews, news
lines, e-mail signatures, CV headers, multi-line postal addresses) and the 3,000 person records of
``FakeNameGenerator.com_3000.csv`` ship in the PyPI package ``presidio-evaluator`` (0.3.2, MIT,
Presidio contributors), under ``presidio_evaluator/data_generator/raw_data/``. We read those
files only -- presidio-evaluator's code (pandas, plotly, scikit-learn...) is never imported -- and
fill the templates ourselves, seeded, tracking exact spans. The package is a benchmarking aid
and no dependency of clearance; install it beside the benchmark (``pip install --no-deps
presidio-evaluator==0.3.2``) or point ``presidio_dir`` at an unpacked copy.

``generate(n_docs, seed)`` returns documents in the shape of ``eval_corpus.generate``::

    {"id": "ptpl-00042", "kind": "tpl-117", "text": "...", "split": "tune",
     "spans": [{"type": "PERSON", "start": 11, "end": 24}, ...]}

(``kind`` names the template line, for error analysis.)

Placeholders and labels (Presidio entity names):

- ``person``, ``name``, ``name_male``, ``name_female`` (full name, 20% with a middle initial as
  presidio-evaluator writes it), ``first_name*``, ``last_name*`` -> ``PERSON``; a
  ``prefix*`` before it ("Mrs.") stays outside the span.
- ``address`` (street, city, state and postcode, sometimes the country, on one line or several)
  -> one ``LOCATION`` span; ``city``, ``country``, ``street_name``, ``state_abbr``, ``postcode``,
  ``zipcode`` -> ``LOCATION``. Location placeholders separated only by spaces, commas and line
  breaks form ONE span (a multi-line address is one span), and ``building_number`` /
  ``secondary_address`` join it when they are part of such a run; alone they are unlabelled.
- ``date_of_birth`` (the record's birthday as the CSV writes it, ``3/29/1982``), ``date_time``
  (``1985-09-14 16:01:12``, as Faker prints one), ``year``, ``day_of_week`` -> ``DATE_TIME``.
- ``email`` -> ``EMAIL_ADDRESS``, ``phone_number`` (the record's, in its country's format) ->
  ``PHONE_NUMBER``, ``credit_card_number`` -> ``CREDIT_CARD`` (generated, Luhn-valid, of the
  record's brand: the CSV's numbers are mangled to ``5.54563E+15``), ``iban`` -> ``IBAN_CODE``
  (generated, mod-97 valid), ``ssn`` -> ``US_SSN`` (generated, valid area/group/serial),
  ``ip_address`` -> ``IP_ADDRESS`` (80% v4), ``url`` -> ``URL`` (the record's domain),
  ``us_driver_license`` -> ``US_DRIVER_LICENSE`` (from ``us_driver_licenses.csv``).
- Unlabelled (filled, no span): ``organization`` (``companies_and_organizations.csv``), ``job``
  (the record's occupation), ``nationality``, ``nation_woman``, ``nation_plural``
  (``nationalities.csv``), ``age``, ``prefix*``, and a lone ``building_number`` or
  ``secondary_address``.

Templates are used as written, except that a literal ``\\n`` becomes a line break and ``\\,`` a
comma; one line writes ``{street_name}`` with single braces and keeps it as text, as
presidio-evaluator would. Presidio's generator also lower-cases 5% of sentences; we do not.

Split: a stable hash of the template line puts 40% of the templates (those of lowest hash) in
``tune`` and 60% in ``holdout``; a hash of the CSV row number splits the person records the same way, and a document
only draws records (and driver's licence numbers) of its own split, so the holdout shares neither
sentence shape nor person with the tune split. Never look at holdout errors while tuning.
"""

from __future__ import annotations

import csv
import hashlib
import importlib.util
import random
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path

TUNE_FRACTION = 0.40
RAW_DATA = Path("data_generator") / "raw_data"
FILES = (
    "templates.txt",
    "FakeNameGenerator.com_3000.csv",
    "companies_and_organizations.csv",
    "nationalities.csv",
    "us_driver_licenses.csv",
)

PERSON_FIELDS = frozenset(
    {
        "person", "name", "name_male", "name_female", "first_name", "first_name_male",
        "first_name_female", "first_name_nonbinary", "last_name", "last_name_male",
        "last_name_female",
    }
)  # fmt: skip
LOCATION_FIELDS = frozenset(
    {"address", "city", "country", "street_name", "state_abbr", "postcode", "zipcode"}
)
ADDRESS_PARTS = frozenset({"building_number", "secondary_address"})  # only inside a run
LABELS: dict[str, str] = {
    **dict.fromkeys(PERSON_FIELDS, "PERSON"),
    **dict.fromkeys(LOCATION_FIELDS, "LOCATION"),
    **dict.fromkeys(("date_of_birth", "date_time", "year", "day_of_week"), "DATE_TIME"),
    "email": "EMAIL_ADDRESS",
    "phone_number": "PHONE_NUMBER",
    "credit_card_number": "CREDIT_CARD",
    "iban": "IBAN_CODE",
    "ssn": "US_SSN",
    "ip_address": "IP_ADDRESS",
    "url": "URL",
    "us_driver_license": "US_DRIVER_LICENSE",
}
UNLABELLED = frozenset(
    {
        "organization", "job", "nationality", "nation_woman", "nation_plural", "age", "prefix",
        "prefix_male", "prefix_female", *ADDRESS_PARTS,
    }
)  # fmt: skip

_PLACEHOLDER = re.compile(r"{{(\w+)}}")
_RUN_GLUE = re.compile(r"[\s,]*")  # what may separate the parts of one address
_HOUSE_NUMBER = re.compile(r"^(\d+[A-Za-z]?)\s+(.+)$|^(.+?)\s+(\d+[A-Za-z]?\.?)$")


class PresidioEvaluatorMissing(FileNotFoundError):
    """presidio-evaluator's raw data files are not where we looked."""


def raw_data_dir(presidio_dir: Path | str | None = None) -> Path:
    """The folder holding ``templates.txt`` and the CSVs: under ``presidio_dir`` (the package
    folder, or the raw-data folder itself) or, without it, under the installed package (found
    without importing it)."""
    if presidio_dir is not None:
        base = Path(presidio_dir)
        candidates = [base, base / RAW_DATA, base / "presidio_evaluator" / RAW_DATA]
        where = str(base)
    else:
        spec = importlib.util.find_spec("presidio_evaluator")
        if spec is None or not spec.submodule_search_locations:
            raise PresidioEvaluatorMissing(
                "presidio-evaluator is not installed: pip install --no-deps "
                "presidio-evaluator==0.3.2 (benchmarking only), or give its folder"
            )
        base = Path(next(iter(spec.submodule_search_locations)))
        candidates = [base / RAW_DATA]
        where = str(base)
    for folder in candidates:
        if all((folder / name).is_file() for name in FILES):
            return folder
    raise PresidioEvaluatorMissing(
        f"{where}: no presidio-evaluator raw data ({', '.join(FILES)}) there"
    )


def _stable_unit(key: str) -> float:
    """A number in [0, 1) from a key, the same on every machine and Python."""
    return int.from_bytes(hashlib.sha256(key.encode()).digest()[:8], "big") / 2**64


def split_of(key: str) -> str:
    return "tune" if _stable_unit(key) < TUNE_FRACTION else "holdout"


def template_splits(templates: Sequence[str]) -> list[str]:
    """``tune`` for the 40% of templates whose hash is lowest, ``holdout`` for the rest: with
    only ~200 templates a hash threshold would miss 40% by several points."""
    order = sorted(range(len(templates)), key=lambda i: _stable_unit(f"template:{templates[i]}"))
    tune = set(order[: round(TUNE_FRACTION * len(templates))])
    return ["tune" if i in tune else "holdout" for i in range(len(templates))]


@dataclass(frozen=True)
class RawData:
    templates: tuple[str, ...]  # as written in templates.txt (stripped), in file order
    records: tuple[dict[str, str], ...]
    organizations: tuple[str, ...]
    nationalities: tuple[dict[str, str], ...]
    driver_licenses: tuple[str, ...]

    @classmethod
    def load(cls, folder: Path) -> RawData:
        def rows(name: str) -> list[dict[str, str]]:
            with (folder / name).open(encoding="utf-8-sig", newline="") as fh:
                return list(csv.DictReader(fh))

        lines = (folder / "templates.txt").read_text(encoding="utf-8").splitlines()
        return cls(
            templates=tuple(t.strip() for t in lines if t.strip()),
            records=tuple(rows("FakeNameGenerator.com_3000.csv")),
            organizations=tuple(r["organization"] for r in rows(FILES[2])),
            nationalities=tuple(rows("nationalities.csv")),
            driver_licenses=tuple(r["us_driver_license"] for r in rows(FILES[4])),
        )


# --------------------------------------------------------------------------------------------
# Values
# --------------------------------------------------------------------------------------------


def _luhn_complete(rng: random.Random, prefix: str, length: int) -> str:
    body = prefix + "".join(str(rng.randrange(10)) for _ in range(length - len(prefix) - 1))
    total = 0
    for i, ch in enumerate(reversed(body)):
        d = int(ch)
        if i % 2 == 0:  # doubled: these sit at odd positions once the check digit is added
            d = d * 2 - 9 if d > 4 else d * 2
        total += d
    return body + str((10 - total % 10) % 10)


def _card(rng: random.Random, brand: str) -> str:
    prefix = "4" if brand == "Visa" else str(rng.randint(51, 55))
    digits = _luhn_complete(rng, prefix, 16)
    if rng.random() < 0.7:  # Faker (and so presidio-evaluator) writes the bare digits
        return digits
    sep = rng.choice((" ", "-"))
    return sep.join(digits[i : i + 4] for i in range(0, 16, 4))


# country -> BBAN shape: n digits ("n") or letters ("a")
_IBAN_SHAPES = {
    "DE": "18n",
    "GB": "4a14n",
    "FR": "23n",
    "NL": "4a10n",
    "IT": "1a22n",
    "PL": "24n",
    "AT": "16n",
    "CH": "17n",
    "IE": "4a14n",
}  # only countries without a national check digit in the BBAN (stdnum checks BE's and ES')


def _iban(rng: random.Random) -> str:
    country = rng.choice(sorted(_IBAN_SHAPES))
    bban = ""
    for count, kind in re.findall(r"(\d+)([an])", _IBAN_SHAPES[country]):
        pool = "ABCDEFGHIJKLMNOPQRSTUVWXYZ" if kind == "a" else "0123456789"
        bban += "".join(rng.choice(pool) for _ in range(int(count)))
    numeric = "".join(str(int(c, 36)) for c in bban + country + "00")
    iban = f"{country}{98 - int(numeric) % 97:02d}{bban}"
    if rng.random() < 0.7:
        return iban
    return " ".join(iban[i : i + 4] for i in range(0, len(iban), 4))


def _ssn(rng: random.Random) -> str:
    area = rng.choice([a for a in range(1, 900) if a != 666])
    return f"{area:03d}-{rng.randint(1, 99):02d}-{rng.randint(1, 9999):04d}"


def _ip(rng: random.Random) -> str:
    if rng.random() < 0.8:
        return ".".join(str(x) for x in (rng.randint(1, 223), *(rng.randrange(256) for _ in "abc")))
    return ":".join(f"{rng.randrange(65536):x}" for _ in range(8))


def _date_time(rng: random.Random) -> datetime:
    return datetime(1970, 1, 1) + timedelta(seconds=rng.randrange(55 * 365 * 86400))


def _split_street(street: str) -> tuple[str | None, str]:
    """(house number, street name) of a CSV street address ("1659 Hoog St", "Algade 33")."""
    m = _HOUSE_NUMBER.match(street)
    if m is None:
        return None, street
    if m.group(1):
        return m.group(1), m.group(2)
    return m.group(4).rstrip("."), m.group(3)


def _address(rng: random.Random, rec: dict[str, str]) -> str:
    street, city, state, zipc = rec["StreetAddress"], rec["City"], rec["State"], rec["ZipCode"]
    country = rec["CountryFull"]
    region = f"{state} {zipc}" if state else zipc
    shapes = (
        f"{street}, {city}, {region}",
        f"{street}\n{city}, {region}",
        f"{street}, {zipc} {city}, {country}",
        f"{street}\n{zipc} {city}\n{country}",
        f"{street}, {city}, {region}, {country}",
    )
    return rng.choice(shapes)


def _full_name(rng: random.Random, rec: dict[str, str]) -> str:
    # presidio-evaluator's _full_name: 20% carry the middle initial, half of those with a dot
    if rng.random() > 0.2:
        return f"{rec['GivenName']} {rec['Surname']}"
    sep = " " if rng.random() > 0.5 else ". "
    return f"{rec['GivenName']} {rec['MiddleInitial']}{sep}{rec['Surname']}"


def _age(rng: random.Random) -> str:
    r = rng.random()
    if r < 0.8:
        return str(rng.randint(10, 99))
    if r < 0.9:
        return str(rng.randint(1, 9))
    return rng.choice(("100", "101", "104", f"{rng.randint(1, 2)}.{rng.randint(1, 9)}"))


@dataclass
class _Filler:
    """Draws values for one document: fields of one person record stay together (name, e-mail,
    address...), and a field that comes again takes another record, as presidio-evaluator's
    RecordGenerator does."""

    rng: random.Random
    data: RawData
    pool: Sequence[dict[str, str]]
    licenses: Sequence[str]
    current: dict[str, dict[str, str]] = field(default_factory=dict)
    used: dict[str, set[str]] = field(default_factory=dict)

    def _record(self, role: str, name: str) -> dict[str, str]:
        """The current record of a role (any, male, female) for a field, a new one when the
        field was already used."""
        if role not in self.current or name in self.used[role]:
            gender = None if role == "any" else role
            choices = [r for r in self.pool if gender is None or r["Gender"] == gender]
            self.current[role] = self.rng.choice(choices)
            self.used[role] = set()
        self.used[role].add(name)
        return self.current[role]

    def value(self, name: str) -> str:
        rng = self.rng
        role = "male" if name.endswith("_male") else "female" if name.endswith("_female") else "any"
        base = name.removesuffix("_male").removesuffix("_female").removesuffix("_nonbinary")
        rec = self._record(role, "person" if base == "name" else base)
        if base in ("person", "name"):
            return _full_name(rng, rec)
        simple = {
            "first_name": "GivenName",
            "last_name": "Surname",
            "prefix": "Title",
            "city": "City",
            "country": "CountryFull",
            "postcode": "ZipCode",
            "zipcode": "ZipCode",
            "email": "EmailAddress",
            "phone_number": "TelephoneNumber",
            "date_of_birth": "Birthday",
            "job": "Occupation",
        }
        if base in simple:
            return rec[simple[base]]
        makers: dict[str, Callable[[], str]] = {
            "address": lambda: _address(rng, rec),
            "state_abbr": lambda: rec["State"] or self._with_state()["State"],
            "credit_card_number": lambda: _card(rng, rec["CCType"]),
            "url": lambda: self._url(rec),
            "iban": lambda: _iban(rng),
            "ssn": lambda: _ssn(rng),
            "ip_address": lambda: _ip(rng),
            "us_driver_license": lambda: rng.choice(self.licenses),
            "date_time": lambda: str(_date_time(rng)),
            "year": lambda: str(rng.randint(1950, 2023)),
            "day_of_week": lambda: _date_time(rng).strftime("%A"),
            "age": lambda: _age(rng),
            "secondary_address": lambda: (
                f"{rng.choice(('Apt.', 'Suite', 'Unit', 'Flat'))} {rng.randint(1, 999)}"
            ),
            "organization": lambda: rng.choice(self.data.organizations),
            "nationality": lambda: rng.choice(self.data.nationalities)["nationality"].title(),
            "nation_woman": lambda: rng.choice(self.data.nationalities)["woman"].title(),
            "nation_plural": lambda: rng.choice(self.data.nationalities)["plural"].title(),
        }
        if base in makers:
            return makers[base]()
        if base in ("street_name", "building_number"):
            number, street = _split_street(rec["StreetAddress"])
            if base == "street_name":
                return street
            return number or str(rng.randint(1, 999))
        raise KeyError(name)

    def _with_state(self) -> dict[str, str]:
        return self.rng.choice([r for r in self.pool if r["State"]])

    def _url(self, rec: dict[str, str]) -> str:
        scheme = self.rng.choice(("https://www.", "http://www.", "https://"))
        path = self.rng.choice(("", "", "about", "photos/2019", "files/share?id=8812"))
        return f"{scheme}{rec['Domain'].lower()}/{path}"


# --------------------------------------------------------------------------------------------
# Filling a template
# --------------------------------------------------------------------------------------------


def _unescape(literal: str) -> str:
    return literal.replace("\\n", "\n").replace("\\,", ",")


def fill(template: str, filler: _Filler) -> tuple[str, list[dict[str, str | int]]]:
    """The text of one template and its spans (sorted by start)."""
    pieces: list[tuple[str, str | None]] = []  # (text, field or None)
    pos = 0
    for m in _PLACEHOLDER.finditer(template):
        pieces.append((_unescape(template[pos : m.start()]), None))
        name = m.group(1).lower()
        if name not in LABELS and name not in UNLABELLED:
            raise KeyError(f"template placeholder {{{{{name}}}}} has no mapping")
        pieces.append((filler.value(name), name))
        pos = m.end()
    pieces.append((_unescape(template[pos:]), None))

    text = ""
    placed: list[tuple[str, int, int]] = []  # (field, start, end)
    for value, name in pieces:
        if name is not None:
            placed.append((name, len(text), len(text) + len(value)))
        text += value

    spans: list[dict[str, str | int]] = []
    i = 0
    while i < len(placed):
        name, start, end = placed[i]
        if name in LOCATION_FIELDS or name in ADDRESS_PARTS:
            # one span over the run of address parts separated by spaces, commas, line breaks
            j = i
            while (
                j + 1 < len(placed)
                and (placed[j + 1][0] in LOCATION_FIELDS or placed[j + 1][0] in ADDRESS_PARTS)
                and _RUN_GLUE.fullmatch(text[placed[j][2] : placed[j + 1][1]])
            ):
                j += 1
            if any(p[0] in LOCATION_FIELDS for p in placed[i : j + 1]):
                spans.append({"type": "LOCATION", "start": start, "end": placed[j][2]})
            i = j + 1
            continue
        if name in LABELS:
            spans.append({"type": LABELS[name], "start": start, "end": end})
        i += 1
    return text, spans


def generate(
    n_docs: int, seed: int = 7, presidio_dir: Path | str | None = None
) -> list[dict[str, object]]:
    """``n_docs`` documents, each a template drawn at random (seeded) and filled with records of
    the template's split."""
    data = RawData.load(raw_data_dir(presidio_dir))
    template_split = template_splits(data.templates)
    pools = {
        s: [r for r in data.records if split_of(f"record:{r['Number']}") == s]
        for s in ("tune", "holdout")
    }
    licenses = {
        s: [x for x in data.driver_licenses if split_of(f"license:{x}") == s]
        for s in ("tune", "holdout")
    }
    docs: list[dict[str, object]] = []
    for i in range(n_docs):
        rng = random.Random(f"presidio-templates:{seed}:{i}")
        k = rng.randrange(len(data.templates))
        split = template_split[k]
        filler = _Filler(rng, data, pools[split], licenses[split])
        text, spans = fill(data.templates[k], filler)
        docs.append(
            {"id": f"ptpl-{i:05d}", "kind": f"tpl-{k:03d}", "text": text, "split": split,
             "spans": spans}
        )  # fmt: skip
    return docs


def main() -> None:
    from collections import Counter

    docs = generate(2000)
    by_split = Counter(str(d["split"]) for d in docs)
    types: Counter[str] = Counter()
    for d in docs:
        spans = d["spans"]
        assert isinstance(spans, list)
        types.update(str(s["type"]) for s in spans)
    print(f"{len(docs)} docs: {dict(by_split)}; spans: {dict(types.most_common())}")
    for d in docs[:5]:
        if d["split"] == "tune":
            print(repr(d["text"]))


if __name__ == "__main__":
    main()
