"""Run every benchmark in turn: ``python -m bench [NAME ...] [--quick]`` (``make bench`` runs them all).

Each benchmark measures against a baseline taken in the same run (these machines are noisy), so its ratio
is the number to read. ``--quick`` shrinks each to a smoke-sized run; the defaults are the published runs.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import time

BENCHMARKS: dict[str, tuple[list[str], list[str]]] = {
    # name: (default arguments, --quick arguments)
    "extract": (["--limit", "200", "--rounds", "3", "--processes", "2"], ["--limit", "30", "--rounds", "1"]),
    "ingest": (["--limit", "150"], ["--limit", "30"]),
    "consolidate": ([], ["--sizes", "200,1000", "--sample", "20"]),
    "consolidate_events": ([], ["--events", "2000,20000", "--limit", "5"]),
    "pages": ([], ["--events", "10000", "--runs", "5", "--seconds", "3"]),
    "load": ([], ["--articles", "1000", "--workers", "1,2", "--seconds", "5", "--max-requests", "800"]),
}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("names", nargs="*", metavar="NAME", help=f"benchmarks to run: {', '.join(BENCHMARKS)} (default: all)")
    parser.add_argument("--quick", action="store_true", help="smoke-sized runs")
    args = parser.parse_args(argv)
    if unknown := [n for n in args.names if n not in BENCHMARKS]:
        parser.error(f"unknown benchmark {', '.join(unknown)}: choose from {', '.join(BENCHMARKS)}")
    failed: list[str] = []
    for name in args.names or list(BENCHMARKS):
        full, quick = BENCHMARKS[name]
        command = [sys.executable, "-m", f"bench.bench_{name}", *(quick if args.quick else full)]
        print(f"=== bench {name}: {' '.join(command[1:])}", flush=True)
        started = time.monotonic()
        code = subprocess.call(command)
        print(f"=== bench {name}: exit {code} after {time.monotonic() - started:.0f} s", flush=True)
        if code:
            failed.append(name)
    if failed:
        print(f"failed: {', '.join(failed)}", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
