"""Repository, issue, edit and launch buttons: shown when the repository URL is set, else hidden.

The repository URL is set in one place, ``repository: url:`` in ``_config.yml`` (Jupyter Book
passes it to the theme as ``html_theme_options["repository_url"]``). With a URL, every page gets
the repository, issue and edit buttons, and every chapter the launch buttons configured under
``launch_buttons:`` (Binder, Colab, a JupyterHub). Without one, the theme would still try to build
those links (and fail on the empty URL). Jupyter Book itself refuses ``use_repository_button:
true`` without a URL, so ``_config.yml`` keeps the three ``use_*_button`` switches off and this
extension turns them on when a URL is set, and turns the launch buttons off when none is: setting
the URL is the only change needed, and the book builds ``-W`` clean either way.
"""

BUTTONS = ("use_repository_button", "use_issues_button", "use_edit_page_button")


def buttons_follow_url(app, config):
    """``config-inited``: with a repository URL show every button, without one none of them."""
    options = config.html_theme_options
    has_url = bool(str(options.get("repository_url") or "").strip())
    for button in BUTTONS:
        options[button] = has_url
    if not has_url:
        options["launch_buttons"] = {}


def setup(app):
    app.connect("config-inited", buttons_follow_url)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
