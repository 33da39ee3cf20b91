"""The fairness policy (``fairness.yaml``): which attributes are protected and how they are
derived, the reference groups, the statistical settings and the thresholds of the verdict.
Command-line flags override it key by key. Errors name the file, the key path and what is
allowed, like the dataset policy's."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from clearance.errors import PolicyError
from clearance.fairness.derivation import Derivation
from clearance.io.policy_files import read_policy_file, validation_error


class _Model(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Thresholds(_Model):
    demographic_parity_ratio: float = Field(
        default=0.8, ge=0, le=1, description="four-fifths rule: lowest acceptable ratio"
    )
    equalized_odds_difference: float | None = Field(
        default=None, ge=0, le=1, description="highest acceptable difference; None: not checked"
    )


class ProxySettings(_Model):
    enabled: bool = True
    mi_threshold: float = Field(default=0.05, ge=0)
    auc_threshold: float = Field(default=0.65, ge=0.5, le=1)


class FairnessPolicy(_Model):
    version: Literal[1] = 1
    target: str | None = None
    favourable: str | int | bool = 1
    prediction: str | None = None
    score: str | None = None
    sensitive: list[str] = Field(default_factory=list)
    derive: dict[str, Derivation] = Field(default_factory=dict)
    reference: dict[str, str] = Field(
        default_factory=dict, description="attribute -> reference group; default: highest rate"
    )
    missing: Literal["group", "drop"] = "group"
    intersections: bool = True
    min_group_size: int = Field(default=30, ge=1)
    alpha: float = Field(default=0.05, gt=0, lt=1)
    correction: Literal["holm", "bh"] = "holm"
    bootstrap: int = Field(default=1000, ge=0, description="resamples; 0 disables intervals")
    seed: int = 0
    thresholds: Thresholds = Field(default_factory=Thresholds)
    proxies: ProxySettings = Field(default_factory=ProxySettings)
    reasons: dict[str, str] = Field(
        default_factory=dict, description="feature -> adverse-action reason text"
    )
    features: list[str] | None = None


def fairness_policy_from_mapping(data: Any, source: str = "<policy>") -> FairnessPolicy:
    if not isinstance(data, dict):
        raise PolicyError(f"{source}: the policy must be a mapping of keys to values")
    try:
        return FairnessPolicy.model_validate(data)
    except ValidationError as exc:
        raise validation_error(source, exc, FairnessPolicy) from None


def load_fairness_policy(path: Path | None) -> FairnessPolicy:
    if path is None:
        return FairnessPolicy()
    return fairness_policy_from_mapping(read_policy_file(path) or {}, str(path))


GERMAN_POLICY = """\
# clearance fairness policy for the German credit demo.
version: 1
target: credit            # 1 = good credit (favourable), 2 = bad
favourable: 1
sensitive: [sex, age_group]
derive:                   # German credit folds sex into personal_status_sex; age needs bins
  sex:
    source: personal_status_sex
    map: {A91: male, A93: male, A94: male, A92: female, A95: female}
  age_group:
    source: age
    bins: {edges: [0, 25, .inf], labels: ["<25", ">=25"], closed: left}   # 25 is >=25
reference: {}             # default: the group with the highest selection rate
missing: group            # missing sensitive values form their own group (or: drop)
min_group_size: 30        # smaller groups are "insufficient data", never ranked
alpha: 0.05
correction: holm          # holm | bh, across every comparison made
bootstrap: 1000
seed: 0
thresholds:
  demographic_parity_ratio: 0.8   # the four-fifths rule
reasons:
  checking_status: Status of existing checking account
  duration: Duration of credit is too long
  credit_history: Credit history
  credit_amount: Amount of credit requested is too high
  savings: Insufficient savings
  employment: Length of employment
  installment_rate: Installment rate too high relative to income
"""
