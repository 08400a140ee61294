"""Entry point of the ecs-fargate-bootstrap project (run from bootstrap/ by the Pulumi CLI)."""

import sys
from pathlib import Path

# The modules live in the `bootstrap` package and reuse components/config's error helpers, so
# the repository root must be importable when the CLI runs this directory as the program.
REPO_ROOT = Path(__file__).resolve().parent.parent
if str(REPO_ROOT) not in sys.path:
    sys.path.insert(0, str(REPO_ROOT))

from bootstrap.program import main  # noqa: E402

main()
