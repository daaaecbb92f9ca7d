"""`huying serve`: the processes of one node (gunicorn and the huey consumers) as one unit
that systemd starts, stops and restarts.

What it starts: gunicorn on `huying.wsgi` and N consumers (`huying run_huey`); exactly one
consumer enqueues the periodic jobs (the SLA sweep each minute, the nightly and monthly
ones), the others run with huey's `--no-periodic`. A node added for more workers passes
`--no-periodic` (none of its consumers schedules) and `--no-web`; an app-only node passes
`--consumers 0`. The cluster must have exactly one scheduler: the periodic jobs are
idempotent, but two schedulers would do each one twice.

How it supervises: a child that exits on its own is reported, the others are stopped
gracefully, and serve exits 1, so that systemd (`Restart=on-failure`) restarts the node whole.
It does not restart the child in place: gunicorn and huey already restart their own workers,
so a master that died is a fault to see in the journal, not to paper over.

How it stops: on SIGTERM or SIGINT, gunicorn gets SIGTERM (it finishes the requests in
flight within its graceful timeout) and each consumer SIGINT (huey's graceful stop: running
tasks finish). What still runs after the graceful timeout plus ten seconds is killed. The
children run in process groups of their own, so a Ctrl-C at the terminal reaches only serve,
which stops them in this order of its own.
"""

from __future__ import annotations

import os
import shlex
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.utils.translation import gettext as _

# How long a stop may take beyond gunicorn's graceful timeout before what is left is killed.
KILL_MARGIN_SECONDS = 10
POLL_SECONDS = 0.2


@dataclass(frozen=True)
class ServeOptions:
    bind: str
    workers: int
    threads: int
    timeout: int
    graceful_timeout: int
    consumers: int
    huey_workers: int
    periodic: bool = True
    web: bool = True


@dataclass(frozen=True)
class Child:
    name: str
    description: str
    argv: list[str]
    stop_signal: signal.Signals
    env: dict[str, str] = field(default_factory=dict)


def serve_refusals(*, allow_sqlite: bool) -> list[str]:
    """Why this configuration is not a production one; empty when it is (or the demo's
    SQLite profile is allowed)."""
    if allow_sqlite:
        return []
    problems = []
    if "postgresql" not in settings.DATABASES["default"]["ENGINE"]:
        problems.append(_("The database is not PostgreSQL: set DATABASE_URL=postgres://…"))
    if not settings.REDIS_URL:
        problems.append(_("REDIS_URL is not set: huey's queue and the cache need Redis."))
    if settings.SECRET_KEY == settings.DEVELOPMENT_SECRET_KEY:
        problems.append(_("SECRET_KEY is the development key: set a secret one."))
    return problems


def metrics_dir() -> Path:
    """Where the gunicorn workers share their request metrics (see common/metrics.py)."""
    return Path(os.environ.get("PROMETHEUS_MULTIPROC_DIR") or settings.VAR_DIR / "metrics")


def serve_plan(options: ServeOptions) -> list[Child]:
    """The command line of every process this node runs."""
    children = []
    if options.web:
        children.append(Child(
            name="gunicorn",
            description=_("web (gunicorn) on %(bind)s: %(workers)d workers × %(threads)d "
                          "threads") % {"bind": options.bind, "workers": options.workers,
                                        "threads": options.threads},
            argv=[sys.executable, "-m", "gunicorn", "huying.wsgi:application",
                  "--config", "python:huying.common.gunicorn_conf",
                  "--bind", options.bind, "--workers", str(options.workers),
                  "--threads", str(options.threads), "--timeout", str(options.timeout),
                  "--graceful-timeout", str(options.graceful_timeout)],
            stop_signal=signal.SIGTERM,
            env={"PROMETHEUS_MULTIPROC_DIR": str(metrics_dir())}))
    for number in range(1, options.consumers + 1):
        scheduler = options.periodic and number == 1
        children.append(Child(
            name=f"huey-{number}",
            description=(_("huey consumer %(number)d: %(workers)d workers, schedules the "
                           "periodic jobs") if scheduler else
                         _("huey consumer %(number)d: %(workers)d workers, no periodic jobs"))
            % {"number": number, "workers": options.huey_workers},
            argv=[sys.executable, "-m", "huying.cli", "run_huey",
                  "--workers", str(options.huey_workers),
                  *([] if scheduler else ["--no-periodic"])],
            stop_signal=signal.SIGINT))
    return children


def command_line(child: Child) -> str:
    env = " ".join(f"{key}={shlex.quote(value)}" for key, value in child.env.items())
    return (env + " " if env else "") + shlex.join(child.argv)


def _metrics_dir_reset(path: Path) -> None:
    """A new start counts from zero: the files of the last run's workers would add up."""
    path.mkdir(parents=True, exist_ok=True)
    for stale in path.glob("*.db"):
        stale.unlink()


def serve_run(children: list[Child], *, grace_seconds: float,
              write: Callable[[str], None]) -> int:
    """Start the children, watch them, stop them; the exit code of `huying serve`."""
    stop: list[int] = []

    def on_signal(signum: int, frame: object) -> None:
        stop.append(signum)

    previous = {s: signal.signal(s, on_signal) for s in (signal.SIGTERM, signal.SIGINT)}
    running: list[tuple[Child, subprocess.Popen]] = []
    failure = False
    try:
        for child in children:
            if "PROMETHEUS_MULTIPROC_DIR" in child.env:
                _metrics_dir_reset(Path(child.env["PROMETHEUS_MULTIPROC_DIR"]))
            try:
                process = subprocess.Popen(child.argv, env=os.environ | child.env,
                                           process_group=0)
            except OSError as exc:
                write(_("Could not start %(name)s: %(error)s") % {"name": child.name,
                                                                   "error": exc})
                failure = True
                break
            running.append((child, process))
            write(_("Started %(description)s (pid %(pid)d).") % {
                "description": child.description, "pid": process.pid})
        while not stop and not failure:
            for child, process in running:
                if process.poll() is not None:
                    write(_("%(name)s exited unexpectedly with code %(code)d; stopping the "
                            "others.") % {"name": child.name, "code": process.returncode})
                    failure = True
                    break
            else:
                time.sleep(POLL_SECONDS)
        if stop:
            write(_("Received %(signal)s: stopping gracefully …") % {
                "signal": signal.Signals(stop[0]).name})
        _stop_all(running, grace_seconds=grace_seconds, write=write)
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)
    if failure:
        return 1
    write(_("All processes stopped."))
    return 0


def _stop_all(running: list[tuple[Child, subprocess.Popen]], *, grace_seconds: float,
              write: Callable[[str], None]) -> None:
    for child, process in running:
        if process.poll() is None:
            process.send_signal(child.stop_signal)
    deadline = time.monotonic() + grace_seconds
    for child, process in running:
        try:
            process.wait(timeout=max(0.0, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            write(_("%(name)s did not stop within %(seconds)d s: killed.") % {
                "name": child.name, "seconds": grace_seconds})
            process.kill()
            process.wait()
