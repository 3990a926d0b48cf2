"""The command line as a user runs it: help, summary, exit codes, --check."""

from __future__ import annotations

import subprocess
import sys

from conftest import MINI, ROOT


def run(*arguments: str, cwd=ROOT) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(ROOT / "build.py"), *arguments],
                          cwd=cwd, capture_output=True, text=True, timeout=300)


def test_help_explains_options_and_exit_codes():
    result = run("--help")
    assert result.returncode == 0
    for text in ("--content", "--output", "--check", "exit codes", "path:line:column"):
        assert text in result.stdout


def test_build_prints_a_one_screen_summary(tmp_path):
    result = run("--content", str(MINI), "--output", str(tmp_path))
    assert result.returncode == 0, result.stderr
    summary = result.stdout.strip().splitlines()[-1]
    pdf = tmp_path / "clinic-visit.pdf"
    assert pdf.read_bytes().startswith(b"%PDF-")
    assert summary.startswith(f"Built {pdf}") and " pages, " in summary and " KB, " in summary and " warning" in summary
    assert "Laying out pages" in result.stdout
    assert not list(tmp_path.glob(".*.tmp")), "a temporary file was left behind"
    assert "Reading level" in result.stdout and (tmp_path / "report.md").exists()


def test_check_validates_and_writes_only_the_report(tmp_path):
    result = run("--check", "--content", str(MINI), "--output", str(tmp_path))
    assert result.returncode == 0
    assert "Content is valid: 3 chapters, 1 tables" in result.stdout
    assert "Reading level (limits: grade 6, SMOG 8):" in result.stdout
    assert sorted(path.name for path in tmp_path.iterdir()) == [".readability-cache.json", "report.json", "report.md"]


def test_unknown_option_is_a_usage_error():
    result = run("--no-such-option")
    assert result.returncode == 2
    assert "usage:" in result.stderr


def test_missing_content_folder_is_a_usage_error(tmp_path):
    result = run("--content", str(tmp_path / "nowhere"), "--output", str(tmp_path))
    assert result.returncode == 2
    assert "handbook.yml" in result.stderr and "Traceback" not in result.stderr


def _broken_copy(tmp_path):
    import shutil

    content = tmp_path / "mini"
    shutil.copytree(MINI, content)
    (content / "chapters" / "02-rooms.md").write_text(
        (MINI / "chapters" / "02-rooms.md").read_text().replace("[[table: rooms]]", "[[table: nope]]"))
    return content


def test_content_error_has_no_traceback_unless_debug(tmp_path):
    content = _broken_copy(tmp_path)
    plain = run("--content", str(content), "--output", str(tmp_path / "out"))
    assert plain.returncode == 1
    assert "mini/chapters/02-rooms.md:9:1: there is no table 'nope'" in plain.stderr
    assert "Traceback" not in plain.stderr
    debug = run("--debug", "--content", str(content), "--output", str(tmp_path / "out"))
    assert debug.returncode == 1 and "Traceback" in debug.stderr


def test_unwritable_output_is_an_environment_error(tmp_path):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the output folder should be")
    result = run("--content", str(MINI), "--output", str(blocker / "out"))
    assert result.returncode == 2
    assert "cannot write to the output folder" in result.stderr and "Traceback" not in result.stderr


def test_two_builds_at_once_leave_one_complete_pdf(tmp_path):
    from pypdf import PdfReader

    command = [sys.executable, str(ROOT / "build.py"), "-q", "--content", str(MINI), "--output", str(tmp_path)]
    first = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    second = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert first.wait(timeout=300) == 0 and second.wait(timeout=300) == 0
    assert sorted(path.name for path in tmp_path.iterdir()) == [".build-state.json", ".readability-cache.json", "clinic-visit.pdf",
                                                                 "report.json", "report.md"]
    reader = PdfReader(tmp_path / "clinic-visit.pdf", strict=True)
    total = len(reader.pages)
    assert total > 3 and f"Page {total} of {total}" in reader.pages[-1].extract_text()


def test_check_without_report_validates_only(tmp_path):
    result = run("--check", "--no-report", "--content", str(MINI), "--output", str(tmp_path / "out"))
    assert result.returncode == 0 and "Content is valid" in result.stdout
    assert "Reading level" not in result.stdout and not (tmp_path / "out").exists()


def test_strict_turns_a_quality_warning_into_an_error(tmp_path):
    import shutil

    content = tmp_path / "mini"
    shutil.copytree(MINI, content)
    chapter = content / "chapters" / "03-notes.md"
    chapter.write_text(chapter.read_text().replace("Write your notes here.", "Most people, about 82%, write notes here."))
    relaxed = run("--content", str(content), "--output", str(tmp_path / "relaxed"))
    assert relaxed.returncode == 0 and "the statistic '82%' has no source" in relaxed.stdout
    strict = run("--strict", "--content", str(content), "--output", str(tmp_path / "strict"))
    assert strict.returncode == 1
    assert "mini/chapters/03-notes.md:6:" in strict.stderr and "build without --strict" in strict.stderr
    assert not (tmp_path / "strict" / "clinic-visit.pdf").exists()


def test_a_missing_system_library_is_an_environment_error(tmp_path):
    # Pango missing makes `import weasyprint` raise OSError; simulate that in a fresh process.
    script = (
        "import sys\n"
        "class NoPango:\n"
        "    def find_spec(self, name, path=None, target=None):\n"
        "        if name == 'weasyprint':\n"
        "            raise OSError(\"cannot load library 'libpango-1.0-0'\")\n"
        "sys.meta_path.insert(0, NoPango())\n"
        f"sys.path.insert(0, {str(ROOT)!r})\n"
        "from handbook.cli import main\n"
        f"sys.exit(main(['--force', '--content', {str(MINI)!r}, '--output', {str(tmp_path)!r}]))\n"
    )
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120)
    assert result.returncode == 2
    assert "a system library is missing" in result.stderr and "libpango" in result.stderr
    assert "Traceback" not in result.stderr
