"""tools/drift.py offline: the verdict from `pulumi preview --refresh --expect-no-changes --json`
digests shaped like the CLI's (pulumi/pulumi pkg/display/json.go PreviewDigest), and the issue
open/update/close logic against a fake GitHub REST API on loopback."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest

from tests.support.paths import FIXTURES
from tools import drift

DRIFT_FIXTURES = FIXTURES / "drift"
SG = "urn:pulumi:dev::ecs-fargate::ecs-fargate:index:WebService$aws:ec2/securityGroup:SecurityGroup::ecs-fargate-dev-web-alb"
LG = "urn:pulumi:dev::ecs-fargate::ecs-fargate:index:WebService$aws:cloudwatch/logGroup:LogGroup::ecs-fargate-dev-web-app"
AL = "urn:pulumi:dev::ecs-fargate::ecs-fargate:index:Observability$aws:cloudwatch/metricAlarm:MetricAlarm::ecs-fargate-dev-obs-5xx"
# every value in the drift fixture that must never reach the verdict or the issue
SENTINEL = "SENTINEL"


def fixture(name: str) -> str:
    return (DRIFT_FIXTURES / f"preview_{name}.json").read_text()


def drifted() -> drift.Verdict:
    return drift.summarize("dev", 255, fixture("drift"), run_url="https://github.test/run/1")


# --- the verdict ------------------------------------------------------------------------------


def test_a_drifted_stack_lists_each_changed_resource_once_with_its_ops_and_properties() -> None:
    verdict = drifted()
    assert verdict.verdict == "drift"
    # sorted by URN, so one run's issue body equals the next one's when nothing moved
    assert verdict.changes == (
        drift.Change(AL, "aws:cloudwatch/metricAlarm:MetricAlarm", ("create", "delete"), ()),
        drift.Change(LG, "aws:cloudwatch/logGroup:LogGroup", ("update",), ("retentionInDays",)),
        drift.Change(SG, "aws:ec2/securityGroup:SecurityGroup", ("update",), ("ingress", "tags")),
    )


def test_no_value_of_the_preview_reaches_the_verdict_file() -> None:
    # the fixture holds values in config, old/new state, outputs, a diagnostic and a map key of
    # a property path; all carry the sentinel
    assert fixture("drift").count(SENTINEL) >= 6
    assert SENTINEL not in drift.to_json(drifted())


def test_no_value_of_the_preview_reaches_the_issue() -> None:
    body = drift.issue_body(drifted())
    assert SENTINEL not in body
    assert "203.0.113.77" not in body
    assert (
        f"| `{SG}` | `aws:ec2/securityGroup:SecurityGroup` | update | `ingress`, `tags` |" in body
    )


def test_a_clean_preview_is_no_drift_although_refresh_steps_are_listed() -> None:
    assert drift.summarize("dev", 0, fixture("clean")).verdict == "clean"
    # the digest alone, whatever the exit code says, proposes nothing
    assert drift.changes_of(json.loads(fixture("clean"))) == ()


def test_a_lock_found_by_the_workflow_skips_the_stack() -> None:
    verdict = drift.summarize("prod", 255, fixture("drift"), locked=True)
    assert verdict.verdict == "locked"
    assert verdict.line().startswith("prod: skipped: locked")


def test_the_clis_locked_stack_message_skips_the_stack() -> None:
    stderr = (
        "error: the stack is currently locked by 1 lock(s). Either wait for the other "
        "process(es) to end or delete the lock file with `pulumi cancel`.\n"
    )
    assert drift.summarize("prod", 255, "", stderr).verdict == "locked"


def test_a_preview_that_failed_on_an_error_is_not_reported_as_drift() -> None:
    verdict = drift.summarize("dev", 255, fixture("failed"))
    assert verdict.verdict == "error"
    assert "1 error(s)" in verdict.reason


@pytest.mark.parametrize("output", ["", "not json", "[]"])
def test_a_failed_preview_without_a_digest_is_an_error(output: str) -> None:
    assert drift.summarize("dev", 255, output).verdict == "error"


def test_a_failed_preview_proposing_nothing_is_an_error() -> None:
    assert drift.summarize("dev", 255, fixture("clean")).verdict == "error"


@pytest.mark.parametrize(
    ("path", "name"),
    [
        ("retentionInDays", "retentionInDays"),
        ("tags.Owner", "tags"),
        ("ingress[0].cidrBlocks[1]", "ingress"),
        ('["a.b"].c', "a.b"),
    ],
)
def test_property_paths_are_cut_to_the_top_level_name(path: str, name: str) -> None:
    assert drift.top_level_property(path) == name


def test_the_verdict_file_round_trips() -> None:
    verdict = drifted()
    assert drift.from_json(drift.to_json(verdict)) == verdict


# --- the issue, against a fake GitHub API -----------------------------------------------------


class FakeGitHub:
    """Issues, comments and labels of one repository, as the REST API answers them."""

    def __init__(self) -> None:
        self.issues: list[dict[str, Any]] = []
        self.labels: set[str] = set()
        self.calls: list[tuple[str, str]] = []
        self.tokens: set[str] = set()

    def handle(self, method: str, url: str, body: Any) -> tuple[int, Any]:
        parts = urlsplit(url)
        path = parts.path.removeprefix("/repos/example-org/ecs-fargate-pulumi")
        self.calls.append((method, path))
        if method == "GET" and path.startswith("/labels/"):
            return (200, {"name": LABEL}) if path[8:] in self.labels else (404, {})
        if method == "POST" and path == "/labels":
            self.labels.add(body["name"])
            return 201, body
        if method == "GET" and path == "/issues":
            query = parse_qs(parts.query)
            state, label = query["state"][0], query["labels"][0]
            return 200, [i for i in self.issues if i["state"] == state and label in i["labels"]]
        if method == "POST" and path == "/issues":
            issue = {**body, "number": len(self.issues) + 1, "state": "open", "comments": []}
            self.issues.append(issue)
            return 201, issue
        number = int(path.split("/")[2])
        issue = self.issues[number - 1]
        if method == "PATCH":
            issue.update(body)
            return 200, issue
        if method == "POST" and path.endswith("/comments"):
            issue["comments"].append(body["body"])
            return 201, body
        return 404, {}


LABEL = drift.LABEL


@pytest.fixture
def github() -> Iterator[tuple[FakeGitHub, drift.GitHub]]:
    fake = FakeGitHub()

    class Handler(BaseHTTPRequestHandler):
        def _serve(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            body = json.loads(self.rfile.read(length)) if length else None
            fake.tokens.add(self.headers.get("Authorization", ""))
            status, answer = fake.handle(self.command, self.path, body)
            payload = json.dumps(answer).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

        do_GET = do_POST = do_PATCH = _serve

        def log_message(self, format: str, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    api = f"http://127.0.0.1:{server.server_address[1]}"
    try:
        yield fake, drift.GitHub("example-org/ecs-fargate-pulumi", "t0ken", api)
    finally:
        server.shutdown()
        server.server_close()


def test_drift_opens_one_labelled_issue_for_the_stack(
    github: tuple[FakeGitHub, drift.GitHub],
) -> None:
    fake, api = github
    outcome = drift.report(drifted(), api)
    (issue,) = fake.issues
    assert outcome == "dev: drift in 3 resource(s); opened #1"
    assert issue["labels"] == [LABEL] and LABEL in fake.labels
    assert issue["title"] == drift.title("dev")
    assert drift.marker("dev") in issue["body"]
    assert fake.tokens == {"Bearer t0ken"}


def test_drift_again_updates_the_open_issue_instead_of_opening_another(
    github: tuple[FakeGitHub, drift.GitHub],
) -> None:
    fake, api = github
    drift.report(drifted(), api)
    fewer = drift.Verdict("dev", "drift", drifted().changes[2:])
    assert drift.report(fewer, api) == "dev: drift in 1 resource(s); updated #1"
    (issue,) = fake.issues
    assert issue["body"] == drift.issue_body(fewer)


def test_unchanged_drift_leaves_the_issue_alone(github: tuple[FakeGitHub, drift.GitHub]) -> None:
    fake, api = github
    drift.report(drifted(), api)
    writes_before = [c for c in fake.calls if c[0] != "GET"]
    assert drift.report(drifted(), api).endswith("#1 already says so")
    assert [c for c in fake.calls if c[0] != "GET"] == writes_before


def test_a_clean_stack_closes_its_open_issue_with_a_comment(
    github: tuple[FakeGitHub, drift.GitHub],
) -> None:
    fake, api = github
    drift.report(drifted(), api)
    outcome = drift.report(drift.Verdict("dev", "clean", run_url="https://github.test/run/2"), api)
    (issue,) = fake.issues
    assert outcome == "dev: no drift; closed #1"
    assert issue["state"] == "closed" and issue["state_reason"] == "completed"
    assert "https://github.test/run/2" in issue["comments"][0]


def test_each_stack_has_its_own_issue(github: tuple[FakeGitHub, drift.GitHub]) -> None:
    fake, api = github
    drift.report(drifted(), api)
    drift.report(drift.Verdict("prod", "drift", drifted().changes[1:2]), api)
    drift.report(drift.Verdict("dev", "clean"), api)
    assert [(i["title"], i["state"]) for i in fake.issues] == [
        (drift.title("dev"), "closed"),
        (drift.title("prod"), "open"),
    ]


@pytest.mark.parametrize("verdict", ["locked", "error"])
def test_a_locked_or_failed_stack_makes_no_issue_call(
    github: tuple[FakeGitHub, drift.GitHub], verdict: str
) -> None:
    fake, api = github
    drift.report(drifted(), api)
    calls_before = list(fake.calls)
    outcome = drift.report(drift.Verdict("dev", verdict, reason="x"), api)
    assert outcome.endswith("issue left as it is")
    assert fake.calls == calls_before
    assert fake.issues[0]["state"] == "open"


def test_a_clean_stack_without_an_issue_makes_no_write(
    github: tuple[FakeGitHub, drift.GitHub],
) -> None:
    fake, api = github
    assert drift.report(drift.Verdict("dev", "clean"), api) == "dev: no drift"
    assert all(method == "GET" for method, _ in fake.calls)


# --- the command line, as drift.yml calls it ------------------------------------------------


def test_summarize_writes_the_verdict_and_fails_only_on_an_error(tmp_path: Path) -> None:
    preview = tmp_path / "preview.json"
    preview.write_text(fixture("drift"))
    out = tmp_path / "out" / "dev.json"
    args = ["summarize", "--stack", "dev", "--preview-json", str(preview), "--out", str(out)]
    assert drift.main([*args, "--exit-code", "255"]) == 0
    assert drift.from_json(out.read_text()).verdict == "drift"
    preview.write_text(fixture("failed"))
    assert drift.main([*args, "--exit-code", "255"]) == 1


def test_report_without_a_token_says_so_in_one_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    for name in ("GH_TOKEN", "GITHUB_TOKEN", "GITHUB_REPOSITORY"):
        monkeypatch.delenv(name, raising=False)
    verdict = tmp_path / "dev.json"
    verdict.write_text(drift.to_json(drifted()))
    assert drift.main(["report", str(verdict)]) == 2
    assert capsys.readouterr().err.count("\n") == 1
