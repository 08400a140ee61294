"""The WebService component and the builders it composes, one module per concern:

- component.py: WebService, the one ComponentResource; reads like the architecture diagram
- scope.py: where builders register (parent, names, stateful options, account facts, roles)
- image.py: ECR repository and lifecycle policy, the app image (awsx build or a pinned digest)
- container.py: the runtime contract, container definition and task volumes (pure)
- iam.py: the execution and task roles and their policy documents
- security_groups.py: the ALB and task groups and the rule table of the chain
- load_balancer.py: the ALB, target groups, listeners, TLS certificate and DNS alias
- access_logs.py: the ALB's access-log bucket and its delivery policy
- rollout.py: everything rolling and ECS native blue/green deploys do differently
- ecs.py: the cluster, task definition and ECS service
- deploy_guards.py: the alarms that roll a deploy back (declared in observability/alarms.py)
- scaling.py: target-tracking autoscaling and the dev night schedule
- waf.py: the web ACL, its association and its logs
"""

from components.web.component import WebService

__all__ = ["WebService"]
