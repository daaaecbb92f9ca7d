"""`huying serve`: the command lines it starts, the refusal outside production, supervision,
and one real start on a loopback port stopped by SIGTERM."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from huying.common.serving import Child, serve_run

ROOT = Path(__file__).resolve().parents[3]


def dry_run(*args: str) -> list[str]:
    out = StringIO()
    call_command("serve", "--dry-run", "--allow-sqlite", *args, stdout=out)
    return out.getvalue().splitlines()


def test_dry_run_prints_gunicorn_and_one_scheduling_consumer_among_three():
    lines = dry_run("--bind", "127.0.0.1:9001", "--workers", "3", "--threads", "2",
                    "--timeout", "45", "--graceful-timeout", "20", "--consumers", "3",
                    "--huey-workers", "4")
    commands = [line for line in lines if not line.startswith("#")]
    assert len(commands) == 4
    web = commands[0]
    assert "-m gunicorn huying.wsgi:application" in web
    assert "--config python:huying.common.gunicorn_conf" in web
    assert "--bind 127.0.0.1:9001 --workers 3 --threads 2 --timeout 45 --graceful-timeout 20" \
        in web
    assert web.startswith("PROMETHEUS_MULTIPROC_DIR=")
    consumers = commands[1:]
    assert all("-m huying.cli run_huey --workers 4" in c for c in consumers)
    assert [c.endswith("--no-periodic") for c in consumers] == [False, True, True]
    assert "# 网页服务（gunicorn），监听 127.0.0.1:9001：3 个工作进程 × 2 个线程" in lines
    assert "# 后台任务 huey 消费者 1：4 个工作线程，负责排定定时任务" in lines


def test_an_extra_worker_node_schedules_nothing_and_runs_no_web():
    commands = [line for line in dry_run("--no-web", "--no-periodic", "--consumers", "2")
                if not line.startswith("#")]
    assert len(commands) == 2
    assert all(c.endswith("run_huey --workers 2 --no-periodic") for c in commands)


def test_the_defaults_come_from_the_environment_settings(settings):
    settings.HUYING_BIND = "unix:/run/huying/web.sock"
    settings.HUYING_WEB_WORKERS = 5
    settings.HUYING_HUEY_CONSUMERS = 0
    commands = [line for line in dry_run() if not line.startswith("#")]
    assert len(commands) == 1
    assert "--bind unix:/run/huying/web.sock --workers 5" in commands[0]


def test_nothing_to_run_is_refused():
    with pytest.raises(CommandError) as refused:
        call_command("serve", "--dry-run", "--allow-sqlite", "--no-web", "--consumers", "0")
    assert refused.value.returncode == 2


def test_sqlite_without_redis_is_refused_in_chinese_with_exit_2(tmp_path):
    env = {k: v for k, v in os.environ.items()
           if k not in {"DATABASE_URL", "REDIS_URL", "SECRET_KEY"}}
    env |= {"HUYING_VAR_DIR": str(tmp_path), "PYTHONPATH": str(ROOT)}
    done = subprocess.run([sys.executable, "-m", "huying.cli", "serve", "--dry-run"],
                          env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 2
    assert "不是生产配置，huying serve 不启动" in done.stderr
    assert "数据库不是 PostgreSQL" in done.stderr and "未设置 REDIS_URL" in done.stderr
    assert "SECRET_KEY 仍是开发用的密钥" in done.stderr and "--allow-sqlite" in done.stderr
    assert "gunicorn" not in done.stdout


def test_postgres_redis_and_a_secret_key_are_a_production_configuration(settings, monkeypatch):
    from huying.common.serving import serve_refusals

    monkeypatch.setitem(settings.DATABASES["default"], "ENGINE",
                        "django.db.backends.postgresql")
    settings.REDIS_URL = "redis://127.0.0.1:6379/0"
    settings.SECRET_KEY = "a-real-secret"
    assert serve_refusals(allow_sqlite=False) == []
    settings.REDIS_URL = ""
    assert len(serve_refusals(allow_sqlite=False)) == 1


def python_child(name: str, code: str) -> Child:
    return Child(name=name, description=name, argv=[sys.executable, "-c", code],
                 stop_signal=signal.SIGTERM)


def test_a_child_that_dies_is_reported_and_the_others_are_stopped():
    said: list[str] = []
    started = time.monotonic()
    code = serve_run([python_child("sleeper", "import time; time.sleep(120)"),
                      python_child("huey-1", "import sys; sys.exit(3)")],
                     grace_seconds=30, write=said.append)
    assert code == 1
    assert "huey-1 意外退出（退出码 3），正在停止其他进程。" in said
    assert not any("强制结束" in line for line in said)  # the sleeper obeyed SIGTERM
    assert time.monotonic() - started < 60


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.mark.slow
def test_serve_starts_answers_healthz_and_stops_on_sigterm(tmp_path):
    port = free_port()
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL"}}
    env |= {"HUYING_VAR_DIR": str(tmp_path), "PYTHONPATH": str(ROOT),
            "PYTHONUNBUFFERED": "1"}
    serve = subprocess.Popen(
        [sys.executable, "-m", "huying.cli", "serve", "--allow-sqlite",
         "--bind", f"127.0.0.1:{port}", "--workers", "1", "--threads", "1",
         "--consumers", "1", "--huey-workers", "1", "--graceful-timeout", "5"],
        env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        answer = None
        deadline = time.monotonic() + 90
        while answer is None and time.monotonic() < deadline and serve.poll() is None:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz",
                                            timeout=2) as response:
                    answer = response.status, response.read()
            except OSError:
                time.sleep(0.25)  # gunicorn is still booting: poll again, bounded above
        assert answer == (200, b'{"status": "ok"}')
        serve.send_signal(signal.SIGTERM)
        output, _ = serve.communicate(timeout=60)
    finally:
        if serve.poll() is None:
            serve.kill()
            serve.communicate()
    assert serve.returncode == 0, output
    assert "已启动网页服务（gunicorn），监听 127.0.0.1:" in output
    assert "已启动后台任务 huey 消费者 1：1 个工作线程，负责排定定时任务" in output
    assert "收到 SIGTERM：正在平稳停止" in output and "所有进程均已停止。" in output
