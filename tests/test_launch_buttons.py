"""Repository and launch buttons appear once the repository URL is set in ``_config.yml``.

The book's own builds leave ``repository: url:`` empty and stay ``-W`` clean without the buttons
(``make book-quick`` checks that on every run; ``tests/test_book.py`` opens those pages). Here a
one-chapter book is built from the same ``_config.yml`` with only the URL set (and execution
off, to keep it fast), and the chapter's page must carry the repository, issue and edit buttons
and the Binder and Colab launch links for this chapter's notebook.
"""

import subprocess
import sys
from pathlib import Path

import pytest
import yaml

pytestmark = [pytest.mark.book, pytest.mark.slow]

ROOT = Path(__file__).resolve().parents[1]
URL = "https://github.com/example-org/quadratic-landscapes"
CHAPTER = "notebooks/07_beyond_quadratic"


@pytest.fixture(scope="module")
def page(tmp_path_factory):
    folder = tmp_path_factory.mktemp("buttons")
    config = yaml.safe_load((ROOT / "_config.yml").read_text())
    assert config["repository"]["url"] == "", "the book itself ships without a URL"
    config["repository"]["url"] = URL
    config["execute"]["execute_notebooks"] = "off"
    extensions = config["sphinx"]["local_extensions"]  # relative to the config file's folder
    config["sphinx"]["local_extensions"] = {
        name: str(ROOT / path) for name, path in extensions.items()
    }
    (folder / "_config.yml").write_text(yaml.safe_dump(config))
    (folder / "_toc.yml").write_text(yaml.safe_dump({"format": "jb-book", "root": CHAPTER}))
    jupyter_book = Path(sys.executable).parent / "jupyter-book"
    subprocess.run(
        [jupyter_book, "build", str(ROOT), "--config", folder / "_config.yml", "--toc",
         folder / "_toc.yml", "--path-output", folder / "out", "--quiet"],
        check=True, capture_output=True, timeout=600,
    )  # fmt: skip
    return (folder / "out" / "_build" / "html" / f"{CHAPTER}.html").read_text()


def test_repository_buttons_render_with_a_url(page):
    assert f'href="{URL}"' in page
    assert f"{URL}/issues/new?title=Issue%20on%20page%20" in page
    assert f"{URL}/edit/main/{CHAPTER}.md" in page


def test_launch_buttons_render_with_a_url(page):
    binder = "https://mybinder.org/v2/gh/example-org/quadratic-landscapes/main?urlpath=lab/tree/"
    assert f"{binder}{CHAPTER}.ipynb" in page
    colab = "https://colab.research.google.com/github/example-org/quadratic-landscapes/blob/main/"
    assert f"{colab}{CHAPTER}.ipynb" in page
