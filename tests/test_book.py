"""Browser and link checks of the built book.

Needs the quick build that `make test` makes first (`make book-quick`, i.e.
    QL_SCALE=quick jupyter-book build --all . -n -W --keep-going --path-output _build/quick).
Every page in _toc.yml is opened in headless Chromium (Debian's /usr/bin/chromium, driven by
playwright) from a local http.server; then linkchecker crawls the same site.
"""

import functools
import http.server
import subprocess
import sys
import threading
from pathlib import Path
from urllib.parse import urlparse

import pytest
import yaml

pytestmark = pytest.mark.book

ROOT = Path(__file__).resolve().parents[1]
HTML = ROOT / "_build" / "quick" / "_build" / "html"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
LOCAL_SCHEMES = {"data", "blob", "about"}  # never leave the browser
MUST_HAVE_MATH = {"book/intro", "book/notation"}  # and every chapter (notebooks/...)


def toc_pages():
    """Document names listed in _toc.yml, root first (e.g. 'book/intro')."""
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text())
    pages = [toc["root"]]

    def walk(entries):
        for entry in entries or []:
            if "file" in entry:
                pages.append(entry["file"])
            walk(entry.get("sections"))

    walk(toc.get("chapters"))
    for part in toc.get("parts") or []:
        walk(part.get("chapters"))
    return [str(Path(p).with_suffix("")) if p.endswith((".md", ".ipynb")) else p for p in pages]


def require_build():
    assert (HTML / "index.html").is_file(), (
        f"No book build at {HTML.relative_to(ROOT)}. Run `make test`, or build it first with "
        "`make book-quick` (QL_SCALE=quick jupyter-book build --all . -n -W --keep-going "
        "--path-output _build/quick)."
    )


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass

    def end_headers(self):
        # This header lets linkchecker lift its per-host rate limit (see tests/linkcheckerrc).
        self.send_header("LinkChecker", "local test server")
        super().end_headers()


@pytest.fixture(scope="module")
def site():
    """Base URL of the built html folder served on 127.0.0.1 (a free port)."""
    handler = functools.partial(_QuietHandler, directory=str(HTML))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.mark.parametrize("docname", toc_pages())
def test_page_renders_offline(docname, site, browser):
    require_build()
    source = (HTML / f"{docname}.html").read_text(encoding="utf-8")
    requests, errors = [], []
    page = browser.new_page()
    page.on("request", lambda r: requests.append(r.url))
    page.on("console", lambda m: m.type == "error" and errors.append(m.text))
    page.on("pageerror", lambda e: errors.append(f"uncaught: {e}"))
    # Anything that would leave the machine is recorded above, then refused at once.
    page.route(
        "**/*", lambda route: route.continue_() if _is_local(route.request.url) else route.abort()
    )
    try:
        page.goto(f"{site}/{docname}.html", wait_until="load")

        has_math = 'class="math' in source  # Sphinx's markup for $...$ and $$...$$
        must = docname in MUST_HAVE_MATH or docname.startswith("notebooks/")
        assert has_math or not must, "expected maths on this page"
        if has_math:
            page.wait_for_selector("mjx-container", state="attached", timeout=20_000)
            page.evaluate("MathJax.startup.promise.then(() => true)")
            raw = page.evaluate("""[...document.querySelectorAll('span.math, div.math')]
                .filter(e => !e.querySelector('mjx-container')).map(e => e.textContent)""")
            assert not raw, f"math left untypeset by MathJax: {raw[:3]}"
            # TeX errors show as <mjx-merror>; an undefined macro as red text starting with a
            # backslash.
            bad = page.locator(
                'mjx-merror, mjx-mtext[style*="color: red"] > mjx-c.mjx-c5C:first-child'
            )
            assert bad.count() == 0, "MathJax shows a TeX error or an undefined macro"

        if "application/vnd.jupyter.widget-view+json" in source:
            page.wait_for_selector(".jupyter-widgets", state="attached", timeout=20_000)

        if docname.startswith("notebooks/"):
            images = page.locator(".cell_output img, figure img")
            assert images.count() > 0, "a chapter should show at least one figure"
            images.last.scroll_into_view_if_needed()
            page.wait_for_load_state("networkidle")
            sizes = images.evaluate_all("els => els.map(e => [e.currentSrc, e.naturalWidth])")
            broken = [src for src, width in sizes if width == 0]
            assert not broken, f"images that did not load: {broken}"
        page.wait_for_load_state("networkidle")
    finally:
        page.close()

    outside = sorted({u for u in requests if not _is_local(u)})
    assert not outside, f"requests leaving 127.0.0.1: {outside}"
    assert not errors, f"console errors: {errors}"


def _is_local(url):
    parsed = urlparse(url)
    return parsed.scheme in LOCAL_SCHEMES or parsed.hostname == "127.0.0.1"


def test_no_broken_internal_links_or_anchors(site):
    require_build()
    linkchecker = Path(sys.executable).with_name("linkchecker")
    result = subprocess.run(
        [str(linkchecker), "--config", str(ROOT / "tests" / "linkcheckerrc"), f"{site}/index.html"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    # Exit status 1 means broken links or warnings (e.g. a missing #anchor), 2 a crash.
    assert result.returncode == 0, result.stdout[-6000:] + result.stderr[-2000:]
