"""The ALB, its listeners and target group, the security-group chain and the access logs."""

from __future__ import annotations

import re

import pytest

from components.config import MAX_STACK_NAME_LENGTH
from components.web.access_logs import access_log_bucket_policy
from tests.support.graphs import PlanVariant, config_with
from tests.support.renders import rendered
from tests.support.service import (
    BUCKET_POLICY,
    CONTRACT,
    LISTENER,
    LOAD_BALANCER,
    SECURITY_GROUP,
    TARGET_GROUP,
    ecs_service,
    listener_on,
    log_retention_days,
    rule_chain,
)
from tools.graph import Graph, json_input

# Commercial regions that opened before August 2022: ALB log delivery there writes as the region's
# ELB account, not (only) as the logdelivery service principal (AWS ELB guide, "Enable access logs").
REGIONS_BEFORE_AUGUST_2022 = (
    "af-south-1", "ap-east-1", "ap-northeast-1", "ap-northeast-2", "ap-northeast-3", "ap-south-1",
    "ap-southeast-1", "ap-southeast-2", "ap-southeast-3", "ca-central-1", "eu-central-1",
    "eu-north-1", "eu-south-1", "eu-west-1", "eu-west-2", "eu-west-3", "me-south-1", "sa-east-1",
    "us-east-1", "us-east-2", "us-west-1", "us-west-2",
)  # fmt: skip
AUTO_NAME_SUFFIX = 8  # "-" + 7 random characters
TASK_CHAIN = {
    ("out", "alb-sg", 8080, 8080, "sg:task-sg"),
    ("in", "task-sg", 8080, 8080, "sg:alb-sg"),
    ("out", "task-sg", 443, 443, "sg:endpoints-sg"),
    ("out", "task-sg", 443, 443, "prefix-list:s3"),
    ("in", "endpoints-sg", 443, 443, "sg:task-sg"),
}


def test_dev_security_groups_form_exactly_the_http_chain(dev_graph: Graph) -> None:
    assert rule_chain(dev_graph) == TASK_CHAIN | {("in", "alb-sg", 80, 80, "cidr:0.0.0.0/0")}


def test_prod_security_groups_form_exactly_the_https_chain(prod_graph: Graph) -> None:
    assert rule_chain(prod_graph) == TASK_CHAIN | {
        ("in", "alb-sg", 80, 80, "cidr:0.0.0.0/0"),
        ("in", "alb-sg", 443, 443, "cidr:0.0.0.0/0"),
    }


def test_alb_admits_each_configured_cidr_and_nothing_else(plan_variant: PlanVariant) -> None:
    graph = plan_variant("dev", albIngressCidrs=["203.0.113.0/24", "198.51.100.0/24"])
    public = {rule for rule in rule_chain(graph) if rule[4].startswith("cidr:")}
    assert public == {
        ("in", "alb-sg", 80, 80, "cidr:203.0.113.0/24"),
        ("in", "alb-sg", 80, 80, "cidr:198.51.100.0/24"),
    }


def test_security_groups_have_descriptions_and_no_inline_rules(stack_graph: Graph) -> None:
    for group in stack_graph.of_type(SECURITY_GROUP):
        assert group["inputs"]["description"], group["name"]
        assert "ingress" not in group["inputs"] and "egress" not in group["inputs"]


def test_tasks_run_in_private_subnets_without_public_ips(stack_graph: Graph) -> None:
    network = ecs_service(stack_graph)["inputs"]["networkConfiguration"]
    assert network["assignPublicIp"] is False
    assert network["subnets"] == stack_graph.data["outputs"]["privateSubnetIds"]


def test_alb_is_internet_facing_in_public_subnets_and_drops_invalid_headers(
    stack_graph: Graph,
) -> None:
    alb = stack_graph.one(LOAD_BALANCER)["inputs"]
    assert alb["internal"] is False
    assert alb["loadBalancerType"] == "application"
    assert alb["dropInvalidHeaderFields"] is True
    for subnet_id in alb["subnets"]:
        subnet = stack_graph.resolve(subnet_id)
        assert subnet is not None and subnet["inputs"]["tags"]["Tier"] == "public"


def test_alb_waits_for_the_internet_route(stack_graph: Graph) -> None:
    route = stack_graph.named(f"ecs-fargate-{stack_graph.data['stack']}-public-default-route")
    assert route["urn"] in stack_graph.one(LOAD_BALANCER)["dependsOn"]


