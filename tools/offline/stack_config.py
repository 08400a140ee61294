"""A stack's config as the Pulumi CLI hands it to the program: Pulumi.yaml's declared defaults
overlaid by Pulumi.<stack>.yaml, with placeholders where a secure value cannot be decrypted
offline and the values a stack file leaves to its owner lent for the plan."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pulumi
import yaml

REPO_ROOT = Path(__file__).resolve().parents[2]


def _cli_config_value(value: Any) -> str:
    """Config values reach a program as strings; structured values as JSON (as the CLI does)."""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return str(value)
    return json.dumps(value)


# PyYAML's libyaml parser where it is built in: the pure-Python one takes ~13 ms over Pulumi.yaml's
# generated config block, read up to five times per render (a test run renders hundreds).
_SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def _load_yaml(text: str) -> Any:
    return yaml.load(text, Loader=_SAFE_LOADER)


def read_project(project_dir: Path) -> dict[str, Any]:
    return _load_yaml((project_dir / "Pulumi.yaml").read_text())


# Settings a stack file leaves to its owner that the offline plan still needs. Pulumi.prod.yaml
# ships without a domain (each owner sets theirs; components/config rejects the example
# values), so the offline prod graph gets a realistic one, used only here and never deployed.
OWNER_VALUES: dict[tuple[str, str], dict[str, str]] = {
    ("ecs-fargate", "prod"): {
        "ecs-fargate:domainName": "app.ecs-fargate-offline.net",
        "ecs-fargate:hostedZoneId": "Z0OFFLINEPLAN0ZONE0ID",
    },
}


class StackSetupError(pulumi.RunError):
    """The stack lacks what an offline plan needs (its stack file, a value it cannot decrypt):
    one line, like a config error."""


def stack_file(stack: str, project_dir: Path = REPO_ROOT) -> Path:
    path = project_dir / f"Pulumi.{stack}.yaml"
    if not path.exists():
        raise StackSetupError(
            f"no stack file {path.name} in {project_dir}: create it (`pulumi stack init "
            f"{stack}`, then copy the settings of Pulumi.dev.yaml or Pulumi.prod.yaml from the "
            "repository and review each)"
        )
    return path


# Secure values (`pulumi config set --secret`) the offline plan stands in for: only the
# CLI with the stack's secrets provider decrypts them. Decided per key from components/config's
# types: these are string ids and e-mail addresses that reach a resource only as an input (the
# program sends them as secrets, components/config.secret_input), so a placeholder that passes the
# key's validation plans the same resources. Every other key stops the plan with one line: its
# value shapes the graph (a count, a CIDR, a flag, the domain that decides the HTTPS listener, a
# whole list that decides how many subscriptions, a tag on every resource). A path ending in []
# is each element of a list; {index} is the element's position, so addresses stay distinct.
SECRET_PLACEHOLDERS: dict[str, str] = {
    "ecs-fargate:slackWorkspaceId": "TNOTDECRYPTED",
    "ecs-fargate:slackChannelId": "CNOTDECRYPTED",
    "ecs-fargate:alarmEmails[]": "not-decrypted-{index}@offline.invalid",
}


def _is_secure(value: Any) -> bool:
    return isinstance(value, dict) and set(value) == {"secure"}


def _stand_in(path: str, value: Any, stack: str, secrets: list[str]) -> Any:
    """``value`` with a placeholder for each secure value in it (their paths go to ``secrets``);
    a secure value without a placeholder raises StackSetupError naming its path."""
    if _is_secure(value):
        pattern = re.sub(r"\[\d+\]$", "[]", path)
        if pattern not in SECRET_PLACEHOLDERS:
            raise StackSetupError(
                f"secret {path} is needed to shape the graph: the offline plan cannot decrypt "
                f"it, so keep it in plain text in Pulumi.{stack}.yaml or check the stack with "
                "`pulumi preview` (secrets it can stand in for: "
                f"{', '.join(SECRET_PLACEHOLDERS)})"
            )
        secrets.append(path)
        index = re.search(r"\[(\d+)\]$", path)
        return SECRET_PLACEHOLDERS[pattern].format(index=index[1] if index else 0)
    if isinstance(value, dict):
        return {k: _stand_in(f"{path}.{k}", v, stack, secrets) for k, v in value.items()}
    if isinstance(value, list):
        return [_stand_in(f"{path}[{i}]", v, stack, secrets) for i, v in enumerate(value)]
    return value


@dataclass(frozen=True)
class StackConfigMap:
    values: dict[str, str]
    """namespace:key -> the string the program receives, placeholders in place of secrets."""
    secrets: tuple[str, ...] = ()
    """Paths of the secure values a placeholder stands in for (ecs-fargate:alarmEmails[0])."""

    @property
    def secret_keys(self) -> list[str]:
        """The top-level keys the engine marks secret (PULUMI_CONFIG_SECRET_KEYS)."""
        return sorted({re.split(r"[.\[]", path, maxsplit=1)[0] for path in self.secrets})


def stack_config_map(
    stack: str, project_dir: Path = REPO_ROOT, *, owner_values: bool = True
) -> dict[str, str]:
    """Pulumi.yaml's declared defaults overlaid by Pulumi.<stack>.yaml, as the CLI merges them;
    with ``owner_values``, OWNER_VALUES fill what the stack file leaves unset."""
    return read_stack_config(stack, project_dir, owner_values=owner_values).values


def read_stack_config(
    stack: str, project_dir: Path = REPO_ROOT, *, owner_values: bool = True
) -> StackConfigMap:
    """stack_config_map's values and the secrets it stood in for."""
    project = read_project(project_dir)
    name = project["name"]
    merged: dict[str, str] = {}
    for key, declaration in (project.get("config") or {}).items():
        full_key = key if ":" in key else f"{name}:{key}"
        if isinstance(declaration, dict) and "default" in declaration:
            merged[full_key] = _cli_config_value(declaration["default"])
        elif isinstance(declaration, dict) and "value" in declaration:
            merged[full_key] = _cli_config_value(declaration["value"])
        elif not isinstance(declaration, dict):
            merged[full_key] = _cli_config_value(declaration)
    document = _load_yaml(stack_file(stack, project_dir).read_text()) or {}
    stack_values = document.get("config") or {}
    secrets: list[str] = []
    for key, value in stack_values.items():
        full_key = key if ":" in key else f"{name}:{key}"
        merged[full_key] = _cli_config_value(_stand_in(full_key, value, stack, secrets))
    lent = OWNER_VALUES.get((name, stack), {}) if owner_values else {}
    for key, value in lent.items():
        if key not in stack_values and key.removeprefix(f"{name}:") not in stack_values:
            merged[key] = value
    return StackConfigMap(merged, tuple(sorted(secrets)))
