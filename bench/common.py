"""What the benchmarks share: the database they run on (a fresh SQLite file, or a PostgreSQL
database of their own, dropped and created), their command line, and the results they leave
in `bench/results/` — one JSON file per benchmark and database, and a Markdown table built
from all of them, so the latest figures of every benchmark read in one place."""

from __future__ import annotations

import argparse
import json
import os
import platform
import tempfile
import time
from dataclasses import asdict, dataclass
from datetime import datetime
from pathlib import Path

PG_SERVER = "postgres://postgres@127.0.0.1:5432"
PG_DATABASE = "huying_bench"
RESULTS = Path(__file__).resolve().parent / "results"
DATABASES = ("sqlite", "pg")


def setup_django(db: str = "sqlite") -> None:
    """Django on a database of the benchmark's own, migrated: a temporary SQLite file, or
    `huying_bench` on the local PostgreSQL (dropped first: every run starts empty)."""
    os.environ["HUYING_VAR_DIR"] = tempfile.mkdtemp(prefix="huying-bench-")
    if db == "pg":
        import psycopg

        with psycopg.connect(f"{PG_SERVER}/postgres", autocommit=True,
                             connect_timeout=5) as server:
            server.execute(f"DROP DATABASE IF EXISTS {PG_DATABASE} WITH (FORCE)")
            server.execute(f"CREATE DATABASE {PG_DATABASE}")
        os.environ["DATABASE_URL"] = f"{PG_SERVER}/{PG_DATABASE}"
    else:
        os.environ.pop("DATABASE_URL", None)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "huying.settings")
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command

    settings.DEBUG = False  # no query log growing through the run
    # The bench's users sign in by the thousand: PBKDF2's deliberate slowness is not what
    # any benchmark measures.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    call_command("migrate", verbosity=0)


def database_label() -> str:
    """The engine and its version, as the results name it."""
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SHOW server_version")
            return f"PostgreSQL {cursor.fetchone()[0].split()[0]}"
    import sqlite3

    return f"SQLite {sqlite3.sqlite_version}"


@dataclass
class Check:
    """One figure against its target: `value` compared by `op` ("≥" or "≤" or "<") with
    `target`."""
    name: str
    value: float
    op: str
    target: float
    unit: str = ""

    @property
    def met(self) -> bool:
        return {"≥": self.value >= self.target, "≤": self.value <= self.target,
                "<": self.value < self.target}[self.op]

    def line(self) -> str:
        return (f"{self.name}: {number(self.value)}{self.unit} (target {self.op} "
                f"{self.target:g}{self.unit}) {'met' if self.met else 'NOT met'}")


def number(value: float) -> str:
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.2f}"


def arguments(prog: str, argv: list[str], default_rows: int) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog=f"python -m bench {prog}")
    parser.add_argument("rows", nargs="?", type=int, default=default_rows)
    parser.add_argument("--db", choices=DATABASES, default="sqlite",
                        help="sqlite (a temporary file) or pg (huying_bench, created afresh)")
    parser.add_argument("--results", type=Path, default=RESULTS,
                        help="where the JSON and the Markdown table go")
    return parser.parse_args(argv)


def record(*, bench: str, db: str, rows: int, figures: dict, checks: list[Check],
           results: Path = RESULTS) -> Path:
    """Write this run's JSON (replacing the last run of the same benchmark on the same
    database) and rebuild the Markdown table from every JSON file beside it."""
    for check in checks:
        print(f"  {check.line()}")
    results.mkdir(parents=True, exist_ok=True)
    report = {"bench": bench, "database": database_label(), "db": db, "rows": rows,
              "date": datetime.now().astimezone().isoformat(timespec="seconds"),
              "machine": {"cpus": os.cpu_count(), "python": platform.python_version(),
                          "load_average": [round(x, 1) for x in os.getloadavg()]},
              "figures": figures,
              "checks": [{**asdict(c), "met": c.met} for c in checks]}
    path = results / f"{bench}-{db}.json"
    path.write_text(json.dumps(report, indent=1, ensure_ascii=False, default=str) + "\n")
    table_write(results)
    print(f"  results: {path}")
    return path


def table_write(results: Path) -> None:
    lines = ["# Benchmark results", "",
             "Written by `make bench` / `python -m bench NAME [ROWS] [--db sqlite|pg]` from the "
             "JSON files beside this one (the latest run of each benchmark on each database). "
             "Ratios are against a reference measured in the same run; a ratio of throughputs "
             "is ours ÷ the reference's (1 = as fast). Size: what the benchmark counts (reports, "
             "lifecycles, clocks; seconds per run for load). The machine has 2 cores shared "
             "with other work: compare ratios, not absolute rates.", "",
             "| benchmark | database | date | size | figure | measured | target | met |",
             "|---|---|---|---:|---|---:|---|---|"]
    for path in sorted(results.glob("*.json")):
        report = json.loads(path.read_text())
        for c in report["checks"]:
            lines.append(f"| {report['bench']} | {report['database']} | {report['date'][:10]} "
                         f"| {report['rows']:,} | {c['name']} | {number(c['value'])}{c['unit']} "
                         f"| {c['op']} {c['target']:g}{c['unit']} "
                         f"| {'yes' if c['met'] else '**no**'} |")
    (results / "README.md").write_text("\n".join(lines) + "\n")


def timed(fn) -> tuple[float, object]:
    start = time.perf_counter()
    result = fn()
    return time.perf_counter() - start, result


def spread_point(i: int, *, west: float = 122.0, south: float = 37.0, width: float = 0.4,
                 height: float = 0.1) -> tuple[float, float]:
    """The i-th of a fixed scatter of points over the tests' county grids (or a part of
    them). Reports piled on one spot would each be a duplicate candidate of all the earlier
    ones, and the benchmark would measure the duplicate finder's worst case, not intake."""
    return (west + (i * 7919 % 10_007) / 10_007 * width,
            south + (i * 104_729 % 10_009) / 10_009 * height)

