"""Write a chapter notebook from cell sources kept as plain text (tools/build_chapterN.py).

Outputs are added by executing the notebook (`make notebooks`)."""

import nbformat as nbf


PARAMETERS = """
# Parameters: the scale of the reproduced figures ("quick": seconds, "paper": the paper's setting).
# The environment variable QL_SCALE overrides SCALE.
SCALE = "paper"
SEED = 0
"""

SETUP = """SCALE = os.environ.get("QL_SCALE", SCALE)
style.use()
print(f"scale: {SCALE}")"""


class Chapter:
    """The cells of one notebook, in order."""

    def __init__(self):
        self.cells = []

    def md(self, text):
        """A markdown cell; ```{code-cell}``` blocks inside it become code cells of their own
        (solutions between solution-start and solution-end may hold code this way)."""
        fence, end = "```{code-cell} ipython3\n", "\n```\n"
        while fence in text:
            before, rest = text.split(fence, 1)
            source, text = rest.split(end, 1)
            if before.strip():
                self.cells.append(nbf.v4.new_markdown_cell(before.strip("\n")))
            self.cells.append(nbf.v4.new_code_cell(source.strip("\n")))
        if text.strip():
            self.cells.append(nbf.v4.new_markdown_cell(text.strip("\n")))

    def code(self, text, **metadata):
        """A code cell with optional cell metadata (e.g. ``tags=["parameters"]``)."""
        cell = nbf.v4.new_code_cell(text.strip("\n"))
        cell.metadata.update(metadata)
        self.cells.append(cell)

    def parameters_and_setup(self, imports):
        """The parameters cell (tagged ``parameters``: only assignments, DESIGN.md §4) and the
        setup cell: ``imports`` (the chapter's import lines), then ``QL_SCALE`` read and the
        book's figure style applied."""
        self.code(PARAMETERS, tags=["parameters"])
        self.code("import os\n\n" + imports.strip("\n") + "\n\n" + SETUP)

    def write(self, path):
        notebook = nbf.v4.new_notebook(cells=self.cells)
        notebook.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3",
                                           "language": "python"}
        notebook.metadata["language_info"] = {"name": "python"}
        nbf.write(notebook, path)
