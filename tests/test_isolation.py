"""A build reads only the project: no file outside it, no network, ever."""

from __future__ import annotations

import shutil
import socket
import subprocess
import sys

import markdown
import pytest

from conftest import MINI, ROOT

from handbook.errors import BuildError
from handbook.html import installed_font_dirs
from handbook.markdown_blocks import NoRawHtmlExtension
from handbook.pdf import ForbiddenResource, ProjectFetcher, render_pdf
from handbook.pipeline import BuildOptions, build


@pytest.fixture
def listener():
    """A TCP socket on loopback that records whether anyone connected."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(5)
    server.setblocking(False)
    yield server

    server.close()


def connected(server: socket.socket) -> bool:
    try:
        server.accept()[0].close()
        return True
    except BlockingIOError:
        return False


def test_content_pointing_outside_the_project_fails_at_load_and_fetches_nothing(tmp_path, listener):
    content = tmp_path / "mini"
    shutil.copytree(MINI, content)
    port = listener.getsockname()[1]
    chapter = content / "chapters" / "01-before.md"
    chapter.write_text(chapter.read_text() + "\n![secret](file:///etc/passwd)\n\n![up](../../../etc/passwd)\n\n"
                       f"![web](http://127.0.0.1:9/x.png)\n\n![web](http://127.0.0.1:{port}/x.png)\n")
    result = subprocess.run([sys.executable, str(ROOT / "build.py"), "--content", str(content), "--output", str(tmp_path / "out")],
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    for line, text in ((15, "'file:///etc/passwd' is not a file in the content folder"),
                       (17, "'../../../etc/passwd' is outside the content folder"),
                       (19, "'http://127.0.0.1:9/x.png' is not a file in the content folder"),
                       (21, f"'http://127.0.0.1:{port}/x.png' is not a file in the content folder")):
        assert f"mini/chapters/01-before.md:{line}:" in result.stderr and text in result.stderr
    assert not connected(listener)
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize("url", ["file:///etc/passwd", "http://127.0.0.1:9/x.png", "https://example.org/x.css"])
def test_the_fetcher_refuses_anything_outside_the_allowed_folders(url, tmp_path):
    fetcher = ProjectFetcher([tmp_path])
    with pytest.raises(ForbiddenResource):
        fetcher.fetch(url)
    assert fetcher.fetched == []


def test_the_fetcher_refuses_a_path_that_climbs_out(tmp_path):
    (tmp_path / "inside").mkdir()
    fetcher = ProjectFetcher([tmp_path / "inside"])
    with pytest.raises(ForbiddenResource):
        fetcher.fetch((tmp_path / "inside").as_uri() + "/../../../etc/passwd")


def test_rendering_stops_on_a_refused_resource_and_nothing_connects(listener, tmp_path):
    port = listener.getsockname()[1]
    html = (f'<html><head><link rel="stylesheet" href="http://127.0.0.1:{port}/x.css"></head>'
            '<body><img src="file:///etc/passwd" alt="x"></body></html>')
    with pytest.raises(ForbiddenResource):
        render_pdf(html, base_url=tmp_path.as_uri() + "/", allowed_roots=[tmp_path, *installed_font_dirs()])
    assert not connected(listener)


def test_raw_html_is_printed_as_text_never_interpreted():
    html = markdown.markdown('Hello <img src="file:///etc/passwd"> <b>bold</b>', extensions=[NoRawHtmlExtension()])
    assert "<img" not in html and "<b>" not in html
    assert "&lt;img" in html and "&lt;b&gt;bold&lt;/b&gt;" in html


def test_a_template_error_names_the_template_and_line(tmp_path):
    project = tmp_path / "project"
    shutil.copytree(ROOT / "templates", project / "templates")
    shutil.copytree(ROOT / "styles", project / "styles")
    cover = project / "templates" / "partials" / "cover.html.j2"
    lines = cover.read_text().splitlines()
    lines.insert(2, "  <p>{{ meta.no_such_field }}</p>")
    cover.write_text("\n".join(lines) + "\n")
    with pytest.raises(BuildError) as raised:
        build(BuildOptions(content_dir=MINI, output_dir=tmp_path / "out", project_root=project))
    problem = raised.value.problems[0]
    assert (problem.path, problem.line) == ("templates/partials/cover.html.j2", 3)
    assert "no_such_field" in problem.message
    assert raised.value.exit_code == 2


def test_a_missing_template_is_a_builder_error(tmp_path):
    project = tmp_path / "project"
    shutil.copytree(ROOT / "templates", project / "templates")
    shutil.copytree(ROOT / "styles", project / "styles")
    (project / "templates" / "blocks" / "checklist.html.j2").unlink()
    with pytest.raises(BuildError) as raised:
        build(BuildOptions(content_dir=MINI, output_dir=tmp_path / "out", project_root=project))
    assert raised.value.problems[0].path == "templates/blocks/checklist.html.j2"
    assert "template not found" in raised.value.problems[0].message
