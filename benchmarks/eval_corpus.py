"""Seeded generator of a labelled PII / secret evaluation corpus.

``generate(n_docs, seed)`` returns documents of four kinds -- e-commerce reviews, customer support
tickets, log excerpts and code/config snippets -- each with the exact character spans of every
inserted sensitive value::

    {"id": "ticket-00042", "kind": "ticket", "text": "...", "split": "holdout",
     "spans": [{"type": "IBAN_CODE", "start": 17, "end": 44}, ...]}

Texts are assembled from template pieces while tracking offsets, so spans are exact by
construction. Span types are Presidio entity names plus a coarse ``SECRET`` for every credential
(API keys, tokens, passwords). Each document holds 0-4 labelled spans (about a quarter hold none)
and realistic *unlabelled* look-alikes that a naive detector confuses: order and tracking numbers,
SKUs, prices, UUIDs, git SHAs, hashes, versions, lone zip codes, Luhn-invalid card numbers,
structurally invalid SSNs, placeholder / example credentials, environment variable references.

Identifiers are valid: card numbers pass Luhn with real brand prefixes and lengths, IBANs pass
mod 97 (``stdnum.iban``), SSNs pass ``stdnum.us.ssn``, NHS numbers ``stdnum.gb.nhs``, phone numbers
``phonenumbers.is_valid_number``, bitcoin addresses carry their base58check checksum and GitHub
tokens their CRC32 checksum.

Person names: ~70% from Faker (en_US, en_GB, de_DE, fr_FR, es_ES, it_IT), ~30% from a hand-made
list of names from regions Faker's locales do not cover (West/East African, Arabic, Persian,
Turkish, South/East/South-East Asian, Slavic, Greek, Hungarian, Nordic, Latin American...), so
that a name lexicon built from Faker is not evaluated on its own source. (The ``names-dataset``
package was considered but is large and slow to load, and its output depends on the
package version, so the corpus would not be reproducible across installs.)

The split is a hash of the document id: ~40% ``tune`` and ~60% ``holdout``; the holdout must never
be looked at while tuning detectors.

Run ``python benchmarks/eval_corpus.py`` for statistics and a few sample documents.
"""

from __future__ import annotations

import hashlib
import ipaddress
import random
import re
import string
import zlib
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

import phonenumbers
from faker import Faker
from stdnum import iban as std_iban
from stdnum import luhn
from stdnum.gb import nhs as std_nhs
from stdnum.us import ssn as std_ssn

Piece = tuple[str, str | None]
Gen = Callable[["Ctx"], list[Piece]]

FAKER_LOCALES = ("en_US", "en_GB", "de_DE", "fr_FR", "es_ES", "it_IT")
KINDS = ("review", "ticket", "log", "code")
KIND_WEIGHTS = (0.3, 0.3, 0.2, 0.2)
# Number of labelled spans per document: ~25% of documents hold none.
ENTITY_COUNT_WEIGHTS = {0: 0.25, 1: 0.30, 2: 0.23, 3: 0.13, 4: 0.09}
TUNE_FRACTION = 0.40

# --------------------------------------------------------------------------------------------
# Hand-made name lists (not from Faker): region -> (first names, last names).
# --------------------------------------------------------------------------------------------
# fmt: off
HAND_NAMES: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "west_african": (
        ("Chinonso", "Oluwaseun", "Adaeze", "Kwame", "Ama", "Babajide", "Folake", "Yaw",
         "Ngozi", "Kofi", "Temitope", "Ifeanyi"),
        ("Okonkwo", "Adeyemi", "Mensah", "Boateng", "Eze", "Owusu", "Balogun", "Nwosu",
         "Asante", "Okafor", "Adebayo", "Diallo"),
    ),
    "east_african": (
        ("Wanjiru", "Tendai", "Abebe", "Amani", "Zawadi", "Kiprono", "Nyambura", "Tesfaye",
         "Baraka", "Makena"),
        ("Kamau", "Mutua", "Otieno", "Wanjala", "Tadesse", "Moyo", "Chebet", "Haile",
         "Kiptoo", "Ndlovu"),
    ),
    "arabic": (
        ("Youssef", "Layla", "Omar", "Fatima", "Khalid", "Noor", "Tariq", "Amira", "Hamza",
         "Salma", "Karim", "Rania"),
        ("Al-Mansouri", "Haddad", "Khoury", "El-Sayed", "Nasser", "Farouk", "Al-Rashid",
         "Mahmoud", "Saleh", "Bakr", "Hijazi", "Qureshi"),
    ),
    "persian_turkish": (
        ("Dariush", "Shirin", "Arash", "Parisa", "Emre", "Elif", "Mehmet", "Zeynep", "Cyrus",
         "Nasrin"),
        ("Tehrani", "Rostami", "Hosseini", "Yilmaz", "Kaya", "Demir", "Sahin", "Karimi",
         "Ozturk", "Farahani"),
    ),
    "south_asian": (
        ("Aarav", "Priya", "Rohan", "Ananya", "Vikram", "Deepika", "Arjun", "Kavya", "Imran",
         "Sanjana", "Nikhil", "Farhana"),
        ("Sharma", "Iyer", "Reddy", "Chatterjee", "Nair", "Patel", "Gupta", "Banerjee",
         "Menon", "Siddiqui", "Rahman", "Kulkarni"),
    ),
    "chinese": (
        ("Wei", "Xiaoming", "Mei", "Jian", "Lihua", "Haoran", "Yuxin", "Zhiwei", "Jing", "Bo"),
        ("Wang", "Zhang", "Liu", "Chen", "Huang", "Zhao", "Zhou", "Xu", "Sun", "Lin"),
    ),
    "japanese_korean": (
        ("Haruto", "Yui", "Sota", "Aiko", "Kenji", "Sakura", "Min-jun", "Seo-yeon", "Ji-ho",
         "Hye-jin"),
        ("Tanaka", "Watanabe", "Yamamoto", "Nakamura", "Kobayashi", "Kim", "Park", "Choi",
         "Jung", "Kang"),
    ),
    "south_east_asian": (
        ("Nguyen Van", "Thi Mai", "Somchai", "Siriporn", "Budi", "Dewi", "Rizal", "Maricel",
         "Arnel", "Linh"),
        ("Tran", "Pham", "Le", "Srisuk", "Wongsawat", "Santoso", "Wijaya", "Dela Cruz",
         "Bautista", "Hoang"),
    ),
    "slavic": (
        ("Dmitri", "Svetlana", "Olena", "Bogdan", "Katarzyna", "Mikolaj", "Anastasia", "Yaroslav",
         "Milena", "Vladimir", "Zofia", "Dragan"),
        ("Ivanov", "Petrova", "Kovalenko", "Shevchenko", "Nowak", "Wisniewski", "Kozlov",
         "Horvat", "Novotny", "Jovanovic", "Popescu", "Sokolova"),
    ),
    "greek_hungarian": (
        ("Nikos", "Eleni", "Giorgos", "Katerina", "Balazs", "Zsofia", "Levente", "Eszter"),
        ("Papadopoulos", "Georgiou", "Nikolaidis", "Konstantinou", "Nagy", "Kovacs", "Szabo",
         "Farkas"),
    ),
    "nordic_dutch": (
        ("Sigrid", "Bjorn", "Freja", "Lars", "Astrid", "Joost", "Sanne", "Eero", "Aino", "Ingrid"),
        ("Lindqvist", "Haugen", "Johansson", "Nieminen", "Virtanen", "de Vries", "van Dijk",
         "Bakker", "Solberg", "Eriksen"),
    ),
    "latin_american": (
        ("Xiomara", "Joaquin", "Guadalupe", "Thiago", "Yesenia", "Mateus", "Valentina",
         "Anderson", "Luciana", "Rodrigo"),
        ("Quispe", "Mamani", "Huaman", "da Silva", "Oliveira", "Cardenas", "Villalobos",
         "Restrepo", "Ocampo", "Souza"),
    ),
    "indigenous_pacific": (
        ("Aroha", "Tane", "Kalani", "Leilani", "Sione", "Mere", "Keanu", "Moana"),
        ("Ngata", "Tuhiwai", "Kahale", "Fonoti", "Tupou", "Walker", "Kealoha", "Taufa"),
    ),
}

