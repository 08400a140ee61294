"""Every repository path that a comment, a docstring, a Markdown page, a YAML file (stack
files, workflows) or the Makefile names exists, so moving a module or a test leaves no pointer to where it was.

A path counts when it starts at a top-level folder of the repository and ends in a file name
(``components/network.py``, ``tests/program/test_network.py``); a glob (``test_*.py``) or a
placeholder (``<stack>.json``) is not one file, and Python string literals other than docstrings
are data (a message may name a file the user is asked to create). docs/reference/ holds copies of
outside documents (tests/docs/test_reference_copies.py), whose paths are another project's.
"""

from __future__ import annotations

import ast
import io
import os
import re
import tokenize
from collections.abc import Iterator
from pathlib import Path

from tests.support.paths import REPO_ROOT

# Generated or installed trees, not the repository's own text.
_NOT_SOURCE = {"venv", "build", "node_modules", "__pycache__"}
_OUTSIDE_COPIES = REPO_ROOT / "docs" / "reference"
_FILE_SUFFIXES = ("py", "md", "yaml", "yml", "json", "toml", "txt", "conf", "sh")


def _top_level_folders() -> list[str]:
    return sorted(
        entry.name
        for entry in REPO_ROOT.iterdir()
        if entry.is_dir()
        and entry.name not in _NOT_SOURCE
        and (not entry.name.startswith(".") or entry.name == ".github")
    )


PATH = re.compile(
    rf"(?<![\w./-])((?:{'|'.join(map(re.escape, _top_level_folders()))})/[\w./-]*\w"
    rf"\.(?:{'|'.join(_FILE_SUFFIXES)}))(?![\w*<>])"
)


def repository_paths(text: str) -> list[str]:
    return PATH.findall(text)


def _source_files(*suffixes: str) -> Iterator[Path]:
    for folder, subfolders, files in os.walk(REPO_ROOT):
        subfolders[:] = [
            name
            for name in subfolders
            if name not in _NOT_SOURCE
            and (not name.startswith(".") or name == ".github")
            and Path(folder, name) != _OUTSIDE_COPIES
        ]
        yield from (Path(folder, name) for name in files if name.endswith(suffixes))


def _python_prose(source: str) -> Iterator[tuple[int, str]]:
    """Comments and docstrings (any string statement: module, class, function, attribute)."""
    for token in tokenize.generate_tokens(io.StringIO(source).readline):
        if token.type == tokenize.COMMENT:
            yield token.start[0], token.string
    for node in ast.walk(ast.parse(source)):
        if (
            isinstance(node, ast.Expr)
            and isinstance(node.value, ast.Constant)
            and isinstance(node.value.value, str)
        ):
            yield node.lineno, node.value.value


def _prose() -> Iterator[tuple[Path, int, str]]:
    for path in _source_files(".md", ".yaml", ".yml", "Makefile"):
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            yield path, number, line
    for path in _source_files(".py"):
        for number, text in _python_prose(path.read_text(encoding="utf-8")):
            yield path, number, text


def test_a_path_is_recognised_from_a_top_level_folder_to_a_file_name() -> None:
    text = "see components/network.py and `tests/program/test_network.py::test_x`."
    assert repository_paths(text) == ["components/network.py", "tests/program/test_network.py"]


def test_globs_placeholders_and_paths_outside_the_repository_are_not_paths() -> None:
    text = "tests/program/test_*.py, policy/config/<stack>.json, internal/service/ecs/service.go"
    assert repository_paths(text) == []


def test_every_path_named_in_comments_docstrings_markdown_and_yaml_exists() -> None:
    missing = [
        f"{path.relative_to(REPO_ROOT)}:{number}: {named}"
        for path, number, text in _prose()
        for named in repository_paths(text)
        if not (REPO_ROOT / named).exists()
    ]
    assert missing == [], "name where the file lives now"
