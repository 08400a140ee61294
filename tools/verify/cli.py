"""make verify STACK=<stack>: a read-only check of a deployed stack, from its outputs, with boto3
and the caller's credentials (docs/verify.md).

Each check prints PASS, WARN or FAIL with its evidence. Exit 0 when nothing failed, 1 on any FAIL,
2 when the check cannot run at all (no credentials, no outputs), with one line and no traceback.

    python -m tools.verify --stack dev              # outputs from `pulumi stack output --json`
    python -m tools.verify --outputs outputs.json   # outputs from a file (CI, tests)
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
from collections.abc import Callable, Sequence

from botocore.exceptions import (
    BotoCoreError,
    CredentialRetrievalError,
    NoCredentialsError,
    PartialCredentialsError,
    TokenRetrievalError,
)

from tools.verify.aws import Clients
from tools.verify.results import CannotVerify, Status
from tools.verify.run import verify
from tools.verify.stack import StackOutputs
from tools.verify.url import Fetch, http_get


def read_outputs(stack: str | None, outputs_file: str | None) -> StackOutputs:
    if outputs_file:
        try:
            with open(outputs_file, encoding="utf-8") as handle:
                data = json.load(handle)
        except (OSError, json.JSONDecodeError) as error:
            raise CannotVerify(f"cannot read the outputs file {outputs_file}: {error}") from error
        return StackOutputs.from_mapping(data)
    if not stack:
        raise CannotVerify("name the stack (--stack dev) or pass --outputs <file.json>")
    pulumi = shutil.which("pulumi")
    if pulumi is None:
        raise CannotVerify(
            "the Pulumi CLI is not on PATH: pass --outputs <file.json> "
            "(pulumi stack output --json --stack <stack> > file.json elsewhere)"
        )
    run = subprocess.run(
        [pulumi, "stack", "output", "--json", "--stack", stack],
        capture_output=True,
        text=True,
        check=False,
    )
    if run.returncode != 0:
        last = (run.stderr.strip().splitlines() or ["no message"])[-1]
        raise CannotVerify(f"pulumi stack output --stack {stack} failed: {last}")
    return StackOutputs.from_mapping(json.loads(run.stdout))


def main(
    argv: Sequence[str] | None = None,
    clients_for: Callable[[str], Clients] = Clients.for_region,
    fetch: Fetch = http_get,
) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m tools.verify",
        description=__doc__.splitlines()[0] if __doc__ else None,
    )
    parser.add_argument("--stack", help="read the outputs with `pulumi stack output --json`")
    parser.add_argument("--outputs", help="a JSON file of the stack outputs instead")
    args = parser.parse_args(argv)
    try:
        outputs = read_outputs(args.stack, args.outputs)
        results = verify(outputs, clients_for(outputs.region), fetch)
    except CannotVerify as error:
        print(f"verify: {error}", file=sys.stderr)
        return 2
    except (
        NoCredentialsError,
        PartialCredentialsError,
        CredentialRetrievalError,
        TokenRetrievalError,
    ) as error:
        print(
            f"verify: no usable AWS credentials ({error}); log in (aws sso login, a profile, or "
            "AWS_* variables) and run it again",
            file=sys.stderr,
        )
        return 2
    except BotoCoreError as error:
        print(f"verify: cannot reach AWS: {error}", file=sys.stderr)
        return 2
    for result in results:
        print(result.line())
    failed = [r for r in results if r.status is Status.FAIL]
    warned = [r for r in results if r.status is Status.WARN]
    print(f"{len(results)} checks: {len(failed)} failed, {len(warned)} warnings")
    return 1 if failed else 0