# Real city / country names (not from a gazetteer library).
CITIES = (
    "Springfield", "Austin", "Denver", "Seattle", "Portland", "Chicago", "Boston", "Atlanta",
    "Phoenix", "San Diego", "Nashville", "Minneapolis", "Pittsburgh", "Sacramento", "Tampa",
    "Manchester", "Leeds", "Bristol", "Glasgow", "Cardiff", "Edinburgh", "Liverpool",
    "Hamburg", "Munich", "Cologne", "Leipzig", "Dresden", "Stuttgart", "Lyon", "Marseille",
    "Toulouse", "Bordeaux", "Lille", "Nantes", "Valencia", "Seville", "Bilbao", "Zaragoza",
    "Malaga", "Turin", "Bologna", "Florence", "Naples", "Palermo", "Verona", "Rotterdam",
    "Utrecht", "Antwerp", "Ghent", "Zurich", "Geneva", "Vienna", "Salzburg", "Krakow",
    "Gdansk", "Prague", "Brno", "Budapest", "Lisbon", "Porto", "Dublin", "Cork", "Oslo",
    "Gothenburg", "Aarhus", "Helsinki", "Tampere", "Toronto", "Vancouver", "Montreal",
    "Calgary", "Melbourne", "Brisbane", "Auckland", "Lagos", "Nairobi", "Accra", "Cairo",
    "Casablanca", "Johannesburg", "Mumbai", "Bangalore", "Pune", "Chennai", "Karachi",
    "Dhaka", "Jakarta", "Manila", "Hanoi", "Bangkok", "Osaka", "Busan", "Shenzhen",
    "Sao Paulo", "Curitiba", "Bogota", "Medellin", "Lima", "Guadalajara", "Monterrey",
    "Santiago", "Istanbul", "Izmir", "Dubai", "Amman", "Tehran",
)
COUNTRIES = (
    "Germany", "France", "Spain", "Italy", "Canada", "Australia", "Ireland", "Portugal",
    "Poland", "Brazil", "Mexico", "India", "Japan", "Nigeria", "Kenya", "Norway", "Sweden",
    "the Netherlands", "Belgium", "Austria", "Switzerland", "Turkey", "Vietnam", "Chile",
)
STREET_NAMES = (
    "Main", "Oak", "Maple", "Cedar", "Elm", "Pine", "Washington", "Lake", "Hill", "Park",
    "Baker", "High", "Church", "Station", "Victoria", "Mill", "Sunset", "Riverside",
    "Franklin", "Lincoln", "Highland", "Meadow", "Willow", "Chestnut", "Harbor", "Kingsway",
)
STREET_SUFFIXES = (
    "Street", "St.", "Avenue", "Ave", "Road", "Rd.", "Lane", "Drive", "Boulevard", "Way",
    "Court", "Place", "Terrace",
)
PRODUCTS = (
    "blender", "headphones", "running shoes", "phone case", "backpack", "coffee grinder",
    "air fryer", "desk lamp", "yoga mat", "water bottle", "office chair", "robot vacuum",
    "electric kettle", "mechanical keyboard", "rain jacket", "baby monitor", "tent",
    "standing desk", "toaster", "smart plug", "winter boots", "gaming mouse", "cast iron pan",
)
EMAIL_DOMAINS = (
    "gmail.com", "yahoo.com", "outlook.com", "hotmail.co.uk", "web.de", "gmx.de", "orange.fr",
    "libero.it", "icloud.com", "proton.me", "example.org", "acme-corp.com", "mail.ru",
    "yandex.com", "fastmail.com",
)
WEB_DOMAINS = (
    "shop.example.com", "www.acme-store.com", "blog.janedoe.net", "status.cloudapp.io",
    "support.widgetco.com", "www.bestdeals.co.uk", "portal.mybank-online.de", "docs.python.org",
    "api.payments-hub.com", "www.reddit.com", "github.com", "cdn.static-assets.net",
    "intranet.contoso.local", "www.lemonde.fr", "tickets.helpdesk.io",
)
US_AREA_CODES = (
    "201", "202", "206", "212", "213", "215", "303", "305", "312", "404", "415", "503",
    "512", "602", "617", "702", "713", "718", "773", "808", "817", "858", "917", "919",
)
INTL_REGIONS = ("GB", "DE", "FR", "IT", "IN", "JP", "BR", "AU", "NL", "MX", "ZA", "NG", "CA")
IBAN_BBAN = {
    "DE": "8n10n", "GB": "4a6n8n", "NL": "4a10n", "FR": "5n5n11c2n", "IT": "1a5n5n12c",
    "CH": "5n12c", "AT": "5n11n", "PL": "8n16n", "IE": "4a6n8n", "SE": "3n16n1n",
}
# fmt: on
B58 = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"
B62 = string.digits + string.ascii_uppercase + string.ascii_lowercase
ALNUM = string.ascii_letters + string.digits


@dataclass
class Ctx:
    rng: random.Random
    fakers: dict[str, Faker]

    def faker(self) -> Faker:
        return self.fakers[self.rng.choice(FAKER_LOCALES)]

    def chars(self, alphabet: str, n: int) -> str:
        return "".join(self.rng.choice(alphabet) for _ in range(n))

    def digits(self, n: int) -> str:
        return self.chars(string.digits, n)


# --------------------------------------------------------------------------------------------
# Value generators. Each returns pieces (text, label-or-None); GENS records how many labelled
# pieces each one produces so templates can be picked against an entity budget.
# --------------------------------------------------------------------------------------------
GENS: dict[str, tuple[int, Gen]] = {}


def gen(name: str, labelled: int = 0) -> Callable[[Gen], Gen]:
    def register(fn: Gen) -> Gen:
        GENS[name] = (labelled, fn)
        return fn

    return register


