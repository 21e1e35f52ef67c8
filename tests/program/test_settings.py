import os
import subprocess
import sys
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parents[2]


def _manage(*args: str, **env: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=PROJECT_DIR,
        env={k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")} | env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_production_settings_pass_the_deploy_check():
    result = _manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        DJANGO_ENV="production",
        DJANGO_SECRET_KEY="x" * 30 + "-production-secret-for-the-deploy-check-0123456789",
        DJANGO_ALLOWED_HOSTS="readiness.example.com",
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_production_refuses_to_start_without_a_secret_key():
    result = _manage("check", DJANGO_ENV="production", DJANGO_ALLOWED_HOSTS="readiness.example.com")
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY must be set" in result.stderr
