"""The ``reading-time`` role: a chapter's reading time, computed from its source on every build.

``{reading-time}`/notebooks/01_spurious_minima``` (or a draft chapter's path) renders as
"about 3.5 hours (5,200 words)": the words of the chapter's MyST source before its
``## Exercises`` heading (text and code cells, the exercises and references excluded), at
:data:`WORDS_PER_HOUR`, a pace for mathematical text read with pen and paper; hours are rounded
to the nearest half, words to the nearest hundred. The syllabus uses it, so its times follow the
chapters as they change.
"""

import re
from pathlib import Path

from docutils import nodes

WORDS_PER_HOUR = 1500


def chapter_words(path: Path) -> int:
    """Words of a MyST source up to its exercises (or all of it, if it has none)."""
    text = Path(path).read_text(encoding="utf-8")
    text = text.split("\n## Exercises", 1)[0]
    text = re.sub(r"^---\n.*?\n---\n", "", text, flags=re.S)  # the jupytext header
    return len(text.split())


def reading_time(words: int) -> str:
    hours = max(0.5, round(words / WORDS_PER_HOUR * 2) / 2)
    shown = f"{hours:g} hour" + ("" if hours == 1 else "s")
    return f"about {shown} ({round(words, -2):,} words)"


def reading_time_role(name, rawtext, text, lineno, inliner, options=None, content=None):
    env = inliner.document.settings.env
    docname = text.strip().lstrip("/")
    # a page of the book, or a chapter's source that is not built yet (drafts/)
    built = docname in env.found_docs
    path = Path(env.doc2path(docname) if built else f"{env.srcdir}/{docname}.md")
    if not path.is_file():
        message = inliner.reporter.error(f"reading-time: no chapter {docname!r}", line=lineno)
        return [inliner.problematic(rawtext, rawtext, message)], [message]
    env.note_dependency(str(path))
    return [nodes.Text(reading_time(chapter_words(path)))], []


def setup(app):
    app.add_role("reading-time", reading_time_role)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
