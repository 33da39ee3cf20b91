"""A seeded, realistic e-commerce dataset with planted compliance problems.

users.csv (direct identifiers and quasi-identifiers in columns, consent per purpose),
orders.parquet (purchase history: clean control columns sku, quantity, price, and timestamps,
some past retention), reviews.jsonl (free text, some reviews carrying the author's own e-mail,
phone number or name, special-category statements, one leaked key; some reviews past retention
or with an unreadable date) and a config file with a hard-coded credential. ``generate`` returns
what it planted (counts, never values) so tests can check that the audit finds exactly that.
"""

from __future__ import annotations

import json
import random
import string
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from pathlib import Path

import polars as pl
from faker import Faker

_CLEAN_REVIEWS = (
    "Arrived quickly and works as described.",
    "The fabric feels cheaper than in the photos, but fine for the price.",
    "Five stars, would order again.",
    "Packaging was damaged, product was fine.",
    "Battery life is shorter than advertised (about 6 hours).",
    "Size runs small, order one size up.",
    "Great value for money.",
    "Stopped working after two weeks; the replacement works.",
)


@dataclass
class Planted:
    """What the generator put where (counts, never values)."""

    review_emails: int = 0
    review_phones: int = 0
    review_names: int = 0
    review_keys: int = 0
    config_keys: int = 0
    review_special: int = 0
    users: int = 0
    users_without_consent: int = 0
    orders_without_consent: int = 0
    reviews_without_consent: int = 0
    stale_orders: int = 0
    stale_reviews: int = 0
    unparseable_review_dates: int = 0
    files: list[str] = field(default_factory=list)


# The demo's "today": retention is measured against it, so reports do not change with the date.
REFERENCE_DATE = date(2026, 1, 31)
_OLDEST, _YOUNGEST = date(1940, 2, 1), date(2008, 1, 31)  # aged 18 to 85 on REFERENCE_DATE
ORDER_RETENTION_DAYS = 730
REVIEW_RETENTION_DAYS = 90
PURPOSE = "model-training"

# Statements revealing GDPR Art. 9 data about the reviewer, one per category family.
_SPECIAL = (
    "As a diabetic I read every label, and the sugar content here is clearly printed.",
    "I wear it to my mosque every Friday and it still looks new.",
    "I was diagnosed with asthma last year and this air purifier really helps.",
    "As a union member I appreciate that it is made by unionised workers.",
)
_POSTCODES = ("10115", "10117", "10119", "10243", "10245", "10247", "20095", "20097", "80331")
_CONSENT = ("model-training,marketing", "model-training", "marketing", "")


def _at(rng: random.Random, age_lo: int, age_hi: int) -> datetime:
    day = REFERENCE_DATE - timedelta(days=rng.randint(age_lo, age_hi))
    return datetime.combine(day, time(rng.randint(0, 23), rng.randint(0, 59), rng.randint(0, 59)))


def _fake_key(rng: random.Random) -> str:
    alphabet = string.ascii_letters + string.digits
    body = "".join(rng.choice(alphabet) for _ in range(48))
    return f"sk-proj-{body}T3BlbkFJ{''.join(rng.choice(alphabet) for _ in range(20))}"


_AREA_CODES = ("212", "312", "415", "617", "206", "303", "512", "404", "702", "919")


def _phone(rng: random.Random) -> str:
    area = rng.choice(_AREA_CODES)
    line = f"{rng.randint(200, 989)}-{rng.randint(1000, 9999)}"
    shape = rng.choice(["({a}) {l}", "{a}-{l}", "+1 {a} {l}"])
    return shape.format(a=area, l=line)


