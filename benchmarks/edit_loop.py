#!/usr/bin/env python3
"""The edit loop, as ratios against a cold build in a fresh process.

Prints, in one run:
  cold       python build.py --force, a fresh process each time (the reference)
  no-op      python build.py when nothing changed, a fresh process each time
  warm edit  one warm process (as in --watch) rebuilding after a one-line edit in one chapter
  peak memory of the cold build and of the warm process
  a synthetic handbook of about 200 pages (generated content): cold build time and time per page

    python benchmarks/edit_loop.py [--rounds 5] [--content DIR]
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.measure import timed  # noqa: E402


def warm_driver(content: Path, output: Path, rounds: int) -> None:
    """Run inside its own process: a warm session, then `rounds` one-line edits; prints JSON timings."""
    from handbook.pipeline import BuildOptions
    from handbook.watch import WarmSession

    session = WarmSession(BuildOptions(content_dir=content, output_dir=output))
    started = time.perf_counter()
    session.rebuild()
    first = time.perf_counter() - started
    chapter = sorted((content / "chapters").glob("*.md"))[2]
    original = chapter.read_text(encoding="utf-8")
    edits = []
    for round_number in range(rounds):
        chapter.write_text(original + f"\nYou can write this line {round_number}.\n", encoding="utf-8")
        started = time.perf_counter()
        _, _, laid_out = session.rebuild()
        edits.append(time.perf_counter() - started)
    chapter.write_text(original, encoding="utf-8")
    print(json.dumps({"first": first, "edits": edits, "laid_out": laid_out}))


def synthetic_handbook(folder: Path, chapters: int = 24) -> None:
    """About 200 Letter pages of plain text, lists and tables, built from the baclofen metadata."""
    shutil.copytree(ROOT / "content", folder)
    shutil.rmtree(folder / "chapters")
    (folder / "chapters").mkdir()
    paragraph = ("You take this medicine each day at the same time. Keep it in a dry place. "
                 "Ask your pharmacist if you have a question about it. ") * 3
    for number in range(1, chapters + 1):
        sections = []
        for section in range(1, 7):
            sections.append(f"## Part {section}\n\n{paragraph}\n\n{paragraph}\n\n- You can do this.\n- You can do that.\n\n"
                            f"!!! tip \"Remember\"\n    {paragraph}\n")
        table = "[[table: side-effects]]\n\n" if number % 3 == 0 else ""
        checklist = "[[checklist]]\n" if number == chapters else ""
        (folder / "chapters" / f"{number:02d}-part.md").write_text(
            f"---\nid: chapter-{number}\ntitle: Chapter {number}\norder: {number}\n---\n{paragraph}\n\n{table}"
            + "\n".join(sections) + "\n" + checklist, encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--content", type=Path, default=ROOT / "content")
    parser.add_argument("--warm-driver", nargs=2, type=Path, metavar=("CONTENT", "OUTPUT"), help=argparse.SUPPRESS)
    arguments = parser.parse_args()
    if arguments.warm_driver:
        return warm_driver(*arguments.warm_driver, arguments.rounds)

    with tempfile.TemporaryDirectory() as work:
        work = Path(work)
        content = work / "content"
        shutil.copytree(arguments.content, content)
        build = [sys.executable, "build.py", "-q", "--content", str(content), "--output", str(work / "out")]

        timed(build + ["--force"])  # warm the file cache
        cold = [timed(build + ["--force"]) for _ in range(arguments.rounds)]
        noop = [timed(build) for _ in range(arguments.rounds)]
        assert all("Up to date" in output for _, _, output in noop)
        seconds, warm_peak, output = timed([sys.executable, __file__, "--rounds", str(arguments.rounds),
                                            "--warm-driver", str(content), str(work / "warm")])
        warm = json.loads(output)

        synthetic = work / "synthetic"
        synthetic_handbook(synthetic)
        big_build = [sys.executable, "build.py", "-q", "--force", "--content", str(synthetic), "--output", str(work / "big")]
        big = [timed(big_build) for _ in range(max(1, arguments.rounds // 2))]
        pages = int(big[-1][2].split(": ")[1].split(" pages")[0])

    cold_median = statistics.median(run[0] for run in cold)
    noop_median = statistics.median(run[0] for run in noop)
    edit_median = statistics.median(warm["edits"])
    big_median = statistics.median(run[0] for run in big)
    print(f"content: {arguments.content}  rounds: {arguments.rounds}")
    print(f"cold build (fresh process)      median {cold_median:6.3f} s   peak {max(r[1] for r in cold)} MiB")
    print(f"no-op rebuild (fresh process)   median {noop_median:6.3f} s   ratio {noop_median / cold_median:.3f} (target <= 0.05)")
    print(f"warm rebuild, one-line edit     median {edit_median:6.3f} s   ratio {edit_median / cold_median:.3f} (target <= 0.35)"
          f"   laid out again: {', '.join(warm['laid_out'])}")
    print(f"warm process: first build {warm['first']:.2f} s, peak {warm_peak} MiB")
    print(f"synthetic handbook: {pages} pages in {big_median:.2f} s, {1000 * big_median / pages:.1f} ms per page, "
          f"peak {max(r[1] for r in big)} MiB")


if __name__ == "__main__":
    main()
