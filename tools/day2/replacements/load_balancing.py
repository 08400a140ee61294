"""The request path in front of the service: ALB, target group, listeners, certificate,
DNS record and WAF."""

from __future__ import annotations

from tools.day2.replacements.row import TypeRow, type_row

LOAD_BALANCING_ROWS: tuple[TypeRow, ...] = (
    type_row(
        "aws:lb/loadBalancer:LoadBalancer", "elbv2/load_balancer.go", "lb",
        "name", "namePrefix", "internal", "loadBalancerType", "customerOwnedIpv4Pool",
        verified="00edc94be7a89c4c485415cdec27094875f61bfc",
        interrupts_traffic=True,
        create_minutes=3,
        on_replace="a new DNS name: clients and the alias record move to it, requests to the old "
        "one fail once it is deleted",
    ),
    type_row(
        "aws:lb/targetGroup:TargetGroup", "elbv2/target_group.go", "lb_target_group",
        "name", "namePrefix", "port", "protocol", "protocolVersion", "targetType", "vpcId",
        "ipAddressType",
        verified="013cfb4cddc9c44a28f34abad0c11768bcdb9b85",
        interrupts_traffic=True,
        on_replace="the listener points at an empty group until the service's new deployment "
        "registers tasks in it: 503s meanwhile",
    ),
    type_row(
        "aws:lb/listener:Listener", "elbv2/listener.go", "lb_listener",
        "loadBalancerArn",
        verified="01c08000ddb14181b5bd19201d8fca311dc570e4",
        autoname=None, unique_key=("loadBalancerArn", "port"),
        interrupts_traffic=True,
    ),
    type_row(
        "aws:lb/listenerRule:ListenerRule", "elbv2/listener_rule.go", "lb_listener_rule",
        "listenerArn", autoname=None, unique_key=("listenerArn", "priority"),
        interrupts_traffic=True,
    ),
    type_row(
        "aws:acm/certificate:Certificate", "acm/certificate.go", "acm_certificate",
        "domainName", "subjectAlternativeNames", "validationMethod", "keyAlgorithm",
        "certificateAuthorityArn", "validationOptions",
        verified="01661ea3cbe6b07ed725b03c587d24ceb464484a",
        autoname=None, create_minutes=5,
        on_replace="a new certificate must pass DNS validation before the listener can use it",
    ),
    type_row(
        "aws:acm/certificateValidation:CertificateValidation", "acm/certificate_validation.go",
        "acm_certificate_validation",
        "certificateArn", "validationRecordFqdns", autoname=None,
    ),
    type_row(
        "aws:route53/record:Record", "route53/record.go", "route53_record",
        "zoneId", "name",
        verified="00655c1681ea1e49ab10cd32d3f8bee372b2095b",
        autoname=None,
        unique_key=("zoneId", "name", "type"), interrupts_traffic=True,
        on_replace="the old name stops resolving when the old record is deleted",
    ),
    type_row(
        "aws:wafv2/webAcl:WebAcl", "wafv2/web_acl.go", "wafv2_web_acl",
        "name", "namePrefix", "scope", create_minutes=1,
    ),
    type_row(
        "aws:wafv2/webAclAssociation:WebAclAssociation", "wafv2/web_acl_association.go",
        "wafv2_web_acl_association",
        "resourceArn", "webAclArn",
        verified="011a8eed43ed7763ef9de18cbb776eb29c762452",
        autoname=None, unique_key=("resourceArn",),
        # pulumi/pulumi-aws provider/resources.go@00ba5ea5: no DeleteBeforeReplace for the type;
        # components/service.py sets it on the association (a test keeps it so).
        on_replace="an ALB has one web ACL, and the delete disassociates by ALB ARN alone, so the "
        "program deletes the association first (deleteBeforeReplace): the ALB is unprotected "
        "until the new one exists",
    ),
    type_row(
        "aws:wafv2/webAclLoggingConfiguration:WebAclLoggingConfiguration",
        "wafv2/web_acl_logging_configuration.go", "wafv2_web_acl_logging_configuration",
        "resourceArn", autoname=None, unique_key=("resourceArn",),
    ),
)  # fmt: skip
