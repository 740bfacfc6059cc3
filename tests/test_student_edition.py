"""The student edition holds no solution: not in its HTML, search index, notebooks or PDF.

Needs the builds that `make test` makes first: the student edition and its PDF (`make
pdf-student`, built from the committed notebooks without executing them) and the quick full
edition (`make book-quick`). The solutions' text is read from the chapters' sources; its
fingerprints are the runs of :data:`RUN` consecutive words that occur in a solution and nowhere
in the text meant for students (:func:`public_text`: so text a solution repeats from its
exercise or from a docstring does not count). Every file under the student edition (HTML,
``searchindex.js``, the ``.md``/``.ipynb`` downloads, the notebooks folder, the zip and the PDF)
must contain none of them. The same search finds every solution in the full edition, which shows
the search works.
"""

import html
import re
import zipfile
from pathlib import Path

import pytest
from pypdf import PdfReader

import student_edition  # tools/, on the path by tests/conftest.py

ROOT = Path(__file__).resolve().parents[1]

pytestmark = pytest.mark.book

STUDENT = ROOT / "_build" / "student"
FULL_HTML = ROOT / "_build" / "quick" / "_build" / "html"
RUN = 7  # words per fingerprint
WORDS = 3  # of which at least this many are real words (is_prose)
TEXT_SUFFIXES = {".html", ".js", ".md", ".ipynb", ".txt", ".json"}
CHAPTERS = sorted(ROOT.glob(student_edition.CHAPTERS))


_TAG = re.compile(r"</?[a-zA-Z][a-zA-Z0-9-]*(\s[^<>]*)?/?>")  # a tag, not maths such as x < 0 > y


def words(text: str) -> list[str]:
    """Lower-case word tokens of text with markup, HTML tags and entities removed."""
    text = html.unescape(_TAG.sub(" ", text))
    return re.findall(r"[a-z0-9]+", text.lower())


def runs(tokens: list[str]) -> set[str]:
    return {" ".join(tokens[i : i + RUN]) for i in range(len(tokens) - RUN + 1)}


def is_prose(run: str) -> bool:
    """Whether a run has :data:`WORDS` words of three letters or more: runs of symbols and
    digits from formulas recur across a chapter too easily to fingerprint a solution."""
    return sum(len(token) >= 3 and token.isalpha() for token in run.split()) >= WORDS


def public_text():
    """Text that is meant to be in the student edition: the stripped chapters, the prose pages'
    sources and the full edition's other pages (the API reference holds the docstrings, which a
    solution may quote)."""
    for chapter in CHAPTERS:
        yield student_edition.strip_solutions(chapter.read_text())
    for page in sorted((ROOT / "book").rglob("*.md")):
        if "_vendor" not in page.parts and "node_modules" not in page.parts:
            yield page.read_text(encoding="utf-8")
    for page in sorted((FULL_HTML / "book").rglob("*.html")):
        yield page.read_text(encoding="utf-8")


def fingerprints():
    """{chapter: [fingerprints of each solution]} (runs found in no public text)."""
    public = set()
    for text in public_text():
        public |= runs(words(text))
    found = {}
    for chapter in CHAPTERS:
        _, blocks = student_edition.split_solutions(chapter.read_text())
        found[chapter.stem] = [
            {run for run in runs(words(block)) - public if is_prose(run)} for block in blocks
        ]
    return found


def texts(folder: Path):
    """The text of every text file under ``folder``, and of every file inside each zip."""
    for path in sorted(folder.rglob("*")):
        if path.suffix in TEXT_SUFFIXES and path.is_file():
            yield path.read_text(encoding="utf-8", errors="replace")
        elif path.suffix == ".zip":
            with zipfile.ZipFile(path) as bundle:
                for name in bundle.namelist():
                    yield bundle.read(name).decode("utf-8", "replace")


def haystack(folder: Path) -> set[str]:
    """Every run of RUN words in the files under ``folder``, PDFs included."""
    found = set()
    for text in texts(folder):
        found |= runs(words(text))
    for pdf in sorted(folder.rglob("*.pdf")):
        pages = PdfReader(pdf).pages
        found |= runs(words(" ".join(page.extract_text() for page in pages)))
    return found


@pytest.fixture(scope="module")
def solution_prints():
    require(FULL_HTML, "book-quick")
    found = fingerprints()
    assert all(found.values()), "a chapter without solutions?"
    return found


def require(folder: Path, make_target: str):
    if not folder.is_dir():
        pytest.fail(f"{folder} is missing: run `make {make_target}` first (`make test` does)")


def test_full_edition_has_every_solution(solution_prints):
    require(FULL_HTML, "book-quick")
    text = haystack(FULL_HTML)
    for chapter, blocks in solution_prints.items():
        for number, prints in enumerate(blocks, start=1):
            if prints:  # a solution made only of code may leave no text of its own
                assert prints & text, f"{chapter}: solution {number} not found"


def test_student_edition_has_no_solution(solution_prints):
    require(STUDENT, "student")
    assert (STUDENT / "_build" / "html" / "index.html").is_file()
    assert len(list((STUDENT / "notebooks").glob("*.ipynb"))) == len(CHAPTERS)
    assert (STUDENT / "_build" / "pdf" / "book.pdf").is_file(), "run `make pdf-student` first"
    text = haystack(STUDENT)
    leaks = [
        (chapter, sorted(prints & text)[:3])
        for chapter, blocks in solution_prints.items()
        for prints in blocks
        if prints & text
    ]
    assert not leaks, leaks[:5]


def test_student_html_has_no_solution_boxes():
    require(STUDENT, "student")
    for page in (STUDENT / "_build" / "html").rglob("*.html"):
        assert 'class="solution' not in page.read_text(encoding="utf-8"), page


def test_strip_solutions_removes_gated_and_fenced_blocks():
    source = (
        "Text.\n\n```{exercise} E\n:label: ex-x\n\n*Proof · easy*\n```\n\n"
        "```{solution-start} ex-x\n:class: dropdown\n```\n\nSecret one.\n\n"
        "```{code-cell} ipython3\nprint('secret two')\n```\n\n```{solution-end}\n```\n\n"
        "````{solution} ex-x\nSecret three.\n````\n\nAfter.\n"
    )
    stripped = student_edition.strip_solutions(source)
    assert "ecret" not in stripped and "solution" not in stripped
    assert stripped.startswith("Text.") and stripped.rstrip().endswith("After.")
    assert "*Proof · easy*" in stripped


def test_strip_notebook_removes_solution_cells_across_cells():
    cells = [
        ("markdown", "```{exercise} E\n:label: ex-x\n\n*Proof · easy*\n```\n\n"
                     "```{solution-start} ex-x\n:class: dropdown\n```\n\nSecret one."),
        ("code", "print('secret two')"),
        ("markdown", "```{solution-end}\n```\n\nAfter."),
        ("code", "print('kept')"),
    ]  # fmt: skip
    notebook = {"cells": [{"cell_type": kind, "source": text} for kind, text in cells]}
    stripped = student_edition.strip_notebook(notebook)["cells"]
    assert [cell["cell_type"] for cell in stripped] == ["markdown", "markdown", "code"]
    text = "".join(cell["source"] for cell in stripped)
    assert "ecret" not in text and "solution" not in text and "After." in text


def test_strip_solutions_refuses_an_unclosed_block():
    with pytest.raises(ValueError, match="never closed"):
        student_edition.strip_solutions("```{solution-start} ex-x\n```\nSecret\n")
