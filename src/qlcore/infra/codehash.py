"""Hashes of source code that cover everything a computation runs in ``qlcore``.

A cached result must be recomputed whenever any code that produced it changes. The code is found
from the source, never from a hand-written list: :func:`module_closure` parses a module with
:mod:`ast` and follows every import of a ``qlcore`` module in it (absolute or relative, at module
level or inside a function), transitively. Importing ``qlcore.a.b`` also runs
``qlcore/__init__.py`` and ``qlcore/a/__init__.py``, so those belong to the closure as well.
Nothing is imported while the closure is computed, so the closure of a copy of the package on disk
can be taken too (the tests edit such a copy).

The hash is taken over each module's syntax tree with docstrings removed (comments and layout are
not in the tree), so rewording documentation or reformatting never forces a recomputation, while
any change to what the code does changes the key. Code outside ``qlcore`` (NumPy, torch, data
files) is not hashed; the provenance of every result records the library versions instead.
"""

from __future__ import annotations

import ast
import hashlib
import os
import types
from pathlib import Path

from qlcore.infra.checks import InputError, check_bool

PACKAGE = "qlcore"
PACKAGE_DIR = Path(__file__).resolve().parents[1]


def _check_module_name(name) -> str:
    """``name`` if it is a dotted module name (a string)."""
    if not isinstance(name, str):
        raise InputError(
            f"name must be a dotted module name such as 'qlcore.cones.counts', got {name!r}",
            argument="name",
        )
    return name


def _check_path(value, name: str) -> Path:
    """``value`` as a :class:`~pathlib.Path` if it is a path (a string or path-like)."""
    if not isinstance(value, (str, os.PathLike)):
        raise InputError(
            f"{name} must be a path (str or pathlib.Path), got {value!r}", argument=name
        )
    return Path(value)


def _parse(source) -> ast.Module:
    """The syntax tree of ``source``, Python code as a string."""
    if not isinstance(source, str):
        raise InputError(
            f"source must be Python code as a str, got {type(source).__name__}", argument="source"
        )
    try:
        return ast.parse(source)
    except (SyntaxError, ValueError) as error:
        raise InputError(f"source is not valid Python: {error}", argument="source") from None


def module_file(name: str, package_dir: Path = PACKAGE_DIR) -> Path | None:
    """The source file of the ``qlcore`` module ``name`` under ``package_dir``, or ``None`` when
    ``name`` is not a module there (for instance a function imported by name)."""
    parts = _check_module_name(name).split(".")
    package_dir = _check_path(package_dir, "package_dir")
    if parts[0] != PACKAGE:
        return None
    base = package_dir.joinpath(*parts[1:])
    if parts[1:] and base.with_suffix(".py").is_file():
        return base.with_suffix(".py")
    if (base / "__init__.py").is_file():
        return base / "__init__.py"
    return None


def imported_names(source: str, name: str, is_package: bool = False) -> set[str]:
    """Every dotted name that ``source`` (the code of module ``name``) imports: for
    ``from P import x`` both ``P`` and ``P.x`` (``x`` may be a submodule), relative imports made
    absolute."""
    tree = _parse(source)
    name = _check_module_name(name)
    is_package = check_bool(is_package, "is_package")
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = name.split(".") if is_package else name.split(".")[:-1]
                base = base[: len(base) - (node.level - 1)]
                module = ".".join(base + ([node.module] if node.module else []))
            else:
                module = node.module
            names.add(module)
            names.update(f"{module}.{alias.name}" for alias in node.names)
    return names


def module_closure(
    name: str, path: Path | None = None, package_dir: Path = PACKAGE_DIR
) -> dict[str, Path]:
    """``{module name: source file}`` for module ``name`` and every ``qlcore`` module it imports,
    directly or through others, with the ``__init__.py`` of every package on the way.

    ``path`` is the source of ``name`` when it lies outside ``package_dir`` (a module of the
    tests, say); by default it is looked up under ``package_dir``."""
    name = _check_module_name(name)
    if path is not None:
        path = _check_path(path, "path")
        if not path.is_file():
            raise InputError(f"path {str(path)!r} is not a file", argument="path")
    else:
        path = module_file(name, package_dir)
    if path is None or not path.is_file():
        raise InputError(
            f"name {name!r}: no source file under package_dir {str(package_dir)!r}; pass path= "
            "for a module outside qlcore",
            argument="name",
        )
    closure = {}
    todo = [(name, path)]
    while todo:
        current, current_path = todo.pop()
        if current in closure:
            continue
        closure[current] = current_path
        parts = current.split(".")
        wanted = {".".join(parts[:i]) for i in range(1, len(parts))}
        wanted |= imported_names(
            current_path.read_text(), current, current_path.name == "__init__.py"
        )
        for imported in sorted(wanted - set(closure)):
            imported_path = module_file(imported, package_dir)
            if imported_path is not None:
                todo.append((imported, imported_path))
    return closure


def code_fingerprint(source: str) -> str:
    """The syntax tree of ``source`` without its docstrings, as text: equal for two sources that
    differ only in comments, docstrings or layout."""
    tree = _parse(source)
    for node in ast.walk(tree):
        body = getattr(node, "body", None)
        if (
            isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef)
            and body
            and isinstance(body[0], ast.Expr)
            and isinstance(body[0].value, ast.Constant)
            and isinstance(body[0].value.value, str)
        ):
            node.body = body[1:] or [ast.Pass()]
    return ast.dump(tree)


def closure_hash(name: str, path: Path | None = None, package_dir: Path = PACKAGE_DIR) -> str:
    """SHA-256 (16 hex digits) of the names and :func:`code_fingerprint` of every module in
    :func:`module_closure`."""
    digest = hashlib.sha256()
    for module, source in sorted(module_closure(name, path, package_dir).items()):
        digest.update(module.encode() + b"\0")
        digest.update(code_fingerprint(source.read_text()).encode() + b"\0")
    return digest.hexdigest()[:16]


def module_hash(module) -> str:
    """:func:`closure_hash` of an imported module object (inside or outside ``qlcore``)."""
    if not isinstance(module, types.ModuleType):
        raise InputError(f"module must be a module object, got {module!r}", argument="module")
    source = getattr(module, "__file__", None)
    if source is None:
        raise InputError(
            f"module {module.__name__} has no source file to hash, so its results "
            "cannot be cached; define the function in a .py module",
            argument="module",
        )
    return closure_hash(module.__name__, Path(source).resolve())
