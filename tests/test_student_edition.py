"""The student edition holds no solution: not in its HTML, search index or downloadable notebooks.

Needs the quick builds that `make test` makes first: the student edition
(`make student-quick`, i.e. `QL_SCALE=quick python tools/student_edition.py --out
_build/quick-student`) and the full edition (`make book-quick`). The solutions' text is read from
the chapters' sources; its fingerprints are the runs of :data:`RUN` consecutive words that occur
in a solution and nowhere in the stripped sources (so text a solution merely repeats from its
exercise does not count). Every file under the student edition (HTML, ``searchindex.js``, the
``.md``/``.ipynb`` downloads and the notebooks folder, and the zip) must contain none of them. The
same search finds every solution in the full edition, which shows the search works.
"""

import html
import re
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tools"))

import student_edition  # noqa: E402

pytestmark = pytest.mark.book

STUDENT = ROOT / "_build" / "quick-student"
FULL_HTML = ROOT / "_build" / "quick" / "_build" / "html"
RUN = 7  # words per fingerprint
TEXT_SUFFIXES = {".html", ".js", ".md", ".ipynb", ".txt", ".json"}
CHAPTERS = sorted(ROOT.glob(student_edition.CHAPTERS))


def words(text: str) -> list[str]:
    """Lower-case word tokens of text with markup, HTML tags and entities removed."""
    text = html.unescape(re.sub(r"<[^>]+>", " ", text))
    return re.findall(r"[a-z0-9]+", text.lower())


def runs(tokens: list[str]) -> set[str]:
    return {" ".join(tokens[i : i + RUN]) for i in range(len(tokens) - RUN + 1)}


def fingerprints():
    """{chapter: [fingerprints of each solution]} (runs found in no stripped source)."""
    public = set()
    for chapter in CHAPTERS:
        public |= runs(words(student_edition.strip_solutions(chapter.read_text())))
    found = {}
    for chapter in CHAPTERS:
        _, blocks = student_edition.split_solutions(chapter.read_text())
        found[chapter.stem] = [runs(words(block)) - public for block in blocks]
    return found


def haystack(folder: Path) -> str:
    """The words of every text file under ``folder`` (and of every zip), as one string."""
    parts = []
    for path in sorted(folder.rglob("*")):
        if path.suffix in TEXT_SUFFIXES and path.is_file():
            parts.append(" ".join(words(path.read_text(encoding="utf-8", errors="replace"))))
        elif path.suffix == ".zip":
            with zipfile.ZipFile(path) as bundle:
                for name in bundle.namelist():
                    parts.append(" ".join(words(bundle.read(name).decode("utf-8", "replace"))))
    return " | ".join(parts)


@pytest.fixture(scope="module")
def solution_prints():
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
                assert any(p in text for p in prints), f"{chapter}: solution {number} not found"


def test_student_edition_has_no_solution(solution_prints):
    require(STUDENT, "student-quick")
    assert (STUDENT / "_build" / "html" / "index.html").is_file()
    assert len(list((STUDENT / "notebooks").glob("*.ipynb"))) == len(CHAPTERS)
    text = haystack(STUDENT)
    leaks = [
        (chapter, p)
        for chapter, blocks in solution_prints.items()
        for prints in blocks
        for p in prints
        if p in text
    ]
    assert not leaks, leaks[:5]


def test_student_html_has_no_solution_boxes():
    require(STUDENT, "student-quick")
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


def test_strip_solutions_refuses_an_unclosed_block():
    with pytest.raises(ValueError, match="never closed"):
        student_edition.strip_solutions("```{solution-start} ex-x\n```\nSecret\n")