def one(label: str | None) -> Callable[[Callable[[Ctx], str]], Gen]:
    """Wraps a str-returning function into a single-piece generator."""

    def wrap(fn: Callable[[Ctx], str]) -> Gen:
        def g(c: Ctx) -> list[Piece]:
            return [(fn(c), label)]

        return g

    return wrap


def _first_last(c: Ctx) -> tuple[str, str]:
    if c.rng.random() < 0.30:
        firsts, lasts = HAND_NAMES[c.rng.choice(sorted(HAND_NAMES))]
        return c.rng.choice(firsts), c.rng.choice(lasts)
    f = c.faker()
    return f.first_name(), f.last_name()


def _ascii(s: str) -> str:
    table = str.maketrans("áàâäãåçéèêëíìîïñóòôöõøúùûüýÿßæœ", "aaaaaaceeeeiiiinoooooouuuuyysao")
    return re.sub(r"[^a-z0-9]", "", s.lower().translate(table))


@gen("person", 1)
@one("PERSON")
def _person(c: Ctx) -> str:
    first, last = _first_last(c)
    if c.rng.random() < 0.08:
        return f"{first} {c.rng.choice(string.ascii_uppercase)}. {last}"
    return f"{first} {last}"


@gen("first", 1)
@one("PERSON")
def _first(c: Ctx) -> str:
    return _first_last(c)[0]


@gen("city", 1)
@one("LOCATION")
def _city(c: Ctx) -> str:
    # Not Faker's city(): several locales invent names and draw them in hash-seed order.
    return c.rng.choice(CITIES)


@gen("country", 1)
@one("LOCATION")
def _country(c: Ctx) -> str:
    return c.rng.choice(COUNTRIES)


@gen("address", 2)
def _address(c: Ctx) -> list[Piece]:
    r = c.rng.random()
    if r < 0.6:
        street = f"{c.rng.randint(1, 9899)} {c.rng.choice(STREET_NAMES)} "
        street += c.rng.choice(STREET_SUFFIXES)
    else:
        loc = c.rng.choice(("de_DE", "fr_FR", "it_IT", "en_GB", "es_ES"))
        f = c.fakers[loc]
        name, number = f.street_name(), str(c.rng.randint(1, 240))
        street = f"{number} {name}" if loc in ("fr_FR", "en_GB") else f"{name} {number}"
    return [(street, "LOCATION"), (", ", None), (_city(c)[0][0], "LOCATION")]


def _email_for(c: Ctx, first: str, last: str) -> str:
    f, la = _ascii(first) or "user", _ascii(last) or "mail"
    local = c.rng.choice(
        (f"{f}.{la}", f"{f[0]}{la}", f"{f}_{la}{c.rng.randint(1, 99)}", f"{la}.{f}", f"{f}{la}")
    )
    return f"{local}@{c.rng.choice(EMAIL_DOMAINS)}"


@gen("email", 1)
@one("EMAIL_ADDRESS")
def _email(c: Ctx) -> str:
    if c.rng.random() < 0.7:
        return _email_for(c, *_first_last(c))
    return c.faker().email()


def _us_phone(c: Ctx) -> str:
    while True:
        area = c.rng.choice(US_AREA_CODES)
        exch = str(c.rng.randint(200, 999))
        line = c.digits(4)
        if exch[1:] == "11" or exch == "555":
            continue
        num = phonenumbers.parse(f"+1{area}{exch}{line}")
        if phonenumbers.is_valid_number(num):
            break
    return c.rng.choice(
        (
            f"({area}) {exch}-{line}",
            f"{area}-{exch}-{line}",
            f"{area}.{exch}.{line}",
            f"+1 {area} {exch} {line}",
            f"+1-{area}-{exch}-{line}",
            f"1-{area}-{exch}-{line}",
            f"+1 ({area}) {exch}-{line}",
        )
    )


def _intl_phone(c: Ctx) -> str:
    region = c.rng.choice(INTL_REGIONS)
    kind = c.rng.choice(
        (phonenumbers.PhoneNumberType.MOBILE, phonenumbers.PhoneNumberType.FIXED_LINE)
    )
    example = phonenumbers.example_number_for_type(region, kind)
    assert example is not None
    nsn = str(example.national_number)
    for _ in range(200):
        cand = nsn[:-5] + c.digits(5)
        num = phonenumbers.parse(f"+{example.country_code}{cand}")
        if phonenumbers.is_valid_number(num):
            break
    else:
        num = example
    fmt = phonenumbers.PhoneNumberFormat
    if c.rng.random() < 0.8:
        return phonenumbers.format_number(num, fmt.INTERNATIONAL)
    return phonenumbers.format_number(num, fmt.E164)


@gen("phone", 1)
@one("PHONE_NUMBER")
def _phone(c: Ctx) -> str:
    return _us_phone(c) if c.rng.random() < 0.6 else _intl_phone(c)


@gen("phone_intl", 1)
@one("PHONE_NUMBER")
def _phone_intl(c: Ctx) -> str:
    return _intl_phone(c)


@gen("url", 1)
@one("URL")
def _url(c: Ctx) -> str:
    r = c.rng.random()
    dom = c.rng.choice(WEB_DOMAINS)
    path = "/".join(c.faker().word().lower() for _ in range(c.rng.randint(0, 3)))
    if r < 0.35:
        return f"https://{dom}/{path}" if path else f"https://{dom}"
    if r < 0.55:
        return f"https://{dom}/{path}?id={c.rng.randint(1, 99999)}&ref={c.chars(ALNUM, 6)}"
    if r < 0.7:
        return f"http://{dom}/{path}.html" if path else f"http://{dom}/index.html"
    if r < 0.8:
        return (
            f"www.{dom.removeprefix('www.')}/{path}" if path else f"www.{dom.removeprefix('www.')}"
        )
    return c.faker().uri()


def _dt(c: Ctx) -> datetime:
    return datetime(2018, 1, 1) + timedelta(seconds=c.rng.randrange(8 * 365 * 86400))


@gen("date", 1)
@one("DATE_TIME")
def _date(c: Ctx) -> str:
    d = _dt(c)
    return c.rng.choice(
        (
            f"{d:%B} {d.day}, {d.year}",
            f"{d.day} {d:%B} {d.year}",
            f"{d:%Y-%m-%d}",
            f"{d:%m/%d/%Y}",
            f"{d:%d.%m.%Y}",
            f"{d:%b} {d.day}, {d.year}",
            f"{d:%d/%m/%Y}",
            f"{d:%A}, {d:%B} {d.day}",
            f"{d:%B} {d.day}",
        )
    )


@gen("datetime", 1)
@one("DATE_TIME")
def _datetime(c: Ctx) -> str:
    d = _dt(c)
    hour12 = d.hour % 12 or 12
    return c.rng.choice(
        (
            f"{d:%Y-%m-%d %H:%M}",
            f"{d:%B} {d.day}, {d.year} at {hour12}:{d:%M} {d:%p}",
            f"{d:%d/%m/%Y %H:%M}",
            f"{d:%Y-%m-%d %H:%M:%S}",
            f"{d:%m/%d/%Y} {hour12}:{d:%M} {d:%p}",
        )
    )


