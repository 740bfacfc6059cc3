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
from pathlib import Path

PACKAGE = "qlcore"
PACKAGE_DIR = Path(__file__).resolve().parents[1]


def module_file(name: str, package_dir: Path = PACKAGE_DIR) -> Path | None:
    """The source file of the ``qlcore`` module ``name`` under ``package_dir``, or ``None`` when
    ``name`` is not a module there (for instance a function imported by name)."""
    parts = name.split(".")
    if parts[0] != PACKAGE:
        return None
    base = Path(package_dir).joinpath(*parts[1:])
    if parts[1:] and base.with_suffix(".py").is_file():
        return base.with_suffix(".py")
    if (base / "__init__.py").is_file():
        return base / "__init__.py"
    return None


def imported_names(source: str, name: str, is_package: bool = False) -> set[str]:
    """Every dotted name that ``source`` (the code of module ``name``) imports: for
    ``from P import x`` both ``P`` and ``P.x`` (``x`` may be a submodule), relative imports made
    absolute."""
    names = set()
    for node in ast.walk(ast.parse(source)):
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
    path = Path(path) if path is not None else module_file(name, package_dir)
    if path is None or not path.is_file():
        raise ValueError(
            f"module {name!r} has no source file under {package_dir}; pass path= "
            "for a module outside qlcore"
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
    tree = ast.parse(source)
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
    source = getattr(module, "__file__", None)
    if source is None:
        raise ValueError(
            f"module {module.__name__} has no source file to hash, so its results "
            "cannot be cached; define the function in a .py module"
        )
    return closure_hash(module.__name__, Path(source).resolve())
