"""`make config-block` (tools/settings.py): each Pulumi.yaml's config block is generated from the
setting declarations, so a default or a description lives in one place."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from tools import settings
from tools.settings import PROJECTS, Project, generated, with_config_block


@pytest.mark.parametrize("project", PROJECTS, ids=lambda p: p.pulumi_yaml.parent.name)
def test_each_committed_config_block_is_the_one_the_declarations_generate(
    project: Project,
) -> None:
    assert project.pulumi_yaml.read_text() == generated(project), (
        f"{project.pulumi_yaml.name} differs from the declarations in {project.source}: "
        "run make config-block"
    )


@pytest.mark.parametrize("project", PROJECTS, ids=lambda p: p.pulumi_yaml.parent.name)
def test_the_generated_block_leaves_the_rest_of_the_file_as_written(project: Project) -> None:
    text = project.pulumi_yaml.read_text()
    replaced = yaml.safe_load(with_config_block(text, "config: {}\n"))
    original = yaml.safe_load(text)
    assert replaced.pop("config") == {}
    original.pop("config")
    assert replaced == original


def test_check_names_a_file_whose_block_differs_and_write_repairs_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    (main_project, *_) = PROJECTS
    copy = tmp_path / "Pulumi.yaml"
    copy.write_text(main_project.pulumi_yaml.read_text().replace("default: 256", "default: 512"))
    stale = Project(copy, main_project.sections, main_project.source)
    monkeypatch.setattr(settings, "PROJECTS", (stale,))
    monkeypatch.setattr(settings, "REPO_ROOT", tmp_path)

    assert settings.main(["--check"]) == 1
    assert "Pulumi.yaml: config block differs" in capsys.readouterr().out
    assert settings.main([]) == 0
    assert settings.main(["--check"]) == 0
    assert "default: 256" in copy.read_text()
