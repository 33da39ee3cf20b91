"""A seeded, realistic e-commerce dataset with planted PII and one leaked key.

users.csv (direct identifiers in columns), orders.parquet (clean control columns: sku, quantity,
price), reviews.jsonl (free text, some reviews carrying an e-mail, a phone number, a name or a key)
and a config file with a hard-coded credential. ``generate`` returns what it planted so tests can
check that a scan finds exactly that.
"""

from __future__ import annotations

import json
import random
import string
from dataclasses import dataclass, field
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
    users: int = 0
    files: list[str] = field(default_factory=list)


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
                "birth_date": fake.date_of_birth(minimum_age=18, maximum_age=85).isoformat(),
                "card_number": fake.credit_card_number(
                    card_type=rng.choice(["visa16", "mastercard", "amex", "discover"])
                ),
                "signup_ip": fake.ipv4_public(),
                "loyalty_tier": rng.choice(["bronze", "silver", "gold"]),
                "marketing_consent": rng.choice(["yes", "no"]),
            }
        )
    pl.DataFrame(people).write_csv(out / "users.csv")

    orders = []
    for oid in range(1, users * 3 + 1):
        person = rng.choice(people)
        orders.append(
            {
                "order_id": f"ORD-2024-{oid:06d}",
                "user_id": person["user_id"],
                "sku": f"SKU-{rng.randint(10000, 99999)}-{rng.choice(['S', 'M', 'L', 'XL'])}",
                "quantity": rng.randint(1, 5),
                "price": round(rng.uniform(3, 300), 2),
                "status": rng.choice(["shipped", "delivered", "returned"]),
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
            else:
                text = base
            fh.write(
                json.dumps(
                    {
                        "review_id": rid,
                        "user_id": person["user_id"],
                        "rating": rng.randint(1, 5),
                        "text": text,
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
