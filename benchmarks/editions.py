#!/usr/bin/env python3
"""`--all` against building each edition alone, each in a fresh process.

Prints, per round and as medians: every edition's time alone, their sum, the
time of one `--all` run, and the ratio --all / sum (target: 0.6 or less).

    python benchmarks/editions.py [--rounds 3] [--content DIR]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.measure import timed  # noqa: E402

from handbook.content import load_editions, load_handbook  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--content", type=Path, default=ROOT / "content")
    arguments = parser.parse_args()
    catalogue = load_editions(ROOT / "styles" / "editions.yml", ROOT)
    names = load_handbook(arguments.content).metadata.editions or list(catalogue)

    alone: dict[str, list[float]] = {name: [] for name in names}
    together, ratios = [], []
    with tempfile.TemporaryDirectory() as output:
        base = [sys.executable, "build.py", "-q", "--force", "--content", str(arguments.content), "--output", output]
        timed(base + ["--all"])  # warm the file cache
        for _ in range(arguments.rounds):
            round_sum = 0.0
            for name in names:
                seconds, _, _ = timed(base + ["--edition", name])
                alone[name].append(seconds)
                round_sum += seconds
            seconds, peak, _ = timed(base + ["--all"])
            together.append((seconds, peak))
            ratios.append(seconds / round_sum)

    print(f"content: {arguments.content}  rounds: {arguments.rounds}  cores: {os.cpu_count()}")
    for name in names:
        print(f"  {name:<12} alone   median {statistics.median(alone[name]):6.2f} s")
    total = statistics.median(sum(alone[name][index] for name in names) for index in range(arguments.rounds))
    print(f"  sum of editions alone  median {total:6.2f} s")
    print(f"  --all                  median {statistics.median(t for t, _ in together):6.2f} s   "
          f"peak {max(p for _, p in together)} MiB per process")
    print(f"ratio --all / sum: median {statistics.median(ratios):.3f} (min {min(ratios):.3f}, max {max(ratios):.3f}; target <= 0.6)")


if __name__ == "__main__":
    main()
