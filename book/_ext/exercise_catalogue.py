"""The book's exercises, read from the chapters' MyST sources, and the ``exercise-index`` directive.

Every exercise opens with ``{exercise}`` or ``{exercise-start}`` (sphinx-exercise), its title, a
``:label:`` option and, as the first line of its text, its kind and difficulty in italics::

    ```{exercise-start} Escaping with the norm neuron
    :label: ex-norm-escape
    ```

    *Computation · medium*

Kinds are ``proof``, ``computation`` and ``exploration`` (several joined by ``and`` or commas, the
first capitalised); difficulties are ``easy``, ``medium`` and ``hard``. :func:`exercises` parses a
source into :class:`Exercise` records; the directive ``exercise-index`` (on the exercise index
page) renders every chapter's exercises as a table linking to each, so the index is generated from
the sources on every build, never kept by hand. The same parser serves the tests and
``tools/student_edition.py``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

KINDS = ("proof", "computation", "exploration")
DIFFICULTIES = ("easy", "medium", "hard")
CHAPTER_GLOB = "notebooks/[0-9][0-9]_*.md"

_OPENING = re.compile(r"^(`{3,}|:{3,})\{exercise(?:-start)?\}\s*(?P<title>.*?)\s*$")
_OPTION = re.compile(r"^:(?P<name>[\w-]+):\s*(?P<value>.*?)\s*$")
_TAG = re.compile(r"^\*(?P<kinds>[A-Za-z ,]+?) · (?P<difficulty>[a-z]+)\*\s*$")
_CHECK_CALL = re.compile(r"check_answer\(\s*[\"'](?P<label>[\w-]+)[\"']")


class CatalogueError(ValueError):
    """An exercise in a chapter source is not labelled as the format above requires."""


@dataclass(frozen=True)
class Exercise:
    """One exercise: where it is, its title, label, kinds, difficulty and answer checks."""

    source: str
    line: int
    title: str
    label: str
    kinds: tuple[str, ...]
    difficulty: str
    checks: tuple[str, ...]


def _parse_kinds(text: str, where: str) -> tuple[str, ...]:
    kinds = tuple(part.strip().lower() for part in re.split(r",| and ", text) if part.strip())
    unknown = [kind for kind in kinds if kind not in KINDS]
    if not kinds or unknown:
        raise CatalogueError(f"{where}: kinds must be among {KINDS}, got {text!r}")
    return kinds


def _exercise_end(lines: list[str], start: int, fence: str, gated: bool) -> int:
    """Index of the line that closes the exercise opened at ``start``."""
    for index in range(start + 1, len(lines)):
        stripped = lines[index].strip()
        if gated and re.match(r"^(`{3,}|:{3,})\{exercise-end\}", stripped):
            return index
        if not gated and stripped == fence:
            return index
    raise CatalogueError(f"line {start + 1}: exercise never closed")


def myst_text(path: Path) -> str:
    """The MyST Markdown text of a chapter: the file itself, or a notebook converted by jupytext
    (the student edition builds from notebooks)."""
    path = Path(path)
    if path.suffix == ".ipynb":
        import jupytext

        return jupytext.writes(jupytext.read(path), fmt="md:myst")
    return path.read_text(encoding="utf-8")


def exercises(path: Path, source_name: str | None = None) -> list[Exercise]:
    """The exercises of a MyST source, in order (:class:`CatalogueError` if one is mislabelled)."""
    lines = myst_text(path).splitlines()
    name = source_name or str(path)
    found = []
    for index, line in enumerate(lines):
        opening = _OPENING.match(line.strip())
        if not opening:
            continue
        where = f"{name}:{index + 1}"
        gated = "{exercise-start}" in line
        end = _exercise_end(lines, index, opening.group(1), gated)
        options, cursor = {}, index + 1
        while cursor < end and (option := _OPTION.match(lines[cursor].strip())):
            options[option.group("name")] = option.group("value")
            cursor += 1
        if gated and cursor < end and lines[cursor].strip() == opening.group(1):
            cursor += 1  # the fence closing the {exercise-start} block
        body = [text.strip() for text in lines[cursor:end] if text.strip()]
        tag = _TAG.match(body[0]) if body else None
        if "label" not in options:
            raise CatalogueError(f"{where}: exercise {opening.group('title')!r} has no :label:")
        if not tag:
            raise CatalogueError(
                f"{where}: the first line of exercise {options['label']!r} must read like "
                f"'*Proof · medium*' (kinds {KINDS}, difficulty {DIFFICULTIES})"
            )
        difficulty = tag.group("difficulty")
        if difficulty not in DIFFICULTIES:
            raise CatalogueError(f"{where}: difficulty must be one of {DIFFICULTIES}")
        found.append(
            Exercise(
                source=name,
                line=index + 1,
                title=opening.group("title"),
                label=options["label"],
                kinds=_parse_kinds(tag.group("kinds"), where),
                difficulty=difficulty,
                checks=tuple(m.group("label") for m in _CHECK_CALL.finditer("\n".join(body))),
            )
        )
    return found


def chapter_title(path: Path) -> str:
    """The first level-1 heading of a MyST source."""
    for line in myst_text(path).splitlines():
        if line.startswith("# "):
            return line[2:].strip()
    raise CatalogueError(f"{path}: no level-1 heading")


def setup(app):
    """Register the ``exercise-index`` directive (imports Sphinx only here)."""
    from docutils import nodes
    from sphinx import addnodes
    from sphinx.util import logging
    from sphinx.util.docutils import SphinxDirective

    logger = logging.getLogger(__name__)

    def cell(*children):
        entry = nodes.entry()
        paragraph = nodes.paragraph()
        paragraph.extend(children)
        entry += paragraph
        return entry

    def link(docname, reftype, target, content):
        node = addnodes.pending_xref(
            "",
            content,
            refdomain="std",
            reftype=reftype,
            reftarget=target,
            refexplicit=True,
            refwarn=True,
            refdoc=docname,
        )
        return node

    def table(rows):
        """A two-column table: the exercise (linked) and its kinds and difficulty."""
        table = nodes.table(classes=["exercise-index"])
        group = nodes.tgroup(cols=2)
        table += group
        for width in (65, 35):
            group += nodes.colspec(colwidth=width)
        head, row = nodes.thead(), nodes.row()
        for title in ("Exercise", "Kind · difficulty"):
            row += cell(nodes.Text(title))
        head += row
        body = nodes.tbody()
        group += head
        group += body
        for exercise_link, tag in rows:
            row = nodes.row()
            row += cell(exercise_link)
            row += cell(nodes.Text(tag))
            body += row
        return table

    class ExerciseIndex(SphinxDirective):
        """Every chapter's exercises: a heading linking to the chapter, then a table of its
        exercises (each linked) with their kinds and difficulty."""

        def run(self):
            chapters = sorted(d for d in self.env.found_docs if d.startswith("notebooks/"))
            here, output = self.env.docname, []
            for docname in chapters:
                path = Path(self.env.doc2path(docname))
                self.env.note_dependency(str(path))
                try:
                    heading, found = chapter_title(path), exercises(path, docname)
                except CatalogueError as error:  # a warning, which -W turns into a failure
                    logger.warning(str(error), location=(self.env.docname, self.lineno))
                    continue
                rubric = nodes.rubric()
                rubric += link(here, "doc", "/" + docname, nodes.inline(text=heading))
                rows = []
                for exercise in found:
                    title, _ = self.parse_inline(exercise.title, lineno=self.lineno)  # maths
                    kinds = " and ".join(exercise.kinds).capitalize()
                    rows.append(
                        (
                            link(here, "ref", exercise.label, nodes.inline("", "", *title)),
                            f"{kinds} · {exercise.difficulty}",
                        )
                    )
                output += [rubric, table(rows)]
            return output

    app.add_directive("exercise-index", ExerciseIndex)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
