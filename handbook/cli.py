"""Command line: parse arguments, run the build, print problems and the summary.

Only this module prints. Exit codes: 0 built (or checked), 1 content errors,
2 usage or environment errors.
"""

from __future__ import annotations

import argparse
import gc
import sys
import time
import traceback
from pathlib import Path

from .errors import HandbookError, Problem

EXIT_OK, EXIT_CONTENT, EXIT_USAGE = 0, 1, 2
PROJECT_ROOT = Path(__file__).resolve().parent.parent

DESCRIPTION = """\
Build a print-ready patient handbook PDF from a content folder:
handbook.yml (metadata), chapters/*.md (Markdown with front matter),
tables/*.yml (data tables) and checklist.yml (the disposal checklist)."""

EPILOG = """\
exit codes:
  0  the handbook was built (or, with --check, the content is valid)
  1  the content has mistakes (with --strict: or warnings); each is printed as
     path:line:column: problem (what to do)
  2  wrong arguments, or the machine lacks something the builder needs

examples:
  python build.py                          build content/ into output/ (the default edition)
  python build.py --edition large-print    build one edition
  python build.py --all                    build every edition the handbook lists, in parallel
  python build.py --check                  validate the content and write the quality report, no PDF
  python build.py --check --no-report      validate only (well under a second: for a pre-commit hook)
  python build.py --watch                  rebuild after every save, until Ctrl+C
  python build.py --content tests/fixtures/mini --output /tmp/mini
"""


def parse_arguments(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="build.py", description=DESCRIPTION, epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--content", type=Path, default=PROJECT_ROOT / "content", metavar="DIR",
                        help="content folder to build (default: content/)")
    parser.add_argument("--output", type=Path, default=PROJECT_ROOT / "output", metavar="DIR",
                        help="folder the PDF is written to (default: output/)")
    parser.add_argument("--edition", action="append", default=[], metavar="NAME",
                        help="edition to build (repeatable; default: the handbook's first edition); "
                             "see styles/editions.yml")
    parser.add_argument("--all", action="store_true", dest="all_editions",
                        help="build every edition listed in handbook.yml, one process per core")
    parser.add_argument("--watch", action="store_true",
                        help="stay running and rebuild after every change to content/, templates/ or styles/")
    parser.add_argument("--force", action="store_true",
                        help="rebuild even if nothing changed since the last build")
    parser.add_argument("--check", action="store_true",
                        help="validate the content and write only the quality report; no PDF")
    parser.add_argument("--no-report", action="store_true",
                        help="with --check: validate only, without measuring reading levels "
                             "(always well under a second: for a pre-commit hook)")
    parser.add_argument("--strict", action="store_true",
                        help="treat every warning as an error (exit code 1), for CI")
    parser.add_argument("--preview", action="store_true",
                        help="also write PNG previews of the pages under output/previews/EDITION/")
    parser.add_argument("-q", "--quiet", action="store_true", help="print only problems and the result line")
    parser.add_argument("--debug", action="store_true", help="show Python tracebacks for every error")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    arguments = parse_arguments(argv)
    try:
        if arguments.check:
            return _check(arguments)
        if arguments.watch:
            return _watch(arguments)
        return _build(arguments)
    except HandbookError as error:
        if arguments.debug:
            traceback.print_exc()
        _print_problems(error.problems, error)
        return error.exit_code
    except KeyboardInterrupt:
        print("Stopped.", file=sys.stderr)
        return EXIT_USAGE


def _check(arguments: argparse.Namespace) -> int:
    from .output import write_atomically
    from .content import load_handbook
    from .pipeline import BuildOptions, measure_quality

    started = time.perf_counter()
    options = BuildOptions(content_dir=arguments.content, output_dir=arguments.output, strict=arguments.strict)
    handbook = load_handbook(options.content_dir)
    if not arguments.no_report:
        summary = measure_quality(options, handbook)
        for name, data in summary.files.items():
            write_atomically(arguments.output / name, data)
        if not arguments.quiet:
            print("\n".join(summary.lines))
    print(f"Content is valid: {len(handbook.chapters)} chapters, {len(handbook.tables)} tables "
          f"({time.perf_counter() - started:.2f} s)")
    return EXIT_OK


def _build(arguments: argparse.Namespace) -> int:
    from .pipeline import BuildOptions, build

    def progress(step: str) -> None:
        if not arguments.quiet:
            print(f"• {step} ...", flush=True)

    options = BuildOptions(content_dir=arguments.content, output_dir=arguments.output,
                           editions=tuple(arguments.edition), all_editions=arguments.all_editions,
                           force=arguments.force, strict=arguments.strict)
    started = time.perf_counter()
    outcome = build(options, progress)
    results = outcome.results
    if outcome.report is not None and not arguments.quiet:
        print("\n".join(outcome.report.lines))
    _print_results(results)
    if len(results) > 1:
        print(f"{_plural(len(results), 'edition')} in {time.perf_counter() - started:.1f} s")
    if arguments.preview:
        from .preview import render_previews

        for result in results:
            previews = render_previews(result.pdf_path, arguments.output / "previews" / result.edition)
            print(f"Previews: {_shown_path(previews.contact_sheet)} and {len(previews.pages)} page images")
    # The process ends next: spare the garbage collector a last walk over the laid-out pages
    # (about 0.1 s of a 1.2 s build).
    gc.freeze()
    build_warnings = sum(len(set(result.warnings)) for result in results)
    if arguments.strict and build_warnings:
        print(f"error: {_plural(build_warnings, 'build warning')} with --strict", file=sys.stderr)
        return EXIT_CONTENT
    return EXIT_OK


def _print_results(results: list) -> None:
    for result in results:
        warnings = sorted(set(result.warnings))
        label = f" ({result.edition})" if len(results) > 1 else ""
        if result.up_to_date:
            print(f"Up to date: {_shown_path(result.pdf_path)}{label}, {result.pages} pages "
                  f"(nothing changed since the last build; --force rebuilds)")
            continue
        print(f"Built {_shown_path(result.pdf_path)}{label}: {result.pages} pages, {result.size / 1024:.0f} KB, "
              f"{result.seconds:.1f} s, {_plural(len(warnings), 'warning')}", flush=True)
        for warning in warnings:
            print(f"  warning: {warning}")


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


def _watch(arguments: argparse.Namespace) -> int:
    from .pipeline import BuildOptions, load_pdf_engine

    load_pdf_engine()
    from .watch import watch

    options = BuildOptions(content_dir=arguments.content, output_dir=arguments.output,
                           editions=tuple(arguments.edition), all_editions=arguments.all_editions,
                           strict=arguments.strict)

    def show_problem(error: HandbookError) -> None:
        if arguments.debug:
            traceback.print_exception(error)
        _print_problems(error.problems, error)

    def show_results(results, report) -> None:
        if not arguments.quiet:
            print("\n".join(report.lines))
        _print_results(results)

    watch(options, lambda line: print(line, flush=True), show_problem, show_results)
    return EXIT_OK


def _shown_path(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(Path.cwd()))
    except ValueError:
        return str(path)


def _print_problems(problems: list[Problem], error: HandbookError) -> None:
    for problem in problems:
        print(f"error: {problem}", file=sys.stderr)
    kind = "content" if error.exit_code == EXIT_CONTENT else "build"
    count = len(problems)
    print(f"{count} {kind} problem{'s' if count != 1 else ''}; nothing was written "
          f"(the previous PDF, if any, is unchanged).", file=sys.stderr)
