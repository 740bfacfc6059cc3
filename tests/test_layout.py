"""The library's layers: imports go one way and there are no cycles (found from the code)."""

import graphlib

import pytest

from qlcore.infra.codehash import PACKAGE_DIR, imported_names

# Lower ranks sit lower. A module may import its own package and packages of a lower rank only.
RANK = {
    "infra": 0,
    "model": 1,
    "datasets": 1,
    "cones": 2,
    "dynamics": 2,
    "deep": 2,
    "homogeneous": 2,
    "samples": 3,
    "stationary": 4,
    "viz": 5,
    "experiments": 6,
    "exercises": 6,
    "reproduce": 7,
    "cli": 8,
    "__main__": 9,
}


def _modules():
    names = {}
    for path in sorted(PACKAGE_DIR.rglob("*.py")):
        parts = list(path.relative_to(PACKAGE_DIR).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        names[".".join(["qlcore", *parts])] = path
    return names


MODULES = _modules()


def _imports(name):
    path = MODULES[name]
    found = imported_names(path.read_text(), name, path.name == "__init__.py")
    return {other for other in found if other in MODULES and other != name}


def _unit(name):
    """The layer a module belongs to: its subpackage, or a top-level module's own name."""
    parts = name.split(".")
    return parts[1] if len(parts) > 1 else "qlcore"


def test_every_module_has_a_layer():
    assert {_unit(name) for name in MODULES} - {"qlcore"} == set(RANK)


@pytest.mark.parametrize("name", sorted(MODULES))
def test_imports_go_down(name):
    here = _unit(name)
    if here == "qlcore":
        return  # the root package: see test_root_package_imports_only_the_error_types
    for other in _imports(name):
        there = _unit(other)
        if there == "qlcore":
            continue  # the root package holds only the version and the error types
        assert there == here or RANK[there] < RANK[here], f"{name} imports {other}"


def test_root_package_imports_only_the_error_types():
    assert _imports("qlcore") == {"qlcore.infra.checks"}


def test_no_import_cycles():
    graph = {name: _imports(name) for name in MODULES}
    list(graphlib.TopologicalSorter(graph).static_order())  # raises CycleError on a cycle
