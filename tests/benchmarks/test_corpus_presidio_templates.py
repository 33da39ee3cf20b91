"""``benchmarks/corpus_presidio_templates.py``: spans exact by construction, address parts merged
into one span, a deterministic corpus whose tune and holdout splits share neither template nor
person record. The filling is tested on a small stand-in of presidio-evaluator's data folder; the
real files are tested where presidio-evaluator is installed (not in CI: a benchmarking aid)."""

from __future__ import annotations

import csv
import importlib.util
import random
import sys
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType

import pytest
from stdnum import iban as std_iban
from stdnum import luhn

BENCHMARKS = Path(__file__).resolve().parents[2] / "benchmarks"

COLUMNS = (
    "Number,Gender,NameSet,Title,GivenName,MiddleInitial,Surname,StreetAddress,City,State,"
    "StateFull,ZipCode,Country,CountryFull,EmailAddress,Username,Password,TelephoneNumber,"
    "TelephoneCountryCode,MothersMaiden,Birthday,Age,CCType,CCNumber,CVV2,CCExpires,NationalID,"
    "Occupation,Company,Domain"
).split(",")
# (gender, title, given, initial, surname, street, city, state, zip, country, email, phone)
PEOPLE = [
    ("female", "Ms.", "Ingrid", "K", "Solberg", "Algade 33", "Aalborg", "", "9000", "Denmark",
     "ingrid.s@example.dk", "28-64-27-85"),
    ("male", "Mr.", "Tomasz", "J", "Wrona", "1659 Hoog St", "Gdynia", "PM", "81-601", "Poland",
     "tw@example.pl", "67 788 02 83"),
    ("female", "Dr.", "Amaka", "O", "Eze", "96 rue de Penthièvre", "Lyon", "ARA", "69001",
     "France", "amaka@example.fr", "02.64.62.52.37"),
    ("male", "Mr.", "Kenji", "T", "Mori", "Via Pisanelli 104", "Bari", "BA", "70121", "Italy",
     "kenji@example.it", "0312 0828589"),
]  # fmt: skip
TEMPLATES = [
    "My name is {{prefix_female}} {{name_female}}, card {{credit_card_number}}",
    "{{person}}\\n\\n{{building_number}} {{street_name}}\\n {{secondary_address}}\\n {{city}}\\n"
    " {{country}} {{postcode}}",
    "The restaurant is at {{building_number}} {{street_name}}",
    "Born {{date_of_birth}}, IBAN {{iban}}, e-mail {{email}}",
    "{{first_name}} works for {{organization}} as {{job}}, aged {{age}}",
    "I'm so jealous! said {{first_name}} to {{first_name}}",
]