@gen("ts_iso", 1)
@one("DATE_TIME")
def _ts_iso(c: Ctx) -> str:
    d = _dt(c)
    return c.rng.choice(
        (
            f"{d:%Y-%m-%dT%H:%M:%S}.{c.digits(3)}Z",
            f"{d:%Y-%m-%dT%H:%M:%S}Z",
            f"{d:%Y-%m-%dT%H:%M:%S}+00:00",
            f"{d:%Y-%m-%d %H:%M:%S},{c.digits(3)}",
            f"{d:%Y-%m-%d %H:%M:%S}",
        )
    )


@gen("ts_clf", 1)
@one("DATE_TIME")
def _ts_clf(c: Ctx) -> str:
    return f"{_dt(c):%d/%b/%Y:%H:%M:%S} +0000"


@gen("ts_syslog", 1)
@one("DATE_TIME")
def _ts_syslog(c: Ctx) -> str:
    d = _dt(c)
    return f"{d:%b} {d.day:>2} {d:%H:%M:%S}"


CARD_BRANDS: tuple[tuple[tuple[str, ...], int], ...] = (
    (("4",), 16),  # Visa
    (("51", "52", "53", "54", "55", "2221", "2300", "2500", "2720"), 16),  # Mastercard
    (("34", "37"), 15),  # Amex
    (("6011", "65", "644", "649"), 16),  # Discover
    (("3528", "3555", "3589"), 16),  # JCB
    (("36", "38", "300", "305"), 14),  # Diners
)


def _card_digits(c: Ctx, valid: bool = True) -> str:
    prefixes, length = CARD_BRANDS[c.rng.randrange(len(CARD_BRANDS))]
    prefix = c.rng.choice(prefixes)
    if prefix.startswith("2") and len(prefix) == 4:  # Mastercard 2-series: 2221-2720
        prefix = str(c.rng.randint(2221, 2720))
    body = prefix + c.digits(length - 1 - len(prefix))
    check = luhn.calc_check_digit(body)
    if not valid:
        check = str((int(check) + c.rng.randint(1, 9)) % 10)
    return body + check


def _group_card(c: Ctx, d: str) -> str:
    sep = c.rng.choice((" ", "-", "", " "))
    if len(d) == 15:
        groups = [d[:4], d[4:10], d[10:]]
    elif len(d) == 14:
        groups = [d[:4], d[4:10], d[10:]]
    else:
        groups = [d[i : i + 4] for i in range(0, len(d), 4)]
    return sep.join(groups)


@gen("card", 1)
@one("CREDIT_CARD")
def _card(c: Ctx) -> str:
    return _group_card(c, _card_digits(c))


@gen("iban", 1)
@one("IBAN_CODE")
def _iban(c: Ctx) -> str:
    cc = c.rng.choice(sorted(IBAN_BBAN))
    alphabets = {
        "n": string.digits,
        "a": string.ascii_uppercase,
        "c": string.ascii_uppercase + string.digits,
    }
    while True:
        bban = "".join(
            c.chars(alphabets[t], int(n)) for n, t in re.findall(r"(\d+)([nac])", IBAN_BBAN[cc])
        )
        number = cc + std_iban.calc_check_digits(cc + "00" + bban) + bban
        if std_iban.is_valid(number):
            break
    return std_iban.format(number) if c.rng.random() < 0.6 else number


@gen("ssn", 1)
@one("US_SSN")
def _ssn(c: Ctx) -> str:
    while True:
        area, group, serial = c.rng.randint(1, 899), c.rng.randint(1, 99), c.rng.randint(1, 9999)
        if std_ssn.is_valid(f"{area:03d}{group:02d}{serial:04d}"):
            break
    sep = "-" if c.rng.random() < 0.8 else " "
    return f"{area:03d}{sep}{group:02d}{sep}{serial:04d}"


@gen("ip", 1)
@one("IP_ADDRESS")
def _ip(c: Ctx) -> str:
    r = c.rng.random()
    if r < 0.2:
        return f"10.{c.rng.randint(0, 255)}.{c.rng.randint(0, 255)}.{c.rng.randint(1, 254)}"
    if r < 0.35:
        return f"192.168.{c.rng.randint(0, 255)}.{c.rng.randint(1, 254)}"
    while True:
        addr = ipaddress.IPv4Address(c.rng.randint(0x01000000, 0xDFFFFFFF))
        if addr.is_global:
            return str(addr)


@gen("ip6", 1)
@one("IP_ADDRESS")
def _ip6(c: Ctx) -> str:
    addr = ipaddress.IPv6Address((0x2001 << 112) | c.rng.getrandbits(112))
    return addr.compressed if c.rng.random() < 0.7 else addr.exploded


@gen("mac", 1)
@one("MAC_ADDRESS")
def _mac(c: Ctx) -> str:
    octets = [c.rng.randint(0, 255) for _ in range(6)]
    hexs = [f"{o:02x}" for o in octets]
    if c.rng.random() < 0.4:
        hexs = [h.upper() for h in hexs]
    r = c.rng.random()
    if r < 0.6:
        return ":".join(hexs)
    if r < 0.85:
        return "-".join(hexs)
    flat = "".join(hexs).lower()
    return f"{flat[:4]}.{flat[4:8]}.{flat[8:]}"


@gen("passport", 1)
@one("US_PASSPORT")
def _passport(c: Ctx) -> str:
    if c.rng.random() < 0.7:
        return str(c.rng.randint(1, 9)) + c.digits(8)
    return c.rng.choice(string.ascii_uppercase) + c.digits(8)


@gen("dl", 1)
@one("US_DRIVER_LICENSE")
def _dl(c: Ctx) -> str:
    letter = c.rng.choice(string.ascii_uppercase)
    return c.rng.choice(
        (
            letter + c.digits(7),  # CA
            c.digits(8),  # TX, PA
            c.digits(9),  # NY
            f"{letter}{c.digits(3)}-{c.digits(4)}-{c.digits(4)}",  # IL
            f"{letter}{c.digits(3)}-{c.digits(3)}-{c.digits(2)}-{c.digits(3)}-{c.digits(1)}",  # FL
            letter + c.digits(12),  # FL compact
        )
    )


@gen("nhs", 1)
@one("UK_NHS")
def _nhs(c: Ctx) -> str:
    while True:
        n = c.digits(10)
        if n[0] != "0" and std_nhs.is_valid(n):
            break
    return f"{n[:3]} {n[3:6]} {n[6:]}" if c.rng.random() < 0.7 else n


def _b58(data: bytes) -> str:
    n = int.from_bytes(data, "big")
    out = ""
    while n:
        n, r = divmod(n, 58)
        out = B58[r] + out
    return "1" * (len(data) - len(data.lstrip(b"\0"))) + out


@gen("btc", 1)
@one("CRYPTO")
def _btc(c: Ctx) -> str:
    payload = bytes([c.rng.choice((0x00, 0x05))]) + c.rng.randbytes(20)
    checksum = hashlib.sha256(hashlib.sha256(payload).digest()).digest()[:4]
    return _b58(payload + checksum)