def generate(out: Path, users: int = 500, seed: int = 7) -> Planted:
    rng = random.Random(seed)
    fake = Faker("en_US")
    fake.seed_instance(seed)
    out.mkdir(parents=True, exist_ok=True)
    planted = Planted(users=users)

    people = []
    for uid in range(1, users + 1):
        people.append(
            {
                "user_id": f"U{uid:06d}",
                "full_name": f"{fake.first_name()} {fake.last_name()}",
                "email": fake.unique.email(),
                "phone": _phone(rng),
                "street_address": fake.street_address(),
                "city": fake.city(),
                # between the demo's dates, not Faker's today: same seed, same data on any day
                "birth_date": fake.date_between_dates(_OLDEST, _YOUNGEST).isoformat(),
                "card_number": fake.credit_card_number(
                    card_type=rng.choice(["visa16", "mastercard", "amex", "discover"])
                ),
                "signup_ip": fake.ipv4_public(),
                "loyalty_tier": rng.choice(["bronze", "silver", "gold"]),
                "postcode": rng.choice(_POSTCODES),
                "gender": rng.choice(["f", "m", "f", "m", "x"]),
                "country": "DE",
                "signup_at": _at(rng, 1, 1000).isoformat(),
                "consent_purposes": rng.choices(_CONSENT, weights=(5, 3, 1, 1))[0],
            }
        )
    pl.DataFrame(people).write_csv(out / "users.csv")
    refused = {p["user_id"] for p in people if PURPOSE not in str(p["consent_purposes"])}
    planted.users_without_consent = len(refused)

    orders = []
    for oid in range(1, users * 3 + 1):
        person = rng.choice(people)
        stale = rng.random() < 0.05
        planted.stale_orders += stale
        planted.orders_without_consent += person["user_id"] in refused
        orders.append(
            {
                "order_id": f"ORD-2024-{oid:06d}",
                "user_id": person["user_id"],
                "sku": f"SKU-{rng.randint(10000, 99999)}-{rng.choice(['S', 'M', 'L', 'XL'])}",
                "quantity": rng.randint(1, 5),
                "price": round(rng.uniform(3, 300), 2),
                "status": rng.choice(["shipped", "delivered", "returned"]),
                "ordered_at": _at(rng, 731, 1500)
                if stale
                else _at(rng, 0, ORDER_RETENTION_DAYS - 1),
            }
        )
    pl.DataFrame(orders).write_parquet(out / "orders.parquet")

    with (out / "reviews.jsonl").open("w", encoding="utf-8") as fh:
        for rid in range(1, users + 1):
            person = rng.choice(people)
            roll = rng.random()
            base = rng.choice(_CLEAN_REVIEWS)
            if roll < 0.08:
                text = f"{base} Questions? Write to me at {person['email']}."
                planted.review_emails += 1
            elif roll < 0.14:
                text = f"{base} The courier never called, my phone is {person['phone']}."
                planted.review_phones += 1
            elif roll < 0.20:
                text = f"{base} Regards, {person['full_name']}"
                planted.review_names += 1
            elif rid == users // 2:
                text = f"{base} btw the api kept failing until I used key {_fake_key(rng)} lol"
                planted.review_keys += 1
            elif roll < 0.26:
                text = rng.choice(_SPECIAL)
                planted.review_special += 1
            else:
                text = base
            age = rng.random()
            created: str
            if age < 0.1:
                created = _at(rng, REVIEW_RETENTION_DAYS + 1, 400).isoformat()
                planted.stale_reviews += 1
            elif age < 0.12:
                created = rng.choice(["n/a", "31/02/2025", "yesterday"])
                planted.unparseable_review_dates += 1
            else:
                created = _at(rng, 0, REVIEW_RETENTION_DAYS - 1).isoformat()
            planted.reviews_without_consent += person["user_id"] in refused
            fh.write(
                json.dumps(
                    {
                        "review_id": rid,
                        "user_id": person["user_id"],
                        "product_id": f"P{rng.randint(100, 999)}",
                        "rating": rng.randint(1, 5),
                        "text": text,
                        "created_at": created,
                    }
                )
                + "\n"
            )

    config = (
        "# payment service settings (demo)\n"
        "import os\n\n"
        "TIMEOUT_SECONDS = 30\n"
        f'OPENAI_API_KEY = "{_fake_key(rng)}"\n'
        'DATABASE_URL = os.environ.get("DATABASE_URL")\n'
    )
    (out / "settings.py").write_text(config, encoding="utf-8")
    planted.config_keys = 1
    planted.files = ["users.csv", "orders.parquet", "reviews.jsonl", "settings.py"]
    return planted


def write_policy(path: Path) -> Path:
    """The starter policy with the demo's reference date, so the demo report is reproducible."""
    from clearance.audit.policy import STARTER

    text = STARTER.replace(
        "# reference_date: 2026-01-31", f"reference_date: {REFERENCE_DATE.isoformat()}"
    )
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path
