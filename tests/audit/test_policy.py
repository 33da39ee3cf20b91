from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from clearance.audit.policy import STARTER, load_policy, policy_from_mapping
from clearance.core.severity import Severity
from clearance.errors import PolicyError


def test_redact_operators_by_name_or_mapping() -> None:
    redact = policy_from_mapping(
        {
            "redact": {
                "entities": {"email_address": "mask"},
                "columns": {"users.dob": {"op": "generalize", "to": "age_band", "band": 5}},
            }
        }
    ).redact
    assert redact.entities["EMAIL_ADDRESS"].op == "mask"
    assert redact.entities["EMAIL_ADDRESS"].keep == 4
    dob = redact.columns["users.dob"]
    assert (dob.op, dob.to, dob.band) == ("generalize", "age_band", 5)
    assert policy_from_mapping({}).redact.columns == {}


def test_starter_policy_is_valid_and_commented() -> None:
    policy = policy_from_mapping(yaml.safe_load(STARTER))
    assert policy.purpose == "model-training"
    assert policy.table("reviews").retention_days == 90
    assert policy.consent is not None and policy.consent.table == "users"
    assert sum(line.lstrip().startswith("#") for line in STARTER.splitlines()) >= 10


def test_profile_defaults_and_overrides() -> None:
    assert policy_from_mapping({}).k == 5
    assert policy_from_mapping({"profile": "ccpa", "k": 11}).k == 11
    assert policy_from_mapping({"fail_on": "CRITICAL"}).fail_on is Severity.CRITICAL
    assert policy_from_mapping({}).retention_days("anything") is None
    assert policy_from_mapping({"default_retention_days": 30}).retention_days("x") == 30


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        ({"k": 0}, "clearance.yaml: k: 0 (Input should be greater than or equal to 1)"),
        ({"profile": "hipaa"}, "profile: 'hipaa' is not allowed; allowed: ccpa, gdpr, none"),
        ({"fail_on": "severe"}, "allowed: info, low, medium, high, critical"),
        ({"tables": {"users": {"retention_days": "x"}}}, "tables.users.retention_days: 'x'"),
        (
            {"colour": 1},
            "colour: unknown key; allowed here: access, ai_act_risk, anonymize, approvals,",
        ),
        (
            {"tables": {"u": {"retention": 3}}},
            "allowed here: ai_act_log_retention_override, features, kind, quasi_identifiers",
        ),
        ({"consent": {"table": "users"}}, "consent.column: (Field required)"),
        ({"version": 2}, "version: 2 is not allowed; allowed: 1"),
        (
            {"redact": {"entities": {"EMAIL": "mask"}}},
            "redact.entities: unknown entity type 'EMAIL'; did you mean EMAIL_ADDRESS?",
        ),
        ({"redact": {"columns": {"email": "hash"}}}, "redact.columns.email.op: 'hash' is not"),
        ({"redact": {"columns": {"dob": {"op": "generalize"}}}}, "generalize needs 'to'"),
        ({"redact": {"columns": {"x": {"op": "mask", "to": "year"}}}}, "'to' goes with op"),
        ({"redact": {"columns": {"x": {"op": "mask", "kepe": 2}}}}, "band, keep, max_days, op, to"),
        (
            {"anonymize": {"hierarchies": {"age": {"type": "numeric", "digits": 3}}}},
            "anonymize.hierarchies.age: (Value error, 'digits' does not go with type numeric)",
        ),
        ({"anonymize": {"max_suppression": 2}}, "anonymize.max_suppression: 2"),
        ({"anonymize": {"hierarchies": {"a": {"type": "zip"}}}}, "hierarchies.a.type: 'zip'"),
    ],
)
def test_errors_name_key_value_and_allowed(data: dict[str, object], expected: str) -> None:
    with pytest.raises(PolicyError) as info:
        policy_from_mapping(data, "clearance.yaml")
    message = str(info.value)
    assert expected in message
    assert message.startswith("clearance.yaml: ")
    assert "\n" not in message


def test_load_policy_file_errors(tmp_path: Path) -> None:
    bad = tmp_path / "p.yaml"
    bad.write_text("k: [1,\n  2\nl: 3\n")
    with pytest.raises(PolicyError, match=r"p\.yaml: not valid YAML \(line \d+\)"):
        load_policy(bad)
    with pytest.raises(PolicyError, match="cannot read the policy"):
        load_policy(tmp_path / "missing.yaml")
    listed = tmp_path / "list.yaml"
    listed.write_text("- a\n- b\n")
    with pytest.raises(PolicyError, match="must be a mapping"):
        load_policy(listed)
    empty = tmp_path / "empty.yaml"
    empty.write_text("")
    assert load_policy(empty).k == 5


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b"version: 1\nk: \xff\xfe\n", "not UTF-8"),
        (b"version: 1\nreference_date: 2024-13-45\n", "reference_date: '2024-13-45'"),
        (b"version: 1\nk: 2024-01-01\n", "k: '2024-01-01'"),
    ],
)
def test_bad_encoding_and_dates_are_policy_errors(
    tmp_path: Path, content: bytes, expected: str
) -> None:
    path = tmp_path / "clearance.yaml"
    path.write_bytes(content)
    with pytest.raises(PolicyError, match=expected) as caught:
        load_policy(path)
    assert str(path) in str(caught.value) and "\n" not in str(caught.value)


def test_dp_budgets_and_bounds() -> None:
    policy = policy_from_mapping(
        {"dp": {"datasets": {"sales": {"epsilon": 2, "columns": {"a": {"lower": 0, "upper": 9}}}}}}
    )
    sales = policy.dp.datasets["sales"]
    assert (sales.epsilon, sales.delta, sales.columns["a"].upper) == (2.0, 0.0, 9.0)
    with pytest.raises(PolicyError, match=r"dp\.datasets\.sales\.epsilon"):
        policy_from_mapping({"dp": {"datasets": {"sales": {"epsilon": 0}}}})
    with pytest.raises(PolicyError, match="lower must be below upper"):
        policy_from_mapping(
            {"dp": {"datasets": {"s": {"epsilon": 1, "columns": {"a": {"lower": 1, "upper": 1}}}}}}
        )
