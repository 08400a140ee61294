"""Change impact (`make plan CHANGE=...`, docs/changes.md): the replace-forcing table covers the
stacks, each setting's change does what the provider would plan, replacements cascade, hazards are
flagged, and a bad CHANGE stops like a bad stack file."""

from __future__ import annotations

import inspect
import json
import re
import sys
from pathlib import Path
from typing import Any

import pulumi
import pulumi_aws
import pytest

from components.config import camel
from tests.support.graphs import config_with
from tests.support.paths import REPO_ROOT
from tests.support.renders import rendered
from tests.support.service import LOAD_BALANCER
from tools import plan
from tools.day2.cascade import diff_graphs
from tools.day2.change import parse_change
from tools.day2.changes_doc import changes_doc, traffic
from tools.day2.impact import render_examples
from tools.day2.impact_model import (
    ALB_VPC,
    CANNOT_COEXIST,
    IMMUTABLE_TAG,
    INTERRUPTS,
    IPV6_BLOCK_IN_USE,
    NEEDS_FORCE_NEW_DEPLOYMENT,
    PROTECTED,
    PROVIDER,
    RECONFIRM,
    ROLLBACK_USES,
    ExampleResult,
    Impact,
)
from tools.day2.replacements import (
    CHANGE_EXAMPLES,
    IMAGE_TYPE,
    OWN_COMPONENT_PREFIX,
    TABLE,
)
from tools.graph import Graph
from tools.offline import run_program

CHANGES_DOC = REPO_ROOT / "docs" / "changes.md"
# The settings issue 10 requires docs/changes.md to cover (app/ is the content under app/).
REQUIRED = (
    "cpuArchitecture", "cpu", "memory", "capacityProviderStrategy", "app/", "desiredCount",
    "domainName", "waf", "deploymentStrategy", "vpcCidr", "availabilityZoneCount",
    "logRetentionDays", "protectStatefulResources", "alarmEmails",
)  # fmt: skip


@pytest.fixture(scope="module")
def examples() -> list[ExampleResult]:
    """Every example change planned once (the docs test and the per-key tests share it)."""
    return render_examples()


def example(examples: list[ExampleResult], key: str, stack: str | None = None) -> Impact:
    for result in examples:
        if result.example.key == key and stack in (None, result.example.stack):
            assert result.impact is not None, result.error
            return result.impact
    raise KeyError(key)


def types(impact: Impact, action: str) -> set[str]:
    return {r.type.split(":")[-1] for r in impact.of(action)}


def kinds(impact: Impact) -> set[str]:
    return {h.kind for _, h in impact.hazards}


# ------------------------------------------------------------------------------- the table


def test_every_resource_type_of_the_stacks_and_their_changes_has_a_row(
    examples: list[ExampleResult], dev_graph: Graph, prod_graph: Graph
) -> None:
    # The examples turn on every optional feature (WAF, domain, Slack, flow logs, blue/green,
    # ECS Exec, night schedule...), so their created resources cover the feature variants.
    seen = {r["type"] for g in (dev_graph, prod_graph) for r in g.resources}
    seen |= {r.type for e in examples if e.impact for r in e.impact.resources if r.type != PROVIDER}
    missing = sorted(t for t in seen if t not in TABLE and not t.startswith(OWN_COMPONENT_PREFIX))
    assert missing == [], "add these types to a table of tools/day2/replacements/ (ROWS)"


def _sdk_inputs(type_token: str) -> set[str]:
    module, resource = type_token.split(":")[1].split("/")[0], type_token.split(":")[-1]
    cls = getattr(getattr(pulumi_aws, module), resource)
    # Its Args class is ``<Name>InitArgs`` where a nested input type took ``<Name>Args``.
    module_names = vars(sys.modules[cls.__module__])
    args = module_names.get(f"{resource}InitArgs") or module_names[f"{resource}Args"]
    return {camel(name) for name in inspect.signature(args.__init__).parameters}


