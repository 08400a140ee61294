"""ECS Fargate web service: Network -> WebService -> Observability, composed from stack config."""

import pulumi

from components.config import load_stack_config
from components.network import Network
from components.observability import Observability, WatchedService
from components.web import WebService

# Every config mistake stops here, before any resource is registered.
cfg = load_stack_config()

# The WebService admits its task security group to the endpoints, and nothing else.
network = Network(cfg.name_prefix, cfg, endpoint_clients_from_vpc_cidr=False)

# internet -> ALB -> Fargate tasks in private subnets -> VPC endpoints (ECR, Logs, S3)
web = WebService(cfg.name_prefix, cfg, network=network)

# SLO burn-rate, health and log alarms -> SNS topic (e-mail, optional Slack); dashboard
observability = Observability(cfg.name_prefix, cfg, service=WatchedService.of(web))

pulumi.export("vpcId", network.vpc_id)
pulumi.export("privateSubnetIds", network.private_subnet_ids)
pulumi.export("availabilityZones", network.availability_zones)
pulumi.export("url", web.url)
pulumi.export("albDnsName", web.load_balancer.dns_name)
pulumi.export("clusterName", web.cluster.name)
pulumi.export("serviceName", web.service.name)
pulumi.export("repositoryUrl", web.repository.repository_url)
pulumi.export("imageUri", web.image_uri)
pulumi.export("taskDefinitionArn", web.task_definition_arn)
pulumi.export("alarmTopicArn", observability.alarm_topic_arn)
# tools/verify (make verify) reads these two: the stack's alarms are the ones named with this
# prefix, and each log group the program manages must keep the retention it was given.
pulumi.export("alarmNamePrefix", f"{cfg.name_prefix}-")
pulumi.export(
    "logRetentionDays",
    pulumi.Output.all(
        *(
            pulumi.Output.all(group.name, group.retention_in_days)
            for group in [*network.log_groups, *web.log_groups]
        )
    ).apply(dict),
)
if observability.dashboard_name is not None:
    pulumi.export("dashboardName", observability.dashboard_name)
