#!/usr/bin/env python3
"""How much the builder costs on top of WeasyPrint itself.

Each round runs, as separate fresh processes and in alternating order:
  builder: python build.py (load, validate, render HTML, lay out, write PDF)
  floor:   python -m weasyprint on the builder's own final HTML (lay out, write PDF)
and prints the median wall time of each, the median of the per-round ratios
builder/floor, and each command's peak memory (maximum resident set size).

    python benchmarks/build_vs_weasyprint.py [--rounds 7] [--content DIR]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.measure import timed  # noqa: E402

from handbook.content import load_editions, load_handbook  # noqa: E402
from handbook.html import Project, render_html  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--content", type=Path, default=ROOT / "content")
    arguments = parser.parse_args()

    with tempfile.TemporaryDirectory() as work:
        work = Path(work)
        html_path = work / "handbook.html"
        catalogue = load_editions(ROOT / "styles" / "editions.yml", ROOT)
        html_path.write_text(render_html(load_handbook(arguments.content), Project(ROOT), "letter", catalogue["letter"]),
                             encoding="utf-8")
        builder = [sys.executable, "build.py", "-q", "--force", "--content", str(arguments.content), "--output", str(work / "out")]
        floor = [sys.executable, "-m", "weasyprint", "--base-url", arguments.content.resolve().as_uri() + "/",
                 str(html_path), str(work / "floor.pdf")]

        timed(builder), timed(floor)  # warm the file cache
        builder_runs, floor_runs, ratios = [], [], []
        for round_number in range(arguments.rounds):
            pair = (builder, floor) if round_number % 2 == 0 else (floor, builder)
            first, second = timed(pair[0]), timed(pair[1])
            build_run, floor_run = (first, second) if pair[0] is builder else (second, first)
            builder_runs.append(build_run)
            floor_runs.append(floor_run)
            ratios.append(build_run[0] / floor_run[0])

    def median(runs, index):
        return statistics.median(run[index] for run in runs)

    print(f"content: {arguments.content}  rounds: {arguments.rounds}  (fresh process each run)")
    print(f"builder  (python build.py)          median {median(builder_runs, 0):6.2f} s   peak {max(r[1] for r in builder_runs):4d} MiB")
    print(f"floor    (python -m weasyprint)     median {median(floor_runs, 0):6.2f} s   peak {max(r[1] for r in floor_runs):4d} MiB")
    print(f"ratio builder/floor: median {statistics.median(ratios):.3f}  (min {min(ratios):.3f}, max {max(ratios):.3f}; target <= 1.05)")


if __name__ == "__main__":
    main()
