"""Debian's nginx serves app/nginx.conf on loopback: the app's HTTP contract, checked for real.

The config is rendered for a local run by rewriting only the listen address, the writable paths
and the document root (the first test proves nothing else changes), plus one test-only location
that proxies to a dead loopback port so that a real 5xx access line and a real `[error]` line
exist. `daemon off` is passed with `-g`, as the image's CMD does, so the file itself keeps it out.

nginx and wget are required, never skipped: when one is missing the tests fail with the one-line
install command (`make test` never installs packages; `.ci/run` does, for CI).
"""

from __future__ import annotations

import http.client
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any

import pytest

from tests.support.paths import FIXTURES, REPO_ROOT

APP_DIR = REPO_ROOT / "app"
NGINX_CONF = APP_DIR / "nginx.conf"
DOCS_APP = REPO_ROOT / "docs" / "app.md"
LOG_FIXTURE = FIXTURES / "nginx_log_lines.json"
CONTRACT: dict[str, Any] = json.loads((APP_DIR / "runtime-contract.json").read_text())
CONTAINER_PORT: int = CONTRACT["containerPort"]
HEALTH_PATH: str = CONTRACT["healthPath"]

# Where the Dockerfile copies html/; the rendering mirrors it under the fake root.
IMAGE_DOCUMENT_ROOT = "/usr/share/nginx/html"
TEMP_PATH_DIRECTIVES = frozenset(
    {
        "client_body_temp_path",
        "proxy_temp_path",
        "fastcgi_temp_path",
        "uwsgi_temp_path",
        "scgi_temp_path",
    }
)
PATH_DIRECTIVES = TEMP_PATH_DIRECTIVES | {"pid", "root"}
# An include of the writable volume (the IPv6 listen, app/listen-on-ipv6.sh) moves with it; the
# image's own files (mime.types) stay where Debian has them too.
WRITABLE_INCLUDE = "include"
REWRITTEN_DIRECTIVES = PATH_DIRECTIVES | {"listen", WRITABLE_INCLUDE}
DEAD_UPSTREAM_PATH = "/__test__/dead-upstream"
DIRECTORY_PROBE = "/section"
# Set this to regenerate tests/fixtures/nginx_log_lines.json from a live run.
WRITE_FIXTURE_ENV = "WRITE_NGINX_LOG_FIXTURE"
WAIT_SECONDS = 10.0
SECURITY_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "strict-origin-when-cross-origin",
}
HEADERS_WITH_POLICY_VALUES = ("Content-Security-Policy", "Permissions-Policy")


# --- rendering -------------------------------------------------------------------------------


def directive_name(line: str) -> str | None:
    stripped = line.strip()
    if not stripped or stripped.startswith("#"):
        return None
    return stripped.split()[0].rstrip(";")


def mirrored(fake_root: Path, image_path: str) -> Path:
    return fake_root / PurePosixPath(image_path).relative_to("/")


def dead_upstream_location(dead_upstream_port: int) -> str:
    return (
        "        # test-only: a dead upstream, so that a real 502 and [error] line exist\n"
        f"        location = {DEAD_UPSTREAM_PATH} {{\n"
        f"            proxy_pass http://127.0.0.1:{dead_upstream_port};\n"
        "        }\n"
    )


def render_for_loopback(config: str, *, port: int, fake_root: Path, dead_upstream_port: int) -> str:
    rendered: list[str] = []
    for line in config.splitlines(keepends=True):
        directive = directive_name(line)
        if directive == "listen":
            line, count = re.subn(
                rf"\blisten\s+{CONTAINER_PORT}\b", f"listen 127.0.0.1:{port}", line
            )
            if count != 1:
                raise ValueError(f"unexpected listen directive: {line!r}")
            rendered.append(line)
            rendered.append(dead_upstream_location(dead_upstream_port))
        elif directive == WRITABLE_INCLUDE and any(
            f" {path}/" in line for path in CONTRACT["writablePaths"]
        ):
            line, count = re.subn(r"(?<=\s)(/\S*);", rf"{fake_root}\1;", line)
            rendered.append(line)
        elif directive in PATH_DIRECTIVES:
            line, count = re.subn(r"(?<=\s)(/\S*);", rf"{fake_root}\1;", line)
            if count != 1:
                raise ValueError(f"expected one absolute path in: {line!r}")
            rendered.append(line)
        else:
            rendered.append(line)
    return "".join(rendered)


