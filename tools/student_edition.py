"""Build the student edition: the same book and notebooks with every solution removed.

Usage: python tools/student_edition.py [--out _build/student]   (``make student``)

1. Copy the book's sources into ``OUT/source/``: ``_config.yml`` and ``_toc.yml``, the prose pages
   (``book/``, with the self-hosted scripts linked, not copied) and, for every chapter, its
   committed notebook ``notebooks/NN_name.ipynb`` (the paper-scale outputs) with its solutions
   cut out (:func:`strip_notebook`: the lines of each gated ``{solution-start}`` ...
   ``{solution-end}`` block and each fenced ``{solution}`` block, and the code cells and outputs
   inside). The configuration gets the title suffix "(student edition)", an announcement bar,
   and execution off: nothing is recomputed, so the edition shows the same paper-scale results
   as the full book (``tests/test_notebook_pairs.py`` keeps each ``.ipynb`` in step with its
   ``.md``).
2. Write the downloadable notebooks to ``OUT/notebooks/``: each chapter's stripped ``.ipynb`` and
   its stripped MyST source ``.md`` (:func:`strip_solutions`), zipped as
   ``OUT/student-notebooks.zip``.
3. Build ``OUT/source`` with Jupyter Book (``-n -W``): the site in ``OUT/_build/html``, whose
   download buttons offer the stripped notebooks.

The full build (``make book``) remains the instructor's edition. ``tests/test_student_edition.py``
checks that no solution text is left anywhere under ``OUT``.
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
CHAPTERS = "notebooks/[0-9][0-9]_*.md"
BOOK_LINKS = ("_vendor",)  # large generated folders of book/, linked rather than copied
_GATED_START = re.compile(r"^(`{3,}|:{3,})\{solution-start\}")
_GATED_END = re.compile(r"^(`{3,}|:{3,})\{solution-end\}")
_FENCED = re.compile(r"^(`{3,}|:{3,})\{solution\}")
_CHAPTER_LINK = re.compile(r"(?<=[(/])(\d\d_[a-z0-9_]+)\.md\b")
ANNOUNCEMENT = (
    "Student edition: the exercises are here, their solutions are not. "
    "Check a computational answer with the cell below each exercise."
)


def solution_spans(lines: list[str | None]) -> list[tuple[int, int]]:
    """``(first, last)`` indices of each solution block in a sequence of source lines.

    ``None`` stands for a code cell (in a notebook, between markdown lines). A gated block runs
    from its ``{solution-start}`` line to the fence that closes its ``{solution-end}`` directive,
    code cells included; a fenced ``{solution}`` block to the line repeating its opening fence.
    Raises ``ValueError`` on a block that is never closed, rather than cutting the rest."""
    spans, index = [], 0
    text = [line.strip() if line is not None else "" for line in lines]
    while index < len(lines):
        gated, fenced = _GATED_START.match(text[index]), _FENCED.match(text[index])
        if lines[index] is None or not (gated or fenced):
            index += 1
            continue
        fence = (gated or fenced).group(1)
        end = index + 1
        if gated:
            while end < len(lines) and not _GATED_END.match(text[end]):
                end += 1
            end += 1  # now on the fence closing {solution-end}
        while end < len(lines) and text[end] != fence:
            end += 1
        if end >= len(lines):
            raise ValueError(f"solution opened on line {index + 1} is never closed")
        spans.append((index, end))
        index = end + 1
    return spans


def split_solutions(text: str) -> tuple[str, list[str]]:
    """``text`` (a MyST source) without its solution blocks (:func:`solution_spans`), and them."""
    lines = text.splitlines(keepends=True)
    spans = solution_spans(lines)
    removed = ["".join(lines[first : last + 1]) for first, last in spans]
    kept, cursor = [], 0
    for first, last in spans:
        kept.extend(lines[cursor:first])
        cursor = last + 1
        while kept and cursor < len(lines) and not kept[-1].strip() and not lines[cursor].strip():
            cursor += 1  # one blank line where the block was, not two
    kept.extend(lines[cursor:])
    return "".join(kept), removed


def strip_solutions(text: str) -> str:
    """``text`` (a MyST source) without its solution blocks (:func:`split_solutions`)."""
    return split_solutions(text)[0]


def strip_notebook(notebook: dict) -> dict:
    """A notebook (``nbformat`` JSON) without its solutions: their code cells (and outputs) and
    the markdown lines of each block (:func:`solution_spans`); emptied markdown cells dropped."""
    items = []  # (cell index, markdown line or None for another cell)
    for number, cell in enumerate(notebook["cells"]):
        if cell["cell_type"] == "markdown":
            source = "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]
            items.extend((number, line) for line in source.splitlines(keepends=True))
        else:
            items.append((number, None))
    removed = {i for first, last in solution_spans([line for _, line in items])
               for i in range(first, last + 1)}  # fmt: skip
    kept_lines, kept_cells = {}, set()
    for position, (number, line) in enumerate(items):
        if position in removed:
            continue
        kept_cells.add(number)
        if line is not None:
            kept_lines.setdefault(number, []).append(line)
    cells = []
    for number, cell in enumerate(notebook["cells"]):
        if number not in kept_cells:
            continue
        if cell["cell_type"] == "markdown":
            text = "".join(kept_lines[number]).strip("\n")
            if not text.strip():
                continue
            cell = {**cell, "source": text}
        cells.append(cell)
    return {**notebook, "cells": cells}


def link_notebooks(text: str) -> str:
    """Links to chapters' MyST sources (``../notebooks/01_spurious_minima.md``) turned into links
    to their notebooks, from which the student edition is built."""
    return _CHAPTER_LINK.sub(r"\1.ipynb", text)


def write_sources(source: Path, notebooks: Path) -> None:
    """Copy the book into ``source`` with the solutions removed; write the students' notebooks.

    Each chapter's committed ``.ipynb`` (paper-scale outputs) becomes the page's source, so the
    edition is built without executing anything; its stripped ``.md`` and ``.ipynb`` also go to
    ``notebooks`` for download."""
    for folder in (source, notebooks):
        if folder.exists():
            shutil.rmtree(folder)
        folder.mkdir(parents=True)
    config = yaml.safe_load((ROOT / "_config.yml").read_text(encoding="utf-8"))
    config["title"] = f"{config['title']} (student edition)"
    config.setdefault("html", {})["announcement"] = ANNOUNCEMENT
    config["execute"]["execute_notebooks"] = "off"  # the notebooks carry their outputs
    config["exclude_patterns"] = [p for p in config["exclude_patterns"] if "ipynb" not in p]
    (source / "_config.yml").write_text(yaml.safe_dump(config, sort_keys=False), encoding="utf-8")
    shutil.copy2(ROOT / "_toc.yml", source / "_toc.yml")
    shutil.copytree(
        ROOT / "book", source / "book", ignore=shutil.ignore_patterns(*BOOK_LINKS, "node_modules")
    )
    for page in (source / "book").rglob("*.md"):
        page.write_text(link_notebooks(page.read_text(encoding="utf-8")), encoding="utf-8")
    for name in BOOK_LINKS:
        if (ROOT / "book" / name).exists():
            (source / "book" / name).symlink_to(ROOT / "book" / name)
    for draft in sorted(ROOT.glob("drafts/*.md")):  # not built, but the syllabus counts words
        (source / "drafts").mkdir(exist_ok=True)
        stripped = strip_solutions(draft.read_text(encoding="utf-8"))
        (source / "drafts" / draft.name).write_text(stripped, encoding="utf-8")
    (source / "notebooks").mkdir()
    for chapter in sorted(ROOT.glob(CHAPTERS)):
        paired = chapter.with_suffix(".ipynb")
        notebook = strip_notebook(json.loads(paired.read_text(encoding="utf-8")))
        text = link_notebooks(json.dumps(notebook, indent=1, ensure_ascii=False) + "\n")
        for folder in (source / "notebooks", notebooks):
            (folder / paired.name).write_text(text, encoding="utf-8")
        stripped = strip_solutions(chapter.read_text(encoding="utf-8"))
        (notebooks / chapter.name).write_text(stripped, encoding="utf-8")


def build(source: Path, out: Path) -> Path:
    """Build the stripped copy with the book's settings (``-n -W``); return the HTML folder."""
    jupyter_book = Path(sys.executable).parent / "jupyter-book"
    command = [jupyter_book, "build", "--all", str(source), "-n", "-W", "--keep-going"]
    subprocess.run([*command, "--path-output", str(out)], check=True)
    return out / "_build" / "html"


def zip_notebooks(notebooks: Path, archive: Path) -> None:
    """Zip the students' notebooks (``notebooks/NN_name.md`` and ``.ipynb``) into ``archive``."""
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as bundle:
        for path in sorted(notebooks.iterdir()):
            bundle.write(path, f"notebooks/{path.name}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "_build" / "student")
    args = parser.parse_args()
    out = args.out.resolve()
    write_sources(out / "source", out / "notebooks")
    zip_notebooks(out / "notebooks", out / "student-notebooks.zip")
    html = build(out / "source", out)
    print(f"Student edition built: {html}/index.html; notebooks in {out / 'notebooks'}")


if __name__ == "__main__":
    main()