@pytest.mark.parametrize(
    "row", [r for r in TABLE.values() if r.type != IMAGE_TYPE], ids=lambda r: r.type
)
def test_every_replace_forcing_property_is_an_input_of_the_installed_sdk(row: Any) -> None:
    # Installed SDK argument names are the ground truth: a misspelt property never matches a diff.
    unknown = {p.split(".")[0] for p in row.force_new} - _sdk_inputs(row.type)
    assert unknown == set(), f"{row.type}: not an input of pulumi_aws {pulumi_aws.__name__}"


# Slack is off in both stack files; its channel configuration keeps a fixed name.
SLACK_ON = {"slackWorkspaceId": "T0123ABCDEF", "slackChannelId": "C0123ABCDEF"}


def test_a_resource_whose_replacement_can_keep_its_unique_key_is_deleted_first(
    dev_graph: Graph, prod_graph: Graph
) -> None:
    # A replace-forcing input outside the unique key (the WAF association's webAclArn, the Slack
    # channel's workspace) replaces the resource while its key stays: created first, the
    # replacement collides with the live one.
    slack_graph = Graph(rendered("dev", config_with("dev", SLACK_ON)))
    colliding = [
        r["name"]
        for graph in (dev_graph, prod_graph, slack_graph)
        for r in graph.resources
        if (row := TABLE.get(r["type"])) is not None
        and {p for p in row.force_new if p not in row.unique_key and p in r["inputs"]}
        and row.unique_key
        and not (r["options"]["deleteBeforeReplace"] or row.provider_delete_before_replace)
    ]
    assert colliding == []


def test_every_row_cites_the_provider_source_and_a_verified_commit_is_a_commit() -> None:
    for row in TABLE.values():
        assert row.source.startswith(("hashicorp/terraform-provider-aws internal/service/",
                                      "pulumi/pulumi-awsx ")), row.type  # fmt: skip
        assert row.verified == "" or re.fullmatch(r"[0-9a-f]{40}", row.verified), row.type


def test_the_changes_issue_10_requires_have_an_example() -> None:
    # Every declared setting has one by construction (its declaration's example).
    assert set(REQUIRED) - {e.key for e in CHANGE_EXAMPLES} == set()


def test_every_example_changes_something_or_is_rejected(examples: list[ExampleResult]) -> None:
    # An example that sets what the stack file already sets documents nothing.
    idle = [
        f"{r.example.key} ({r.example.stack})"
        for r in examples
        if r.impact is not None and not r.impact.resources and not r.impact.ignored
    ]
    assert idle == [], (
        "pick a value the stack does not already have (its setting's example=, or SCENARIOS)"
    )


def test_docs_changes_md_is_current(examples: list[ExampleResult]) -> None:
    assert CHANGES_DOC.read_text() == changes_doc(examples), "run `make changes-doc`"


# ------------------------------------------------------------------------------- each setting


def test_cpu_architecture_replaces_the_task_definition_and_needs_a_new_deployment(
    examples: list[ExampleResult],
) -> None:
    impact = example(examples, "cpuArchitecture")
    assert "TaskDefinition" in types(impact, "replace")
    service = next(r for r in impact.resources if r.type == "aws:ecs/service:Service")
    assert (service.action, service.deployment) == ("update", True)


def test_cpu_and_memory_replace_the_task_definition_and_nothing_else(
    examples: list[ExampleResult],
) -> None:
    for key in ("cpu", "memory"):
        impact = example(examples, key)
        assert types(impact, "replace") == {"TaskDefinition"}
        assert impact.deploys


def test_an_app_change_rebuilds_the_image_and_deploys_a_new_task_definition(
    examples: list[ExampleResult],
) -> None:
    impact = example(examples, "app/")
    assert types(impact, "replace") == {"Image", "TaskDefinition"}
    assert impact.deploys


def test_a_capacity_provider_change_updates_the_service_in_place_with_a_deployment(
    examples: list[ExampleResult],
) -> None:
    impact = example(examples, "capacityProviderStrategy")
    assert types(impact, "replace") == set()
    assert impact.deploys
    assert NEEDS_FORCE_NEW_DEPLOYMENT not in kinds(impact)  # the service sets it for good


def test_desired_count_changes_nothing_once_autoscaling_owns_it(
    examples: list[ExampleResult],
) -> None:
    impact = example(examples, "desiredCount")
    assert (impact.resources, impact.ignored) == ([], ["Service.desiredCount"])