def prepare_fake_root(fake_root: Path, *, port: int, dead_upstream_port: int) -> Path:
    """Lay out the image's writable dirs and content under fake_root; return the config path."""
    # The image creates these in its Dockerfile RUN; nginx does not create the parent itself.
    for writable_path in CONTRACT["writablePaths"]:
        mirrored(fake_root, writable_path).mkdir(parents=True)
    shutil.copytree(APP_DIR / "html", mirrored(fake_root, IMAGE_DOCUMENT_ROOT))
    config_path = fake_root / "nginx.conf"
    config_path.write_text(
        render_for_loopback(
            NGINX_CONF.read_text(),
            port=port,
            fake_root=fake_root,
            dead_upstream_port=dead_upstream_port,
        )
    )
    return config_path


def test_loopback_rendering_changes_only_listen_writable_paths_and_root(tmp_path: Path) -> None:
    original = NGINX_CONF.read_text()
    rendered = render_for_loopback(original, port=18080, fake_root=tmp_path, dead_upstream_port=9)
    injected = dead_upstream_location(9)
    assert rendered.count(injected) == 1

    original_lines = original.splitlines()
    rendered_lines = rendered.replace(injected, "").splitlines()
    assert len(rendered_lines) == len(original_lines)
    changed = {
        directive_name(before)
        for before, after in zip(original_lines, rendered_lines, strict=True)
        if before != after
    }
    assert changed == REWRITTEN_DIRECTIVES


# --- the running nginx -----------------------------------------------------------------------


@dataclass(frozen=True)
class LoopbackNginx:
    binary: str
    process: subprocess.Popen[bytes]
    port: int
    fake_root: Path
    stdout_path: Path
    stderr_path: Path

    def access_lines(self) -> list[str]:
        return self.stdout_path.read_text().splitlines()

    def error_lines(self) -> list[str]:
        return self.stderr_path.read_text().splitlines()


@dataclass(frozen=True)
class Reply:
    status: int
    headers: http.client.HTTPMessage
    body: bytes


def unused_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextmanager
def refusing_port() -> Iterator[int]:
    """A loopback port that is bound but never listens: connect() gets ECONNREFUSED."""
    with socket.socket() as holder:
        holder.bind(("127.0.0.1", 0))
        yield holder.getsockname()[1]


# Debian 12's smallest nginx; where nginx-light does not exist (newer Ubuntu), install nginx.
INSTALL = "sudo apt-get install -y nginx-light wget"


def required_tool(name: str) -> str:
    """The tool's path; a missing tool fails the test (a laptop run must check the app too)."""
    search_path = os.pathsep.join([os.environ.get("PATH", ""), "/usr/sbin", "/sbin"])
    found = shutil.which(name, path=search_path)
    if found:
        return found
    pytest.fail(f"{name} is not installed; install it with: {INSTALL}", pytrace=False)


@pytest.fixture(scope="module")
def nginx_binary() -> str:
    return required_tool("nginx")


def wait_until_listening(process: subprocess.Popen[bytes], port: int, stderr_path: Path) -> None:
    deadline = time.monotonic() + WAIT_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"nginx exited with {process.returncode}:\n{stderr_path.read_text()}")
        with socket.socket() as probe:
            probe.settimeout(0.5)
            if probe.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.05)
    pytest.fail(f"nginx did not listen on {port} within {WAIT_SECONDS} s")


def stop_gracefully(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is not None:
        return
    process.send_signal(signal.SIGQUIT)
    try:
        process.wait(timeout=WAIT_SECONDS)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=WAIT_SECONDS)


