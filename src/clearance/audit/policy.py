"""Policy as code: ``clearance.yaml`` declares what the data may be used for and the limits the
audit checks against. Built-in profiles (``gdpr``, ``ccpa``) supply defaults that the file
overrides key by key.

Every error names the file, the key path, the bad value and what is allowed: a privacy officer
edits this file, not a developer.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
    model_validator,
)

from clearance.core.severity import Severity
from clearance.errors import PolicyError
from clearance.io.policy_files import read_policy_file, validation_error

Profile = Literal["gdpr", "ccpa", "none"]


class _Model(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class TablePolicy(_Model):
    timestamp: str | None = Field(
        default=None, description="column holding the record's creation time"
    )
    retention_days: int | None = Field(
        default=None, ge=0, description="records older than this are past retention"
    )
    subject_key: str | None = Field(
        default=None, description="overrides the dataset-wide subject key for this table"
    )
    quasi_identifiers: list[str] | None = Field(
        default=None, description="overrides the automatic choice; [] disables the check"
    )
    sensitive_attributes: list[str] = Field(
        default_factory=list, description="columns whose l-diversity is measured"
    )
    features: list[str] | None = Field(
        default=None, description="columns the purpose needs (minimization); None: not declared"
    )
    kind: Literal["data", "system_logs"] = Field(
        default="data",
        description="system_logs: automatically generated logs of the AI system (EU AI Act "
        "Art. 19 / 26(6): kept at least six months when the system is high-risk)",
    )
    ai_act_log_retention_override: str | None = Field(
        default=None,
        min_length=1,
        description="why a retention under six months for these logs is lawful (e.g. other "
        "Union or national law); recorded in every retention record",
    )


class ConsentPolicy(_Model):
    table: str
    column: str = Field(
        description="a boolean column (consent for the purpose) or a text/list column of purposes"
    )
    subject_key: str | None = None
    separator: str = Field(default=",", description="separator in a text column of purposes")
    snapshot_date: date | None = Field(
        default=None,
        description="when the dataset was extracted: a withdrawal recorded after it "
        "(withdrawn_at, as `clearance consent import` writes) is flagged on its own",
    )
    withdrawn_at: str = Field(
        default="withdrawn_at", description="the consent table's withdrawal time column"
    )


class EntityPolicy(_Model):
    forbidden: list[str] = Field(
        default_factory=list, description="entity types the purpose must not receive (critical)"
    )
    allowed: list[str] = Field(
        default_factory=list, description="entity types the purpose may receive (reported as info)"
    )

    @field_validator("forbidden", "allowed", mode="after")
    @classmethod
    def _upper(cls, value: list[str]) -> list[str]:
        return [e.strip().upper() for e in value]


OperatorName = Literal[
    "mask", "placeholder", "pseudonym", "encrypt", "generalize", "date_shift", "drop", "keep"
]
Generalization = Literal["month", "year", "age_band", "prefix"]


class RedactOperator(_Model):
    """How ``clearance redact`` replaces a value: ``EMAIL_ADDRESS: placeholder`` or a mapping
    ``{op: mask, keep: 2}``, ``{op: generalize, to: age_band, band: 10}``."""

    op: OperatorName
    keep: int = Field(default=4, ge=0, description="mask: characters kept; prefix: characters")
    to: Generalization | None = Field(default=None, description="generalize: the coarser form")
    band: int = Field(default=10, ge=1, description="generalize to age_band: years per band")
    max_days: int = Field(
        default=30, ge=1, le=3650, description="date_shift: the largest shift, in days"
    )

    @model_validator(mode="before")
    @classmethod
    def _shorthand(cls, value: Any) -> Any:
        return {"op": value} if isinstance(value, str) else value

    @model_validator(mode="after")
    def _generalization(self) -> RedactOperator:
        if self.op == "generalize" and self.to is None:
            raise ValueError("op generalize needs 'to': month, year, age_band or prefix")
        if self.op != "generalize" and self.to is not None:
            raise ValueError("'to' goes with op: generalize only")
        return self


class RedactPolicy(_Model):
    """Operators for ``clearance redact``, per entity type and per column (a column's operator
    wins over its entity type's). Unnamed: placeholders in free text, keyed pseudonyms for
    identifier columns."""

    entities: dict[str, RedactOperator] = Field(default_factory=dict)
    columns: dict[str, RedactOperator] = Field(default_factory=dict)

    @field_validator("entities", mode="after")
    @classmethod
    def _upper(cls, value: dict[str, RedactOperator]) -> dict[str, RedactOperator]:
        for op in value.values():
            if op.op == "date_shift":
                # the shift is keyed by the row's subject: a span in free text has no row
                raise ValueError("op date_shift goes under redact.columns (it needs the row)")
        return {k.strip().upper(): v for k, v in value.items()}


class DpBounds(_Model):
    """Public bounds of a numeric column for ``clearance dp``: values are clamped to them, so
    they must come from knowledge of the domain (an age is 0-120), never from the data."""

    lower: float = Field(allow_inf_nan=False)
    upper: float = Field(allow_inf_nan=False)

    @model_validator(mode="after")
    def _ordered(self) -> DpBounds:
        if not self.lower < self.upper:
            raise ValueError("lower must be below upper")
        return self


class DpDataset(_Model):
    """The privacy budget of one dataset (every release of ``clearance dp`` on it, summed) and
    the bounds of its numeric columns."""

    epsilon: float = Field(gt=0, allow_inf_nan=False, description="total epsilon of all releases")
    delta: float = Field(default=0.0, ge=0, lt=1, description="total delta of all releases")
    columns: dict[str, DpBounds] = Field(default_factory=dict)


class DpPolicy(_Model):
    """``dp:``: per dataset (its name: the data file's stem or the query file's ``dataset``)."""

    datasets: dict[str, DpDataset] = Field(default_factory=dict)


HierarchyKind = Literal["numeric", "date", "postcode", "category"]
Granularity = Literal["day", "month", "year"]


class Hierarchy(_Model):
    """How ``clearance anonymize`` may coarsen one quasi-identifier: numbers into ranges (snapped
    to multiples of ``width`` when given), dates to a ``granularity``, postcodes to a prefix (at
    most ``digits`` leading characters ever shown), categories into named ``groups`` (each group lists
    values or other groups' names, so groups nest; without groups, a set of values)."""

    type: HierarchyKind
    width: float | None = Field(default=None, gt=0, description="numeric: bin width")
    granularity: Granularity = Field(default="day", description="date: the finest unit shown")
    digits: int | None = Field(default=None, ge=1, description="postcode: most leading characters")
    groups: dict[str, list[str]] | None = Field(
        default=None, description="category: group name -> its values and subgroups"
    )

    @model_validator(mode="after")
    def _fits(self) -> Hierarchy:
        given = {
            "width": self.width is not None,
            "granularity": "granularity" in self.model_fields_set,
            "digits": self.digits is not None,
            "groups": self.groups is not None,
        }
        allowed = {"numeric": "width", "date": "granularity", "postcode": "digits"}
        allowed["category"] = "groups"
        for key, present in given.items():
            if present and allowed[self.type] != key:
                raise ValueError(f"'{key}' does not go with type {self.type}")
        return self


class AnonymizePolicy(_Model):
    """Defaults of ``clearance anonymize``: the hierarchy of each quasi-identifier column and
    the largest share of records that may be suppressed."""

    max_suppression: float = Field(default=0.05, ge=0, le=1)
    hierarchies: dict[str, Hierarchy] = Field(default_factory=dict)


class ApprovalPolicy(_Model):
    """Who may sign off a run (``clearance approve RUN_ID --role ROLE``): each role and the
    users (``CLEARANCE_USER`` or the OS user) who hold it. No role: nobody may approve."""

    roles: dict[str, list[str]] = Field(
        default_factory=dict, description="role (privacy-officer, model-risk, security) -> users"
    )
    required: dict[Literal["training", "deployment"], list[str]] = Field(
        default_factory=dict,
        description="the roles whose approval `clearance gate training|deployment` requires",
    )

    @model_validator(mode="after")
    def _required_roles_exist(self) -> ApprovalPolicy:
        for gate, needed in self.required.items():
            unknown = [r for r in needed if r not in self.roles]
            if unknown:
                raise ValueError(f"required.{gate}: {unknown[0]} is not one of roles")
        return self


ANY = "*"
_TAG = r"^[A-Za-z0-9][A-Za-z0-9_.:/-]{0,127}$|^\*$"
_RULE_ID = r"^[A-Za-z0-9][A-Za-z0-9_.:-]{0,63}$"


class AccessRule(_Model):
    """One allow or deny rule of ``clearance access check``: the roles it concerns, the dataset
    tags it applies to (a dataset carrying any of them) and the purposes; ``*`` for any."""

    id: str = Field(pattern=_RULE_ID, description="names the rule in decisions and exports")
    effect: Literal["allow", "deny"]
    roles: list[str] = Field(min_length=1, description="roles it concerns; * for every role")
    tags: list[Annotated[str, Field(pattern=_TAG)]] = Field(
        min_length=1, description="dataset tags it applies to; * for any dataset"
    )
    purposes: list[str] = Field(
        default_factory=lambda: [ANY], min_length=1, description="purposes; * for any"
    )
    description: str = Field(default="", max_length=500)


class AccessPolicy(_Model):
    """Tag-based access decisions (``clearance access check|export``): who holds which role,
    and the rules. Deny wins; a dataset tagged with a special category is denied unless an
    allow rule names that tag itself (``*`` never opens it); anything no rule allows is
    denied."""

    users: dict[str, list[str]] = Field(
        default_factory=dict,
        description="user (CLEARANCE_USER or the OS user) -> roles; approvals.roles add theirs",
    )
    rules: list[AccessRule] = Field(default_factory=list)
    special_categories: list[Annotated[str, Field(pattern=_TAG)]] = Field(
        default_factory=lambda: ["special-category"],
        description="tags only an allow rule naming them opens (default deny)",
    )

    @model_validator(mode="after")
    def _unique_ids(self) -> AccessPolicy:
        seen: set[str] = set()
        for rule in self.rules:
            if rule.id in seen:
                raise ValueError(f"rules: the id {rule.id} is used twice")
            seen.add(rule.id)
        return self


# Entity types a named-entity model adds to the registry's (clearance.detection.ner).
_NER_ONLY_ENTITIES = frozenset({"NRP"})


def _check_entities(policy: Policy, source: str) -> None:
    """An unknown entity type in ``entities.forbidden`` would let that data through unnoticed:
    refuse it, with the closest known names and how to list them all."""
    from difflib import get_close_matches

    from clearance.detection.registry import default_registry

    known = set(default_registry().entities) | _NER_ONLY_ENTITIES
    named = [("entities.forbidden", e) for e in policy.entities.forbidden]
    named += [("entities.allowed", e) for e in policy.entities.allowed]
    # redact.entities: a misspelt type would leave that type on its default operator unnoticed
    named += [("redact.entities", e) for e in policy.redact.entities]
    for key, entity in named:
        if entity in known:
            continue
        close = get_close_matches(entity, sorted(known), n=3, cutoff=0.5)
        hint = f"did you mean {', '.join(close)}? " if close else ""
        raise PolicyError(
            f"{source}: {key}: unknown entity type {entity!r}; {hint}"
            "`clearance rules` lists the known entity types"
        )


class Policy(_Model):
    version: Literal[1] = 1
    profile: Profile = "gdpr"
    purpose: str = Field(default="model-training", min_length=1)
    subject_key: str | None = Field(
        default=None, description="column that links tables to a data subject; None: detect"
    )
    reference_date: date | None = Field(
        default=None, description="'today' for retention; None: the date the audit runs"
    )
    k: int = Field(default=5, ge=1, description="k-anonymity threshold")
    l: int = Field(default=2, ge=1, description="l-diversity threshold")  # noqa: E741
    fail_on: Severity = Severity.HIGH
    min_score: float = Field(default=0.5, ge=0, le=1)
    tables: dict[str, TablePolicy] = Field(default_factory=dict)
    consent: ConsentPolicy | None = None
    entities: EntityPolicy = Field(default_factory=EntityPolicy)
    default_retention_days: int | None = Field(default=None, ge=0)
    redact: RedactPolicy = Field(default_factory=RedactPolicy)
    ai_act_risk: Literal["minimal", "limited", "high"] | None = Field(
        default=None,
        description="risk class of the AI system the data serves (EU AI Act); high: its "
        "system_logs tables must be kept at least six months",
    )
    dp: DpPolicy = Field(default_factory=DpPolicy)
    anonymize: AnonymizePolicy = Field(default_factory=AnonymizePolicy)
    approvals: ApprovalPolicy = Field(default_factory=ApprovalPolicy)
    access: AccessPolicy = Field(default_factory=AccessPolicy)

    @model_validator(mode="after")
    def _access_roles_exist(self) -> Policy:
        # a misspelt role in a rule would silently never match: refuse it
        known = set(self.approvals.roles) | {r for rs in self.access.users.values() for r in rs}
        for n, rule in enumerate(self.access.rules):
            unknown = [r for r in rule.roles if r != ANY and r not in known]
            if unknown:
                raise ValueError(
                    f"access.rules.{n}.roles: {unknown[0]} is held by no user "
                    "(access.users, approvals.roles)"
                )
        return self

    @field_validator("fail_on", mode="before")
    @classmethod
    def _severity(cls, value: Any) -> Any:
        return Severity.parse(value) if isinstance(value, str) else value

    def table(self, name: str) -> TablePolicy:
        return self.tables.get(name, TablePolicy())

    def today(self) -> date:
        """'Today' for retention: ``reference_date``, else the current UTC date (one rule for
        the audit and ``clearance retention apply``)."""
        return self.reference_date or datetime.now(UTC).date()

    def retention_days(self, table: str) -> int | None:
        days = self.table(table).retention_days
        return days if days is not None else self.default_retention_days


# Defaults per profile. GDPR sets no number for k; 5 is the common floor in health-data practice
# (and the ICO / EMA guidance examples); CCPA "deidentified" has no k either, so both use 5.
_PROFILES: dict[str, dict[str, Any]] = {
    "gdpr": {"k": 5, "l": 2, "fail_on": "high", "default_retention_days": None},
    "ccpa": {"k": 5, "l": 2, "fail_on": "high", "default_retention_days": None},
    "none": {},
}


def policy_from_mapping(data: dict[str, Any], source: str = "<policy>") -> Policy:
    if not isinstance(data, dict):
        raise PolicyError(f"{source}: the policy must be a mapping of keys to values")
    profile = data.get("profile", "gdpr")
    if profile not in _PROFILES:
        allowed = ", ".join(sorted(_PROFILES))
        raise PolicyError(f"{source}: profile: {profile!r} is not allowed; allowed: {allowed}")
    merged = {**_PROFILES[profile], **data}
    try:
        policy = Policy.model_validate(merged)
    except ValidationError as exc:
        raise validation_error(source, exc, Policy) from None
    except ValueError as exc:  # Severity.parse inside a validator
        raise PolicyError(f"{source}: {exc}") from None
    _check_entities(policy, source)
    return policy


def load_policy(path: Path | None) -> Policy:
    """The policy at ``path``; ``None`` gives the GDPR profile's defaults."""
    if path is None:
        return policy_from_mapping({})
    return policy_from_mapping(read_policy_file(path) or {}, str(path))


STARTER = """\
# clearance policy: what this dataset may be used for, and the limits the audit checks.
# Reference: README.md, section "Policy". Every key is optional; the profile fills the rest.
version: 1
profile: gdpr            # gdpr | ccpa | none: defaults for k, l, fail_on and retention
purpose: model-training  # the purpose the data is cleared for (consent is checked against it)

# The column that links every table to a data subject. Leave it out to detect it from
# column names and value overlap.
subject_key: user_id

k: 5                     # k-anonymity: every quasi-identifier combination shared by >= k records
l: 2                     # l-diversity: >= l distinct sensitive values in each such class
fail_on: high            # the gate: exit code 1 when a finding is at or above this severity
# reference_date: 2026-01-31   # 'today' for retention checks (default: the day the audit runs)

# Where consent lives: a boolean column (consent for the purpose) or a list of purposes.
consent:
  table: users
  column: consent_purposes
  separator: ","

# Entity types the purpose must not receive (critical) or may receive (info).
entities:
  forbidden: [CREDIT_CARD, US_SSN, IBAN_CODE]
  allowed: []

# Per table: timestamp and retention, quasi-identifiers and sensitive attributes (overrides of
# the automatic choice), and the features the purpose needs (everything else carrying
# identifiers is a minimisation finding).
tables:
  users:
    quasi_identifiers: [postcode, birth_date, gender, city]
    sensitive_attributes: []
    features: [user_id, country, signup_at]
  orders:
    timestamp: ordered_at
    retention_days: 730
  reviews:
    timestamp: created_at
    retention_days: 90
    features: [user_id, product_id, rating, text, created_at]
"""
