"""What a change does, as the change-impact tools (tools/day2/impact.py) report it: per resource
the action, the properties that change and why, and the hazards a real `up` runs into."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from tools.day2.replacements import ChangeExample

Graph = Mapping[str, Any]
Resource = Mapping[str, Any]

TASK_DEFINITION = "aws:ecs/taskDefinition:TaskDefinition"
SERVICE = "aws:ecs/service:Service"
VPC = "aws:ec2/vpc:Vpc"
LOAD_BALANCER = "aws:lb/loadBalancer:LoadBalancer"
LOAD_BALANCER_TYPES = (LOAD_BALANCER, "aws:lb/listener:Listener")
REPOSITORY = "aws:ecr/repository:Repository"
SUBSCRIPTION = "aws:sns/topicSubscription:TopicSubscription"
INTERNET_GATEWAY = "aws:ec2/internetGateway:InternetGateway"
SUBNET = "aws:ec2/subnet:Subnet"
PROVIDER = "pulumi:providers:aws"
REPLACE_WITH = "options.replaceWith"

# Hazard kinds, in the order the report lists them.
IMMUTABLE_TAG = "immutable tag reused"
NEEDS_FORCE_NEW_DEPLOYMENT = "accepted only with a new deployment"
ROLLBACK_USES = "replaces what a rollback uses"
INTERRUPTS = "interrupts traffic"
ALB_VPC = "load balancer cannot change VPC"
IPV6_BLOCK_IN_USE = "IPv6 block still in use"
CANNOT_COEXIST = "replacement cannot coexist"
PROTECTED = "protected"
NEW_DEPLOYMENT = "new ECS deployment"
RECONFIRM = "e-mail subscription to confirm"
RETAINED = "old one retained"
NOTE = "note"
NOTES = (RETAINED, NOTE)


@dataclass(frozen=True)
class PropertyChange:
    name: str
    replaces: bool
    cause: str
    """``value`` (the input differs) or the name of the replaced resource it refers to."""
    old: Any = None
    new: Any = None


@dataclass(frozen=True)
class Hazard:
    kind: str
    text: str


@dataclass
class ResourceImpact:
    urn: str
    type: str
    name: str
    action: str
    """create | delete | update | replace"""
    order: str = ""
    """for a replace: create-before-delete or delete-before-create"""
    properties: list[PropertyChange] = field(default_factory=list)
    deployment: bool = False
    hazards: list[Hazard] = field(default_factory=list)


@dataclass
class Impact:
    change: str
    stack: str
    resources: list[ResourceImpact]
    ignored: list[str] = field(default_factory=list)
    """``Type.property`` inputs that changed but are in the resource's ignoreChanges."""

    def of(self, action: str) -> list[ResourceImpact]:
        return [r for r in self.resources if r.action == action]

    def named(self, name: str) -> ResourceImpact:
        for resource in self.resources:
            if resource.name == name:
                return resource
        raise KeyError(name)

    @property
    def hazards(self) -> list[tuple[ResourceImpact, Hazard]]:
        return [(r, h) for r in self.resources for h in r.hazards]

    @property
    def deploys(self) -> bool:
        return any(r.deployment for r in self.resources)


@dataclass(frozen=True)
class ExampleResult:
    example: ChangeExample
    impact: Impact | None
    error: str = ""
    """The one-line config error when the program rejects the change."""