def test_a_domain_adds_https_without_replacing_or_interrupting(
    examples: list[ExampleResult],
) -> None:
    impact = example(examples, "domainName", stack="dev")
    assert {"Certificate", "CertificateValidation", "Listener"} <= types(impact, "create")
    assert impact.of("replace") == []
    assert INTERRUPTS not in kinds(impact)


def test_prod_rejects_turning_the_domain_off(examples: list[ExampleResult]) -> None:
    result = next(
        e
        for e in examples
        if e.example.change == "domainName=; hostedZoneId=" and e.example.stack == "prod"
    )
    assert result.impact is None and "prod serves HTTPS only" in result.error


def test_turning_waf_off_deletes_the_web_acl_and_its_association_and_replaces_nothing(
    examples: list[ExampleResult],
) -> None:
    impact = example(examples, "waf")  # prod, where it is on
    assert {"WebAcl", "WebAclAssociation"} <= types(impact, "delete")
    assert impact.of("replace") == []


def test_blue_green_adds_the_alternate_target_group_and_deploys(
    examples: list[ExampleResult],
) -> None:
    impact = example(examples, "deploymentStrategy")
    assert {"TargetGroup", "ListenerRule"} <= types(impact, "create")
    assert "Service" in types(impact, "update") and impact.deploys


def _names(impact: Impact, action: str, type_name: str) -> set[str]:
    return {r.name for r in impact.of(action) if r.type.endswith(f":{type_name}")}


def test_ipv6_egress_only_replaces_only_the_task_subnets(examples: list[ExampleResult]) -> None:
    # ipv6Native forces new subnets; the ALB subnets take a /64 in place
    impact = example(examples, "egress")
    # names: ecs-fargate-dev-<private|public>-<az>
    assert {n.split("-")[3] for n in _names(impact, "replace", "Subnet")} == {"private"}
    assert {n.split("-")[3] for n in _names(impact, "update", "Subnet")} == {"public"}


def test_ipv6_egress_only_replaces_the_target_group_and_updates_vpc_and_alb_in_place(
    examples: list[ExampleResult],
) -> None:
    impact = example(examples, "egress")
    assert {"TargetGroup", "TaskDefinition"} <= types(impact, "replace")
    assert {"Vpc", "LoadBalancer", "VpcEndpoint"} <= types(impact, "update")


def test_ipv6_egress_only_deletes_the_ecr_endpoints_and_deploys_the_service(
    examples: list[ExampleResult],
) -> None:
    impact = example(examples, "egress")
    assert _names(impact, "delete", "VpcEndpoint") == {
        "ecs-fargate-dev-ecr-api-endpoint",
        "ecs-fargate-dev-ecr-dkr-endpoint",
    }
    assert "EgressOnlyInternetGateway" in types(impact, "create")
    assert "Service" in types(impact, "update") and impact.deploys


def test_a_new_vpc_cidr_replaces_the_network_and_the_alb_and_updates_the_service(
    examples: list[ExampleResult],
) -> None:
    impact = example(examples, "vpcCidr")
    replaced = types(impact, "replace")
    assert {
        "Vpc",
        "Subnet",
        "RouteTable",
        "SecurityGroup",
        "VpcEndpoint",
        "TargetGroup",
        "LoadBalancer",
        "Listener",
    } <= replaced
    assert "Service" in types(impact, "update")


def test_a_new_vpc_cidr_replaces_the_alb_first_and_flags_the_outage_not_a_failed_up(
    examples: list[ExampleResult],
) -> None:
    # ELB keeps a load balancer in the VPC it was created in: the ALB's replace_with on the VPC
    # makes the up create a new one (new DNS name) instead of failing on SetSubnets.
    impact = example(examples, "vpcCidr")
    alb = next(r for r in impact.resources if r.type == LOAD_BALANCER)
    assert (alb.action, alb.order) == ("replace", "create-before-delete")
    assert INTERRUPTS in {h.kind for h in alb.hazards}
    assert ALB_VPC not in kinds(impact)


