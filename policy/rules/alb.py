"""Load balancer, listeners, target groups and WAF (policy_rules.md §3)."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from pulumi_policy import PolicyResource, ResourceValidationArgs

from ._common import StackFinding, resource_rule, stack_rule
from ._resources import Stack, as_list, is_false, is_true, load_json, nested

LOAD_BALANCERS = ("aws:lb/loadBalancer:LoadBalancer", "aws:alb/loadBalancer:LoadBalancer")
LISTENERS = ("aws:lb/listener:Listener", "aws:alb/listener:Listener")
TARGET_GROUPS = ("aws:lb/targetGroup:TargetGroup", "aws:alb/targetGroup:TargetGroup")
WEB_ACL = "aws:wafv2/webAcl:WebAcl"
WEB_ACL_ASSOCIATION = "aws:wafv2/webAclAssociation:WebAclAssociation"
WEB_ACL_LOGGING = "aws:wafv2/webAclLoggingConfiguration:WebAclLoggingConfiguration"

# ELBSecurityPolicy allow-list shared by trivy and checkov (trivy rejects the -Ext1/-Ext2 ones).
DEFAULT_TLS_POLICIES = [
    "ELBSecurityPolicy-TLS13-1-2-2021-06",
    "ELBSecurityPolicy-TLS13-1-3-2021-06",
    "ELBSecurityPolicy-TLS13-1-2-FIPS-2023-04",
    "ELBSecurityPolicy-TLS13-1-3-FIPS-2023-04",
]


def _application(props: Mapping[str, Any]) -> bool:
    return str(props.get("loadBalancerType") or "application") == "application"


def _internet_facing(props: Mapping[str, Any]) -> bool:
    return not is_true(props.get("internal")) and props.get("loadBalancerType") != "gateway"


def _alb_not_public(args: ResourceValidationArgs) -> Iterator[str]:
    allowed = set(args.get_config().get("publicLoadBalancers", []))
    if _internet_facing(args.props) and args.name not in allowed:
        yield "the load balancer is internet-facing and not on the public allow-list"


alb_not_public = resource_rule(
    name="aws-elb-alb-not-public",
    rows=["ALB-01"],
    description="Load balancers are internal unless allow-listed as the single public entry.",
    types=LOAD_BALANCERS,
    fix="set internal=True, or add the load balancer's name to publicLoadBalancers in the "
    "stack's policy config if it is the one public entry point",
    severity="high",
    dev="W",
    sources="trivy AWS-0053",
    check=_alb_not_public,
    config={
        "publicLoadBalancers": {
            "type": "array",
            "items": {"type": "string"},
            "default": [],
            "description": "Logical names of the load balancers allowed to face the internet.",
        }
    },
)


def _drop_invalid_headers(args: ResourceValidationArgs) -> Iterator[str]:
    if _application(args.props) and not is_true(args.props.get("dropInvalidHeaderFields")):
        yield "drop_invalid_header_fields is not true, so malformed headers reach the app"


drop_invalid_headers = resource_rule(
    name="aws-elb-drop-invalid-headers",
    rows=["ALB-02"],
    description="Application load balancers drop invalid HTTP headers.",
    types=LOAD_BALANCERS,
    fix="set drop_invalid_header_fields=True",
    severity="high",
    dev="M",
    sources="trivy AWS-0052; checkov CKV_AWS_131",
    check=_drop_invalid_headers,
)


def _http_not_used(args: ResourceValidationArgs) -> Iterator[str]:
    protocol = str(args.props.get("protocol") or "HTTP").upper()
    if protocol != "HTTP":
        return
    actions = as_list(args.props.get("defaultActions"))
    if len(actions) != 1:
        yield f"an HTTP listener with {len(actions)} default actions instead of one redirect"
        return
    action = actions[0]
    redirect_protocol = str(nested(action, "redirect", "protocol") or "").upper()
    if action.get("type") != "redirect" or redirect_protocol != "HTTPS":
        yield f"the HTTP listener's default action is {action.get('type')!r}, not a redirect to HTTPS"


http_not_used = resource_rule(
    name="aws-elb-http-not-used",
    rows=["ALB-03"],
    description="Listeners speak HTTPS; plain HTTP only redirects to HTTPS.",
    types=LISTENERS,
    fix="serve the app on an HTTPS:443 listener with an ACM certificate and make HTTP:80 a "
    "single redirect {protocol: HTTPS, port: 443, status_code: HTTP_301}",
    severity="critical",
    dev="W",
    sources="trivy AWS-0054; AWSGuard alb-http-to-https-redirection; checkov CKV_AWS_2, "
    "CKV2_AWS_20; CR aws-lb-listener-disallow-unencrypted-traffic",
    check=_http_not_used,
)


def _tls_policy(args: ResourceValidationArgs) -> Iterator[str]:
    protocol = str(args.props.get("protocol") or "").upper()
    if protocol not in ("HTTPS", "TLS"):
        return
    allowed = args.get_config().get("allowedSslPolicies") or DEFAULT_TLS_POLICIES
    policy = args.props.get("sslPolicy")
    if not policy:
        yield "ssl_policy is not set, so the legacy ELBSecurityPolicy-2016-08 (TLS 1.0) applies"
    elif policy not in allowed:
        yield f"ssl_policy {policy} is not on the TLS 1.2+/1.3 allow-list"


tls_policy = resource_rule(
    name="aws-elb-use-secure-tls-policy",
    rows=["ALB-04"],
    description="HTTPS listeners pin a modern TLS policy.",
    types=LISTENERS,
    fix='set ssl_policy="ELBSecurityPolicy-TLS13-1-2-2021-06"',
    severity="critical",
    dev="M",
    sources="trivy AWS-0047; checkov CKV_AWS_103, CKV2_AWS_74; CR aws-lb-listener-configure-"
    "secure-tls",
    check=_tls_policy,
    config={
        "allowedSslPolicies": {
            "type": "array",
            "items": {"type": "string"},
            "default": DEFAULT_TLS_POLICIES,
        }
    },
)


def _deletion_protection(args: ResourceValidationArgs) -> Iterator[str]:
    if not is_true(args.props.get("enableDeletionProtection")):
        yield "deletion protection is off"


deletion_protection = resource_rule(
    name="elb-deletion-protection-enabled",
    rows=["ALB-05"],
    description="Load balancers are protected from deletion.",
    types=LOAD_BALANCERS,
    fix="set enable_deletion_protection=True (the stack's deletion-protection setting)",
    severity="low",
    dev="W",
    sources="AWSGuard elb-deletion-protection-enabled; checkov CKV_AWS_150",
    check=_deletion_protection,
)


def _access_logs(args: ResourceValidationArgs) -> Iterator[str]:
    logs = args.props.get("accessLogs") or {}
    if not (is_true(logs.get("enabled")) and logs.get("bucket")):
        yield "access logging is not enabled"


access_logs = resource_rule(
    name="elb-logging-enabled",
    rows=["ALB-06"],
    description="Load balancers write access logs.",
    types=LOAD_BALANCERS,
    fix="enable the ALB access-log setting (access_logs={bucket, enabled: True}, SSE-S3 bucket)",
    severity="medium",
    dev="A",
    sources="AWSGuard elb-logging-enabled; checkov CKV_AWS_91; CR aws-lb-loadbalancer-enable-"
    "access-logging",
    check=_access_logs,
)


def _desync(args: ResourceValidationArgs) -> Iterator[str]:
    if str(args.props.get("desyncMitigationMode") or "").lower() == "monitor":
        yield "desync_mitigation_mode is monitor, which lets request-smuggling payloads through"


desync = resource_rule(
    name="alb-desync-mitigation",
    rows=["ALB-07"],
    description="Desync mitigation is defensive or strictest.",
    types=LOAD_BALANCERS,
    fix="omit desync_mitigation_mode (defensive) or set strictest",
    severity="medium",
    dev="M",
    sources="checkov CKV_AWS_328",
    check=_desync,
)


def _target_protocol(args: ResourceValidationArgs) -> Iterator[str]:
    if args.props.get("targetType") == "lambda":
        return
    if str(args.props.get("protocol") or "").upper() == "HTTP":
        yield "the target group speaks plain HTTP to the targets"


target_protocol = resource_rule(
    name="lb-target-group-no-plain-http",
    rows=["ALB-08"],
    description="Targets are reached over TLS.",
    types=TARGET_GROUPS,
    fix="use protocol HTTPS with TLS inside the container",
    severity="low",
    dev="W",
    sources="checkov CKV_AWS_378",
    check=_target_protocol,
)


def _health_check(args: ResourceValidationArgs) -> Iterator[str]:
    if args.props.get("targetType") == "lambda":
        return
    check = args.props.get("healthCheck") or {}
    if is_false(check.get("enabled")):
        yield "the health check is disabled"
        return
    protocol = str(check.get("protocol") or args.props.get("protocol") or "HTTP").upper()
    if protocol in ("HTTP", "HTTPS") and not (check.get("path") and check.get("matcher")):
        yield "the health check has no explicit path and matcher"


health_check = resource_rule(
    name="lb-target-group-health-check",
    rows=["ALB-09"],
    description="Target groups health-check an explicit path and status.",
    types=TARGET_GROUPS,
    fix='set health_check={"path": "/healthz", "matcher": "200"}',
    severity="low",
    dev="M",
    sources="checkov CKV_AWS_261",
    check=_health_check,
)


def _waf_on_public_alb(stack: Stack, lb: PolicyResource) -> Iterator[StackFinding]:
    if not (_application(lb.props) and _internet_facing(lb.props)):
        return
    if not stack.referencing(lb, "resourceArn", WEB_ACL_ASSOCIATION):
        yield StackFinding(lb, "the internet-facing ALB has no WAF web ACL association")


waf_on_public_alb = stack_rule(
    name="alb-protected-by-waf",
    rows=["ALB-10"],
    description="Every internet-facing ALB is protected by a WAF web ACL.",
    subjects=LOAD_BALANCERS,
    fix="enable the WAF setting (WebAclAssociation(resource_arn=alb.arn, web_acl_arn=acl.arn))",
    severity="medium",
    dev="A",
    sources="checkov CKV2_AWS_28",
    check=_waf_on_public_alb,
)


def _waf_rules(props: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    rules = as_list(props.get("rules"))
    from_json = load_json(props.get("ruleJson"))
    return [r for r in rules + as_list(from_json) if isinstance(r, Mapping)]


def _counts_only(rule: Mapping[str, Any]) -> bool:
    override = rule.get("overrideAction") or rule.get("OverrideAction") or {}
    return isinstance(override, Mapping) and any(k.lower() == "count" for k in override)


def _known_bad_inputs(args: ResourceValidationArgs) -> Iterator[str]:
    for rule in _waf_rules(args.props):
        statement = rule.get("statement") or rule.get("Statement") or {}
        group = statement.get("managedRuleGroupStatement") or statement.get(
            "ManagedRuleGroupStatement"
        )
        name = (group or {}).get("name") or (group or {}).get("Name")
        if name == "AWSManagedRulesKnownBadInputsRuleSet" and not _counts_only(rule):
            return
    yield "the web ACL does not block with AWSManagedRulesKnownBadInputsRuleSet (Log4j AMR)"


waf_known_bad_inputs = resource_rule(
    name="waf-known-bad-inputs",
    rows=["ALB-11"],
    description="The web ACL blocks known bad inputs (Log4Shell and friends).",
    types=[WEB_ACL],
    fix="add the AWSManagedRulesKnownBadInputsRuleSet managed group with override_action "
    '{"none": {}}',
    severity="high",
    dev="A",
    sources="checkov CKV_AWS_192, CKV2_AWS_76",
    check=_known_bad_inputs,
)


def _waf_has_rules(args: ResourceValidationArgs) -> Iterator[str]:
    rules = _waf_rules(args.props)
    if not rules:
        yield "the web ACL has no rules, so it only applies its default action"
    for rule in rules:
        if not any(rule.get(k) for k in ("action", "overrideAction", "Action", "OverrideAction")):
            yield f"rule {rule.get('name') or rule.get('Name')} has neither action nor override_action"


waf_has_rules = resource_rule(
    name="waf-has-rules-with-actions",
    rows=["ALB-12"],
    description="The web ACL has rules and every rule acts.",
    types=[WEB_ACL],
    fix="add the AWS managed Common and KnownBadInputs rule groups",
    severity="medium",
    dev="A",
    sources="checkov CKV_AWS_175, CKV_AWS_342",
    check=_waf_has_rules,
)


def _waf_logging(stack: Stack, acl: PolicyResource) -> Iterator[StackFinding]:
    configs = stack.referencing(acl, "resourceArn", WEB_ACL_LOGGING)
    if not configs:
        yield StackFinding(acl, "the web ACL has no logging configuration")
        return
    for config in configs:
        destinations = [str(d) for d in as_list(config.props.get("logDestinationConfigs"))]
        named = [d for d in destinations if "aws-waf-logs-" in d]
        if len(named) != len(destinations) or not destinations:
            yield StackFinding(config, "WAF can only log to destinations named aws-waf-logs-*")


waf_logging = stack_rule(
    name="waf-logging",
    rows=["ALB-13"],
    description="The web ACL logs to an aws-waf-logs-* destination.",
    subjects=[WEB_ACL],
    fix="add a WebAclLoggingConfiguration to a log group named aws-waf-logs-<app> with short "
    "retention",
    severity="low",
    dev="A",
    sources="checkov CKV2_AWS_31",
    check=_waf_logging,
)

POLICIES = [
    alb_not_public,
    drop_invalid_headers,
    http_not_used,
    tls_policy,
    deletion_protection,
    access_logs,
    desync,
    target_protocol,
    health_check,
    waf_on_public_alb,
    waf_known_bad_inputs,
    waf_has_rules,
    waf_logging,
]
