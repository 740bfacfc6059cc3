"""Checks of the printed book, the quick PDF that `make test` builds first (`make pdf-quick`,
i.e. tools/build_pdf.py --path-output _build/quick after `make book-quick`).

The PDF is read with pypdf: its page count is plausible; its text holds the title of every page
in _toc.yml, the theorem, proof, exercise and solution boxes and the explorers' print note, and
no TeX that MathJax left untypeset; it embeds images (the figures and the explorers' frames),
and every chapter's pages hold at least one; its outline's titles are the headings' text.
"""

import html as html_module
import os
import re
import unicodedata
from pathlib import Path

import pytest

from conftest import toc_pages

pytestmark = pytest.mark.book

ROOT = Path(__file__).resolve().parents[1]
PDF = ROOT / "_build" / "quick" / "_build" / "pdf" / "book.pdf"
# The page that was printed: the root document (index.html only redirects to it).
SINGLE_PAGE = ROOT / "_build" / "quick" / "_build" / "singlehtml" / "book" / "intro.html"
MIN_PAGES, MAX_PAGES = 60, 1500
# TeX that would show in the text if MathJax had not typeset it. Code may hold such text (a
# matplotlib label, a comment about $...$): a match that occurs in the single page's code blocks
# is allowed.
RAW_TEX = re.compile(
    r"\\(frac|mathbb|mathrm|mathbf|mathcal|operatorname|begin\{|end\{|sum_|left[(\[|.]|right"
    r"[)\]|.]|alpha|lambda|sigma|sqrt|top\b|cdot|tfrac|dfrac|tag\{|label\{)"
    r"|\$[^$\s][^$]{0,80}\$"
)
# An outline title that repeats its start, as Chromium's tagged printing made them.
DOUBLED = re.compile(r"(.{3,}?)\s*\1")
# What the printed page says in place of an explorer's controls (tools/build_pdf.py: NOTE).
EXPLORER_NOTE = "interactive in the online edition"


def _title(docname):
    """The first level-1 heading of a page's MyST source, as plain text."""
    text = (ROOT / f"{docname}.md").read_text(encoding="utf-8")
    for line in text.splitlines():
        if line.startswith("# "):
            return re.sub(r"[`*_]", "", line[2:]).strip()
    raise AssertionError(f"{docname}.md has no '# ' title")


def _squash(text):
    """Text compared without spacing, line breaks, hyphenation or ligatures."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text)).replace("\u00ad", "")


def require_pdf():
    if PDF.is_file():
        return
    message = (
        f"No PDF at {PDF.relative_to(ROOT)}. `make test` builds it first; alone, build it with "
        "`make pdf-quick` (make book-quick, then tools/build_pdf.py --path-output _build/quick)."
    )
    if os.environ.get("MAKELEVEL"):  # run by make, which should have built it: a failure
        pytest.fail(message)
    pytest.skip(message)


@pytest.fixture(scope="module")
def reader():
    require_pdf()
    from pypdf import PdfReader

    return PdfReader(PDF)


@pytest.fixture(scope="module")
def page_texts(reader):
    return [page.extract_text() or "" for page in reader.pages]


def _images_on(page):
    """Image XObjects a page draws, directly or inside form XObjects."""
    count, todo, seen = 0, [page.get("/Resources")], set()
    while todo:
        resources = todo.pop()
        if resources is None:
            continue
        resources = resources.get_object()
        xobjects = resources.get("/XObject")
        if xobjects is None:
            continue
        for ref in xobjects.get_object().values():
            key = getattr(ref, "idnum", None)
            if key is not None and key in seen:
                continue
            seen.add(key)
            xobject = ref.get_object()
            if xobject.get("/Subtype") == "/Image":
                count += 1
            elif xobject.get("/Subtype") == "/Form":
                todo.append(xobject.get("/Resources"))
    return count


def test_page_count_is_plausible(reader):
    assert MIN_PAGES <= len(reader.pages) <= MAX_PAGES, f"{len(reader.pages)} pages"


def test_every_page_of_the_toc_is_in_the_pdf(page_texts):
    text = _squash("\n".join(page_texts))
    missing = [f"{doc}: {_title(doc)}" for doc in toc_pages() if _squash(_title(doc)) not in text]
    assert not missing, f"titles not found in the PDF's text: {missing}"


def _code_text():
    """The text of the single page's code blocks and outputs (<pre>), squashed."""
    html = SINGLE_PAGE.read_text(encoding="utf-8")
    blocks = re.findall(r"<pre[^>]*>(.*?)</pre>", html, flags=re.S)
    return _squash(html_module.unescape(re.sub(r"<[^>]+>", "", "\n".join(blocks))))


