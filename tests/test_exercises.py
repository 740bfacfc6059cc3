"""Every chapter's exercises: labelled, at least five, and the computational ones checkable.

The chapters' exercises are read from their MyST sources by ``book/_ext/exercise_catalogue.py``
(the parser behind the book's exercise index). Each chapter (including chapters still in
``drafts/``) needs at least :data:`MIN_EXERCISES` exercises, each labelled with kinds and a
difficulty; every computational exercise has a cell calling ``check_answer`` with its own label,
and that label has a registered check in :mod:`qlcore.exercises`. Every chapter opens with a
learning-goals box.
"""

import sys
from pathlib import Path

import numpy as np
import pytest

from qlcore.exercises import check_answer, checks, is_right
from qlcore.infra.checks import InputError

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "book" / "_ext"))

import exercise_catalogue as catalogue  # noqa: E402

MIN_EXERCISES = 5
CHAPTERS = sorted(ROOT.glob(catalogue.CHAPTER_GLOB)) + sorted(ROOT.glob("drafts/[0-9][0-9]_*.md"))


def _parsed(path):
    """A chapter's exercises, or none if it is mislabelled (then its own test below fails)."""
    try:
        return catalogue.exercises(path, path.name)
    except catalogue.CatalogueError:
        return []


ALL = [ex for path in CHAPTERS for ex in _parsed(path)]


def test_there_are_seven_chapters():
    assert len(CHAPTERS) == 7


@pytest.mark.parametrize("path", CHAPTERS, ids=lambda p: p.name)
def test_chapter_has_enough_labelled_exercises(path):
    found = catalogue.exercises(path, path.name)
    assert len(found) >= MIN_EXERCISES, [ex.label for ex in found]


@pytest.mark.parametrize("path", CHAPTERS, ids=lambda p: p.name)
def test_chapter_opens_with_learning_goals(path):
    text = path.read_text(encoding="utf-8")
    first_section = text.find("\n## ")
    assert first_section > 0
    assert "learning-goals" in text[:first_section], "no learning-goals box before the first ##"


def test_exercise_labels_are_unique():
    labels = [ex.label for ex in ALL]
    assert len(labels) == len(set(labels))


@pytest.mark.parametrize("exercise", ALL, ids=lambda ex: ex.label)
def test_computational_exercise_has_its_check(exercise):
    if "computation" not in exercise.kinds:
        return
    assert exercise.label in exercise.checks, "no check_answer cell with this exercise's label"
    assert exercise.label in checks(), "no registered check (src/qlcore/exercises/)"


def test_every_check_belongs_to_an_exercise():
    labels = {ex.label for ex in ALL}
    assert set(checks()) <= labels


@pytest.mark.slow
@pytest.mark.parametrize("label", sorted(checks()))
def test_check_says_right_only_for_the_right_answer(label, capsys):
    check = checks()[label]
    expected = np.asarray(check.expected(), dtype=float)
    assert is_right(label, check.expected())
    assert not is_right(label, None)
    wrong = expected + np.where(expected == 0, 1.0, np.abs(expected) * 0.5 + 1.0)
    assert not is_right(label, wrong)
    if expected.ndim:
        assert not is_right(label, expected.ravel()[:-1] if expected.size > 1 else [])
    check_answer(label, wrong)
    check_answer(label, check.expected())
    printed = capsys.readouterr().out.splitlines()
    assert printed[0].startswith("Not right yet") and printed[1] == "Right."


def test_unknown_label_is_refused():
    with pytest.raises(InputError, match="label"):
        check_answer("ex-no-such-exercise", 1)


def test_catalogue_refuses_an_unlabelled_exercise(tmp_path):
    source = tmp_path / "ch.md"
    source.write_text("# T\n\n```{exercise} A title\n:label: ex-a\n\nNo tag here.\n```\n")
    with pytest.raises(catalogue.CatalogueError, match="ex-a"):
        catalogue.exercises(source)
    source.write_text("# T\n\n```{exercise} A title\n:label: ex-a\n\n*Proof · tricky*\n```\n")
    with pytest.raises(catalogue.CatalogueError, match="difficulty"):
        catalogue.exercises(source)


def test_catalogue_reads_a_gated_exercise_with_a_check(tmp_path):
    source = tmp_path / "ch.md"
    source.write_text(
        "# T\n\n```{exercise-start} Count\n:label: ex-b\n```\n\n*Computation and proof · hard*\n\n"
        "```{code-cell} ipython3\ncheck_answer('ex-b', None)\n```\n\n```{exercise-end}\n```\n"
    )
    (found,) = catalogue.exercises(source)
    assert (found.label, found.difficulty) == ("ex-b", "hard")
    assert found.kinds == ("computation", "proof")
    assert found.checks == ("ex-b",)
