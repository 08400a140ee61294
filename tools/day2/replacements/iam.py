"""Who may do what: IAM roles and policies, and the KMS key."""

from __future__ import annotations

from tools.day2.replacements.row import TypeRow, type_row

IAM_ROWS: tuple[TypeRow, ...] = (
    type_row(
        "aws:iam/role:Role", "iam/role.go", "iam_role",
        "name", "namePrefix", "path",
        verified="0040ea6911af00bea2cca6dbb14e86829826ad8e",
    ),
    type_row(
        "aws:iam/rolePolicy:RolePolicy", "iam/role_policy.go", "iam_role_policy",
        "name", "namePrefix", "role", unique_key=("role", "name"),
    ),
    type_row(
        "aws:iam/rolePolicyAttachment:RolePolicyAttachment", "iam/role_policy_attachment.go",
        "iam_role_policy_attachment",
        "role", "policyArn", autoname=None, unique_key=("role", "policyArn"),
    ),
    type_row(
        "aws:kms/key:Key", "kms/key.go", "kms_key",
        "customerMasterKeySpec", "keyUsage", "multiRegion", "customKeyStoreId", "xksKeyId",
        autoname=None,
        on_replace="the old key is scheduled for deletion (deletionWindowInDays); what it "
        "encrypted must not need it after",
    ),
)  # fmt: skip
