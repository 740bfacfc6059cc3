"""The Proof Index lists each theorem, lemma, ... by its number and title, grouped by chapter.

sphinx-proof's own index (``prf-prf.html``) lists the raw labels (``thm-ql-no-spurious``). This
extension records each labelled proof box's title when a page is read (``doctree-read``) and
replaces the domain's index by :class:`TitledProofIndex`, whose entries read like
"Theorem 1.2 — No spurious minima for the modified networks (Theorem 3.1, informal)" under the
chapter's title, in the book's order. The box numbers are Sphinx's figure numbers
(``numfig``), as on the pages.
"""

import re
from collections import defaultdict

from docutils import nodes
from sphinx.domains import Index
from sphinx_proof.domain import ProofDomain


def record_titles(app, doctree):
    """``doctree-read``: store each proof box's title with its entry in ``env.proof_list``."""
    proofs = getattr(app.env, "proof_list", {})
    for node in doctree.findall(nodes.Element):
        label = node.get("label")
        if "realtype" in node.attributes and label in proofs:
            title = str(node.get("title", "")).strip()
            proofs[label]["title"] = title[1:-1] if title.startswith("(") else title


class TitledProofIndex(Index):
    """Proof boxes by chapter: their kind, number and title (the label only if untitled)."""

    name = "prf"
    localname = "Proof Index"
    shortname = "Proof"

    def _number(self, docname, countertype, label):
        numbers = self.domain.env.toc_fignumbers.get(docname, {}).get(countertype, {})
        number = numbers.get(label)
        return ".".join(map(str, number)) if number else ""

    def generate(self, docnames=None):
        env = self.domain.env
        order = {name: index for index, name in enumerate(env.all_docs)}
        if getattr(env, "toctree_includes", None):
            order = {name: i for i, name in enumerate(_toc_order(env))}
        groups = defaultdict(list)
        for label, values in getattr(env, "proof_list", {}).items():
            docname = values["docname"]
            if docnames and docname not in docnames:
                continue
            kind = values["realtype"].capitalize()
            number = self._number(docname, values["countertype"], label)
            heading = f"{kind} {number}".strip()
            title = _plain(values.get("title") or label)
            groups[docname].append((f"{heading} — {title}", 0, docname, label, "", "", ""))
        content = []
        for docname in sorted(groups, key=lambda name: order.get(name, len(order))):
            chapter = env.titles[docname].astext() if docname in env.titles else docname
            content.append((chapter, groups[docname]))  # in the order of the page
        return content, True


def _plain(title: str) -> str:
    """A title's inline maths as plain text (the index page does not typeset TeX)."""
    return re.sub(r"\$([^$]*)\$", lambda m: m.group(1).replace("{", "").replace("}", ""), title)


def _toc_order(env):
    """Documents in the order of the table of contents (depth first from the root)."""
    seen, ordered = set(), []

    def walk(docname):
        if docname in seen:
            return
        seen.add(docname)
        ordered.append(docname)
        for child in env.toctree_includes.get(docname, []):
            walk(child)

    walk(env.config.root_doc)
    return ordered


def setup(app):
    ProofDomain.indices = {TitledProofIndex}
    app.connect("doctree-read", record_titles)
    return {"parallel_read_safe": False, "parallel_write_safe": True}
