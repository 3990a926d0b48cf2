"""Watch mode: one warm process that rebuilds whenever content, templates or styles change.

Each rebuild is the same load → validate → render as a normal build, but the
process keeps what can be kept: WeasyPrint and the templates stay loaded, and
each edition's parts stay laid out (`partitioned.PartitionedLayout`), so a
one-line edit lays out only the chapter it touched. A content mistake prints
its problems and the watch goes on; the last good PDF stays in place.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

from .errors import HandbookError
from .freshness import fingerprint
from .pipeline import (EDITIONS_FILE, BuildOptions, BuildResult, ReportSummary, job_fields, layout_groups,
                       measure_quality, refused_urls_as_content_errors, write_outputs)


class WarmSession:
    """Rebuilds for one set of options, keeping laid-out parts between calls."""

    def __init__(self, options: BuildOptions):
        from .html import Project

        self.options = options
        self.project = Project(options.project_root)
        self.layouts: dict[tuple, object] = {}

    def rebuild(self) -> tuple[list[BuildResult], ReportSummary, list[str]]:
        """Build the chosen editions. Returns the results, the report, and the parts laid out again."""
        from .content import load_editions, load_handbook
        from .html import render_chapters
        from .output import write_atomically
        from .partitioned import PartitionedLayout

        catalogue = load_editions(self.project.root / EDITIONS_FILE, self.project.root)
        handbook = load_handbook(self.options.content_dir, catalogue)
        groups = layout_groups(self.options, handbook, catalogue)
        # Each chapter is rendered to HTML once per edition and serves the report and the layout alike.
        chapters = {name: render_chapters(handbook, self.project, edition) for name, edition, _ in groups}
        first = {item.chapter.id: item.html for item in chapters[groups[0][0]]}
        summary = measure_quality(self.options, handbook, lambda chapter: first[chapter.id])  # --strict stops here
        results, laid_out = [], []
        for name, edition, outputs in groups:
            started = time.perf_counter()
            key = (name, edition.model_dump_json())  # an edited editions.yml starts that layout afresh
            if key not in self.layouts:
                self.layouts[key] = PartitionedLayout(self.project, name, edition)
            layout = self.layouts[key]
            fields = job_fields(handbook, self.project, self.options, edition, outputs)
            with refused_urls_as_content_errors(self.options.content_dir):
                rendered = layout.render(handbook, chapters[name], fields["base_url"], fields["allowed_roots"],
                                         fields["link_titles"])
            laid_out += [f"{name}: {part}" for part in layout.laid_out]
            results += write_outputs(outputs, rendered, handbook.metadata.title, started)
        for file_name, data in summary.files.items():
            write_atomically(self.options.output_dir / file_name, data)
        return results, summary, laid_out


def watch(options: BuildOptions, show: Callable[[str], None], show_problem: Callable[[HandbookError], None],
          show_results: Callable[[list[BuildResult], ReportSummary], None]) -> None:
    """Build now, then again after every change, until interrupted (Ctrl+C)."""
    import watchfiles

    session = WarmSession(options)
    folders = [Path(options.content_dir), Path(options.project_root) / "templates", Path(options.project_root) / "styles"]

    def rebuild() -> None:
        started = time.perf_counter()
        try:
            results, summary, laid_out = session.rebuild()
        except HandbookError as error:
            show_problem(error)
            show("The last good PDF is unchanged. Fix the problem and save; still watching.")
            return
        show_results(results, summary)
        parts = sorted({part.split(": ")[1] for part in laid_out})
        show(f"Rebuilt in {time.perf_counter() - started:.2f} s; laid out again: {', '.join(parts) or 'nothing'}")

    def inputs() -> str:
        return fingerprint(folders + [Path(__file__).parent], {})

    built = inputs()
    rebuild()
    show("Watching " + ", ".join(str(folder) for folder in folders) + " (Ctrl+C to stop)")
    # Events say what changed; the fingerprint, checked every second too, catches an edit
    # saved between a rebuild and the watcher starting again.
    for changes in watchfiles.watch(*folders, raise_interrupt=False, yield_on_timeout=True, rust_timeout=1000):
        current = inputs()
        if current == built:
            continue
        built = current
        changed = sorted({Path(path).name for _, path in changes if Path(path).exists()})
        show(f"Changed: {', '.join(changed) or 'files'}")
        rebuild()
