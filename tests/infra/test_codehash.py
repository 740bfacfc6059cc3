"""qlcore.infra.codehash: cache keys cover every qlcore module a computation imports, found from
the code, so an edit anywhere in that closure, however deep, changes the key."""

import json
import shutil
import subprocess
import sys

import pytest

from qlcore.experiments.registry import REGISTRY
from qlcore.infra.checks import InputError
from qlcore.infra.codehash import (
    PACKAGE_DIR,
    closure_hash,
    code_fingerprint,
    imported_names,
    module_closure,
    module_file,
    module_hash,
)


@pytest.fixture
def package_copy(tmp_path):
    """A temporary copy of the qlcore source tree, to edit."""
    copy = tmp_path / "qlcore"
    shutil.copytree(PACKAGE_DIR, copy, ignore=shutil.ignore_patterns("__pycache__"))
    return copy


def _direct_imports(name, package_dir):
    path = module_file(name, package_dir)
    return imported_names(path.read_text(), name, path.name == "__init__.py")


def test_an_edit_two_imports_away_changes_the_key(package_copy):
    figure = "qlcore.experiments.sarao_fig1"
    # sarao_fig1 -> samples.recovery -> samples.teacher_student: two imports away
    assert "qlcore.samples.teacher_student" not in _direct_imports(figure, package_copy)
    assert "qlcore.samples.recovery" in _direct_imports(figure, package_copy)
    assert "qlcore.samples.teacher_student" in _direct_imports(
        "qlcore.samples.recovery", package_copy
    )
    before = closure_hash(figure, package_dir=package_copy)
    assert before == closure_hash(figure)  # the copy hashes like the original
    target = package_copy / "samples" / "teacher_student.py"
    target.write_text(target.read_text() + "\nEDITED = True\n")
    assert closure_hash(figure, package_dir=package_copy) != before


def test_docstrings_comments_and_layout_do_not_change_the_key(package_copy):
    figure = "qlcore.experiments.sarao_fig1"
    before = closure_hash(figure, package_dir=package_copy)
    target = package_copy / "samples" / "teacher_student.py"
    source = target.read_text()
    assert '"""Teacher-student data' in source
    source = source.replace('"""Teacher-student data', '"""Reworded: teacher-student data', 1)
    target.write_text(source.replace("\n\n\n", "\n\n\n# a comment\n\n", 1))
    assert closure_hash(figure, package_dir=package_copy) == before
    target.write_text(
        source.replace("return", "return  ", 1).replace("import numpy as np", "import numpy", 1)
    )
    assert closure_hash(figure, package_dir=package_copy) != before


def test_an_edit_outside_the_closure_keeps_the_key(package_copy):
    figure = "qlcore.experiments.sarao_fig2"
    assert "qlcore.cones.counts" not in module_closure(figure, package_dir=package_copy)
    before = closure_hash(figure, package_dir=package_copy)
    target = package_copy / "cones" / "counts.py"
    target.write_text(target.read_text() + "\nEDITED = True\n")
    assert closure_hash(figure, package_dir=package_copy) == before


def test_package_inits_and_function_level_imports_are_in_the_closure(tmp_path):
    package = tmp_path / "qlcore"
    (package / "a").mkdir(parents=True)
    (package / "__init__.py").write_text("")
    (package / "a" / "__init__.py").write_text("")
    (package / "a" / "top.py").write_text("def f():\n    from .deep import g\n    return g()\n")
    (package / "a" / "deep.py").write_text("from qlcore.b import leaf\n")
    (package / "b.py").write_text("")
    (package / "unused.py").write_text("")
    closure = module_closure("qlcore.a.top", package_dir=package)
    assert sorted(closure) == ["qlcore", "qlcore.a", "qlcore.a.deep", "qlcore.a.top", "qlcore.b"]


def test_unknown_module_is_a_named_error():
    with pytest.raises(ValueError, match="no source file"):
        module_closure("qlcore.no_such_module")


@pytest.mark.parametrize("module", sorted(set(REGISTRY.values())))
def test_closure_covers_every_qlcore_module_python_loads(module):
    """What importing an experiment really loads is inside its static closure."""
    code = f"import json, sys, {module}; print(json.dumps(sorted(sys.modules)))"
    loaded = json.loads(
        subprocess.run(
            [sys.executable, "-c", code], capture_output=True, text=True, check=True
        ).stdout
    )
    loaded_qlcore = {name for name in loaded if name == "qlcore" or name.startswith("qlcore.")}
    assert loaded_qlcore <= set(module_closure(module))


def test_fingerprint_ignores_docstrings_but_not_string_constants():
    plain = 'def f():\n    """Doc."""\n    return "x"\n'
    assert code_fingerprint(plain) == code_fingerprint('def f():\n    return "x"  # c\n')
    assert code_fingerprint(plain) != code_fingerprint('def f():\n    """Doc."""\n    return "y"\n')


@pytest.mark.parametrize(
    ("call", "argument"),
    [
        (lambda: module_file(None), "name"),
        (lambda: module_file("qlcore.cones", package_dir=-0.5), "package_dir"),
        (lambda: module_closure("qlcore.cones", path=3), "path"),
        (lambda: module_closure("qlcore.cones", path="/no/such/file.py"), "path"),
        (lambda: closure_hash(""), "name"),
        (lambda: code_fingerprint(b"import numpy"), "source"),
        (lambda: code_fingerprint("def ("), "source"),
        (lambda: imported_names("import os\0", "qlcore.a"), "source"),
        (lambda: imported_names("import os", 3), "name"),
        (lambda: module_hash("qlcore"), "module"),
    ],
)
def test_bad_names_sources_and_paths_are_named_errors(call, argument):
    with pytest.raises(InputError) as caught:
        call()
    assert caught.value.argument == argument and str(caught.value).startswith(argument)