def test_a_new_vpc_cidr_is_flagged_because_a_rollback_restores_the_old_network(
    examples: list[ExampleResult],
) -> None:
    # ECS rolls back to the last successful service revision: its subnets, security group and
    # target group are the ones this up deletes.
    impact = example(examples, "vpcCidr")
    flagged = {r.type.split(":")[-1] for r, h in impact.hazards if h.kind == ROLLBACK_USES}
    assert {"Subnet", "SecurityGroup", "TargetGroup"} <= flagged


def test_a_prod_vpc_change_replaces_the_waf_association_delete_first(
    examples: list[ExampleResult],
) -> None:
    # The ALB is replaced with the VPC; its association follows, deleted before it is recreated
    # (components/web/waf.py), so no create-before-delete leaves the new ALB without it.
    impact = example(examples, "vpcCidr", stack="prod")
    (association,) = [r for r in impact.resources if r.type.endswith("WebAclAssociation")]
    assert (association.action, association.order) == ("replace", "delete-before-create")
    assert CANNOT_COEXIST not in {h.kind for h in association.hazards}


def test_a_third_az_adds_subnets_and_replaces_none(examples: list[ExampleResult]) -> None:
    impact = example(examples, "availabilityZoneCount")
    assert "Subnet" in types(impact, "create") and impact.of("replace") == []


def test_log_retention_updates_the_log_groups_and_the_access_log_expiry_in_place(
    examples: list[ExampleResult],
) -> None:
    impact = example(examples, "logRetentionDays")  # prod, where the ALB keeps access logs
    changed = {(r.type.split(":")[-1], r.action) for r in impact.resources}
    assert changed == {("LogGroup", "update"), ("BucketLifecycleConfiguration", "update")}


def test_the_stateful_resources_protection_changes_in_place(
    examples: list[ExampleResult],
) -> None:
    impact = example(examples, "protectStatefulResources")
    assert {r.action for r in impact.resources} == {"update"}
    protected = {r.type.split(":")[-1] for r in impact.resources
                 if "options.protect" in {c.name for c in r.properties}}  # fmt: skip
    assert {"LogGroup", "Repository"} <= protected


def test_an_alarm_email_creates_a_subscription_to_confirm(examples: list[ExampleResult]) -> None:
    impact = example(examples, "alarmEmails")
    assert types(impact, "create") == {"TopicSubscription"} and RECONFIRM in kinds(impact)


# ------------------------------------------------------------------------------- synthetic pairs


def node(type_: str, name: str, inputs: dict[str, Any], **extra: Any) -> dict[str, Any]:
    options = {"protect": False, "ignoreChanges": [], "retainOnDelete": False,
               "deleteBeforeReplace": False, **extra.pop("options", {})}  # fmt: skip
    return {
        "urn": f"urn:pulumi:dev::ecs-fargate::{type_}::{name}",
        "type": type_,
        "name": name,
        "custom": True,
        "inputs": inputs,
        "outputs": extra.pop("outputs", {}),
        "propertyDependencies": extra.pop("deps", {}),
        "options": options,
    }


def urn(resource: dict[str, Any]) -> str:
    return resource["urn"]


REPO_URL = "123456789012.dkr.ecr.ap-northeast-1.amazonaws.com/app"
REPOSITORY = node("aws:ecr/repository:Repository", "repo", {"imageTagMutability": "IMMUTABLE"},
                  outputs={"repositoryUrl": REPO_URL})  # fmt: skip


def image(tag: str, platform: str) -> dict[str, Any]:
    inputs = {"repositoryUrl": REPO_URL, "context": "app", "imageTag": tag, "platform": platform}
    return node(IMAGE_TYPE, "image", inputs)


def test_an_immutable_tag_reused_for_another_platform_is_flagged() -> None:
    before = {"resources": [REPOSITORY, image("app-1234abcd", "linux/arm64")]}
    after = {"resources": [REPOSITORY, image("app-1234abcd", "linux/amd64")]}
    impact = diff_graphs(before, after)
    assert [h.kind for _, h in impact.hazards] == [IMMUTABLE_TAG]


def test_a_new_tag_for_a_new_platform_is_not_flagged() -> None:
    before = {"resources": [REPOSITORY, image("app-arm64-1234abcd", "linux/arm64")]}
    after = {"resources": [REPOSITORY, image("app-amd64-5678ef01", "linux/amd64")]}
    assert IMMUTABLE_TAG not in kinds(diff_graphs(before, after))