@contextmanager
def running_nginx(
    nginx_binary: str, fake_root: Path, *, port: int, dead_port: int, ipv6_listen: str = ""
) -> Iterator[LoopbackNginx]:
    """nginx on the rendered config under fake_root; ``ipv6_listen``: the snippet the image's
    start script (app/listen-on-ipv6.sh) would write into the writable volume."""
    # Run as root, nginx's workers drop to `nobody`, which must traverse into the content.
    fake_root.chmod(0o755)
    config_path = prepare_fake_root(fake_root, port=port, dead_upstream_port=dead_port)
    if ipv6_listen:
        writable = mirrored(fake_root, CONTRACT["writablePaths"][0])
        (writable / "listen-ipv6.conf").write_text(ipv6_listen)
    stdout_path = fake_root / "stdout.log"
    stderr_path = fake_root / "stderr.log"
    with stdout_path.open("ab") as stdout, stderr_path.open("ab") as stderr:
        process = subprocess.Popen(
            [nginx_binary, "-c", str(config_path), "-p", f"{fake_root}/", "-g", "daemon off;"],
            stdin=subprocess.DEVNULL,
            stdout=stdout,
            stderr=stderr,
        )
    try:
        wait_until_listening(process, port, stderr_path)
        yield LoopbackNginx(nginx_binary, process, port, fake_root, stdout_path, stderr_path)
    finally:
        stop_gracefully(process)


@pytest.fixture(scope="module")
def loopback_nginx(nginx_binary: str) -> Iterator[LoopbackNginx]:
    with (
        tempfile.TemporaryDirectory(prefix="nginx-loopback-") as tmp,
        refusing_port() as dead_port,
        running_nginx(nginx_binary, Path(tmp), port=unused_port(), dead_port=dead_port) as nginx,
    ):
        # Test content, not config: a directory to request without its trailing slash.
        section = mirrored(nginx.fake_root, IMAGE_DOCUMENT_ROOT) / DIRECTORY_PROBE.strip("/")
        section.mkdir()
        (section / "index.html").write_text("<p>section</p>\n")
        yield nginx


def fetch_on_one_connection(
    nginx: LoopbackNginx, requests: list[tuple[str, Mapping[str, str]]]
) -> list[Reply]:
    connection = http.client.HTTPConnection("127.0.0.1", nginx.port, timeout=5)
    try:
        replies: list[Reply] = []
        for path, headers in requests:
            connection.request("GET", path, headers=dict(headers))
            response = connection.getresponse()
            replies.append(Reply(response.status, response.headers, response.read()))
        return replies
    finally:
        connection.close()


def fetch(nginx: LoopbackNginx, path: str, headers: Mapping[str, str] | None = None) -> Reply:
    return fetch_on_one_connection(nginx, [(path, headers or {})])[0]


def probe_agent() -> str:
    return f"app-test/{uuid.uuid4().hex}"


def wait_for_line(read_lines: Callable[[], list[str]], marker: str) -> str:
    deadline = time.monotonic() + WAIT_SECONDS
    while True:
        for line in read_lines():
            if marker in line:
                return line
        if time.monotonic() > deadline:
            pytest.fail(f"no log line containing {marker!r} within {WAIT_SECONDS} s")
        time.sleep(0.02)


def wait_for_access_entry(nginx: LoopbackNginx, marker: str) -> dict[str, Any]:
    return json.loads(wait_for_line(nginx.access_lines, marker))


def test_nginx_accepts_the_config_without_warnings(nginx_binary: str, tmp_path: Path) -> None:
    with refusing_port() as dead_port:
        config_path = prepare_fake_root(tmp_path, port=unused_port(), dead_upstream_port=dead_port)
        result = subprocess.run(
            [nginx_binary, "-t", "-c", str(config_path), "-p", f"{tmp_path}/"],
            capture_output=True,
            text=True,
            timeout=WAIT_SECONDS,
        )
    assert result.returncode == 0, result.stderr
    assert "test is successful" in result.stderr
    assert "[warn]" not in result.stderr


def run_listen_script(if_inet6: str, snippet_dir: Path) -> subprocess.CompletedProcess[str]:
    interfaces = snippet_dir / "if_inet6"
    interfaces.write_text(if_inet6)
    return subprocess.run(
        ["sh", str(APP_DIR / "listen-on-ipv6.sh")],
        env={**os.environ, "IF_INET6": str(interfaces), "LISTEN_SNIPPET_DIR": str(snippet_dir)},
        capture_output=True,
        text=True,
        timeout=WAIT_SECONDS,
        check=True,
    )


def test_start_script_adds_the_ipv6_listen_on_the_contract_port_when_the_task_has_ipv6(
    tmp_path: Path,
) -> None:
    """An IPv6-only task (ecs-fargate:egress ipv6-egress-only): the ALB reaches it over IPv6."""
    run_listen_script("fd000000000000000000000000000002 02 40 00 80     eth0\n", tmp_path)
    snippet = (tmp_path / "listen-ipv6.conf").read_text()
    assert snippet == f"listen [::]:{CONTAINER_PORT} default_server;\n"


