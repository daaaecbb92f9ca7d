"""`make bench`: every benchmark prints its ratio against a reference run in the same
process (timings alone mean nothing across machines).

`python -m bench [sweep|intake|routing] [ROWS]`; without a name all run (sweep over a
million clocks, intake of 2,000 reports, routing of 20,000 report texts)."""

from __future__ import annotations

import subprocess
import sys

from bench import intake, routing, sweep

BENCHES = {"sweep": (sweep.run, 1_000_000), "intake": (intake.run, 2_000),
           "routing": (routing.run, 20_000)}


def main() -> None:
    args = sys.argv[1:]
    if not args or args[0] not in BENCHES:
        # Each benchmark sets up Django on a fresh database of its own: one process each.
        for name in BENCHES:
            subprocess.run([sys.executable, "-m", "bench", name, *args], check=True)
        return
    run, default = BENCHES[args[0]]
    run(rows=int(args[1]) if len(args) > 1 else default)


if __name__ == "__main__":
    main()