def test_no_untypeset_tex(page_texts):
    code = _code_text()
    raw = [
        f"page {number}: ...{text[max(0, m.start() - 60) : m.end() + 60]!r}..."
        for number, text in enumerate(page_texts, start=1)
        for m in RAW_TEX.finditer(text)
        if _squash(m.group()) not in code
    ]
    assert not raw, "TeX left in the PDF's text:\n" + "\n".join(raw[:10])


def test_boxes_and_explorer_notes_are_printed(page_texts):
    text = unicodedata.normalize("NFKC", "\n".join(page_texts))  # "ﬁ" (a ligature) is "fi"
    for word in ("Theorem", "Lemma", "Proof", "Definition", "Exercise", "Solution to Exercise"):
        assert word in text, f"no {word!r} box in the PDF"
    assert _squash(EXPLORER_NOTE) in _squash(text), "no explorer printed as a static frame"


def _outline(reader):
    """[(title, first page, depth)] of the PDF's outline (made from the headings), in order."""
    entries = []

    def walk(items, depth):
        for item in items:
            if isinstance(item, list):
                walk(item, depth + 1)
            else:
                entries.append((item.title, reader.get_destination_page_number(item), depth))

    walk(reader.outline, 0)
    return entries


def test_figures_are_embedded(reader):
    """At least as many images as the single page has figure files, and one or more in each
    chapter (from its outline entry to the next entry at its depth or above)."""
    html = SINGLE_PAGE.read_text(encoding="utf-8")
    # the cells' PNG figures (the explorers' frames are inline, in the widget state, and only
    # the frame each explorer opens on is printed; they count on top)
    figures = set(re.findall(r'<img[^>]+src="([^"]+\.png)"', html))
    per_page = [_images_on(page) for page in reader.pages]
    assert sum(per_page) >= len(figures) > 0, f"{sum(per_page)} images for {len(figures)} figures"

    outline = _outline(reader)
    empty = []
    for doc in toc_pages():
        if not doc.startswith("notebooks/"):
            continue
        title = _title(doc)
        found = [i for i, (name, _, _) in enumerate(outline) if _squash(title) in _squash(name)]
        assert found, f"chapter {title!r} is not in the PDF's outline: {outline}"
        _, first, depth = outline[found[0]]
        later = [page for _, page, d in outline[found[0] + 1 :] if d <= depth]
        end = later[0] if later else len(per_page)
        if sum(per_page[first : max(end, first + 1)]) == 0:
            empty.append(title)
    assert not empty, f"chapters with no image in the PDF: {empty}"


def test_outline_titles_are_the_headings(reader):
    """No outline title repeats its start (Chromium doubled the first line of a page in its
    tags: "Loss and errorLoss and error"; tools/build_pdf.py retitles the outline)."""
    doubled = [title for title, _, _ in _outline(reader) if DOUBLED.match(title)]
    assert not doubled, f"outline titles with a repeated start: {doubled[:10]}"


def _pdf_with_outline(path, titles):
    from pypdf import PdfWriter

    writer = PdfWriter()
    for _ in titles:
        writer.add_blank_page(100, 100)
    parent = None
    for number, title in enumerate(titles):
        item = writer.add_outline_item(title=title, page_number=number, parent=parent)
        parent = parent or item  # the first entry holds the others, as a book's title does
    with open(path, "wb") as out:
        writer.write(out)


@pytest.mark.parametrize("doubled", [True, False])
def test_retitle_outline_mends_doubled_titles(tmp_path, doubled):
    from pypdf import PdfReader

    from build_pdf import retitle_outline

    headings = ["Notation", "Loss and error", "1.1. The convex problem"]
    titles = [h + h if doubled else h for h in headings]
    pdf = tmp_path / "book.pdf"
    _pdf_with_outline(pdf, titles)
    assert [t for t, _, _ in _outline(PdfReader(pdf))] == titles
    assert any(DOUBLED.match(t) for t in titles) == doubled  # the check above can fail

    assert retitle_outline(pdf, headings) == (len(headings) if doubled else 0)
    assert [t for t, _, _ in _outline(PdfReader(pdf))] == headings
    with pytest.raises(RuntimeError, match="3 entries for 2 headings"):
        retitle_outline(pdf, headings[:2])
