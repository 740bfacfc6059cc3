"""Sphinx extension: the single-page build (`--builder singlehtml`) that tools/build_pdf.py prints.

It changes nothing in the other builders. For the single page it

* lets every node be written: Sphinx looks the writers of a node up by the builder's name before
  its format, and sphinx-exercise registers its nodes for "singlehtml" by name, so the nodes
  that other extensions register for "html" only (sphinx-proof's theorem boxes) would have no
  writer there; the "html" writers are copied to "singlehtml" where it has none;
* loads every chapter's explorers: myst-nb attaches the saved widget state of a notebook (and the
  ipywidgets loader scripts) only to that notebook's own page, while the single page is the root
  document, which has none; here the scripts of every document are added to it, in reading
  order, each once;
* adds book/_static/print.css, the print layout (A4, no navigation, explorers as static frames,
  solutions unfolded, wide equations scaled to the column).
"""

ADD_PRIORITY = 400  # before unique_scripts (500), which replaces the page's list of scripts
ORDER_PRIORITY = 900  # after every handler that adds scripts, MathJax's included


def prepare_single_page(app) -> None:
    if app.builder.name != "singlehtml":
        return
    handlers = app.registry.translation_handlers
    single = handlers.setdefault("singlehtml", {})
    for node, visitors in handlers.get("html", {}).items():
        single.setdefault(node, visitors)
    app.add_css_file("print.css")


def add_all_documents_scripts(app, pagename, templatename, context, doctree) -> None:
    if app.builder.name != "singlehtml" or pagename != app.config.root_doc:
        return
    from myst_nb.sphinx_ import NbMetadataCollector

    seen = set()
    for docname in sorted(app.env.all_docs):
        for path, kwargs in NbMetadataCollector.get_js_files(app.env, docname).values():
            ident = (path, kwargs.get("body"))  # a loader script by its file, a state by its body
            if ident not in seen:
                seen.add(ident)
                app.add_js_file(path, **kwargs)


def _is_widget_script(script) -> bool:
    attributes = getattr(script, "attributes", {}) or {}
    return "vendor/widgets/" in str(getattr(script, "filename", None) or "") or attributes.get(
        "type", ""
    ).startswith("application/vnd.jupyter.widget")


def _is_mathjax_script(script) -> bool:
    attributes = getattr(script, "attributes", {}) or {}
    filename = str(getattr(script, "filename", None) or "")
    return "mathjax" in filename.lower() or attributes.get("body", "").startswith("window.MathJax")


def widget_scripts_after_mathjax(app, pagename, templatename, context, doctree) -> None:
    """Moves the widget scripts after MathJax's, as on a chapter's page: the widget loader
    (book/web/widgets-config.js) needs MathJax's configuration object to exist."""
    if app.builder.name != "singlehtml" or pagename != app.config.root_doc:
        return
    scripts = list(context.get("script_files", []))
    widgets = [s for s in scripts if _is_widget_script(s)]
    rest = [s for s in scripts if not _is_widget_script(s)]
    last_mathjax = max((i for i, s in enumerate(rest) if _is_mathjax_script(s)), default=-1)
    context["script_files"] = rest[: last_mathjax + 1] + widgets + rest[last_mathjax + 1 :]


def setup(app):
    app.connect("builder-inited", prepare_single_page)
    app.connect("html-page-context", add_all_documents_scripts, priority=ADD_PRIORITY)
    app.connect("html-page-context", widget_scripts_after_mathjax, priority=ORDER_PRIORITY)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
