"""The repository's shape (issue 11): no Python module grows past what a reader takes in at once,
and tests share code only through the importable tests/support package, never by importing each
other (a test module imported elsewhere runs its tests twice and ties two areas together)."""

from __future__ import annotations

import ast
import os
from collections.abc import Iterator
from pathlib import Path

from tests.support.paths import REPO_ROOT

MAX_LINES = 400
# A data table (one row per resource type and its deploy-role permissions), read as a table.
LONG_BY_DESIGN = {Path("bootstrap/ci_permissions.py")}
# Generated or installed trees, not the repository's own code.
_NOT_SOURCE = {"venv", "build", "node_modules", "__pycache__"}
TESTS = REPO_ROOT / "tests"


def _python_files(root: Path) -> Iterator[Path]:
    for folder, subfolders, files in os.walk(root):
        subfolders[:] = [n for n in subfolders if n not in _NOT_SOURCE and not n.startswith(".")]
        yield from (Path(folder, name) for name in files if name.endswith(".py"))


def is_test_module(module: str) -> bool:
    """A dotted module name that is a test module or a conftest, wherever it sits."""
    return any(part.startswith("test_") or part == "conftest" for part in module.split("."))


def imported_modules(source: str) -> Iterator[str]:
    """Every module an import statement names, ``from x import y`` also as ``x.y`` (y may be a
    module) and a relative import with its dots dropped."""
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            yield base
            yield from (f"{base}.{alias.name}".lstrip(".") for alias in node.names)


def test_no_python_file_outside_tests_is_over_400_lines() -> None:
    long = {
        str(path.relative_to(REPO_ROOT)): lines
        for path in _python_files(REPO_ROOT)
        if TESTS not in path.parents
        and path.relative_to(REPO_ROOT) not in LONG_BY_DESIGN
        and (lines := len(path.read_text(encoding="utf-8").splitlines())) > MAX_LINES
    }
    assert long == {}, f"split along a seam (at most {MAX_LINES} lines each)"


def test_an_import_of_a_test_module_is_recognised() -> None:
    source = "import tests.program.test_network\nfrom tests.tools import test_plan\n"
    assert [m for m in imported_modules(source) if is_test_module(m)] == [
        "tests.program.test_network",
        "tests.tools.test_plan",
    ]


def test_support_and_library_imports_are_not_test_modules() -> None:
    source = "from tests.support.graphs import config_with\nimport pytest\n"
    assert [m for m in imported_modules(source) if is_test_module(m)] == []


def test_no_test_module_imports_another_test_module() -> None:
    offenders = [
        f"{path.relative_to(REPO_ROOT)}: {module}"
        for path in _python_files(TESTS)
        for module in imported_modules(path.read_text(encoding="utf-8"))
        if is_test_module(module)
    ]
    assert offenders == [], "move what they share to tests/support/"


def test_test_file_names_are_unique_across_folders() -> None:
    # The test folders have no __init__.py, so pytest imports each test file by its bare name:
    # two files of one name stop the run at collection ("import file mismatch").
    seen: dict[str, list[str]] = {}
    for path in _python_files(TESTS):
        if path.name.startswith("test_") or path.name == "conftest.py":
            seen.setdefault(path.name, []).append(str(path.relative_to(REPO_ROOT)))
    clashes = {
        name: paths for name, paths in seen.items() if len(paths) > 1 and name != "conftest.py"
    }
    assert clashes == {}
