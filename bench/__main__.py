"""`make bench`: every benchmark prints its ratio against a reference run in the same
process (timings alone mean nothing across machines)."""

from __future__ import annotations

import sys

from bench import sweep


def main() -> None:
    rows = int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000
    sweep.run(rows=rows)


if __name__ == "__main__":
    main()