# --- secrets ---------------------------------------------------------------------------------


@gen("aws_key_id", 1)
@one("SECRET")
def _aws_key_id(c: Ctx) -> str:
    return c.rng.choice(("AKIA", "AKIA", "ASIA")) + c.chars(string.ascii_uppercase + "234567", 16)


@gen("aws_secret", 1)
@one("SECRET")
def _aws_secret(c: Ctx) -> str:
    return c.chars(ALNUM + "/+", 40)


def _b62(n: int, width: int) -> str:
    out = ""
    while n:
        n, r = divmod(n, 62)
        out = B62[r] + out
    return out.rjust(width, "0")


@gen("gh_token", 1)
@one("SECRET")
def _gh_token(c: Ctx) -> str:
    if c.rng.random() < 0.2:
        return f"github_pat_{c.chars(ALNUM, 22)}_{c.chars(ALNUM, 59)}"
    body = c.chars(ALNUM, 30)
    prefix = c.rng.choice(("ghp_", "ghp_", "ghp_", "gho_", "ghs_", "ghu_"))
    return prefix + body + _b62(zlib.crc32(body.encode()), 6)


@gen("openai", 1)
@one("SECRET")
def _openai(c: Ctx) -> str:
    urlsafe = ALNUM + "-_"
    if c.rng.random() < 0.75:
        return f"sk-proj-{c.chars(urlsafe, 74)}T3BlbkFJ{c.chars(urlsafe, 74)}"
    return f"sk-{c.chars(ALNUM, 20)}T3BlbkFJ{c.chars(ALNUM, 20)}"


@gen("stripe", 1)
@one("SECRET")
def _stripe(c: Ctx) -> str:
    prefix = c.rng.choice(("sk_live_", "sk_live_", "rk_live_"))
    return prefix + c.chars(ALNUM, c.rng.choice((24, 34, 99)))


@gen("slack", 1)
@one("SECRET")
def _slack(c: Ctx) -> str:
    if c.rng.random() < 0.7:
        return f"xoxb-{c.digits(12)}-{c.digits(13)}-{c.chars(ALNUM, 24)}"
    return f"xoxp-{c.digits(12)}-{c.digits(12)}-{c.digits(13)}-{c.chars('0123456789abcdef', 32)}"


def _password_value(c: Ctx) -> str:
    r = c.rng.random()
    if r < 0.4:
        word = c.faker().word().capitalize()
        return f"{word}{c.rng.choice('!*_-.')}{c.rng.randint(10, 9999)}{c.chars(ALNUM, 3)}"
    return c.chars(ALNUM + "!*_-", c.rng.randint(12, 24))


@gen("password", 1)
@one("SECRET")
def _password(c: Ctx) -> str:
    return _password_value(c)


@gen("db_url", 1)
def _db_url(c: Ctx) -> list[Piece]:
    user = c.rng.choice(("app", "admin", "postgres", "svc_billing", "reporting", "root", "etl"))
    host = c.rng.choice(
        ("localhost", "db", "pg-primary", "mysql-01", "db.internal", "postgres", "cache")
    )
    scheme, port = c.rng.choice(
        (
            ("postgresql", 5432),
            ("postgres", 5432),
            ("mysql", 3306),
            ("mongodb", 27017),
            ("postgresql+psycopg2", 5432),
            ("redis", 6379),
        )
    )
    db = c.rng.choice(("app", "orders", "billing", "analytics", "prod", "0"))
    return [
        (f"{scheme}://{user}:", None),
        (_password_value(c), "SECRET"),
        (f"@{host}:{port}/{db}", None),
    ]


# --- negatives (never labelled) ---------------------------------------------------------------