def _role(name: str) -> dict[str, Any]:
    return node("aws:iam/role:Role", "execution", {"name": name, "assumeRolePolicy": "{}"})


def _task(role: dict[str, Any]) -> dict[str, Any]:
    return node("aws:ecs/taskDefinition:TaskDefinition", "task",
                {"family": "app", "executionRoleArn": "arn:role"},
                deps={"executionRoleArn": [urn(role)]})  # fmt: skip


def test_a_replaced_execution_role_cascades_to_the_task_definition_and_breaks_rollbacks() -> None:
    old_role, new_role = _role("exec-a"), _role("exec-b")
    impact = diff_graphs(
        {"resources": [old_role, _task(old_role)]}, {"resources": [new_role, _task(new_role)]}
    )
    assert types(impact, "replace") == {"Role", "TaskDefinition"}
    assert [(r.name, h.kind) for r, h in impact.hazards] == [("execution", ROLLBACK_USES)]


def test_an_explicit_auto_name_makes_the_replacement_delete_first() -> None:
    # pulumi-terraform-bridge nameRequiresDeleteBeforeReplace: both cannot hold one name.
    impact = diff_graphs({"resources": [_role("exec-a")]}, {"resources": [_role("exec-b")]})
    assert [r.order for r in impact.resources] == ["delete-before-create"]


def test_a_replacement_that_keeps_its_unique_key_is_flagged() -> None:
    # A new web ACL replaces the association, whose delete disassociates by ALB ARN alone: created
    # first, the new association is removed by the old one's delete.
    def association(acl: str) -> dict[str, Any]:
        inputs = {"resourceArn": "arn:alb", "webAclArn": acl}
        return node("aws:wafv2/webAclAssociation:WebAclAssociation", "waf", inputs)

    impact = diff_graphs(
        {"resources": [association("arn:acl-a")]}, {"resources": [association("arn:acl-b")]}
    )
    assert kinds(impact) == {CANNOT_COEXIST}


SUBNET_NODE = "aws:ec2/subnet:Subnet"


def test_an_optional_computed_input_left_out_changes_nothing() -> None:
    # vpc_subnet.go: cidr_block is Optional and Computed, so the plan keeps the state's value
    old = node(SUBNET_NODE, "subnet", {"cidrBlock": "10.0.101.0/24", "vpcId": "vpc-1"})
    new = node(SUBNET_NODE, "subnet", {"vpcId": "vpc-1"})
    assert diff_graphs({"resources": [old]}, {"resources": [new]}).resources == []


def test_an_ipv6_only_subnet_is_replaced_for_ipv6_native_not_for_its_missing_cidr_block() -> None:
    old = node(SUBNET_NODE, "subnet", {"cidrBlock": "10.0.101.0/24"})
    new = node(SUBNET_NODE, "subnet", {"ipv6Native": True, "ipv6CidrBlock": "2001:db8:1:80::/64"})
    (impact,) = diff_graphs({"resources": [old]}, {"resources": [new]}).resources
    assert (impact.action, [p.name for p in impact.properties if p.replaces]) == (
        "replace",
        ["ipv6Native"],
    )


def test_a_subnet_ipv6_block_left_out_is_disassociated_in_place() -> None:
    # resourceSubnetUpdate disassociates a block the config no longer names
    old = node(SUBNET_NODE, "subnet", {"ipv6CidrBlock": "2001:db8:1::/64"})
    new = node(SUBNET_NODE, "subnet", {})
    (impact,) = diff_graphs({"resources": [old]}, {"resources": [new]}).resources
    assert impact.action == "update"


def test_a_vpc_giving_up_its_ipv6_block_is_flagged() -> None:
    # leaving the IPv6 egress-only mode: the VPC is updated before the subnets that use the block
    old = node("aws:ec2/vpc:Vpc", "vpc", {"assignGeneratedIpv6CidrBlock": True})
    new = node("aws:ec2/vpc:Vpc", "vpc", {})
    assert kinds(diff_graphs({"resources": [old]}, {"resources": [new]})) == {IPV6_BLOCK_IN_USE}


