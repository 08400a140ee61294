"""The stack outputs verify starts from: what to check and where."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from tools.verify.results import CannotVerify

# Output key -> StackOutputs field.
OUTPUT_FIELDS = {
    "clusterName": "cluster_name",
    "serviceName": "service_name",
    "imageUri": "image_uri",
    "taskDefinitionArn": "task_definition_arn",
    "url": "url",
    "alarmTopicArn": "alarm_topic_arn",
    "alarmNamePrefix": "alarm_name_prefix",
    "logRetentionDays": "log_retention_days",
}


@dataclass(frozen=True)
class StackOutputs:
    """The outputs of __main__.py that verify reads."""

    cluster_name: str
    service_name: str
    image_uri: str
    task_definition_arn: str
    url: str
    alarm_topic_arn: str
    alarm_name_prefix: str
    log_retention_days: Mapping[str, int]

    @classmethod
    def from_mapping(cls, outputs: Mapping[str, Any]) -> StackOutputs:
        missing = sorted(k for k in OUTPUT_FIELDS if k not in outputs)
        if missing:
            raise CannotVerify(
                f"the stack outputs lack {', '.join(missing)}: run `pulumi up` with this "
                "version of the program first"
            )
        retention = outputs["logRetentionDays"]
        # pulumi/actions hands non-string outputs to the workflow as JSON text
        if isinstance(retention, str):
            retention = json.loads(retention)
        return cls(
            **{
                field: str(outputs[key])
                for key, field in OUTPUT_FIELDS.items()
                if key != "logRetentionDays"
            },
            log_retention_days={str(k): int(v) for k, v in retention.items()},
        )

    @property
    def region(self) -> str:
        # arn:aws:ecs:<region>:<account>:task-definition/...
        return self.task_definition_arn.split(":")[3]

    @property
    def image_digest(self) -> str:
        # the task is pinned to <repository>@sha256:<hex> (components/web/ecs.py)
        return self.image_uri.partition("@")[2]
