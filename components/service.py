"""Where the WebService lived before it became the components.web package; kept for the names
the README and docs link to."""

from components.web import WebService
from components.web.access_logs import access_log_bucket_policy
from components.web.iam import execute_command_policy
from components.web.image import DOCKER_BUILD_IMAGE, retain_pushed_image

__all__ = [
    "DOCKER_BUILD_IMAGE",
    "WebService",
    "access_log_bucket_policy",
    "execute_command_policy",
    "retain_pushed_image",
]
