"""The build, start to end: load → render HTML → render PDF → write, for one or more editions.

`build()` is a function of its options and the files on disk, with no state
kept between calls, so the command line, the tests and the benchmark all call
the same thing.
"""

from __future__ import annotations

import contextlib
import datetime
import json
import os
import pickle
import sys
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from . import freshness
from .errors import BuildError, ContentError, Problem, did_you_mean

if TYPE_CHECKING:
    from .model import Chapter, Edition, Handbook

PROJECT_ROOT = Path(__file__).resolve().parent.parent
EDITIONS_FILE = Path("styles") / "editions.yml"
SCORES_CACHE = ".readability-cache.json"

Progress = Callable[[str], None]


@dataclass(frozen=True)
class BuildOptions:
    content_dir: Path = PROJECT_ROOT / "content"
    output_dir: Path = PROJECT_ROOT / "output"
    project_root: Path = PROJECT_ROOT
    editions: tuple[str, ...] = ()    # empty: the handbook's default edition
    all_editions: bool = False
    processes: int = os.cpu_count() or 1
    force: bool = False               # rebuild even when nothing changed
    strict: bool = False              # every content-quality warning is an error
    today: datetime.date | None = None  # for the review-date warning; None: the real date


@dataclass(frozen=True)
class Output:
    edition: str
    path: Path
    impose: str | None


@dataclass(frozen=True)
class LayoutJob:
    """One layout and the edition files made from it: plain data, cheap to send to a worker."""

    html: str
    base_url: str
    allowed_roots: tuple[Path, ...]
    pdf_options: dict
    link_titles: dict[str, str]        # what each link target is called, for tagged PDFs
    outputs: tuple[Output, ...]
    title: str
    content_dir: Path


@dataclass(frozen=True)
class ReportSummary:
    """The content-quality report as plain data: its files and its printable lines."""

    files: dict[str, bytes]
    lines: list[str]
    warnings: int


@dataclass(frozen=True)
class BuildPlan:
    jobs: tuple[LayoutJob, ...]


@dataclass
class BuildResult:
    edition: str
    pdf_path: Path
    pages: int
    size: int
    seconds: float
    warnings: list[str] = field(default_factory=list)
    up_to_date: bool = False          # nothing changed: the PDF from the last build stands


@dataclass
class BuildOutcome:
    results: list[BuildResult]
    report: ReportSummary | None      # None when nothing changed since the last build


def plan_build(options: BuildOptions) -> tuple[BuildPlan, Callable[[], ReportSummary]]:
    """Load and validate the content and render one HTML document per layout. Raises HandbookError.

    Returns the plan and a function that measures the content's quality: the
    report takes as long as a layout, so the caller runs it beside the layout
    (with `strict`, it runs first, since a warning then stops the build).
    """
    from .content import load_editions, load_handbook
    from .html import Project, render_html

    project = Project(options.project_root)
    catalogue = load_editions(project.root / EDITIONS_FILE, project.root)
    handbook = load_handbook(options.content_dir, catalogue)
    jobs = [LayoutJob(html=render_html(handbook, project, name, edition), **job_fields(handbook, project, options,
                                                                                      edition, outputs))
            for name, edition, outputs in layout_groups(options, handbook, catalogue)]
    # Tagged layouts take longest: start them first so two processes finish together.
    jobs.sort(key=lambda job: not job.pdf_options.get("pdf_tags"))
    plan = BuildPlan(tuple(jobs))
    if options.strict:
        report = measure_quality(options, handbook)
        return plan, lambda: report
    return plan, lambda: measure_quality(options, handbook)


def layout_groups(options: BuildOptions, handbook: Handbook, catalogue: dict[str, Edition]
                  ) -> list[tuple[str, Edition, tuple[Output, ...]]]:
    """The layouts the chosen editions need, each with the files made from it.

    Editions that differ only in what is done with the pages (the booklet)
    share one layout. Raises ContentError for a picture without a description
    in an edition that needs one.
    """
    from .body import missing_alt_text

    listed = handbook.metadata.editions or list(catalogue)
    names = _chosen_editions(options, listed, catalogue)
    problems = [problem for name in names if catalogue[name].require_alt_text
                for problem in missing_alt_text(handbook.chapters, name)]
    if problems:
        raise ContentError(problems)
    stem = handbook.metadata.file_stem
    groups: dict[tuple, list[str]] = {}
    for name in names:
        groups.setdefault(catalogue[name].render_key, []).append(name)
    return [(group[0], catalogue[group[0]],
             tuple(Output(name, options.output_dir / (f"{stem}.pdf" if name == listed[0] else f"{stem}-{name}.pdf"),
                          catalogue[name].impose) for name in group))
            for group in groups.values()]


