"""Build the student edition: the same book and notebooks with every solution removed.

Usage: python tools/student_edition.py [--out _build/student]   (``make student``)

1. Copy the book's sources into ``OUT/source/``: ``_config.yml`` and ``_toc.yml``, the prose pages
   (``book/``, with the self-hosted scripts linked, not copied) and every chapter's MyST source
   with its solutions cut out (:func:`strip_solutions`: each gated ``{solution-start}`` ...
   ``{solution-end}`` block and each fenced ``{solution}`` block, with the code cells inside).
   The configuration gets the title suffix "(student edition)" and an announcement bar.
2. Build that copy with Jupyter Book exactly as ``make book`` builds the full edition (executed
   chapters at the scale ``QL_SCALE`` selects, ``-n -W``): ``OUT/_build/html``. Its download
   buttons offer the stripped ``.md`` and the notebook executed from it.
3. Write the downloadable notebooks to ``OUT/notebooks/``: each chapter's stripped ``.md`` and its
   executed ``.ipynb`` (outputs included), also zipped as ``OUT/student-notebooks.zip``.

The full build (``make book``) remains the instructor's edition. ``tests/test_student_edition.py``
checks that no solution text is left anywhere under ``OUT``.
"""

from __future__ import annotations

import argparse
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
ANNOUNCEMENT = (
    "Student edition: the exercises are here, their solutions are not. "
    "Check a computational answer with the cell below each exercise."
)


def split_solutions(text: str) -> tuple[str, list[str]]:
    """``text`` (a MyST source) without its solution blocks, gated or fenced, and those blocks.

    A gated block runs from its ``{solution-start}`` line to the fence that closes its
    ``{solution-end}`` directive; a fenced block to the line repeating its opening fence. Raises
    ``ValueError`` on a block that is never closed, rather than cutting the rest of the page."""
    lines = text.splitlines(keepends=True)
    kept, removed, index = [], [], 0
    while index < len(lines):
        stripped = lines[index].strip()
        gated, fenced = _GATED_START.match(stripped), _FENCED.match(stripped)
        if not (gated or fenced):
            kept.append(lines[index])
            index += 1
            continue
        fence = (gated or fenced).group(1)
        end = index + 1
        if gated:
            while end < len(lines) and not _GATED_END.match(lines[end].strip()):
                end += 1
            end += 1  # now on the fence closing {solution-end}
        while end < len(lines) and lines[end].strip() != fence:
            end += 1
        if end >= len(lines):
            raise ValueError(f"solution opened on line {index + 1} is never closed")
        removed.append("".join(lines[index : end + 1]))
        index = end + 1
        while kept and index < len(lines) and not kept[-1].strip() and not lines[index].strip():
            index += 1  # one blank line where the block was, not two
    return "".join(kept), removed


def strip_solutions(text: str) -> str:
    """``text`` (a MyST source) without its solution blocks (:func:`split_solutions`)."""
    return split_solutions(text)[0]


def write_sources(source: Path) -> list[Path]:
    """Copy the book into ``source`` with the solutions removed; return the chapters written."""
    if source.exists():
        shutil.rmtree(source)
    source.mkdir(parents=True)
    config = yaml.safe_load((ROOT / "_config.yml").read_text(encoding="utf-8"))
    config["title"] = f"{config['title']} (student edition)"
    config.setdefault("html", {})["announcement"] = ANNOUNCEMENT
    (source / "_config.yml").write_text(yaml.safe_dump(config, sort_keys=False), encoding="utf-8")
    shutil.copy2(ROOT / "_toc.yml", source / "_toc.yml")
    shutil.copytree(
        ROOT / "book", source / "book", ignore=shutil.ignore_patterns(*BOOK_LINKS, "node_modules")
    )
    for name in BOOK_LINKS:
        if (ROOT / "book" / name).exists():
            (source / "book" / name).symlink_to(ROOT / "book" / name)
    chapters = []
    for chapter in sorted(ROOT.glob(CHAPTERS)):
        target = source / "notebooks" / chapter.name
        target.parent.mkdir(exist_ok=True)
        target.write_text(strip_solutions(chapter.read_text(encoding="utf-8")), encoding="utf-8")
        chapters.append(target)
    return chapters


def build(source: Path, out: Path) -> Path:
    """Build the stripped copy like ``make book``; return the HTML folder."""
    jupyter_book = Path(sys.executable).parent / "jupyter-book"
    command = [jupyter_book, "build", "--all", str(source), "-n", "-W", "--keep-going"]
    subprocess.run([*command, "--path-output", str(out)], check=True)
    return out / "_build" / "html"


def write_notebooks(chapters: list[Path], out: Path) -> Path:
    """Copy the stripped sources and their executed notebooks to ``out/notebooks`` and zip them."""
    folder = out / "notebooks"
    if folder.exists():
        shutil.rmtree(folder)
    folder.mkdir(parents=True)
    executed = out / "_build" / "jupyter_execute" / "notebooks"
    for chapter in chapters:
        shutil.copy2(chapter, folder / chapter.name)
        shutil.copy2(executed / f"{chapter.stem}.ipynb", folder / f"{chapter.stem}.ipynb")
    archive = out / "student-notebooks.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as bundle:
        for path in sorted(folder.iterdir()):
            bundle.write(path, f"notebooks/{path.name}")
    return folder


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "_build" / "student")
    args = parser.parse_args()
    out = args.out.resolve()
    chapters = write_sources(out / "source")
    html = build(out / "source", out)
    notebooks = write_notebooks(chapters, out)
    print(f"Student edition built: {html}/index.html; notebooks in {notebooks}")


if __name__ == "__main__":
    main()
