"""Cloud provider credentials."""

from __future__ import annotations

from clearance.detection.secrets._rule import secret

RULES = (
    secret(
        "aws-access-key-id",
        "AWS_ACCESS_KEY_ID",
        r"\b(?P<value>(?:AKIA|ASIA|ABIA|ACCA)[A-Z2-7]{16})\b",
        positives=("AKIAQYLPMN5HHHFPZAM2", "aws_access_key_id = ASIAY34FZKBOKMUTVV7A"),
        negatives=("AKIAIOSFODNN7EXAMPL", "akiaqylpmn5hhhfpzam2", "AKIA1234567890123456"),
        keywords=("akia", "asia", "abia", "acca"),
        description="AWS access key id (long-term AKIA or temporary ASIA).",
    ),
)
