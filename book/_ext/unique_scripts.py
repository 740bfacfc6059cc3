"""Sphinx extension: each page loads each script once.

With Sphinx 7.4, the scripts that extensions add after the builder is set up (sphinx-thebe's inline
``const THEBE_JS_URL = ...`` configuration, sphinx-togglebutton's selector) reach every page twice;
the second ``const`` declaration then fails with "Identifier 'THEBE_JS_URL' has already been
declared" in the browser console. This drops repeated entries (same file or same inline body, same
attributes) from the page's script list, keeping the first.
"""


def _script_key(script) -> tuple:
    attributes = getattr(script, "attributes", {}) or {}
    # an inline script has no file: Sphinx records that as None or "" depending on the caller
    return (getattr(script, "filename", None) or "", tuple(sorted(attributes.items())))


def drop_repeated_scripts(app, pagename, templatename, context, doctree) -> None:
    seen, unique = set(), []
    for script in context.get("script_files", []):
        key = _script_key(script)
        if key not in seen:
            seen.add(key)
            unique.append(script)
    context["script_files"] = unique


def setup(app):
    app.connect("html-page-context", drop_repeated_scripts)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
