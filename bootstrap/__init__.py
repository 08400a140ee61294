"""The bootstrap Pulumi project (``ecs-fargate-bootstrap``): run once per account."""