@pytest.fixture(scope="module")
def corpus() -> Iterator[ModuleType]:
    spec = importlib.util.spec_from_file_location(
        "corpus_presidio_templates", BENCHMARKS / "corpus_presidio_templates.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while building
    try:
        spec.loader.exec_module(module)
        yield module
    finally:
        del sys.modules[spec.name]


def _stand_in(folder: Path) -> Path:
    """A raw-data folder shaped like presidio-evaluator's, with invented records."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "templates.txt").write_text("\n".join(TEMPLATES) + "\n\n", encoding="utf-8")
    with (folder / "FakeNameGenerator.com_3000.csv").open("w", encoding="utf-8-sig") as fh:
        writer = csv.DictWriter(fh, fieldnames=COLUMNS)
        writer.writeheader()
        for n in range(40):
            g, title, first, mi, last, street, city, state, zipc, country, email, phone = PEOPLE[
                n % len(PEOPLE)
            ]
            row = dict.fromkeys(COLUMNS, "")
            row.update(
                Number=str(n + 1), Gender=g, Title=title, GivenName=first, MiddleInitial=mi,
                Surname=last, StreetAddress=street, City=city, State=state, ZipCode=zipc,
                CountryFull=country, EmailAddress=f"{n}.{email}", TelephoneNumber=phone,
                Birthday="3/29/1982", CCType="Visa" if n % 2 else "MasterCard",
                CCNumber="5.54563E+15", Occupation="Surveyor", Domain="Example.dk",
            )  # fmt: skip
            writer.writerow(row)
    (folder / "companies_and_organizations.csv").write_text(
        "organization\nAcme Widgets NV\n", encoding="utf-8"
    )
    (folder / "nationalities.csv").write_text(
        "country,nationality,man,woman,plural\ndenmark,danish,dane,dane,danes\n", encoding="utf-8"
    )
    (folder / "us_driver_licenses.csv").write_text(
        "us_driver_license\n6940579\nS530-460-99-424-0\n2270-66-1551\n4031276\n", encoding="utf-8"
    )
    return folder


def _fill(corpus: ModuleType, folder: Path, k: int, seed: int = 0) -> tuple[str, list[tuple]]:
    data = corpus.RawData.load(folder)
    rng = random.Random(seed)
    filler = corpus._Filler(rng, data, data.records, data.driver_licenses)
    text, spans = corpus.fill(data.templates[k], filler)
    return text, [(s["type"], text[s["start"] : s["end"]]) for s in spans]


def test_missing_data_raises_a_clear_error(corpus: ModuleType, tmp_path: Path) -> None:
    with pytest.raises(corpus.PresidioEvaluatorMissing, match=r"templates\.txt"):
        corpus.raw_data_dir(tmp_path)


def test_raw_data_found_under_the_package_folder(corpus: ModuleType, tmp_path: Path) -> None:
    raw = _stand_in(tmp_path / "presidio_evaluator" / "data_generator" / "raw_data")
    assert corpus.raw_data_dir(tmp_path / "presidio_evaluator") == raw
    assert corpus.raw_data_dir(tmp_path) == raw
    assert corpus.raw_data_dir(raw) == raw


def test_prefix_stays_outside_the_name_and_the_card_is_generated(
    corpus: ModuleType, tmp_path: Path
) -> None:
    text, spans = _fill(corpus, _stand_in(tmp_path), 0)
    (ptype, name), (ctype, card) = spans
    assert ptype == "PERSON" and name.split()[0] in {"Ingrid", "Amaka"}  # a woman's record
    assert text.startswith(f"My name is {'Ms.' if name.startswith('Ingrid') else 'Dr.'} {name},")
    assert ctype == "CREDIT_CARD" and luhn.is_valid(card.replace(" ", "").replace("-", ""))


def test_a_multi_line_address_is_one_span(corpus: ModuleType, tmp_path: Path) -> None:
    text, spans = _fill(corpus, _stand_in(tmp_path), 1)
    person, address = text.split("\n\n")
    assert spans == [("PERSON", person), ("LOCATION", address)]
    assert address.count("\n") == 3


def test_house_number_and_street_form_one_span(corpus: ModuleType, tmp_path: Path) -> None:
    text, spans = _fill(corpus, _stand_in(tmp_path), 2)
    assert spans == [("LOCATION", text.removeprefix("The restaurant is at "))]
    street = spans[0][1]
    assert any(street.split(" ", 1)[1] in p[5] or street in p[5] for p in PEOPLE)


def test_dates_identifiers_and_e_mail_are_labelled(corpus: ModuleType, tmp_path: Path) -> None:
    _, spans = _fill(corpus, _stand_in(tmp_path), 3)
    assert [t for t, _ in spans] == ["DATE_TIME", "IBAN_CODE", "EMAIL_ADDRESS"]
    assert spans[0][1] == "3/29/1982"
    assert std_iban.is_valid(spans[1][1])


def test_organization_job_and_age_are_unlabelled(corpus: ModuleType, tmp_path: Path) -> None:
    text, spans = _fill(corpus, _stand_in(tmp_path), 4)
    assert "Acme Widgets NV" in text and "Surveyor" in text
    assert [t for t, _ in spans] == ["PERSON"]


def test_a_repeated_field_takes_another_record(corpus: ModuleType, tmp_path: Path) -> None:
    folder = _stand_in(tmp_path)
    pairs = {tuple(v for _, v in _fill(corpus, folder, 5, seed)[1]) for seed in range(20)}
    assert any(a != b for a, b in pairs)


def test_stand_in_corpus_is_deterministic_and_split(corpus: ModuleType, tmp_path: Path) -> None:
    folder = _stand_in(tmp_path)
    docs = corpus.generate(60, seed=3, presidio_dir=folder)
    assert docs == corpus.generate(60, seed=3, presidio_dir=folder)
    assert docs != corpus.generate(60, seed=4, presidio_dir=folder)
    assert {d["split"] for d in docs} == {"tune", "holdout"}


# --------------------------------------------------------------------------------------------
# The real files of presidio-evaluator, where it is installed
# --------------------------------------------------------------------------------------------

needs_presidio_evaluator = pytest.mark.skipif(
    importlib.util.find_spec("presidio_evaluator") is None,
    reason="presidio-evaluator is not installed (benchmarking only: pip install --no-deps "
    "presidio-evaluator==0.3.2)",
)


@pytest.fixture(scope="module")
def real_docs(corpus: ModuleType) -> list[dict]:
    docs: list[dict] = corpus.generate(1500, seed=7)
    return docs


@needs_presidio_evaluator
def test_real_corpus_is_deterministic(corpus: ModuleType, real_docs: list[dict]) -> None:
    assert corpus.generate(200, seed=7) == real_docs[:200]


@needs_presidio_evaluator
def test_real_corpus_spans_are_exact(corpus: ModuleType, real_docs: list[dict]) -> None:
    for doc in real_docs:
        ends = 0
        for span in doc["spans"]:
            value = doc["text"][span["start"] : span["end"]]
            assert value and value == value.strip(), doc["id"]
            assert span["start"] >= ends, doc["id"]  # sorted, never overlapping
            ends = span["end"]
            if span["type"] == "CREDIT_CARD":
                assert luhn.is_valid(value.replace(" ", "").replace("-", ""))
            if span["type"] == "IBAN_CODE":
                assert std_iban.is_valid(value)
    types = {s["type"] for d in real_docs for s in d["spans"]}
    assert {"PERSON", "LOCATION", "DATE_TIME", "CREDIT_CARD", "US_SSN"} <= types


@needs_presidio_evaluator
def test_real_splits_share_no_template_and_no_record(
    corpus: ModuleType, real_docs: list[dict]
) -> None:
    data = corpus.RawData.load(corpus.raw_data_dir())
    splits = corpus.template_splits(data.templates)
    assert splits.count("tune") == round(0.4 * len(data.templates))
    kinds = {s: {d["kind"] for d in real_docs if d["split"] == s} for s in ("tune", "holdout")}
    assert kinds["tune"] and kinds["holdout"] and not kinds["tune"] & kinds["holdout"]
    # e-mail addresses are unique per record: each document's come from its own split's records
    email_split = {
        r["EmailAddress"]: corpus.split_of(f"record:{r['Number']}") for r in data.records
    }
    seen = set()
    for doc in real_docs:
        for span in doc["spans"]:
            if span["type"] == "EMAIL_ADDRESS":
                value = doc["text"][span["start"] : span["end"]]
                assert email_split[value] == doc["split"], doc["id"]
                seen.add(doc["split"])
    assert seen == {"tune", "holdout"}
