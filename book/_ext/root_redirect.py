"""Sphinx extension: the site's root ``index.html`` is a complete page that sends the reader on.

The book's first page is ``book/intro``, so nothing is built at the root; sphinx-external-toc then
writes an ``index.html`` holding only a refresh tag. A browser that opens it asks the server for
``/favicon.ico`` (the page names no icon), which does not exist: a 404 in the console of every
visit to the site's address. This writes the root page first (sphinx-external-toc leaves an
existing one alone), naming the book's icon and title and linking the first page for readers
whose browser does not follow the refresh.
"""

from html import escape
from pathlib import Path

PAGE = """<!DOCTYPE html>
<html lang="{language}">
<head>
<meta charset="utf-8">
<title>{title}</title>
<link rel="icon" href="{icon}">
<meta http-equiv="Refresh" content="0; url={first_page}">
</head>
<body><p><a href="{first_page}">{title}</a></p></body>
</html>
"""


def write_root_page(app, exception) -> None:
    # singlehtml names its one page differently and serves no reader directly: left to etoc
    if exception is not None or app.builder.name not in ("html", "dirhtml"):
        return
    if app.config.root_doc == "index":
        return
    icon = Path(app.config.html_favicon or "").name
    page = PAGE.format(
        language=escape(app.config.language or "en"),
        title=escape(app.config.html_title or app.config.project),
        icon=f"_static/{escape(icon)}" if icon else "data:,",
        first_page=escape(app.builder.get_target_uri(app.config.root_doc)),
    )
    Path(app.outdir, "index.html").write_text(page, encoding="utf-8")


def setup(app):
    app.connect("build-finished", write_root_page, priority=400)  # before sphinx-external-toc
    return {"parallel_read_safe": True, "parallel_write_safe": True}