def test_alb_is_replaced_whenever_its_vpc_is(stack_graph: Graph) -> None:
    # ELB keeps a load balancer in the VPC it was created in; an in-place SetSubnets onto a new
    # VPC's subnets fails the up (tools/day2/impact.py, load balancer cannot change VPC).
    vpc = stack_graph.one("aws:ec2/vpc:Vpc")
    assert stack_graph.one(LOAD_BALANCER)["options"].get("replaceWith") == [vpc["urn"]]


def test_alb_idle_timeout_stays_below_the_nginx_keepalive(stack_graph: Graph) -> None:
    # nginx closing an idle connection the ALB still reuses answers 502.
    keepalive = CONTRACT["keepaliveTimeoutSeconds"]
    assert stack_graph.one(LOAD_BALANCER)["inputs"]["idleTimeout"] < keepalive


def test_prod_alb_has_deletion_protection_and_dev_does_not(
    dev_graph: Graph, prod_graph: Graph
) -> None:
    assert prod_graph.one(LOAD_BALANCER)["inputs"]["enableDeletionProtection"] is True
    assert dev_graph.one(LOAD_BALANCER)["inputs"]["enableDeletionProtection"] is False


@pytest.mark.parametrize("type_token", [LOAD_BALANCER, TARGET_GROUP])
def test_alb_and_target_group_names_fit_32_characters_for_the_longest_stack_name(
    type_token: str,
) -> None:
    stack = "a" * MAX_STACK_NAME_LENGTH
    config = config_with("dev", {"deploymentStrategy": "blue_green"})
    graph = Graph(rendered(stack, config))
    resources = graph.of_type(type_token)
    assert resources
    for resource in resources:
        assert "name" not in resource["inputs"] and "namePrefix" not in resource["inputs"]
        assert len(resource["name"]) + AUTO_NAME_SUFFIX <= 32, resource["name"]
        assert re.fullmatch(r"[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?", resource["outputs"]["name"])
        assert not resource["name"].startswith("internal-")


def test_target_group_is_ip_type_on_the_container_port_in_the_task_vpc(
    stack_graph: Graph,
) -> None:
    (balancer,) = ecs_service(stack_graph)["inputs"]["loadBalancers"]
    group = stack_graph.resolve(balancer["targetGroupArn"])
    assert group is not None and group["type"] == TARGET_GROUP
    assert group["inputs"]["targetType"] == "ip"
    assert group["inputs"]["port"] == balancer["containerPort"]
    assert group["inputs"]["vpcId"] == stack_graph.data["outputs"]["vpcId"]


def test_target_group_health_check_is_tight_on_the_health_path(stack_graph: Graph) -> None:
    check = stack_graph.one(TARGET_GROUP)["inputs"]["healthCheck"]
    assert check["path"] == "/health"
    assert check["matcher"] == "200"
    assert check["port"] == "traffic-port"
    assert check["timeout"] < check["interval"] <= 10
    assert check["healthyThreshold"] == 2


def test_target_group_drains_in_seconds_not_minutes(stack_graph: Graph) -> None:
    assert stack_graph.one(TARGET_GROUP)["inputs"]["deregistrationDelay"] <= 30


def test_service_sets_a_grace_period_because_it_has_a_load_balancer(stack_graph: Graph) -> None:
    inputs = ecs_service(stack_graph)["inputs"]
    assert inputs["loadBalancers"]
    assert inputs["healthCheckGracePeriodSeconds"] >= 10


def test_dev_has_no_domain_so_http_forwards_and_no_certificate_exists(dev_graph: Graph) -> None:
    (listener,) = dev_graph.of_type(LISTENER)
    assert (listener["inputs"]["port"], listener["inputs"]["protocol"]) == (80, "HTTP")
    (action,) = listener["inputs"]["defaultActions"]
    assert action["type"] == "forward"
    assert action["targetGroupArn"] == dev_graph.one(TARGET_GROUP)["outputs"]["arn"]
    assert dev_graph.of_type("aws:acm/certificate:Certificate") == []
    assert dev_graph.data["outputs"]["url"].startswith("http://")


def hosted_zone_id(graph: Graph) -> str:
    return graph.data["config"]["ecs-fargate:hostedZoneId"]


def domain_name(graph: Graph) -> str:
    return graph.data["config"]["ecs-fargate:domainName"]