NEGATIVES: dict[str, Callable[[Ctx], str]] = {
    "order_no": lambda c: c.rng.choice(
        (
            f"ORD-{c.rng.randint(2019, 2025)}-{c.digits(6)}",
            f"#{c.rng.randint(100000000, 999999999)}",
            f"{c.digits(3)}-{c.digits(7)}-{c.digits(7)}",
            f"SO{c.digits(8)}",
        )
    ),
    "sku": lambda c: c.rng.choice(
        (
            f"SKU-{c.digits(5)}-{c.rng.choice(('BLK', 'WHT', 'RED', 'XL', 'M'))}",
            f"{c.chars(string.ascii_uppercase, 2)}-{c.digits(4)}-{c.rng.choice('SMLX')}",
            f"B0{c.chars(string.ascii_uppercase + string.digits, 8)}",
        )
    ),
    "price": lambda c: c.rng.choice(
        (
            f"${c.rng.randint(5, 899)}.{c.rng.randint(0, 99):02d}",
            f"€{c.rng.randint(5, 899)},{c.rng.randint(0, 99):02d}",
            f"£{c.rng.randint(5, 499)}",
            f"{c.rng.randint(5, 2999)}.{c.rng.randint(0, 99):02d} USD",
        )
    ),
    "price_num": lambda c: f"{c.rng.randint(5, 2999)}.{c.rng.randint(0, 99):02d}",
    "qty": lambda c: str(c.rng.randint(2, 12)),
    "hours": lambda c: str(c.rng.randint(4, 40)),
    "tracking": lambda c: c.rng.choice(
        (
            f"1Z{c.chars(string.ascii_uppercase + string.digits, 6)}{c.digits(10)}",
            f"9400 {c.digits(4)} {c.digits(4)} {c.digits(4)} {c.digits(4)} {c.digits(2)}",
            f"{c.digits(4)} {c.digits(4)} {c.digits(4)}",
            f"JD{c.digits(18)}",
            f"LX{c.digits(9)}CN",
        )
    ),
    "uuid": lambda c: str(__import__("uuid").UUID(int=c.rng.getrandbits(128), version=4)),
    "git_sha": lambda c: c.chars("0123456789abcdef", c.rng.choice((7, 40))),
    "sha256": lambda c: c.chars("0123456789abcdef", 64),
    "b64": lambda c: c.chars(ALNUM + "+/", 64),
    "version": lambda c: c.rng.choice(
        (
            f"v{c.rng.randint(0, 9)}.{c.rng.randint(0, 30)}.{c.rng.randint(0, 20)}",
            f"{c.rng.randint(1, 20)}.{c.rng.randint(0, 30)}.{c.rng.randint(0, 20)}",
            f"{c.rng.randint(1, 5)}.{c.rng.randint(0, 9)}.{c.rng.randint(0, 9)}-rc{c.rng.randint(1, 4)}",
        )
    ),
    "android": lambda c: str(c.rng.randint(10, 15)),
    "zip": lambda c: c.rng.choice((c.digits(5), f"{c.digits(5)}-{c.digits(4)}")),
    "bad_card": lambda c: _group_card(c, _card_digits(c, valid=False)),
    "bad_ssn": lambda c: c.rng.choice(
        (
            f"000-{c.digits(2)}-{c.digits(4)}",
            f"666-{c.digits(2)}-{c.digits(4)}",
            f"9{c.digits(2)}-{c.digits(2)}-{c.digits(4)}",
            f"{c.rng.randint(100, 899)}-00-{c.digits(4)}",
            f"{c.rng.randint(100, 899)}-{c.rng.randint(10, 99)}-0000",
        )
    ),
    "product_code": lambda c: c.rng.choice(
        (
            f"{c.chars(string.ascii_uppercase, 2)}{c.rng.randint(100, 9999)}",
            f"{c.chars(string.ascii_uppercase, 3)}-{c.rng.randint(100, 999)}{c.chars('ABX', 1)}",
            f"Model {c.rng.randint(1000, 9999)}",
            f"{c.digits(2)}-{c.digits(4)}-{c.digits(2)}",
        )
    ),
    "invoice": lambda c: c.rng.choice(
        (f"INV-{c.digits(8)}", f"{c.rng.randint(2019, 2025)}/{c.digits(5)}", f"RF{c.digits(10)}")
    ),
    "ticket_no": lambda c: c.rng.choice(
        (f"#{c.rng.randint(10000, 999999)}", f"CS-{c.digits(6)}", f"INC{c.digits(7)}")
    ),
    "errcode": lambda c: c.rng.choice(
        (f"E{c.digits(4)}", f"0x{c.chars('0123456789ABCDEF', 8)}", f"ERR_{c.digits(3)}")
    ),
    "last4": lambda c: c.digits(4),
    "product": lambda c: c.rng.choice(PRODUCTS),
    "pid": lambda c: str(c.rng.randint(100, 65000)),
    "port": lambda c: str(c.rng.randint(1024, 65535)),
    "ms": lambda c: str(c.rng.randint(1, 9000)),
    "secs": lambda c: f"{c.rng.randint(0, 300)}.{c.digits(2)}",
    "num": lambda c: str(c.rng.randint(1, 10_000_000)),
    "status": lambda c: c.rng.choice(
        ("200", "201", "204", "301", "400", "401", "403", "404", "500")
    ),
    "bytes": lambda c: str(c.rng.randint(0, 99999)),
    "line": lambda c: str(c.rng.randint(10, 900)),
    "uptime": lambda c: f"{c.rng.randint(1, 99999)}.{c.digits(6)}",
    "user": lambda c: c.rng.choice(
        ("deploy", "ubuntu", "root", "jenkins", "git", "svc-backup", "ec2-user")
    ),
    "host": lambda c: c.rng.choice(
        ("web-01", "api-3", "db-primary", "edge-fra-2", "worker7", "gw01")
    ),
    "path": lambda c: c.rng.choice(
        (
            f"/api/v1/orders/{c.digits(6)}",
            "/health",
            f"/static/js/app.{c.chars('0123456789abcdef', 8)}.js",
            f"/users/{c.digits(5)}/settings",
            "/login",
            f"/search?q={c.faker().word()}&page={c.rng.randint(1, 9)}",
        )
    ),
    "ua": lambda c: c.rng.choice(
        (
            "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
            "Chrome/124.0.6367.91 Safari/537.36",
            "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15",
            "curl/8.5.0",
            "python-requests/2.31.0",
            "Go-http-client/1.1",
        )
    ),
    "mhost": lambda c: c.chars(string.ascii_lowercase + string.digits, 5),
    "region": lambda c: c.rng.choice(("us-east-1", "eu-west-1", "eu-central-1", "ap-southeast-2")),
}
for _name, _fn in NEGATIVES.items():
    GENS[_name] = (0, (lambda fn: lambda c: [(fn(c), None)])(_fn))


# --------------------------------------------------------------------------------------------
# Templates. "<@name>" is a generator; a leading "^" keeps a segment first, "$" last.
# Entity segments carry >= 1 labelled value, fillers carry none (only look-alikes).
# --------------------------------------------------------------------------------------------