def job_fields(handbook: Handbook, project, options: BuildOptions, edition: Edition, outputs: tuple[Output, ...]) -> dict:
    from .body import link_titles
    from .html import installed_font_dirs

    return dict(
        base_url=handbook.content_dir.resolve().as_uri() + "/",
        # A build reads this handbook's content, the styles and the installed font packages, nothing else.
        allowed_roots=(handbook.content_dir, project.styles_dir, *installed_font_dirs()),
        pdf_options=edition.pdf_options,
        link_titles=link_titles(handbook.chapters, {name: table.caption for name, table in handbook.tables.items()}),
        outputs=outputs,
        title=handbook.metadata.title,
        content_dir=options.content_dir,
    )


def measure_quality(options: BuildOptions, handbook: Handbook,
                    chapter_html: Callable[[Chapter], str] | None = None) -> ReportSummary:
    """The content-quality report, as plain data. With `strict`, raises ContentError for any warning.

    `chapter_html` gives chapters already rendered; by default each is rendered here.
    """
    from .html import Project, render_chapter, template_environment, template_errors
    from .readability import CachedScores
    from .report import quality_report, report_files, summary_lines

    project = Project(options.project_root)
    if chapter_html is None:
        environment = template_environment(project.templates_dir)
        chapter_html = lambda chapter: render_chapter(chapter, handbook, environment)  # noqa: E731
    scores = CachedScores(options.output_dir / SCORES_CACHE)
    with template_errors(project):
        report = quality_report(handbook, chapter_html, options.today or datetime.date.today(), scores.score)
    scores.save()
    problems = [Problem(warning.path, warning.line, 0, warning.message, "fix it, or build without --strict")
                for warning in report.all_warnings]
    if options.strict and problems:
        raise ContentError(problems)
    return ReportSummary(report_files(report), summary_lines(report), len(problems))


def _chosen_editions(options: BuildOptions, listed: list[str], catalogue: dict) -> list[str]:
    if options.all_editions:
        return listed
    names = list(options.editions) or listed[:1]
    for name in names:
        if name not in catalogue:
            raise BuildError([Problem("--edition", 0, 0, f"there is no edition '{name}'",
                                      did_you_mean(name, catalogue))])
    return names


def build(options: BuildOptions, progress: Progress = lambda step: None) -> BuildOutcome:
    """Build the chosen editions into the output folder, unless nothing changed. Raises HandbookError."""
    started = time.perf_counter()
    request_key, current = _fingerprint(options)
    if not options.force and (previous := freshness.up_to_date(options.output_dir, request_key, current)):
        return BuildOutcome([BuildResult(output["edition"], Path(output["path"]), output["pages"],
                                         Path(output["path"]).stat().st_size, time.perf_counter() - started,
                                         up_to_date=True) for output in previous], None)
    outcome = _build(options, progress)
    freshness.record(options.output_dir, request_key, current,
                     [{"path": result.pdf_path, "edition": result.edition, "pages": result.pages}
                      for result in outcome.results])
    return outcome


def _fingerprint(options: BuildOptions) -> tuple[str, str]:
    request = {"content": options.content_dir.resolve(), "output": options.output_dir.resolve(),
               "editions": options.editions, "all": options.all_editions, "strict": options.strict}
    folders = [options.content_dir, options.project_root / "templates", options.project_root / "styles",
               Path(__file__).parent]
    return json.dumps(request, sort_keys=True, default=str), freshness.fingerprint(folders, request)


def _build(options: BuildOptions, progress: Progress) -> BuildOutcome:
    from .output import write_atomically

    progress("Checking content and rendering HTML")
    plan, report_later = _plan_beside_pdf_engine(options)
    try:
        results = _lay_out(plan, options, progress)
        report = report_later()
    finally:
        getattr(report_later, "close", lambda: None)()
    for name, data in report.files.items():
        write_atomically(options.output_dir / name, data)
    return BuildOutcome(results, report)


def _lay_out(plan: BuildPlan, options: BuildOptions, progress: Progress) -> list[BuildResult]:
    editions = sum(len(job.outputs) for job in plan.jobs)
    processes = max(1, min(options.processes, len(plan.jobs)))
    if processes == 1:
        progress("Laying out pages and writing PDF" if editions == 1 else f"Laying out {editions} editions")
        return [result for job in plan.jobs for result in run_layout_job(job)]

    from concurrent.futures import ProcessPoolExecutor, as_completed

    progress(f"Laying out {editions} editions ({len(plan.jobs)} layouts) in {processes} processes")
    results = []
    # Workers are forked after WeasyPrint is loaded, so none of them loads it again.
    with ProcessPoolExecutor(processes, mp_context=_fork_context()) as pool:
        for future in as_completed([pool.submit(run_layout_job, job) for job in plan.jobs]):
            finished = future.result()
            progress("Finished " + ", ".join(result.edition for result in finished))
            results += finished
    order = [output.edition for job in plan.jobs for output in job.outputs]
    return sorted(results, key=lambda result: order.index(result.edition))


def run_layout_job(job: LayoutJob) -> list[BuildResult]:
    """Lay out one document and write every edition file made from it."""
    from .pdf import render_pdf

    started = time.perf_counter()
    with refused_urls_as_content_errors(job.content_dir):
        rendered = render_pdf(job.html, base_url=job.base_url, allowed_roots=job.allowed_roots,
                              link_titles=job.link_titles, **job.pdf_options)
    return write_outputs(job.outputs, rendered, job.title, started)


