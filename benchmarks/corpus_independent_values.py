"""Generated values of ``corpus_independent``: dates in many written forms, phone numbers valid
for ``phonenumbers``, Luhn-valid cards, valid IBANs and SSNs (``python-stdnum``), IP addresses,
and the word lists that go with them.
"""

from __future__ import annotations

import datetime as dt
import ipaddress
import random
import re
import unicodedata

import phonenumbers
from stdnum import iban as std_iban
from stdnum import luhn
from stdnum.us import ssn as std_ssn


def _csv(text: str) -> list[str]:
    return [w.strip() for w in text.split(",") if w.strip()]



MONTHS = ("January February March April May June July August September October November "
          "December").split()
MONTHS_LOCAL = {
    "es": "enero febrero marzo abril mayo junio julio agosto septiembre octubre noviembre "
          "diciembre".split(),
    "de": "Januar Februar März April Mai Juni Juli August September Oktober November "
          "Dezember".split(),
    "fr": "janvier février mars avril mai juin juillet août septembre octobre novembre "
          "décembre".split(),
    "pt": "janeiro fevereiro março abril maio junho julho agosto setembro outubro novembro "
          "dezembro".split(),
}
DATE_FORMS = ("{d}{suf} of {Month} {Y}", "{d} {Month} {Y}", "{Month} {d}, {Y}",
              "{Month} {d}{suf}, {Y}", "{Mon} {d}, {Y}", "{d} {Mon} {Y}", "{dd}.{mm}.{YY}",
              "{dd}.{mm}.{Y}", "{mm}/{dd}/{Y}", "{dd}/{mm}/{Y}", "{m}/{d}/{YY}",
              "{Y}-{mm}-{dd}", "{dd}-{Mon}-{Y}", "{d}.{m}.{Y}", "{Month} {d} {Y}")
SHORT_FORMS = ("{Month} {d}", "{d} {Month}", "{Month} {d}{suf}", "{d}{suf} of {Month}",
               "{Mon} {d}")
DATETIME_FORMS = ("{Y}-{mm}-{dd}T{HH}:{MI}", "{Y}-{mm}-{dd}T{HH}:{MI}:{SS}Z",
                  "{Y}-{mm}-{dd} {HH}:{MI}", "{dd}/{mm}/{Y} {HH}:{MI}",
                  "{Y}-{mm}-{dd}T{HH}:{MI}:{SS}+02:00", "{d} {Mon} {Y} {HH}:{MI}")
MONTHYEAR_FORMS = ("{Month} {Y}", "{Mon} {Y}", "{mm}/{Y}", "{Mon}. {Y}")
LOCAL_DATE_FORMS = {
    "es": ("{d} de {Month} de {Y}", "{dd}/{mm}/{Y}", "{d}/{m}/{Y}"),
    "de": ("{d}. {Month} {Y}", "{dd}.{mm}.{Y}", "{d}.{m}.{Y}"),
    "fr": ("{dfr} {Month} {Y}", "{dd}/{mm}/{Y}"),
    "pt": ("{d} de {Month} de {Y}", "{dd}/{mm}/{Y}"),
}

EMAIL_DOMAINS = _csv(
    "gmail.com, outlook.com, hotmail.com, yahoo.com, yahoo.co.uk, icloud.com, proton.me, "
    "web.de, gmx.de, gmx.net, orange.fr, free.fr, hotmail.es, yahoo.es, uol.com.br, "
    "bol.com.br, rediffmail.com, 163.com, qq.com, naver.com, mail.ru, yandex.ru, libero.it, "
    "btinternet.com, sky.com, live.nl, telenet.be, northwind-logistics.com, "
    "kestrel-analytics.io, brightlinehealth.org, bluepeak.energy, halcyon-ins.co.uk"
)
PHONE_REGIONS = ("US", "US", "GB", "DE", "FR", "ES", "IN", "BR", "NG", "KE", "JP", "AU", "CA",
                 "MX", "IT", "NL", "ZA", "PT", "IE", "SG", "AE", "TR", "PL", "KR", "GH", "AR")
IBAN_BBAN = {"DE": "8n10n", "GB": "4a14n", "NL": "4a10n", "FR": "10n11n2n", "ES": "20n",
             "IT": "1a10n12n", "PT": "21n", "BE": "12n", "AT": "16n", "CH": "5n12n",
             "PL": "24n", "IE": "4a14n"}
CARD_PREFIXES = (("4", 16), ("4", 16), ("51", 16), ("53", 16), ("55", 16), ("2221", 16),
                 ("34", 15), ("37", 15), ("6011", 16), ("65", 16), ("3528", 16))
IP_FIRST_OCTETS = (23, 31, 37, 45, 62, 77, 81, 85, 89, 91, 95, 103, 109, 121, 141, 151,
                   176, 178, 185, 188, 190, 193, 201, 203, 212, 213, 217)
# Relative time phrases: written in the texts, never labelled (they identify no one).
RELATIVE_PAST = _csv(
    "this morning, yesterday, last night, earlier today, two days ago, last week, "
    "over the weekend, a few weeks ago, the day before yesterday, last month, an hour ago, "
    "last Tuesday, on Monday"
)
RELATIVE_NEXT = _csv(
    "tomorrow, next week, tonight, later today, this afternoon, next Monday, on Friday, "
    "in two weeks, this weekend"
)
WEEKDAYS = "Monday Tuesday Wednesday Thursday Friday Saturday Sunday".split()
_UPPER = "ABCDEFGHJKLMNPRSTUVWXYZ"
_FOLD = str.maketrans({"ł": "l", "Ł": "L", "ø": "o", "Ø": "O", "ı": "i", "ß": "ss",
                       "đ": "d", "æ": "ae"})


