"""environment.yml (conda, for readers) must ask for what pyproject.toml (pip, for CI) asks for.

Design: environment.yml's conda part holds only non-Python tools (python, pip, nodejs); every
Python package goes in its pip part, with the same version constraint as in pyproject.toml
(core dependencies plus every optional extra), followed by `-e .` for the library itself.
"""

from pathlib import Path

import tomllib
import yaml
from packaging.requirements import Requirement
from packaging.specifiers import SpecifierSet
from packaging.utils import canonicalize_name
from packaging.version import Version

ROOT = Path(__file__).resolve().parents[1]


def pyproject_requirements(pyproject):
    project = pyproject["project"]
    reqs = list(project["dependencies"])
    for extra in project.get("optional-dependencies", {}).values():
        reqs += extra
    return _by_name(reqs)


def environment_pip_requirements(env):
    pip = [d["pip"] for d in env["dependencies"] if isinstance(d, dict) and "pip" in d]
    assert len(pip) == 1, "environment.yml needs exactly one `pip:` section"
    lines = [line.strip() for line in pip[0]]
    assert "-e ." in lines, "environment.yml's pip section must install the library: `-e .`"
    return _by_name(line for line in lines if not line.startswith("-"))


def _by_name(lines):
    table = {}
    for line in lines:
        req = Requirement(line)
        name = canonicalize_name(req.name)
        assert name not in table, f"{req.name} is listed twice"
        table[name] = req
    return table


def _same(a, b):
    return (a.specifier, a.extras, str(a.marker or "")) == (
        b.specifier,
        b.extras,
        str(b.marker or ""),
    )


def mismatches(pyproject, env):
    """Human-readable differences between the two requirement lists (empty if they agree)."""
    want, have = pyproject_requirements(pyproject), environment_pip_requirements(env)
    problems = [f"{want[n]}: missing from environment.yml" for n in want.keys() - have.keys()]
    problems += [
        f"{have[n]}: in environment.yml, not in pyproject.toml" for n in have.keys() - want.keys()
    ]
    problems += [
        f"pyproject.toml has {want[n]}, environment.yml has {have[n]}"
        for n in want.keys() & have.keys()
        if not _same(want[n], have[n])
    ]
    return sorted(problems)


def load():
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text())
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    return pyproject, env


def test_pip_requirements_agree_with_pyproject():
    assert mismatches(*load()) == []


def test_torch_is_pinned_exactly():
    # An unpinned torch pulls gigabytes of CUDA packages; 2.13.0 has a CPU wheel.
    pyproject, env = load()
    assert pyproject_requirements(pyproject)["torch"].specifier == SpecifierSet("==2.13.0")
    assert environment_pip_requirements(env)["torch"].specifier == SpecifierSet("==2.13.0")


def test_conda_part_has_python_pip_and_node():
    pyproject, env = load()
    conda = {
        d.split("=")[0].split(">")[0].split("<")[0].strip(): d
        for d in env["dependencies"]
        if isinstance(d, str)
    }
    assert {"python", "pip", "nodejs"} <= conda.keys(), conda
    python = conda["python"].removeprefix("python").lstrip("=")
    assert Version(python) in SpecifierSet(pyproject["project"]["requires-python"])
    python_packages = conda.keys() & pyproject_requirements(pyproject).keys()
    assert not python_packages, f"list Python packages under pip:, not conda: {python_packages}"


def test_a_disagreement_is_reported():
    pyproject, env = load()
    pip = next(d for d in env["dependencies"] if isinstance(d, dict))["pip"]
    pip[pip.index("torch==2.13.0")] = "torch"
    pip.remove("pyyaml>=6")
    pip.append("requests")
    assert mismatches(pyproject, env) == [
        "pyproject.toml has torch==2.13.0, environment.yml has torch",
        "pyyaml>=6: missing from environment.yml",
        "requests: in environment.yml, not in pyproject.toml",
    ]