def test_a_subnet_giving_up_its_ipv6_block_is_flagged() -> None:
    old = node(SUBNET_NODE, "subnet", {"ipv6CidrBlock": "2001:db8:1::/64"})
    new = node(SUBNET_NODE, "subnet", {})
    assert kinds(diff_graphs({"resources": [old]}, {"resources": [new]})) == {IPV6_BLOCK_IN_USE}


def test_giving_up_an_ipv6_block_makes_the_up_fail_part_way() -> None:
    old = node("aws:ec2/vpc:Vpc", "vpc", {"assignGeneratedIpv6CidrBlock": True})
    new = node("aws:ec2/vpc:Vpc", "vpc", {"assignGeneratedIpv6CidrBlock": False})
    assert traffic(diff_graphs({"resources": [old]}, {"resources": [new]})) == (
        "**yes**; the up fails part-way"
    )


def test_a_vpc_taking_an_ipv6_block_is_not_flagged() -> None:
    old = node("aws:ec2/vpc:Vpc", "vpc", {})
    new = node("aws:ec2/vpc:Vpc", "vpc", {"assignGeneratedIpv6CidrBlock": True})
    assert kinds(diff_graphs({"resources": [old]}, {"resources": [new]})) == set()


VPC_NODE = "aws:ec2/vpc:Vpc"


def _vpc(cidr: str) -> dict[str, Any]:
    return node(VPC_NODE, "vpc", {"cidrBlock": cidr})


def _alb(vpc: dict[str, Any], **options: Any) -> dict[str, Any]:
    # Its subnets are in the VPC (the cascade sees the subnet ids change), an updatable input.
    return node(LOAD_BALANCER, "alb", {"subnets": ["subnet-a", "subnet-b"]},
                deps={"subnets": [urn(vpc)]}, options=options)  # fmt: skip


def test_a_resource_replaced_with_a_replaced_resource_is_replaced_too() -> None:
    old, new = _vpc("10.0.0.0/16"), _vpc("10.2.0.0/16")
    impact = diff_graphs(
        {"resources": [old, _alb(old, replaceWith=[urn(old)])]},
        {"resources": [new, _alb(new, replaceWith=[urn(new)])]},
    )
    assert types(impact, "replace") == {"Vpc", "LoadBalancer"}
    assert ALB_VPC not in kinds(impact)


def test_an_alb_updated_in_place_while_its_vpc_is_replaced_is_flagged() -> None:
    # Without replace_with the provider plans SetSubnets on the old ALB, which ELB rejects.
    old, new = _vpc("10.0.0.0/16"), _vpc("10.2.0.0/16")
    impact = diff_graphs({"resources": [old, _alb(old)]}, {"resources": [new, _alb(new)]})
    assert types(impact, "update") == {"LoadBalancer"}
    assert ALB_VPC in kinds(impact)


def test_replacing_an_alb_with_deletion_protection_is_flagged() -> None:
    # ELB refuses DeleteLoadBalancer while deletion protection is on: the up fails at the end,
    # after the new ALB exists, when it deletes the old one (prod: albDeletionProtection).
    def alb(vpc: dict[str, Any]) -> dict[str, Any]:
        resource = _alb(vpc, replaceWith=[urn(vpc)])
        resource["inputs"]["enableDeletionProtection"] = True
        return resource

    old, new = _vpc("10.1.0.0/16"), _vpc("10.3.0.0/16")
    impact = diff_graphs({"resources": [old, alb(old)]}, {"resources": [new, alb(new)]})
    assert [r.type for r, h in impact.hazards if h.kind == PROTECTED] == [LOAD_BALANCER]


def test_a_lifecycle_policy_change_deletes_first_as_pulumi_aws_marks_it() -> None:
    def policy(count: int) -> dict[str, Any]:
        rule = {"rulePriority": 1, "action": {"type": "expire"},
                "selection": {"tagStatus": "any", "countType": "imageCountMoreThan",
                              "countNumber": count}}  # fmt: skip
        inputs = {"repository": "app", "policy": json.dumps({"rules": [rule]})}
        return node("aws:ecr/lifecyclePolicy:LifecyclePolicy", "lifecycle", inputs)

    impact = diff_graphs({"resources": [policy(10)]}, {"resources": [policy(20)]})
    assert [(r.action, r.order) for r in impact.resources] == [("replace", "delete-before-create")]
    assert CANNOT_COEXIST not in kinds(impact)