def fold(text: str) -> str:
    """ASCII letters and digits of a name, lowercased, as used in e-mail addresses."""
    decomposed = unicodedata.normalize("NFKD", text.translate(_FOLD))
    return "".join(c for c in decomposed.lower() if c.isascii() and c.isalnum())


def digits(rng: random.Random, n: int) -> str:
    return "".join(rng.choice("0123456789") for _ in range(n))


def letters(rng: random.Random, n: int) -> str:
    return "".join(rng.choice(_UPPER) for _ in range(n))


def ordinal(day: int) -> str:
    if 11 <= day % 100 <= 13:
        return "th"
    return {1: "st", 2: "nd", 3: "rd"}.get(day % 10, "th")


def format_date(rng: random.Random, when: dt.datetime, form: str, lang: str = "en") -> str:
    month = MONTHS_LOCAL[lang][when.month - 1] if lang != "en" else MONTHS[when.month - 1]
    abbrev = month[:3] if month != "September" or rng.random() < 0.7 else "Sept"
    return form.format(
        d=when.day, dd=f"{when.day:02d}", m=when.month, mm=f"{when.month:02d}", Y=when.year,
        YY=f"{when.year % 100:02d}", Month=month, Mon=abbrev, suf=ordinal(when.day),
        dfr="1er" if when.day == 1 else when.day, HH=f"{when.hour:02d}",
        MI=f"{when.minute:02d}", SS=f"{when.second:02d}",
    )


def random_day(rng: random.Random, first_year: int, last_year: int) -> dt.datetime:
    start = dt.datetime(first_year, 1, 1)
    span = (dt.datetime(last_year, 12, 31) - start).days
    day = start + dt.timedelta(days=rng.randrange(span + 1))
    return day.replace(hour=rng.randrange(7, 20), minute=rng.choice((0, 15, 30, 45, 5, 50)),
                       second=rng.randrange(60))


def phone(rng: random.Random, region: str) -> str:
    kind = rng.choice((phonenumbers.PhoneNumberType.MOBILE,
                       phonenumbers.PhoneNumberType.FIXED_LINE))
    example = (phonenumbers.example_number_for_type(region, kind)
               or phonenumbers.example_number(region))
    assert example is not None
    nsn = phonenumbers.national_significant_number(example)
    keep = 3 if len(nsn) >= 9 else 2
    number = example
    for _ in range(300):
        candidate = phonenumbers.parse(
            f"+{example.country_code}{nsn[:keep]}{digits(rng, len(nsn) - keep)}")
        if phonenumbers.is_valid_number(candidate):
            number = candidate
            break
    roll = rng.random()
    if region in ("US", "CA") and roll < 0.3:
        nat = phonenumbers.national_significant_number(number)
        sep = rng.choice(("-", ".", " "))
        return f"{nat[:3]}{sep}{nat[3:6]}{sep}{nat[6:]}"
    style = (phonenumbers.PhoneNumberFormat.INTERNATIONAL if roll < 0.55 else
             phonenumbers.PhoneNumberFormat.NATIONAL if roll < 0.88 else
             phonenumbers.PhoneNumberFormat.E164)
    return phonenumbers.format_number(number, style)


def card(rng: random.Random) -> str:
    prefix, length = rng.choice(CARD_PREFIXES)
    body = prefix + digits(rng, length - len(prefix) - 1)
    number = body + luhn.calc_check_digit(body)
    assert luhn.is_valid(number)
    roll = rng.random()
    if roll < 0.3:
        return number
    sep = " " if roll < 0.75 else "-"
    groups = (4, 6, 5) if length == 15 else (4, 4, 4, 4)
    out, pos = [], 0
    for g in groups:
        out.append(number[pos:pos + g])
        pos += g
    return sep.join(out)


def iban(rng: random.Random) -> str:
    country = rng.choice(sorted(IBAN_BBAN))
    for _ in range(2000):
        bban = ""
        for count, kind in re.findall(r"(\d+)([an])", IBAN_BBAN[country]):
            bban += letters(rng, int(count)) if kind == "a" else digits(rng, int(count))
        number = country + std_iban.calc_check_digits(country + "00" + bban) + bban
        if std_iban.is_valid(number):
            return str(std_iban.format(number)) if rng.random() < 0.7 else number
    raise RuntimeError(f"no valid IBAN for {country}")


def ssn(rng: random.Random) -> str:
    while True:
        area, group, serial = rng.randint(1, 899), rng.randint(1, 99), rng.randint(1, 9999)
        number = f"{area:03d}-{group:02d}-{serial:04d}"
        if area != 666 and std_ssn.is_valid(number):
            return number if rng.random() < 0.85 else number.replace("-", " ")


def ipv4(rng: random.Random) -> str:
    roll = rng.random()
    if roll < 0.15:
        return f"192.168.{rng.randint(0, 20)}.{rng.randint(2, 254)}"
    if roll < 0.25:
        return f"10.{rng.randint(0, 255)}.{rng.randint(0, 255)}.{rng.randint(2, 254)}"
    return (f"{rng.choice(IP_FIRST_OCTETS)}.{rng.randint(0, 255)}.{rng.randint(0, 255)}."
            f"{rng.randint(2, 254)}")


def ipv6(rng: random.Random) -> str:
    groups = [rng.choice((0x2a02, 0x2001, 0x2600, 0x2a01, 0x2c0f)), rng.randrange(1, 0xFFFF)]
    groups += [rng.randrange(0x10000) if rng.random() < 0.6 else 0 for _ in range(5)]
    groups.append(rng.randrange(1, 0x10000))  # no trailing "::" that would run into a full stop
    value = 0
    for g in groups:
        value = (value << 16) | g
    return ipaddress.IPv6Address(value).compressed
