"""The layers contract (pyproject `[tool.importlinter]`, docs/architecture.md) holds, and it fails on an upward
import: here `program`, the lowest app, is made to import `assessments` in a copy of the code."""

import shutil
import subprocess
import sys
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parent.parent
APPS = ("program", "roles", "content", "assessments", "equity")
LINT_IMPORTS = Path(sys.executable).parent / "lint-imports"


def lint_imports(directory: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [LINT_IMPORTS, "--no-cache"],
        cwd=directory,
        env={"PYTHONPATH": str(directory), "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_the_layers_contract_holds():
    result = lint_imports(PROJECT_DIR)
    assert result.returncode == 0, result.stdout + result.stderr


def test_an_upward_import_breaks_the_contract(tmp_path):
    for app in APPS:
        shutil.copytree(PROJECT_DIR / app, tmp_path / app, ignore=shutil.ignore_patterns("__pycache__", "migrations"))
    shutil.copy(PROJECT_DIR / "pyproject.toml", tmp_path)
    (tmp_path / "program" / "upward.py").write_text("from assessments.models import Attempt  # noqa: F401\n")

    result = lint_imports(tmp_path)

    assert result.returncode == 1, result.stdout + result.stderr
    assert "program is not allowed to import assessments" in result.stdout
    assert "program.upward -> assessments.models" in result.stdout


def test_every_relation_points_down_the_layers_or_sideways():
    """The model graph follows the import contract: no foreign key, one-to-one or many-to-many from a lower app to a
    higher one (`required_scenarios` is declared from the scenario side, roles and learning paths sit low enough)."""
    from django.apps import apps

    layer = {app: position for position, app in enumerate(APPS)}  # program 0 … equity 4
    upward = [
        f"{model._meta.label}.{field.name} -> {field.related_model._meta.label}"
        for model in apps.get_models()
        if model._meta.app_label in layer
        for field in model._meta.get_fields()
        if field.is_relation and field.concrete or field.many_to_many and not field.auto_created
        if field.related_model._meta.app_label in layer
        and layer[field.related_model._meta.app_label] > layer[model._meta.app_label]
    ]
    assert upward == []
