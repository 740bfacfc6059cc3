"""Every chapter is a MyST source ``notebooks/NN_name.md`` paired with ``NN_name.ipynb`` (the same
cells, executed): the two never disagree in any cell's type, source or metadata."""

from pathlib import Path

import jupytext
import nbformat
import pytest

NOTEBOOKS = Path(__file__).resolve().parents[1] / "notebooks"
CHAPTERS = sorted(NOTEBOOKS.glob("[0-9][0-9]_*.md"))


def pair_differences(source: Path, paired: Path) -> list[str]:
    """What differs between the cells of the MyST notebook ``source`` and the ``.ipynb``."""
    text = jupytext.read(source)
    executed = nbformat.read(paired, as_version=4)
    problems = []
    if len(text.cells) != len(executed.cells):
        problems.append(
            f"{len(text.cells)} cells in {source.name}, {len(executed.cells)} in {paired.name}"
        )
    for index, (a, b) in enumerate(zip(text.cells, executed.cells)):
        for field in ("cell_type", "source", "metadata"):
            if a.get(field) != b.get(field):
                problems.append(f"cell {index}: {field} differs ({a.source[:60]!r})")
    return problems


def test_every_chapter_has_both_members():
    assert CHAPTERS, "no chapters found"
    assert {p.stem for p in NOTEBOOKS.glob("*.ipynb")} == {p.stem for p in CHAPTERS}


@pytest.mark.parametrize("source", CHAPTERS, ids=lambda p: p.stem)
def test_pair_agrees_cell_by_cell(source):
    assert pair_differences(source, source.with_suffix(".ipynb")) == []


@pytest.mark.parametrize("source", CHAPTERS, ids=lambda p: p.stem)
def test_pair_is_declared_and_executed(source):
    assert jupytext.read(source).metadata["jupytext"]["formats"] == "ipynb,md:myst"
    executed = nbformat.read(source.with_suffix(".ipynb"), as_version=4)
    code = [cell for cell in executed.cells if cell.cell_type == "code"]
    assert code and all(cell.execution_count is not None for cell in code)


def test_a_changed_cell_is_reported(tmp_path):
    source = CHAPTERS[0]
    edited = tmp_path / source.name
    text = source.read_text()
    edited.write_text(text.replace("import numpy as np", "import numpy as numpy_", 1))
    assert any(
        "source differs" in p for p in pair_differences(edited, source.with_suffix(".ipynb"))
    )
    notebook = jupytext.read(source)
    notebook.cells[1].metadata["tags"] = ["changed"]
    jupytext.write(notebook, edited)
    assert any(
        "metadata differs" in p for p in pair_differences(edited, source.with_suffix(".ipynb"))
    )
