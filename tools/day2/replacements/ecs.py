"""ECS and the images it runs: cluster, service, task definition, ECR and awsx's image."""

from __future__ import annotations

from tools.day2.replacements.row import TypeRow, type_row

# ECS starts a new deployment on UpdateService when one of these changes (AWS ECS API reference,
# UpdateService: "a new deployment is triggered" for the task definition, network configuration,
# load balancers, capacity provider strategy, platform version, service registries, Service Connect
# and volume configuration). A capacity-provider-strategy change is accepted only with
# forceNewDeployment (terraform-provider-aws#43533 and the provider's plan-time check).
SERVICE_DEPLOYMENT_PROPS = (
    "taskDefinition",
    "networkConfiguration",
    "loadBalancers",
    "capacityProviderStrategies",
    "platformVersion",
    "serviceRegistries",
    "serviceConnectConfiguration",
    "volumeConfiguration",
)
SERVICE_NEEDS_FORCE_NEW_DEPLOYMENT = ("capacityProviderStrategies",)

ECS_ROWS: tuple[TypeRow, ...] = (
    type_row(
        "aws:ecs/cluster:Cluster", "ecs/cluster.go", "ecs_cluster",
        "name",
        verified="00a35305dc1b297a6fcdecdfbba33f1e63c3da39",
        interrupts_traffic=True,
        on_replace="the service is replaced with it (cluster forces a new service)",
    ),
    type_row(
        "aws:ecs/clusterCapacityProviders:ClusterCapacityProviders",
        "ecs/cluster_capacity_providers.go", "ecs_cluster_capacity_providers",
        "clusterName", autoname=None, unique_key=("clusterName",),
    ),
    type_row(
        "aws:ecs/service:Service", "ecs/service.go", "ecs_service",
        # deploymentController.type is ForceNew in the file read here; later releases let
        # UpdateService change the controller. Kept as replace-forcing, the safe reading.
        "name", "cluster", "launchType", "schedulingStrategy", "iamRole",
        "deploymentController.type",
        verified="00a919d1548eb437816d4838f320502ad34183ff",
        interrupts_traffic=True,
        create_minutes=3, deployment_props=SERVICE_DEPLOYMENT_PROPS,
        on_replace="the new service starts its tasks from zero next to the old one; the old one "
        "is drained and deleted after",
    ),
    type_row(
        "aws:ecs/taskDefinition:TaskDefinition", "ecs/task_definition.go", "ecs_task_definition",
        "containerDefinitions", "cpu", "memory", "executionRoleArn", "taskRoleArn", "family",
        "networkMode", "requiresCompatibilities", "runtimePlatform", "volumes",
        "ephemeralStorage", "ipcMode", "pidMode", "placementConstraints", "proxyConfiguration",
        verified="04fc21d56d73cb67a9bbef2aedcffe8fbfd07286",
        autoname=None,
        on_replace="a new revision of the same family; with skipDestroy the old revision stays "
        "registered for rollbacks, the service moves to the new one in a deployment",
    ),
    type_row(
        "aws:ecr/repository:Repository", "ecr/repository.go", "ecr_repository",
        "name", "encryptionConfigurations",
        verified="0072eea2d6046230a1fb7717741c17fd2122175e",
        on_replace="a new, empty repository: the image is pushed again, and the old repository "
        "(with every image a previous revision runs) is deleted",
    ),
    type_row(
        "aws:ecr/lifecyclePolicy:LifecyclePolicy", "ecr/lifecycle_policy.go",
        "ecr_lifecycle_policy",
        "repository", "policy",
        verified="00a35305dc1b297a6fcdecdfbba33f1e63c3da39",
        autoname=None,
        unique_key=("repository",),
        # pulumi/pulumi-aws provider/resources.go@00ba5ea5: DeleteBeforeReplace: true.
        provider_delete_before_replace=True,
        on_replace="the provider has no update: any policy change replaces it, delete first (the "
        "repository has no lifecycle policy for a moment)",
    ),
)  # fmt: skip


# awsx's ECR image is a remote component (DESIGN.md decision 1): its docker-build child builds
# and pushes. Any change of a build input builds again and yields a new digest, which the task
# definition is pinned to; the child is named after the tag, so a new tag is a new child
# (pulumi/pulumi-awsx awsx/ecr/image.ts; pulumi/pulumi-docker-build#606).
IMAGE_TYPE = "awsx:ecr:Image"
IMAGE_BUILD_INPUTS = ("context", "dockerfile", "platform", "args", "target", "builderVersion")
IMAGE_ROW = TypeRow(
    type=IMAGE_TYPE,
    force_new=("repositoryUrl", "imageTag", *IMAGE_BUILD_INPUTS),
    source="pulumi/pulumi-awsx awsx/ecr/image.ts (a docker-build:index:Image child per tag)",
    docs="https://www.pulumi.com/registry/packages/awsx/api-docs/ecr/image/",
    autoname=None,
    on_replace="a new build pushed under imageTag; the task definition follows the new digest",
    create_minutes=3,
)

# Transforms (tools/offline.py records them per registration) that make the image a build pushed
# outlive its build resource, so a rollback to an older revision still pulls (issue 10 finding 2).
IMAGE_RETAINING_TRANSFORMS = ("components.web.image.retain_pushed_image",)
