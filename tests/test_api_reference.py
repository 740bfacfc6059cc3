"""The API reference in the book (book/api/*.md) documents every module of qlcore."""

import re
from pathlib import Path

from qlcore.infra.codehash import PACKAGE_DIR

API = Path(__file__).resolve().parents[1] / "book" / "api"


def test_every_module_is_in_the_api_reference():
    modules = set()
    for path in PACKAGE_DIR.rglob("*.py"):
        parts = list(path.relative_to(PACKAGE_DIR).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        if parts and parts[-1] == "__main__":
            continue
        modules.add(".".join(["qlcore", *parts]))
    documented = set()
    for page in API.glob("*.md"):
        documented |= set(re.findall(r"^\.\. automodule:: (\S+)$", page.read_text(), re.M))
    assert modules - {"qlcore"} <= documented, sorted(modules - {"qlcore"} - documented)
    assert documented <= modules, sorted(documented - modules)
