"""`make bench`: every benchmark prints its ratio against a reference run in the same
process (timings alone mean nothing across machines) and leaves its figures in
`bench/results/` (JSON per benchmark and database, and the Markdown table README.md).

`python -m bench [NAME] [ROWS] [--db sqlite|pg]`; without a name all run, on SQLite and
then on PostgreSQL where the benchmark has both: the sweep over a million clocks, intake of
2,000 reports (on fresh tables and with 100,000 cases in them), 300 full lifecycles against
a raw replay of their writes, HTTP load with locust for 30 s per run against a bare WSGI
endpoint, duplicate finding in a county of 20,000 cases, locating the labelled addresses
five times over, routing of 20,000 report texts, the situation figures over a million
cases on PostgreSQL — see bench/situation.py for its options. `python -m bench duplicates
--fit` fits the duplicate scorer's weights on the training split. `python -m bench soak`
(`make soak`) is the fault drill, never part of the run of all: it restarts PostgreSQL."""

from __future__ import annotations

import subprocess
import sys

from bench import duplicates, intake, lifecycle, load, locate, routing, situation, soak, sweep

# Benchmarks with a command line of their own (ROWS, --db, --results …).
MAINS = {"sweep": sweep.main, "intake": intake.main, "lifecycle": lifecycle.main,
         "load": load.main}
BENCHES = {"duplicates": (duplicates.run, 20_000), "locate": (locate.run, 5),
           "routing": (routing.run, 20_000)}
BOTH_DATABASES = ("sweep", "intake", "lifecycle", "load")


def main() -> None:
    args = sys.argv[1:]
    if args and args[0] == "soak":  # a fault drill, not a benchmark: never in the run of all
        soak.main(args[1:])
        return
    if not args or args[0] not in {*MAINS, *BENCHES, "situation"}:
        # Each benchmark sets up Django on a fresh database of its own: one process each.
        for name in (*BOTH_DATABASES, *BENCHES, "situation"):
            # ROWS sizes the benchmarks that count rows; load's argument is seconds.
            given = [a for a in args if not a.isdigit()] if name == "load" else args
            for db in ("sqlite", "pg") if name in BOTH_DATABASES else (None,):
                extra = ["--db", db] if db else []
                subprocess.run([sys.executable, "-m", "bench", name, *given, *extra],
                               check=True)
        return
    if args[0] == "duplicates" and "--fit" in args:
        duplicates.fit()
        return
    if args[0] == "situation":  # options of its own (--rows, --repeat, --verify, --reuse)
        situation.main(args[1:])
        return
    if args[0] in MAINS:
        MAINS[args[0]](args[1:])
        return
    run, default = BENCHES[args[0]]
    rows = int(args[1]) if len(args) > 1 and args[1].isdigit() else default
    run(rows=rows)


if __name__ == "__main__":
    main()
