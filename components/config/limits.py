"""What AWS and the project allow: the constants the validation rules check values against."""

from __future__ import annotations

from bootstrap.ci_permissions import MAIN_PROJECT

# Stack names end up in every physical name; an ALB name is at most 32 characters and Pulumi
# appends 8 ("-" + 7 random), so "ecs-fargate-<stack>-alb" leaves 8 for the stack (pitfall:
# lb-name-length).
MAX_STACK_NAME_LENGTH = 8

ENVIRONMENTS = ("dev", "staging", "prod")
REQUIRED_DEFAULT_TAGS = ("Project", "Environment", "ManagedBy", "Owner")
# Interface endpoints every private Fargate task needs without NAT (pitfall: required-endpoints).
REQUIRED_INTERFACE_ENDPOINTS = ("ecr.api", "ecr.dkr", "logs")
# How private tasks reach AWS (docs/ipv6-egress.md): through the interface endpoints above and no
# egress at all, or over IPv6 through an egress-only internet gateway, keeping only the logs
# endpoint (AWS does not document that Fargate's awslogs driver uses the dual-stack Logs endpoint).
EGRESS_ENDPOINTS = "endpoints"
EGRESS_IPV6_ONLY = "ipv6-egress-only"
EGRESS_MODES = (EGRESS_ENDPOINTS, EGRESS_IPV6_ONLY)
IPV6_EGRESS_INTERFACE_ENDPOINTS = ("logs",)
# The values CloudWatch Logs accepts for retentionInDays.
LOG_RETENTION_DAYS = (
    1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922,
    3288, 3653,
)  # fmt: skip
# Fargate task sizes: cpu units -> allowed memory MiB (pitfall: fargate-size).
FARGATE_SIZES: dict[int, tuple[int, ...]] = {
    256: (512, 1024, 2048),
    512: tuple(range(1024, 4097, 1024)),
    1024: tuple(range(2048, 8193, 1024)),
    2048: tuple(range(4096, 16385, 1024)),
    4096: tuple(range(8192, 30721, 1024)),
    8192: tuple(range(16384, 61441, 4096)),
    16384: tuple(range(32768, 122881, 8192)),
}
CAPACITY_PROVIDERS = ("FARGATE", "FARGATE_SPOT")
BOUNDARY_ARN = r"arn:aws[a-z-]*:iam::\d{12}:policy/[\w+=,.@/-]+"
BOUNDARY_NAME = r"[\w+=,.@-]{1,128}"
# The bootstrap's permissions boundary lets an execution role pull only from
# repository/<MAIN_PROJECT>-* in the deploying account and the stack's region (bootstrap/
# iam_documents.py boundary_policy, statement ExecutionRolePullsImages; a test holds the two
# together).
PULLABLE_REPOSITORY_PREFIX = f"{MAIN_PROJECT}-"


# Names reserved for examples (RFC 2606 section 2 and 3): a domain under one is a placeholder.
PLACEHOLDER_DOMAINS = ("example.com", "example.net", "example.org")
PLACEHOLDER_TLDS = ("example", "test", "invalid", "localhost")
# The docs' example zone id (Z0123456789EXAMPLE0AB) and its like; real ids are random.
PLACEHOLDER_ZONE_MARK = "EXAMPLE"


def is_placeholder_domain(name: str) -> bool:
    labels = name.lower().rstrip(".").split(".")
    return labels[-1] in PLACEHOLDER_TLDS or ".".join(labels[-2:]) in PLACEHOLDER_DOMAINS


def fargate_memories(memories: tuple[int, ...]) -> str:
    """``512, 1024, 2048`` or ``2048-8192 in steps of 1024``: the shortest true description."""
    steps = {b - a for a, b in zip(memories, memories[1:], strict=False)}
    if len(memories) <= 3 or len(steps) > 1:
        return ", ".join(map(str, memories))
    return f"{memories[0]}-{memories[-1]} in steps of {steps.pop()}"