REVIEW_ENTITY = (
    "^I'm <@person> from <@city> and I've been using this <@product> a lot.",
    "Ordered on <@date>, arrived in perfect condition.",
    "If the seller wants to reach me about the defect: <@email>.",
    "Call me at <@phone> if you need more details, the return label never came.",
    "My partner <@first> loves it.",
    "$-- <@person>, <@city>",
    "Bought this as a gift for <@person>, who was thrilled.",
    "Shipped to <@city> faster than promised.",
    "$Reviewed by <@person> on <@date>",
    "Customer service (thanks, <@first>!) replaced it without any questions.",
    "The courier left it at <@address> instead of my door.",
    "$Contact: <@email> / <@phone>",
    "Purchased at the <@city> store on <@date>.",
    "^Update <@date>: still working fine, no complaints.",
    "I live in <@country> and shipping took a while, but it was worth the wait.",
    "My neighbour <@person> recommended this brand and I'm glad I listened.",
    "The seller, <@person>, answered my question right away.",
    "Full unboxing video on my blog: <@url>",
    "$Posted from <@city>, <@country>",
    "Mine broke on <@date>; support in <@city> was useless.",
    "^Hi, <@first> here.",
    "I compared it with the one my friend <@first> bought in <@city>.",
    "Warranty claim sent to <@email> on <@date>, no reply.",
)
REVIEW_FILLER = (
    "Great product, works exactly as described.",
    "Paid <@price> for <@qty> of them, fair price.",
    "Order <@order_no> arrived with a cracked lid.",
    "The <@product> is lighter than expected.",
    "SKU <@sku> runs small, order one size up.",
    "Battery life is great, <@qty> stars for that alone.",
    "Five stars!!!",
    "Packaging was eco friendly, no plastic at all.",
    "Tracking <@tracking> showed it stuck in customs.",
    "Firmware <@version> fixed the bluetooth pairing issue.",
    "Not worth <@price>. Returned it.",
    "Model <@product_code> is the one to get, not the older one.",
    "Works great with my Apple Watch and Samsung Galaxy phone.",
    "Size 10.5, color navy, fits true to size.",
    "Zip code <@zip> qualified for free shipping, nice.",
    "Half the price of the big brand and just as good.",
    "Would buy again.",
    "The instructions were confusing, took me <@qty> tries to assemble it.",
    "Customer support was friendly but slow.",
    "Honestly the best purchase I've made in ages.",
    "Cheap plastic, the hinge snapped quickly.",
    "Rated <@qty> out of 10 by my kids.",
)
TICKET_ENTITY = (
    "^Hello, my name is <@person> and I need help with my account.",
    "Please update my shipping address to <@address>.",
    "You can reach me at <@phone> or <@email>.",
    "The charge on my card <@card> was duplicated.",
    "Please refund to IBAN <@iban>.",
    "For verification my SSN is <@ssn>.",
    "My passport number is <@passport>, issued on <@date>.",
    "Driver's license no. <@dl>, in case you need it for the rental.",
    "I tried logging in from <@ip> and got locked out.",
    "The page <@url> returns a 500 error.",
    "The incident happened on <@datetime>.",
    "My NHS number is <@nhs>, please update my GP records.",
    "Please send the invoice to <@email>.",
    "Callback number: <@phone_intl>",
    "Wire the funds to <@iban> (account holder <@person>).",
    "I paid with bitcoin to <@btc> but the order still shows unpaid.",
    "My colleague <@person> from the <@city> office has the same problem.",
    "I moved from <@city> to <@city>, please update billing.",
    "Card number: <@card>, it expires soon.",
    "Social security number <@ssn>, date of birth <@date>.",
    "^Dear support, this is <@first> again.",
    "$Regards,\n<@person>",
    "$Best,\n<@first>\n<@phone>",
    "The card I used is <@card>, can you check why it was declined?",
    "My account email changed to <@email> on <@date>.",
    "Here is my passport number: <@passport>.",
    "DL#: <@dl>",
    "Access log shows a request from <@ip6> that wasn't me.",
    "Please call my landline <@phone>.",
    "Our billing contact is <@person>, <@email>.",
)
TICKET_FILLER = (
    "^Hi team,",
    "^Hello,",
    "Ticket <@ticket_no> is still open.",
    "Order number <@order_no>, total <@price>.",
    "I was charged <@price> twice.",
    "The reference code on the invoice is <@invoice>.",
    "Tracking number <@tracking>.",
    "I entered <@bad_card> but the form says the card is invalid.",
    "The form placeholder shows <@bad_ssn>, is that the expected format?",
    "Error code <@errcode> appears on checkout.",
    "I'm using app version <@version> on Android <@android>.",
    "Case ID <@uuid>.",
    "Please escalate, this is urgent.",
    "$Thanks in advance for your help.",
    "Product code <@product_code>, quantity <@qty>.",
    "The card ending in <@last4> is the one I want to keep.",
    "Delivery to zip <@zip> is apparently not supported.",
    "I already tried clearing the cache and reinstalling.",
    "$Thank you!",
    "Refund of <@price> has not arrived.",
    "My order <@order_no> says delivered but nothing arrived.",
)
LOG_ENTITY = (
    '<@ip> - - [<@ts_clf>] "GET <@path> HTTP/1.1" <@status> <@bytes> "<@url>" "<@ua>"',
    '{"ts": "<@ts_iso>", "level": "INFO", "msg": "login ok", "user": "<@email>", "ip": "<@ip>"}',
    "<@ts_syslog> <@host> sshd[<@pid>]: Accepted publickey for <@user> from <@ip> port <@port> ssh2",
    "<@ts_syslog> <@host> dhcpd[<@pid>]: DHCPACK on <@ip> to <@mac> via eth0",
    "<@ts_iso> WARN [payment] retrying request to <@url> after <@ms>ms (attempt 2/5)",
    "<@ts_iso> ERROR Failed to send mail to <@email>: 550 mailbox unavailable",
    "<@ts_syslog> <@host> kernel: [<@uptime>] eth0: link up, hwaddr <@mac>",
    "<@ts_iso> INFO request_id=<@uuid> method=POST path=<@path> status=<@status> ms=<@ms>",
    "<@ts_iso> DEBUG commit <@git_sha> deployed as <@version>",
    'level=info ts=<@ts_iso> caller=main.go:<@line> msg="connected" remote=<@ip>:<@port>',
    "[<@ts_iso>] firewall DROP SRC=<@ip> DST=<@ip> PROTO=TCP SPT=<@port> DPT=443",
    "<@ts_iso> INFO user <@email> downloaded <@url>",
    "WARN <@ts_iso> checksum mismatch sha256=<@sha256>",
    "<@ts_iso> INFO healthcheck ok latency=<@ms>ms",
    "<@ts_iso> INFO ipv6 client <@ip6> connected",
    "<@ts_syslog> <@host> CRON[<@pid>]: (root) CMD (/usr/local/bin/backup.sh)",
    '<@ip> - <@user> [<@ts_clf>] "POST /login HTTP/2.0" 401 0',
    "arp: <@ip> moved from <@mac> to <@mac> on em0",
    "<@ts_iso> INFO order <@order_no> paid amount=<@price_num> currency=EUR",
    "<@ts_iso> INFO password reset requested for <@email> from <@ip>",
    "Connection from <@ip> closed by peer",
    "<@ts_iso> ERROR upstream <@url> timed out after <@ms>ms",
    "client <@mac> associated with AP gw01 at <@ts_iso>",
)
LOG_FILLER = (
    "INFO worker started pid=<@pid> version=<@version>",
    "DEBUG cache hit ratio=0.97 keys=<@num>",
    "GET <@path> <@status> <@ms>ms",
    "Build <@git_sha> passed in <@secs>s",
    "processed <@num> records in <@secs>s",
    "Traceback (most recent call last):",
    '  File "/app/worker.py", line <@line>, in handle',
    "    at com.example.billing.InvoiceService.render(InvoiceService.java:<@line>)",
    "WARN pool exhausted, active=<@qty> idle=0",
    "INFO job <@uuid> finished status=SUCCESS",
    "DEBUG loaded <@num> rows from cache (sha256:<@sha256>)",
    "INFO shipment <@tracking> label printed",
    "ERROR payment declined code=<@errcode> order=<@order_no>",
    "INFO listening on port <@port>",
    "DEBUG retry budget remaining=<@qty>",
)
CODE_ENTITY = (
    "AWS_ACCESS_KEY_ID=<@aws_key_id>\nAWS_SECRET_ACCESS_KEY=<@aws_secret>\n"
    "AWS_DEFAULT_REGION=<@region>",
    "export GITHUB_TOKEN=<@gh_token>",
    'client = OpenAI(api_key="<@openai>")',
    'stripe.api_key = "<@stripe>"',
    "slack:\n  bot_token: <@slack>\n  channel: '#alerts'",
    "DATABASE_URL=<@db_url>",
    'engine = create_engine("<@db_url>", pool_size=5)',
    '{\n  "service": "billing",\n  "db": "<@db_url>",\n  "timeout": 30\n}',
    "    environment:\n      - GH_TOKEN=<@gh_token>\n      - LOG_LEVEL=debug",
    "# Maintainer: <@person> <<@email>>",
    'headers = {"Authorization": "Bearer <@openai>"}',
    'curl -H "Authorization: token <@gh_token>" <@url>',
    'const stripe = require("stripe")("<@stripe>");',
    "[default]\naws_access_key_id = <@aws_key_id>\naws_secret_access_key = <@aws_secret>",
    'ALLOWED_HOSTS = ["<@ip>", "localhost"]',
    'REDIS_URL = "<@db_url>"',
    "DB_PASSWORD=<@password>",
    'db:\n  host: db-primary\n  user: app\n  password: "<@password>"',
    "SLACK_TOKEN = '<@slack>'",
    "OPENAI_API_KEY=<@openai>",
    "STRIPE_SECRET_KEY=<@stripe>",
    'SUPPORT_EMAIL = "<@email>"',
    "# see <@url> for the API docs",
    "upstream backend {\n    server <@ip>:8080;\n}",
    '$token = "<@gh_token>";',
)
CODE_FILLER = (
    "AWS_ACCESS_KEY_ID=AKIAIOSFODNN7EXAMPLE",
    "OPENAI_API_KEY=${OPENAI_API_KEY}",
    'api_key = os.environ["STRIPE_SECRET_KEY"]',
    "token: <your-github-token>",
    'password = "changeme"',
    "image: postgres:<@version>",
    "checksum: sha256:<@sha256>",
    "# commit <@git_sha>",
    'id = "<@uuid>"',
    'version = "<@version>"',
    "DATABASE_URL=postgresql://localhost/devdb",
    'def handler(event, context):\n    return {"statusCode": 200}',
    "for i in range(10):\n    total += price[i] * qty[i]",
    "timeout_ms: 30000\nretries: 3\nport: <@port>",
    '<script src="app.js" integrity="sha384-<@b64>"></script>',
    "requests==2.31.0\npolars>=1.0\nnumpy==<@version>",
    "GITHUB_TOKEN: ${{ secrets.GITHUB_TOKEN }}",
    'stripe.api_key = "sk_test_xxxxxxxxxxxxxxxxxxxxxxxx"',
    "password: ********",
    "SECRET_KEY = get_secret('django-secret-key')",
    'region = "<@region>"\ninstance_type = "t3.micro"',
    "if (retries > MAX_RETRIES) {\n  throw new Error(`gave up after ${retries}`);\n}",
)