def test_start_script_adds_no_ipv6_listen_when_ecs_turned_ipv6_off(tmp_path: Path) -> None:
    """An IPv4-only awsvpc task: a [::] listen there would keep nginx from starting."""
    (tmp_path / "listen-ipv6.conf").write_text("listen [::]:8080 default_server;\n")
    run_listen_script("", tmp_path)
    assert not (tmp_path / "listen-ipv6.conf").exists()


def test_nginx_serves_over_ipv6_when_the_start_script_wrote_the_listen(
    nginx_binary: str, tmp_path: Path
) -> None:
    ipv6_port = unused_port()
    with (
        refusing_port() as dead_port,
        running_nginx(
            nginx_binary,
            tmp_path,
            port=unused_port(),
            dead_port=dead_port,
            ipv6_listen=f"listen [::1]:{ipv6_port};\n",
        ),
    ):
        connection = http.client.HTTPConnection("::1", ipv6_port, timeout=WAIT_SECONDS)
        try:
            connection.request("GET", HEALTH_PATH)
            response = connection.getresponse()
            assert response.status == 200
        finally:
            connection.close()


def test_master_pid_is_written_under_the_writable_path(loopback_nginx: LoopbackNginx) -> None:
    pid_files = list(loopback_nginx.fake_root.glob("**/nginx.pid"))
    assert len(pid_files) == 1
    writable_roots = [mirrored(loopback_nginx.fake_root, p) for p in CONTRACT["writablePaths"]]
    assert any(pid_files[0].is_relative_to(root) for root in writable_roots)
    assert int(pid_files[0].read_text()) == loopback_nginx.process.pid


def test_health_returns_200_with_json_status_ok(loopback_nginx: LoopbackNginx) -> None:
    reply = fetch(loopback_nginx, HEALTH_PATH)
    assert reply.status == 200
    assert reply.headers["Content-Type"] == "application/json"
    assert json.loads(reply.body) == {"status": "ok"}


def test_health_requests_are_not_logged(loopback_nginx: LoopbackNginx) -> None:
    health_agent, sentinel_agent = probe_agent(), probe_agent()
    # One keep-alive connection: one worker logs both requests in order, so once the sentinel's
    # line is there, a health line would be too.
    fetch_on_one_connection(
        loopback_nginx,
        [(HEALTH_PATH, {"User-Agent": health_agent}), ("/", {"User-Agent": sentinel_agent})],
    )
    wait_for_access_entry(loopback_nginx, sentinel_agent)
    assert not [line for line in loopback_nginx.access_lines() if health_agent in line]


def test_index_is_served_with_security_headers(loopback_nginx: LoopbackNginx) -> None:
    reply = fetch(loopback_nginx, "/")
    assert reply.status == 200
    assert b"ecs-fargate reference stack" in reply.body
    for name, value in SECURITY_HEADERS.items():
        assert reply.headers[name] == value
    for name in HEADERS_WITH_POLICY_VALUES:
        assert reply.headers[name]
    assert "frame-ancestors 'none'" in reply.headers["Content-Security-Policy"]


def test_security_headers_are_sent_on_error_responses(loopback_nginx: LoopbackNginx) -> None:
    reply = fetch(loopback_nginx, "/no-such-page")
    assert reply.status == 404
    for name, value in SECURITY_HEADERS.items():
        assert reply.headers[name] == value
    for name in HEADERS_WITH_POLICY_VALUES:
        assert reply.headers[name]


def test_server_header_carries_no_version(loopback_nginx: LoopbackNginx) -> None:
    reply = fetch(loopback_nginx, "/")
    assert reply.headers["Server"] == "nginx"


