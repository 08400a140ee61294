"""ECR repository, the image built from app/ and its content-hash tag."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pulumi
import pytest

from components.ecr_image import repository_arn_of_image
from components.web.image import (
    DOCKER_BUILD_IMAGE,
    IMAGE_TAG_PREFIX,
    KEEP_IMAGES,
    content_hash_tag,
    ecr_lifecycle_policy,
    retain_pushed_image,
)
from tests.support.graphs import PlanVariant
from tests.support.paths import REPO_ROOT
from tests.support.service import (
    IMAGE,
    REPOSITORY,
    ROLE_POLICY,
    container,
    policy_statements,
    web_resources,
)
from tools.graph import Graph, json_input

ARM = "linux/arm64"
EXTERNAL_IMAGE = (
    "123456789012.dkr.ecr.ap-northeast-1.amazonaws.com/ecs-fargate-shared/web@sha256:" + "ab" * 32
)


@pytest.fixture
def app_copy(tmp_path: Path) -> Path:
    copy = tmp_path / "app"
    shutil.copytree(REPO_ROOT / "app", copy)
    return copy


def test_image_tag_is_stable_for_unchanged_app_content(app_copy: Path) -> None:
    assert content_hash_tag(app_copy, platform=ARM) == content_hash_tag(
        REPO_ROOT / "app", platform=ARM
    )
    assert content_hash_tag(app_copy, platform=ARM) == content_hash_tag(app_copy, platform=ARM)


def test_image_tag_ignores_modification_times(app_copy: Path) -> None:
    before = content_hash_tag(app_copy, platform=ARM)
    (app_copy / "nginx.conf").touch()
    assert content_hash_tag(app_copy, platform=ARM) == before


def test_image_tag_changes_when_a_file_in_app_changes(app_copy: Path) -> None:
    before = content_hash_tag(app_copy, platform=ARM)
    page = app_copy / "html" / "index.html"
    page.write_text(page.read_text() + "<!-- changed -->\n")
    assert content_hash_tag(app_copy, platform=ARM) != before


def test_image_tag_changes_when_a_file_is_added_or_renamed(app_copy: Path) -> None:
    before = content_hash_tag(app_copy, platform=ARM)
    (app_copy / "html" / "extra.txt").write_text("x")
    added = content_hash_tag(app_copy, platform=ARM)
    (app_copy / "html" / "extra.txt").rename(app_copy / "html" / "other.txt")
    assert len({before, added, content_hash_tag(app_copy, platform=ARM)}) == 3


@pytest.mark.parametrize("platform", ["linux/arm64", "linux/amd64"])
def test_image_tag_is_a_valid_ecr_tag(app_copy: Path, platform: str) -> None:
    tag = content_hash_tag(app_copy, platform=platform)
    assert tag != "latest"
    # ECR's imageTag pattern, at most 128 characters.
    assert re.fullmatch(r"[a-zA-Z0-9_][a-zA-Z0-9._-]{0,127}", tag)


def test_image_is_built_from_app_with_the_content_tag_for_the_task_architecture(
    stack_graph: Graph,
) -> None:
    image = stack_graph.one(IMAGE)["inputs"]
    assert image["context"] == "app"
    assert image["imageTag"] == content_hash_tag(REPO_ROOT / "app", platform=ARM)
    assert image["platform"] == "linux/arm64"
    assert image["repositoryUrl"] == stack_graph.one(REPOSITORY)["outputs"]["repositoryUrl"]


def test_image_tag_changes_with_the_cpu_architecture_for_the_same_app(
    dev_graph: Graph, plan_variant: PlanVariant
) -> None:
    # The repository is IMMUTABLE: an amd64 rebuild pushed under the arm64 build's tag would be
    # rejected, so the platform is a build input the tag must carry.
    x86 = plan_variant("dev", cpuArchitecture="X86_64")
    arm_tag = dev_graph.one(IMAGE)["inputs"]["imageTag"]
    x86_tag = x86.one(IMAGE)["inputs"]["imageTag"]
    assert arm_tag != x86_tag


def test_image_tag_changes_with_any_build_argument(app_copy: Path) -> None:
    plain = content_hash_tag(app_copy, platform=ARM)
    with_arg = content_hash_tag(app_copy, platform=ARM, build_args={"A": "1"})
    other_value = content_hash_tag(app_copy, platform=ARM, build_args={"A": "2"})
    assert len({plain, with_arg, other_value}) == 3


def transform_args(type_token: str) -> pulumi.ResourceTransformArgs:
    return pulumi.ResourceTransformArgs(
        custom=True,
        type_=type_token,
        name="app-arm64-0123456789abcdef0123",
        props={"push": True},
        opts=pulumi.ResourceOptions(ignore_changes=["tags"]),
    )


def test_pushed_images_are_retained_when_their_build_resource_is_deleted() -> None:
    # awsx names its docker-build child after the tag, so a new app/ deletes the old child at
    # the end of `up`, and docker-build's delete removes the manifest from ECR
    # (pulumi/pulumi-docker-build#606): the previous revision could no longer be pulled.
    result = retain_pushed_image(transform_args(DOCKER_BUILD_IMAGE))
    assert result is not None
    assert result.opts.retain_on_delete is True
    assert result.opts.ignore_changes == ["tags"]
    assert result.props == {"push": True}


@pytest.mark.parametrize("type_token", [IMAGE, "docker:index/image:Image", REPOSITORY])
def test_the_retain_transform_leaves_every_other_resource_alone(type_token: str) -> None:
    assert retain_pushed_image(transform_args(type_token)) is None


def test_the_app_image_component_carries_the_retain_transform(stack_graph: Graph) -> None:
    # Mocks neither run transforms nor build awsx's remote children; the offline monitor
    # records the transforms each registration sends (tools/offline/monitor.py).
    options = stack_graph.one(IMAGE)["options"]
    assert options["transforms"] == [f"{retain_pushed_image.__module__}.retain_pushed_image"]


def test_x86_stacks_build_an_amd64_image(plan_variant: PlanVariant) -> None:
    graph = plan_variant("dev", cpuArchitecture="X86_64")
    assert graph.one(IMAGE)["inputs"]["platform"] == "linux/amd64"
    task = graph.one("aws:ecs/taskDefinition:TaskDefinition")["inputs"]
    assert task["runtimePlatform"]["cpuArchitecture"] == "X86_64"


def test_task_runs_the_digest_the_image_resource_returned(stack_graph: Graph) -> None:
    image_uri = stack_graph.one(IMAGE)["outputs"]["imageUri"]
    assert "@sha256:" in image_uri
    assert container(stack_graph)["image"] == image_uri
    assert stack_graph.data["outputs"]["imageUri"] == image_uri


def test_repository_has_immutable_tags_scan_on_push_and_encryption(stack_graph: Graph) -> None:
    repository = stack_graph.one(REPOSITORY)["inputs"]
    assert repository["imageTagMutability"] == "IMMUTABLE"
    assert repository["imageScanningConfiguration"] == {"scanOnPush": True}
    assert repository["encryptionConfigurations"] == [{"encryptionType": "AES256"}]


def test_dev_repository_is_force_deleted_and_unprotected(dev_graph: Graph) -> None:
    repository = dev_graph.one(REPOSITORY)
    assert repository["inputs"]["forceDelete"] is True
    assert repository["options"]["protect"] is False


def test_prod_repository_is_protected_retained_and_never_force_deleted(prod_graph: Graph) -> None:
    repository = prod_graph.one(REPOSITORY)
    assert repository["inputs"]["forceDelete"] is False
    assert repository["options"]["protect"] is True
    assert repository["options"]["retainOnDelete"] is True


def test_lifecycle_policy_keeps_the_builds_of_the_last_releases_and_expires_untagged_after_a_day(
    stack_graph: Graph,
) -> None:
    lifecycle = stack_graph.one("aws:ecr/lifecyclePolicy:LifecyclePolicy")
    assert lifecycle["inputs"]["repository"] == stack_graph.one(REPOSITORY)["outputs"]["name"]
    rules = json_input(lifecycle, "policy")["rules"]
    by_status = {rule["selection"]["tagStatus"]: rule for rule in rules}
    assert set(by_status) == {"untagged", "tagged"}
    assert by_status["untagged"]["selection"] == {
        "tagStatus": "untagged",
        "countType": "sinceImagePushed",
        "countUnit": "days",
        "countNumber": 1,
    }
    # Counted over the tagged builds only: a build pushed as an image index also stores its
    # platform manifest and attestations as untagged images, which an "any" count would let
    # crowd out the rollback window.
    assert by_status["tagged"]["selection"] == {
        "tagStatus": "tagged",
        "tagPatternList": [f"{IMAGE_TAG_PREFIX}*"],
        "countType": "imageCountMoreThan",
        "countNumber": KEEP_IMAGES,
    }
    assert stack_graph.one(IMAGE)["inputs"]["imageTag"].startswith(IMAGE_TAG_PREFIX)
    assert all(rule["action"] == {"type": "expire"} for rule in rules)


def test_runbook_quotes_the_rollback_window_the_lifecycle_policy_keeps() -> None:
    runbook = (REPO_ROOT / "docs" / "runbook.md").read_text()
    assert f"the last {KEEP_IMAGES} builds" in runbook


def test_lifecycle_rules_satisfy_ecr_validation() -> None:
    rules = ecr_lifecycle_policy()["rules"]
    priorities = [rule["rulePriority"] for rule in rules]
    assert len(set(priorities)) == len(priorities)
    any_rules = [rule for rule in rules if rule["selection"]["tagStatus"] == "any"]
    assert all(rule["rulePriority"] == max(priorities) for rule in any_rules)
    for rule in rules:
        selection = rule["selection"]
        assert None not in selection.values()
        if selection["countType"] == "sinceImagePushed":
            assert selection["countUnit"] == "days"
        if selection["tagStatus"] != "tagged":
            assert "tagPrefixList" not in selection and "tagPatternList" not in selection
        else:
            assert "tagPrefixList" in selection or "tagPatternList" in selection


def test_a_configured_image_is_used_instead_of_building_app(plan_variant: PlanVariant) -> None:
    graph = plan_variant("dev", image=EXTERNAL_IMAGE)
    assert graph.of_type(IMAGE) == []
    assert container(graph)["image"] == EXTERNAL_IMAGE


def test_a_configured_image_scopes_pulls_to_its_own_repository(plan_variant: PlanVariant) -> None:
    graph = plan_variant("dev", image=EXTERNAL_IMAGE)
    (pull,) = [s for s in policy_statements(graph, "execution") if s["Sid"] == "PullAppImage"]
    assert pull["Resource"] == (
        "arn:aws:ecr:ap-northeast-1:123456789012:repository/ecs-fargate-shared/web"
    )
    assert len(web_resources(graph, ROLE_POLICY)) == 1


def test_repository_arn_is_derived_from_the_image_uri_in_the_stack_partition() -> None:
    assert repository_arn_of_image(EXTERNAL_IMAGE, partition="aws") == (
        "arn:aws:ecr:ap-northeast-1:123456789012:repository/ecs-fargate-shared/web"
    )
    govcloud = EXTERNAL_IMAGE.replace("ap-northeast-1", "us-gov-west-1")
    assert repository_arn_of_image(govcloud, partition="aws-us-gov").startswith(
        "arn:aws-us-gov:ecr:us-gov-west-1:"
    )
    with pytest.raises(ValueError):
        repository_arn_of_image("nginx:latest", partition="aws")