def test_a_container_definition_that_differs_only_in_ecs_defaults_plans_no_replacement() -> None:
    # The provider's DiffSuppressFunc (containerDefinitionsAreEquivalent, ported in
    # tools/day2/readback.py) treats the defaults ECS fills in as no change.
    def task(definition: dict[str, Any]) -> dict[str, Any]:
        inputs = {"family": "app", "networkMode": "awsvpc",
                  "containerDefinitions": json.dumps([definition])}  # fmt: skip
        return node("aws:ecs/taskDefinition:TaskDefinition", "task", inputs)

    bare = {"name": "app", "image": "app@sha256:" + "0" * 64, "essential": True}
    filled = {**bare, "environment": [], "mountPoints": [], "volumesFrom": []}
    assert diff_graphs({"resources": [task(bare)]}, {"resources": [task(filled)]}).resources == []


def test_a_capacity_provider_change_without_force_new_deployment_is_flagged() -> None:
    def service(provider: str) -> dict[str, Any]:
        strategy = [{"capacityProvider": provider, "weight": 1, "base": 0}]
        return node("aws:ecs/service:Service", "service", {"capacityProviderStrategies": strategy})

    impact = diff_graphs(
        {"resources": [service("FARGATE")]}, {"resources": [service("FARGATE_SPOT")]}
    )
    assert NEEDS_FORCE_NEW_DEPLOYMENT in kinds(impact)


# ------------------------------------------------------------------------------- the CLI


def _stack_file_error(stack: str, **overrides: Any) -> str:
    with pytest.raises(pulumi.RunError) as error:
        run_program(stack, config=config_with(stack, overrides))
    return f"error: {error.value}"


@pytest.mark.parametrize(
    ("change", "override"),
    [("cpuArchitecture=SPARC", {"cpuArchitecture": "SPARC"}),
     ("cpuArchitectur=X86_64", {"cpuArchitectur": "X86_64"})],
    ids=["invalid value", "unknown key"],
)  # fmt: skip
def test_a_bad_change_stops_with_the_stack_files_one_line_config_error(
    change: str, override: dict[str, Any], capsys: pytest.CaptureFixture[str]
) -> None:
    expected = _stack_file_error("dev", **override)
    capsys.readouterr()
    assert plan.main(["--stack", "dev", "--change", change]) == 1
    assert capsys.readouterr().err.strip().splitlines() == [expected]


def test_a_malformed_change_item_stops_with_one_line(capsys: pytest.CaptureFixture[str]) -> None:
    assert plan.main(["--stack", "dev", "--change", "cpuArchitecture"]) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "expected key=value" in err[0]


def test_change_items_split_on_semicolons_and_keep_json_values() -> None:
    change = parse_change('cpu=512; privateSubnetCidrs=["10.0.1.0/24", "10.0.2.0/24"]; app/')
    assert dict(change.settings) == {
        "ecs-fargate:cpu": "512",
        "ecs-fargate:privateSubnetCidrs": '["10.0.1.0/24", "10.0.2.0/24"]',
    }
    assert change.app_content


def test_make_plan_with_a_change_prints_each_affected_resource_and_property(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert plan.main(["--stack", "dev", "--change", "cpuArchitecture=X86_64"]) == 0
    out = capsys.readouterr().out
    assert re.search(r"replace \(create-before-delete\)\s+aws:ecs/taskDefinition", out)
    assert "runtimePlatform: replace  cpuArchitecture: ARM64 -> X86_64" in out
    assert "[new ECS deployment]" in out


def test_the_changes_doc_has_a_make_target() -> None:
    makefile = (REPO_ROOT / "Makefile").read_text()
    assert re.search(r"^changes-doc:.*\n\t.*impact\.py --doc > docs/changes\.md", makefile, re.M)
    assert Path(CHANGES_DOC).exists()
