"""Who may assume the CI roles: GitHub's OIDC tokens for one exact repository subject."""

from __future__ import annotations

from typing import Any

from bootstrap.config import GITHUB_AUDIENCE, GITHUB_OIDC_HOST
from bootstrap.iam_documents.document import document


def github_trust_policy(provider_arn: str, subject: str) -> dict[str, Any]:
    """Trust one exact subject of one repository, with the audience pinned (pitfall: oidc-sub;
    policy rules IAM-13/IAM-14). StringEquals only: no wildcard can widen it."""
    return document(
        [
            {
                "Effect": "Allow",
                "Principal": {"Federated": provider_arn},
                "Action": "sts:AssumeRoleWithWebIdentity",
                "Condition": {
                    "StringEquals": {
                        f"{GITHUB_OIDC_HOST}:aud": GITHUB_AUDIENCE,
                        f"{GITHUB_OIDC_HOST}:sub": subject,
                    }
                },
            }
        ]
    )