def test_html_is_gzipped_when_the_client_accepts_gzip(loopback_nginx: LoopbackNginx) -> None:
    reply = fetch(loopback_nginx, "/", {"Accept-Encoding": "gzip"})
    assert reply.headers["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in reply.headers["Vary"]


def test_directory_redirect_is_relative_so_it_never_names_the_container_port(
    loopback_nginx: LoopbackNginx,
) -> None:
    reply = fetch(loopback_nginx, DIRECTORY_PROBE, {"Host": "app.example.com"})
    assert reply.status == 301
    assert reply.headers["Location"] == f"{DIRECTORY_PROBE}/"


def test_missing_path_returns_json_404(loopback_nginx: LoopbackNginx) -> None:
    reply = fetch(loopback_nginx, "/no-such-page")
    assert reply.status == 404
    assert reply.headers["Content-Type"] == "application/json"
    assert json.loads(reply.body) == {"status": "not_found"}


def test_upstream_failure_returns_json_502(loopback_nginx: LoopbackNginx) -> None:
    reply = fetch(loopback_nginx, DEAD_UPSTREAM_PATH)
    assert reply.status == 502
    assert reply.headers["Content-Type"] == "application/json"
    assert json.loads(reply.body) == {"status": "error"}


def test_upstream_failure_is_logged_as_5xx_with_upstream_fields(
    loopback_nginx: LoopbackNginx,
) -> None:
    agent = probe_agent()
    fetch(loopback_nginx, DEAD_UPSTREAM_PATH, {"User-Agent": agent})
    entry = wait_for_access_entry(loopback_nginx, agent)
    assert entry["status"] == 502
    assert entry["upstream_status"] == "502"
    assert float(entry["upstream_response_time"]) >= 0


def test_upstream_failure_writes_an_error_line_to_stderr(loopback_nginx: LoopbackNginx) -> None:
    probe = uuid.uuid4().hex
    fetch(loopback_nginx, f"{DEAD_UPSTREAM_PATH}?probe={probe}")
    line = wait_for_line(loopback_nginx.error_lines, probe)
    assert "[error]" in line
    assert "connect() failed" in line


def test_every_access_line_is_json_with_numeric_status_and_request_time(
    loopback_nginx: LoopbackNginx,
) -> None:
    agent = probe_agent()
    for path in ("/", "/no-such-page", DEAD_UPSTREAM_PATH):
        fetch(loopback_nginx, path, {"User-Agent": agent})
    wait_for_access_entry(loopback_nginx, agent)
    entries = [json.loads(line) for line in loopback_nginx.access_lines()]
    assert len(entries) >= 3
    for entry in entries:
        assert type(entry["status"]) is int
        assert type(entry["body_bytes_sent"]) is int
        assert type(entry["request_time"]) in (int, float)


def test_access_line_records_the_request_and_the_forwarding_headers(
    loopback_nginx: LoopbackNginx,
) -> None:
    agent = probe_agent()
    fetch(
        loopback_nginx,
        "/index.html?utm=1",
        {
            "User-Agent": agent,
            "X-Forwarded-For": "203.0.113.7",
            "X-Forwarded-Proto": "https",
            "X-Amzn-Trace-Id": "Root=1-67891233-abcdef012345678912345678",
        },
    )
    entry = wait_for_access_entry(loopback_nginx, agent)
    assert entry["method"] == "GET"
    assert entry["uri"] == "/index.html?utm=1"
    assert entry["path"] == "/index.html"
    assert entry["status"] == 200
    assert entry["body_bytes_sent"] > 0
    assert entry["user_agent"] == agent
    assert entry["remote_addr"] == "127.0.0.1"
    assert entry["x_forwarded_for"] == "203.0.113.7"
    assert entry["x_forwarded_proto"] == "https"
    assert entry["trace_id"] == "Root=1-67891233-abcdef012345678912345678"
    assert entry["upstream_status"] == ""
    assert entry["upstream_response_time"] == ""


@pytest.mark.parametrize(
    ("forwarded_proto", "expect_hsts"),
    [("https", True), ("http", False), (None, False)],
)
def test_hsts_is_sent_only_when_the_alb_forwarded_https(
    loopback_nginx: LoopbackNginx, forwarded_proto: str | None, expect_hsts: bool
) -> None:
    headers = {"X-Forwarded-Proto": forwarded_proto} if forwarded_proto else {}
    reply = fetch(loopback_nginx, "/", headers)
    hsts = reply.headers["Strict-Transport-Security"]
    if expect_hsts:
        assert hsts is not None
        assert hsts.startswith("max-age=")
    else:
        assert hsts is None


# --- the ECS container health check ----------------------------------------------------------


@pytest.fixture(scope="module")
def wget_binary() -> str:
    # The image runs the command with busybox wget (alpine has no curl). Debian has no busybox
    # wget, so GNU wget runs the same command line; both exit non-zero on a refused connection or
    # an HTTP error status, which is all the command relies on. No curl fallback: curl would
    # need a different command line.
    return required_tool("wget")


def run_health_check_command(port: int, health_path: str = HEALTH_PATH) -> int:
    kind, command = CONTRACT["healthCheckCommand"]
    assert kind == "CMD-SHELL"
    target = f"http://127.0.0.1:{CONTAINER_PORT}{HEALTH_PATH}"
    assert command.count(target) == 1
    local_command = command.replace(target, f"http://127.0.0.1:{port}{health_path}")
    # A proxy set for CI's own downloads must not intercept loopback requests.
    env = {k: v for k, v in os.environ.items() if not k.lower().endswith("_proxy")}
    # ECS runs CMD-SHELL commands with /bin/sh -c.
    result = subprocess.run(["/bin/sh", "-c", local_command], env=env, timeout=WAIT_SECONDS)
    return result.returncode


def test_container_health_check_command_passes_against_nginx(
    loopback_nginx: LoopbackNginx, wget_binary: str
) -> None:
    assert run_health_check_command(loopback_nginx.port) == 0


def test_container_health_check_command_fails_on_an_http_error(
    loopback_nginx: LoopbackNginx, wget_binary: str
) -> None:
    assert run_health_check_command(loopback_nginx.port, "/no-such-page") == 1


# --- the log fixture used by the observability tests -----------------------------------------


def live_log_sample(nginx: LoopbackNginx) -> dict[str, list[str]]:
    probes = [
        ("/", "203.0.113.7"),
        ("/no-such-page", "198.51.100.23"),
        (DEAD_UPSTREAM_PATH, "192.0.2.44"),
    ]
    access: list[str] = []
    for path, client_address in probes:
        agent = probe_agent()
        headers = {
            "User-Agent": agent,
            "X-Forwarded-For": client_address,
            "X-Forwarded-Proto": "https",
            "X-Amzn-Trace-Id": f"Root=1-{int(time.time()):08x}-{uuid.uuid4().hex[:24]}",
        }
        fetch(nginx, path, headers)
        access.append(wait_for_line(nginx.access_lines, agent))
    error_probe = uuid.uuid4().hex
    fetch(nginx, f"{DEAD_UPSTREAM_PATH}?probe={error_probe}")
    error = [wait_for_line(nginx.error_lines, error_probe)]
    return {"access": access, "error": error}


def value_types(line: str) -> dict[str, str]:
    return {key: type(value).__name__ for key, value in json.loads(line).items()}


def test_log_fixture_has_the_shape_of_what_nginx_writes_now(
    loopback_nginx: LoopbackNginx,
) -> None:
    live = live_log_sample(loopback_nginx)
    if os.environ.get(WRITE_FIXTURE_ENV):
        LOG_FIXTURE.write_text(json.dumps(live, indent=2) + "\n")
    fixture = json.loads(LOG_FIXTURE.read_text())

    live_shape = value_types(live["access"][0])
    assert [value_types(line) for line in fixture["access"]] == [live_shape] * len(
        fixture["access"]
    )
    assert any(json.loads(line)["status"] >= 500 for line in fixture["access"])
    error_line_start = re.compile(r"^\d{4}/\d\d/\d\d \d\d:\d\d:\d\d \[error\] \d+#\d+: ")
    assert error_line_start.match(live["error"][0])
    assert any(
        error_line_start.match(line) and "connect() failed" in line for line in fixture["error"]
    )


def test_docs_describe_every_access_log_field() -> None:
    log_format = re.search(
        r"log_format json_access escape=json(.*?);\n", NGINX_CONF.read_text(), re.S
    )
    assert log_format is not None
    fields = re.findall(r'"(\w+)":', log_format.group(1))
    assert len(fields) >= 12
    docs = DOCS_APP.read_text()
    assert [field for field in fields if f"`{field}`" not in docs] == []


def test_a_missing_tool_fails_with_the_install_command(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CI", raising=False)
    with pytest.raises(pytest.fail.Exception, match=re.escape(INSTALL)):
        required_tool("no-such-tool-for-this-test")