def test_prod_https_listener_forwards_on_the_validated_certificate(prod_graph: Graph) -> None:
    https = listener_on(prod_graph, 443)["inputs"]
    assert https["protocol"] == "HTTPS"
    assert https["sslPolicy"] == "ELBSecurityPolicy-TLS13-1-2-2021-06"
    validation = prod_graph.one("aws:acm/certificateValidation:CertificateValidation")
    assert https["certificateArn"] == validation["outputs"]["certificateArn"]
    # A data edge: the listener waits until the certificate is ISSUED.
    assert listener_on(prod_graph, 443)["propertyDependencies"]["certificateArn"] == [
        validation["urn"]
    ]
    (action,) = https["defaultActions"]
    assert action["targetGroupArn"] == prod_graph.one(TARGET_GROUP)["outputs"]["arn"]


def test_prod_certificate_is_dns_validated_through_the_hosted_zone(prod_graph: Graph) -> None:
    certificate = prod_graph.one("aws:acm/certificate:Certificate")["inputs"]
    assert certificate == {"domainName": domain_name(prod_graph), "validationMethod": "DNS"}
    validation = prod_graph.one("aws:acm/certificateValidation:CertificateValidation")
    (record_fqdn,) = validation["inputs"]["validationRecordFqdns"]
    records = [
        r
        for r in prod_graph.of_type("aws:route53/record:Record")
        if r["outputs"].get("fqdn") == record_fqdn
    ]
    assert len(records) == 1
    assert records[0]["inputs"]["type"] == "CNAME"
    assert records[0]["inputs"]["zoneId"] == hosted_zone_id(prod_graph)
    assert records[0]["inputs"]["allowOverwrite"] is True


def test_prod_http_listener_redirects_to_https_with_301(prod_graph: Graph) -> None:
    (action,) = listener_on(prod_graph, 80)["inputs"]["defaultActions"]
    assert action["type"] == "redirect"
    assert action["redirect"] == {"protocol": "HTTPS", "port": "443", "statusCode": "HTTP_301"}


def test_prod_domain_points_at_the_alb_with_an_alias_record(prod_graph: Graph) -> None:
    (alias,) = [
        r for r in prod_graph.of_type("aws:route53/record:Record") if r["inputs"]["type"] == "A"
    ]
    assert alias["inputs"]["name"] == domain_name(prod_graph)
    # The record lives in the stack's hosted zone; the alias target names the ALB's own zone.
    assert alias["inputs"]["zoneId"] == hosted_zone_id(prod_graph)
    alb = prod_graph.one(LOAD_BALANCER)["outputs"]
    assert alias["inputs"]["aliases"][0]["name"] == alb["dnsName"]
    assert alias["inputs"]["aliases"][0]["zoneId"] == alb["zoneId"]
    assert prod_graph.data["outputs"]["url"] == f"https://{domain_name(prod_graph)}"


def test_service_depends_on_the_listener_that_forwards_to_its_target_group(
    stack_graph: Graph,
) -> None:
    target_group_arn = stack_graph.one(TARGET_GROUP)["outputs"]["arn"]
    forwarding = [
        listener
        for listener in stack_graph.of_type(LISTENER)
        if any(
            a.get("targetGroupArn") == target_group_arn
            for a in listener["inputs"]["defaultActions"]
        )
    ]
    assert len(forwarding) == 1
    assert forwarding[0]["urn"] in ecs_service(stack_graph)["dependsOn"]


def test_access_logs_are_off_in_dev(dev_graph: Graph) -> None:
    assert "accessLogs" not in dev_graph.one(LOAD_BALANCER)["inputs"]
    assert dev_graph.of_type("aws:s3/bucket:Bucket") == []


def test_prod_access_logs_go_to_a_private_sse_s3_bucket(prod_graph: Graph) -> None:
    logs = prod_graph.one(LOAD_BALANCER)["inputs"]["accessLogs"]
    bucket = prod_graph.one("aws:s3/bucket:Bucket")
    assert logs == {"bucket": bucket["outputs"]["bucket"], "prefix": "alb", "enabled": True}
    sse = prod_graph.one(
        "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration"
    )["inputs"]["rules"]
    assert sse == [{"applyServerSideEncryptionByDefault": {"sseAlgorithm": "AES256"}}]
    block = prod_graph.one("aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock")["inputs"]
    for flag in (
        "blockPublicAcls",
        "blockPublicPolicy",
        "ignorePublicAcls",
        "restrictPublicBuckets",
    ):
        assert block[flag] is True
    ownership = prod_graph.one("aws:s3/bucketOwnershipControls:BucketOwnershipControls")
    assert ownership["inputs"]["rule"] == {"objectOwnership": "BucketOwnerEnforced"}
    assert prod_graph.of_type("aws:s3/bucketAcl:BucketAcl") == []