_PLACEHOLDER = re.compile(r"<@([a-z0-9_]+)>")


@dataclass(frozen=True)
class KindSpec:
    entity: tuple[str, ...]
    filler: tuple[str, ...]
    sep: tuple[str, ...]
    fill_range: tuple[int, int]


SPECS = {
    "review": KindSpec(REVIEW_ENTITY, REVIEW_FILLER, (" ", " ", "\n"), (1, 3)),
    "ticket": KindSpec(TICKET_ENTITY, TICKET_FILLER, (" ", " ", "\n"), (1, 3)),
    "log": KindSpec(LOG_ENTITY, LOG_FILLER, ("\n",), (0, 3)),
    "code": KindSpec(CODE_ENTITY, CODE_FILLER, ("\n", "\n\n"), (0, 2)),
}


def n_labels(template: str) -> int:
    return sum(GENS[name][0] for name in _PLACEHOLDER.findall(template))


def _render(c: Ctx, template: str) -> list[Piece]:
    pieces: list[Piece] = []
    pos = 0
    for m in _PLACEHOLDER.finditer(template):
        if m.start() > pos:
            pieces.append((template[pos : m.start()], None))
        pieces.extend(GENS[m.group(1)][1](c))
        pos = m.end()
    if pos < len(template):
        pieces.append((template[pos:], None))
    return pieces


def _compose(c: Ctx, spec: KindSpec, budget: int) -> list[str]:
    chosen: list[str] = []
    remaining = budget
    while remaining > 0:
        cands = [t for t in spec.entity if 0 < n_labels(t) <= remaining]
        if not cands:
            break
        t = c.rng.choice(cands)
        if t[0] in "^$" and any(x[0] == t[0] for x in chosen):
            continue
        chosen.append(t)
        remaining -= n_labels(t)
    lo, hi = spec.fill_range
    n_fill = c.rng.randint(max(lo, 1 if not chosen else 0), hi)
    for t in c.rng.sample(spec.filler, n_fill):
        if t[0] in "^$" and any(x[0] == t[0] for x in chosen):
            continue
        chosen.append(t)
    c.rng.shuffle(chosen)
    chosen.sort(key=lambda t: {"^": 0, "$": 2}.get(t[0], 1))
    return [t[1:] if t[0] in "^$" else t for t in chosen]


def _build(c: Ctx, kind: str) -> tuple[str, list[dict[str, object]]]:
    spec = SPECS[kind]
    counts, weights = zip(*ENTITY_COUNT_WEIGHTS.items(), strict=True)
    budget = c.rng.choices(counts, weights)[0]
    sep = c.rng.choice(spec.sep)
    parts: list[str] = []
    spans: list[dict[str, object]] = []
    pos = 0
    for i, template in enumerate(_compose(c, spec, budget)):
        if i:
            parts.append(sep)
            pos += len(sep)
        for text, label in _render(c, template):
            if label is not None:
                spans.append({"type": label, "start": pos, "end": pos + len(text)})
            parts.append(text)
            pos += len(text)
    return "".join(parts), spans


def split_of(doc_id: str) -> str:
    h = int.from_bytes(hashlib.sha256(doc_id.encode()).digest()[:8], "big")
    return "tune" if h % 1000 < TUNE_FRACTION * 1000 else "holdout"


def generate(n_docs: int = 3000, seed: int = 7) -> list[dict[str, object]]:
    """Deterministic for a given (n_docs, seed) and Faker version."""
    rng = random.Random(seed)
    fakers: dict[str, Faker] = {}
    for i, loc in enumerate(FAKER_LOCALES):
        f = Faker(loc)
        f.seed_instance(seed * 1000 + i)
        fakers[loc] = f
    c = Ctx(rng, fakers)
    docs: list[dict[str, object]] = []
    for i in range(n_docs):
        kind = rng.choices(KINDS, KIND_WEIGHTS)[0]
        text, spans = _build(c, kind)
        doc_id = f"{kind}-{i:05d}"
        docs.append(
            {"id": doc_id, "kind": kind, "text": text, "spans": spans, "split": split_of(doc_id)}
        )
    return docs


def _check(docs: list[dict[str, object]]) -> None:
    for d in docs:
        spans = d["spans"]
        assert isinstance(spans, list) and len(spans) <= 4, d
        text = d["text"]
        assert isinstance(text, str)
        for s in spans:
            value = text[s["start"] : s["end"]]
            assert value and value == value.strip(), (d["id"], s, value)


def main() -> None:
    import json
    import sys

    n = int(sys.argv[1]) if len(sys.argv) > 1 else 3000
    docs = generate(n)
    _check(docs)
    by_type: Counter[str] = Counter()
    by_split: Counter[str] = Counter(str(d["split"]) for d in docs)
    by_kind: Counter[str] = Counter(str(d["kind"]) for d in docs)
    n_spans: Counter[int] = Counter()
    for d in docs:
        spans = d["spans"]
        assert isinstance(spans, list)
        n_spans[len(spans)] += 1
        by_type.update(str(s["type"]) for s in spans)
    print(f"docs={len(docs)} kinds={dict(by_kind)} splits={dict(by_split)}")
    print("spans per doc:", dict(sorted(n_spans.items())))
    for t, k in by_type.most_common():
        print(f"  {t:20s} {k}")
    rng = random.Random(0)
    for d in rng.sample(docs, 6):
        text = str(d["text"])
        spans = d["spans"]
        assert isinstance(spans, list)
        print("-" * 80)
        print(d["id"], d["split"])
        print(text)
        print(json.dumps([(s["type"], text[s["start"] : s["end"]]) for s in spans]))


if __name__ == "__main__":
    main()