def write_outputs(outputs: tuple[Output, ...], rendered, title: str, started: float) -> list[BuildResult]:
    """Write each edition file made from one layout: as it is, or imposed as a booklet."""
    from .output import write_atomically

    results = []
    for output in outputs:
        data, pages = rendered.data, rendered.pages
        if output.impose == "booklet":
            from .impose import impose_booklet  # pypdf: loaded only for the booklet

            data, pages = impose_booklet(rendered.data, title)
        write_atomically(output.path, data)
        results.append(BuildResult(output.edition, output.path, pages, len(data), time.perf_counter() - started,
                                   rendered.warnings + environment_warnings()))
    return results


@contextlib.contextmanager
def refused_urls_as_content_errors(content_dir: Path):
    from .pdf import ForbiddenResource

    try:
        yield
    except ForbiddenResource as refused:
        raise ContentError([_locate_url(content_dir, refused.url)]) from refused


def _fork_context():
    import multiprocessing

    return multiprocessing.get_context("fork" if hasattr(os, "fork") else "spawn")


def _plan_beside_pdf_engine(options: BuildOptions) -> tuple[BuildPlan, Callable[[], ReportSummary]]:
    """Plan the build in a forked worker while this process loads WeasyPrint.

    Importing WeasyPrint takes about a third of a second, as long as loading,
    validating and rendering the content; on two cores the two overlap, which
    keeps a build within a few percent of WeasyPrint's own time. The worker
    then measures the content's quality while this process lays out pages.
    Where fork is missing, or WeasyPrint is already loaded (a warm process),
    it all runs inline.
    """
    if "weasyprint" in sys.modules or not hasattr(os, "fork"):
        load_pdf_engine()
        return plan_build(options)
    read_end, write_end = os.pipe()
    child = os.fork()
    if child == 0:
        try:
            os.close(read_end)
            with os.fdopen(write_end, "wb") as stream:
                plan = _run(plan_build, options, stream)
                if plan is not None:
                    _run(plan[1], None, stream)
        except BaseException:  # noqa: BLE001  (the parent gave up, e.g. after an error: nothing to tell)
            pass
        finally:
            os._exit(0)
    os.close(write_end)
    pending = _PendingReport(os.fdopen(read_end, "rb"), child)
    try:
        load_pdf_engine()
        return _received(pending.stream), pending
    except BaseException:
        pending.close()
        raise


class _PendingReport:
    """The report the forked worker is still measuring; call it to wait for it."""

    def __init__(self, stream, child: int):
        self.stream, self.child = stream, child

    def __call__(self) -> ReportSummary:
        try:
            return _received(self.stream)
        finally:
            self.close()

    def close(self) -> None:
        if not self.stream.closed:
            self.stream.close()
            os.waitpid(self.child, 0)


def load_pdf_engine() -> None:
    """Import WeasyPrint; a missing system library (Pango, HarfBuzz) is an environment error, not a traceback."""
    try:
        import weasyprint  # noqa: F401
    except OSError as error:
        raise BuildError([Problem("weasyprint", 0, 0, f"a system library is missing: {error}",
                                  "install the system libraries with the README's first command")]) from error


def _run(function: Callable, argument: object, stream) -> object:
    """Call `function` and send its result, or its exception, down `stream`. Returns the result or None."""
    try:
        result = function(argument) if argument is not None else function()
    except BaseException as error:  # noqa: BLE001  (re-raised in the parent)
        try:
            payload = pickle.dumps((False, error))
        except Exception:
            payload = pickle.dumps((False, RuntimeError("".join(traceback.format_exception(error)))))
        stream.write(payload)
        return None
    stream.write(pickle.dumps((True, result[0] if isinstance(result, tuple) else result)))
    stream.flush()
    return result


def _received(stream):
    succeeded, value = pickle.load(stream)
    if succeeded:
        return value
    raise value


def environment_warnings() -> list[str]:
    from weasyprint.text.ffi import harfbuzz_subset  # None when WeasyPrint could not load it

    if harfbuzz_subset is None:
        return ["the system library libharfbuzz-subset0 is missing: writing PDFs is about 4 times slower "
                "(install it with: apt-get install libharfbuzz-subset0)"]
    return []


def _locate_url(content_dir: Path, url: str) -> Problem:
    """Point at the content line that asked for a refused URL."""
    from .content import load_handbook

    handbook = load_handbook(content_dir)
    needles = {url, url.removeprefix(handbook.content_dir.resolve().as_uri() + "/")}
    for chapter in handbook.chapters:
        for offset, line in enumerate(chapter.body.split("\n")):
            if any(needle and needle in line for needle in needles):
                return Problem(chapter.display_path, chapter.body_line + offset, line.find("](") + 2,
                               f"'{url}' is outside the project and cannot be used",
                               "put the file in the content folder's images/ and use a relative path")
    return Problem(handbook.content_dir.name, 0, 0, f"the handbook asked for '{url}', which is outside the project",
                   "use only files inside the content folder")
