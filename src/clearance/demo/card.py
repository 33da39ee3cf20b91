"""The demo's model card for the German credit model: what the demo knows is filled in (the
model, its data, what was measured), what only the model's owner can say is left blank, so
``card check`` names what a human still has to write."""

from __future__ import annotations

from pathlib import Path

from clearance.cards.build import build_card_paths
from clearance.cards.check import CheckReport, check_card_path
from clearance.cards.models import Regime
from clearance.cards.render import render_to
from clearance.io.outputs import write_atomic, write_outputs

REGIME: Regime = "eu-ai-act"

GERMAN_CARD = """\
# The demo's model card (EU AI Act: credit scoring is high-risk, Annex III 5(b)). What the demo
# knows is filled in; the blank sections are the owner's to write. Rebuild after editing:
#   clearance card build card.yaml --evidence fairness.json -o card.md -o card.html -o card.json
regime: eu-ai-act

model_details:
  name: German credit demo model
  description: >-
    Scores loan applications as good or bad credit risk; trained by `clearance demo` on the
    Statlog German Credit data to show the fairness audit. Not for real lending decisions.
  owners: []
  version: demo
  date: ""
  type: "scikit-learn pipeline: one-hot encoding, standard scaling, logistic regression"
  licence: ""
  contact: ""

intended_use:
  primary_uses: Demonstration of clearance's fairness audit and model card.
  primary_users: Model-risk and privacy officers trying clearance.
  out_of_scope_uses: Any real credit decision; the model is neither tuned nor validated.

factors:
  groups: Sex (derived from personal_status_sex) and age group (under 25, 25 and over).
  instrumentation: ""
  environments: ""

training_data:
  description: Statlog German Credit (1,000 applications, 1994), the full file.
  preprocessing: Coded attributes one-hot encoded, numeric attributes standardised.

evaluation_data:
  description: >-
    The training data itself (the demo has no held-out split): the measured rates are
    optimistic.
  preprocessing: ""

metrics:
  performance_measures: >-
    Selection rate, true and false positive rates, precision, accuracy, ROC AUC and
    calibration by group, with 95% bootstrap intervals; disparities against a reference group.
  decision_thresholds: The classifier's default (probability of good credit of at least 0.5).

quantitative_analysis: ""
fairness_considerations: ""
ethical_considerations: ""
limitations: ""
caveats_and_recommendations: ""

design:
  architecture: ""
  risk_management: ""

monitoring:
  plan: ""
  human_oversight: ""
  changes: ""

regulatory_context: ""
"""


def demo_card(folder: Path, evidence: Path) -> CheckReport:
    """Writes ``card.yaml``, builds ``card.md``, ``card.html`` and ``card.json`` from the
    fairness report ``evidence`` and the check ``card-check.json``; returns the check."""
    source = folder / "card.yaml"
    write_atomic(source, GERMAN_CARD)
    card = build_card_paths(source, [evidence])
    outputs = [folder / name for name in ("card.md", "card.html", "card.json")]
    write_outputs([(p, render_to(card, p)) for p in outputs])
    check = check_card_path(folder / "card.json", REGIME)
    write_atomic(folder / "card-check.json", render_to(check, folder / "card-check.json"))
    return check
