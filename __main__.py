"""ECS Fargate web service: Network -> WebService -> Observability, composed from stack config."""

import pulumi

from components.config import load_stack_config
from components.network import Network, NetworkArgs, choose_availability_zones

# Every config mistake stops here, before any resource is registered.
cfg = load_stack_config()

network = Network(
    cfg.name_prefix,
    NetworkArgs.from_config(
        cfg,
        availability_zones=choose_availability_zones(cfg.network),
        task_security_group=False,
    ),
)

pulumi.export("vpcId", network.vpc_id)
pulumi.export("privateSubnetIds", network.private_subnet_ids)
pulumi.export("availabilityZones", network.availability_zones)
