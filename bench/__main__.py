"""`make bench`: every benchmark prints its ratio against a reference run in the same
process (timings alone mean nothing across machines).

`python -m bench [sweep|intake|duplicates|locate|routing|situation] [ROWS]`; without a name
all run (sweep over a million clocks, intake of 2,000 reports, duplicate finding in a county
of 20,000 cases, locating the labelled addresses five times over, routing of 20,000 report
texts, the situation figures over a million cases on PostgreSQL — see bench/situation.py
for its options). `python -m bench duplicates --fit` fits the duplicate scorer's weights on the
training split."""

from __future__ import annotations

import subprocess
import sys

from bench import duplicates, intake, locate, routing, situation, soak, sweep

BENCHES = {"sweep": (sweep.run, 1_000_000), "intake": (intake.run, 2_000),
           "duplicates": (duplicates.run, 20_000), "locate": (locate.run, 5),
           "routing": (routing.run, 20_000), "situation": (situation.run, 1_000_000)}


def main() -> None:
    args = sys.argv[1:]
    if args and args[0] == "soak":  # a fault drill, not a benchmark: never in the run of all
        soak.main(args[1:])
        return
    if not args or args[0] not in BENCHES:
        # Each benchmark sets up Django on a fresh database of its own: one process each.
        for name in BENCHES:
            subprocess.run([sys.executable, "-m", "bench", name, *args], check=True)
        return
    if args[0] == "duplicates" and "--fit" in args:
        duplicates.fit()
        return
    if args[0] == "situation":  # options of its own (--rows, --repeat, --verify, --reuse)
        situation.main(args[1:])
        return
    run, default = BENCHES[args[0]]
    rows = int(args[1]) if len(args) > 1 and args[1].isdigit() else default
    run(rows=rows)


if __name__ == "__main__":
    main()
