"""The console script as an operator meets it: help first, a missing schema in one line."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from huying.settings import default_var_dir

ROOT = Path(__file__).resolve().parents[1]


def huying(*args: str, var_dir: Path, cwd: Path) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env |= {"HUYING_VAR_DIR": str(var_dir), "PYTHONPATH": str(ROOT)}
    return subprocess.run([sys.executable, "-m", "huying.cli", *args], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=120)


@pytest.mark.slow
def test_help_lists_the_platform_commands_first_in_chinese(tmp_path):
    done = huying(var_dir=tmp_path, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    out = done.stdout
    assert out.index("平台命令") < out.index("analytics") < out.index("Django 自带命令")
    assert out.index("Django 自带命令") < out.index("runserver")
    assert "校验工作事项全记录的哈希链" in out  # audit's help, translated
    assert str(tmp_path) in out


@pytest.mark.slow
def test_a_command_on_an_unmigrated_database_says_run_migrate(tmp_path):
    done = huying("analytics", "verify", var_dir=tmp_path, cwd=tmp_path)
    assert done.returncode == 2
    assert "huying migrate" in done.stderr and "Traceback" not in done.stderr


def test_the_data_directory_does_not_follow_the_working_directory(monkeypatch, tmp_path):
    monkeypatch.chdir(tmp_path)
    assert default_var_dir() == ROOT / "var"


def test_huey_lines_are_printed_once():
    """`run_huey` adds its own handler to a "huey" logger without one; ours has one and does
    not pass its lines on to the root's handler as well."""
    import logging

    logger = logging.getLogger("huey")
    assert logger.handlers and not logger.propagate