def test_access_log_bucket_is_kept_in_prod_and_disposable_when_unprotected(
    prod_graph: Graph, plan_variant: PlanVariant
) -> None:
    bucket = prod_graph.one("aws:s3/bucket:Bucket")
    assert bucket["inputs"]["forceDestroy"] is False
    assert bucket["options"]["protect"] is True
    dev_with_logs = plan_variant("dev", albAccessLogs=True)
    assert dev_with_logs.one("aws:s3/bucket:Bucket")["inputs"]["forceDestroy"] is True


def test_access_logs_expire_with_the_log_retention(prod_graph: Graph) -> None:
    (rule,) = prod_graph.one("aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration")[
        "inputs"
    ]["rules"]
    assert rule["status"] == "Enabled"
    assert rule["expiration"] == {"days": log_retention_days(prod_graph)}
    assert rule["abortIncompleteMultipartUpload"] == {"daysAfterInitiation": 1}
    assert rule["noncurrentVersionExpiration"] == {"noncurrentDays": 7}


def test_access_log_bucket_is_versioned(prod_graph: Graph) -> None:
    versioning = prod_graph.one("aws:s3/bucketVersioning:BucketVersioning")["inputs"]
    assert versioning["bucket"] == prod_graph.one("aws:s3/bucket:Bucket")["id"]
    assert versioning["versioningConfiguration"] == {"status": "Enabled"}


def test_access_log_bucket_policy_admits_elb_delivery_under_the_prefix_and_denies_http(
    prod_graph: Graph,
) -> None:
    bucket_arn = prod_graph.one("aws:s3/bucket:Bucket")["outputs"]["arn"]
    statements = json_input(prod_graph.one(BUCKET_POLICY), "policy")["Statement"]
    objects = f"{bucket_arn}/alb/AWSLogs/123456789012/*"
    allows = [s for s in statements if s["Effect"] == "Allow"]
    assert {(str(s["Principal"]), s["Action"], s["Resource"]) for s in allows} == {
        (
            str({"Service": "logdelivery.elasticloadbalancing.amazonaws.com"}),
            "s3:PutObject",
            objects,
        ),
        # ap-northeast-1 predates August 2022: its ELB account still delivers the logs.
        (str({"AWS": "arn:aws:iam::582318560864:root"}), "s3:PutObject", objects),
    }
    (deny,) = [s for s in statements if s["Effect"] == "Deny"]
    assert deny["Condition"] == {"Bool": {"aws:SecureTransport": "false"}}
    assert deny["Resource"] == [bucket_arn, f"{bucket_arn}/*"]


def log_delivery_principals(region: str) -> list[dict[str, str]]:
    policy = access_log_bucket_policy("arn:aws:s3:::logs", region=region, account_id="123456789012")
    return [s["Principal"] for s in policy["Statement"] if s["Effect"] == "Allow"]


@pytest.mark.parametrize("region", REGIONS_BEFORE_AUGUST_2022)
def test_access_logs_in_a_region_older_than_august_2022_admit_its_elb_account(region: str) -> None:
    accounts = [p["AWS"] for p in log_delivery_principals(region) if "AWS" in p]
    assert len(accounts) == 1
    assert re.fullmatch(r"arn:aws:iam::\d{12}:root", accounts[0])


def test_access_logs_in_london_admit_the_london_elb_account() -> None:
    assert {"AWS": "arn:aws:iam::652711504416:root"} in log_delivery_principals("eu-west-2")


def test_access_logs_in_a_newer_region_admit_only_the_log_delivery_principal() -> None:
    assert log_delivery_principals("me-central-1") == [
        {"Service": "logdelivery.elasticloadbalancing.amazonaws.com"}
    ]


def test_alb_is_created_after_the_access_log_bucket_policy(prod_graph: Graph) -> None:
    policy = prod_graph.one(BUCKET_POLICY)
    assert policy["urn"] in prod_graph.one(LOAD_BALANCER)["dependsOn"]
