"""IAM and resource policy documents of the bootstrap, as plain dicts (pure functions).

Everything here takes resolved strings, so tests and the policy pack read the same documents the
program serialises with ``json.dumps``. The pieces: ``document`` (format, limits, the account),
``trust`` (who assumes the CI roles), ``state`` (state bucket, secrets key, state access),
``grants`` (the permission tables as statements), ``role_policies`` (the deploy, preview and
drift roles' policies), ``boundary`` (the ceiling of the stacks' roles).
"""

from bootstrap.iam_documents.boundary import boundary_policy
from bootstrap.iam_documents.document import (
    MANAGED_POLICIES_PER_ROLE,
    MANAGED_POLICY_MAX_CHARS,
    VERSION,
    Account,
    compact_json,
    document,
)
from bootstrap.iam_documents.grants import grant_statements, merge_statements, other_stacks_guard
from bootstrap.iam_documents.role_policies import (
    POLICY_GROUPS,
    deploy_policies,
    drift_policies,
    pass_role_statement,
    preview_policy,
)
from bootstrap.iam_documents.state import (
    SECRETS_CONTEXT_KEY,
    secrets_key_policy,
    state_bucket_policy,
    state_statements,
)
from bootstrap.iam_documents.trust import github_trust_policy

__all__ = [
    "MANAGED_POLICIES_PER_ROLE",
    "MANAGED_POLICY_MAX_CHARS",
    "POLICY_GROUPS",
    "SECRETS_CONTEXT_KEY",
    "VERSION",
    "Account",
    "boundary_policy",
    "compact_json",
    "deploy_policies",
    "document",
    "drift_policies",
    "github_trust_policy",
    "grant_statements",
    "merge_statements",
    "other_stacks_guard",
    "pass_role_statement",
    "preview_policy",
    "secrets_key_policy",
    "state_bucket_policy",
    "state_statements",
]
